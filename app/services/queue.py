"""A colorist's own queue: what is assigned to them (read from the session's identity, never from an argument),
and the hand-back, an audited step back to TRANSFERRED that clears the assignment instead of a final reject."""

from __future__ import annotations

from typing import Any

from app.db.engine import SessionFactory
from app.db.models import File, User
from app.domain.errors import BadInput, Forbidden
from app.domain.ids import parse_id
from app.domain.permissions import Actor, ActorKind
from app.domain.states import FileAction, FileState
from app.repositories import files as files_repo
from app.services.lifecycle import transition

#: What "assigned to me" means in the lifecycle: assigned and not yet started, or being graded.
QUEUE_STATES = (FileState.COLORIST_ASSIGNED, FileState.IN_PROGRESS)
MAX_REASON = 2000


def queue_owner(actor: Actor) -> int:
    """The user whose queue ``actor`` reads: the signed-in person. A daemon key has no queue (FORBIDDEN)."""
    if actor.kind is not ActorKind.USER or actor.user_id is None:
        raise Forbidden(f"{actor.name} has no queue: only a signed-in person has files assigned")
    return actor.user_id


def queue_query(actor: Actor) -> files_repo.FileQuery:
    """The files list restricted to the viewer's assigned work (an engineer's or admin's is empty: only
    colorists are assigned files)."""
    return files_repo.FileQuery(states=tuple(s.value for s in QUEUE_STATES), colorist_id=queue_owner(actor))


async def hand_back_file(db: SessionFactory, actor: Actor, file_id: str, reason: str, **kw: Any) -> File:
    """The file goes back to TRANSFERRED with no colorist, to be assigned again; the audit entry keeps the reason
    and who had it. Only the assigned colorist, engineers and admins may (the permission matrix)."""
    why = reason.strip()
    if not why:
        raise BadInput("a hand-back needs a reason", field="reason")
    if len(why) > MAX_REASON:
        raise BadInput(f"reason longer than {MAX_REASON} characters", field="reason")
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)

        async def _release(f: File) -> dict[str, Any]:
            previous = f.colorist_id
            colorist = await session.get(User, previous) if previous is not None else None
            f.colorist_id = None
            return {
                "reason": why,
                "previousColoristId": previous,
                "colorist": colorist.username if colorist is not None else None,
            }

        return await transition(session, actor, file, FileAction.HAND_BACK, side_effect=_release, **kw)
