"""Bulk file actions: one request, many files, each through the same service call (and so the same permission
check, state table, transaction and audit row) as the single mutation. A refused file is reported with its
code and does not undo the files done before it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from app.config import Settings
from app.db.engine import SessionFactory, reader
from app.db.models import File
from app.domain.errors import BadInput, DomainError, Forbidden
from app.domain.permissions import Actor, may_ever
from app.domain.states import FileAction
from app.repositories import files as files_repo
from app.services import intake, lifecycle, reads

log = logging.getLogger(__name__)

#: The steps a bulk action may take: the daily triage of many files at once.
BULK_ACTIONS = (FileAction.VALIDATE, FileAction.QUEUE, FileAction.ASSIGN, FileAction.REJECT)


@dataclass(frozen=True)
class BulkRequest:
    action: FileAction
    ids: Sequence[str] | None = None
    filter: reads.FileListQuery | None = None
    destination_site: str | None = None
    colorist_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BulkFailure:
    file_id: str
    code: str
    message: str


@dataclass
class BulkOutcome:
    succeeded: list[File] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)


def _check(actor: Actor, req: BulkRequest) -> None:
    """Refuse the whole request, before any file changes, when it cannot be right for any file."""
    if (req.ids is None) == (req.filter is None):
        raise BadInput("give either ids or filter, not both and not neither", field="ids")
    if req.action not in BULK_ACTIONS:
        allowed = ", ".join(a.value for a in BULK_ACTIONS)
        raise BadInput(f"{req.action.value} is not a bulk action (one of {allowed})", field="action")
    if req.action is FileAction.ASSIGN and not (req.colorist_id or "").strip():
        raise BadInput("assigning needs a coloristId", field="coloristId")
    if req.action is FileAction.REJECT and not (req.reason or "").strip():
        raise BadInput("a rejection needs a reason", field="reason")
    if not may_ever(actor, req.action):
        raise Forbidden(f"{actor.name} may not {req.action.value} files", action=req.action.value)


async def _targets(db: SessionFactory, settings: Settings, actor: Actor, req: BulkRequest) -> list[str]:
    """The files named, or those the filter matches now; more than ``bulk_max_files`` is refused."""
    cap = settings.bulk_max_files
    if req.ids is not None:
        ids = list(dict.fromkeys(req.ids))
    else:
        assert req.filter is not None
        query = await reads.file_query(db, actor, req.filter)
        async with reader(db)() as session:
            ids = [str(i) for i in await files_repo.matching_ids(session, query, cap + 1)]
    if len(ids) > cap:
        raise BadInput(f"a bulk action takes at most {cap} files; narrow the selection", field="ids", limit=cap)
    return ids


def _step(db: SessionFactory, settings: Settings, actor: Actor, req: BulkRequest) -> Callable[[str], Awaitable[File]]:
    """The single mutation's service call for this action."""
    if req.action is FileAction.VALIDATE:
        return lambda fid: lifecycle.validate_file(db, settings, actor, fid)
    if req.action is FileAction.QUEUE:
        return lambda fid: intake.queue(db, actor, fid, req.destination_site)
    if req.action is FileAction.ASSIGN:
        return lambda fid: lifecycle.assign_colorist(db, actor, fid, req.colorist_id or "")
    return lambda fid: lifecycle.reject_file(db, actor, fid, req.reason or "")


async def run(db: SessionFactory, settings: Settings, actor: Actor, req: BulkRequest) -> BulkOutcome:
    """Each file in its own transaction, one after another (they serialise on their rows anyway)."""
    _check(actor, req)
    ids = await _targets(db, settings, actor, req)
    step = _step(db, settings, actor, req)
    outcome = BulkOutcome()
    for fid in ids:
        try:
            outcome.succeeded.append(await step(fid))
        except DomainError as exc:
            outcome.failed.append(BulkFailure(fid, exc.code, exc.message))
        except Exception:
            # One file's unexpected failure must not leave the others unreported; it is logged in full here.
            log.exception("bulk %s failed on file %s", req.action.value, fid)
            outcome.failed.append(BulkFailure(fid, "INTERNAL", "unexpected error; see the server log"))
    return outcome
