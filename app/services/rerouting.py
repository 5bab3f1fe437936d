"""Re-routing: a file waiting in QUEUED (its transfer pending, failed or cancelled) goes to another site."""

from __future__ import annotations

from typing import Any

from app.db.engine import SessionFactory
from app.db.models import File
from app.domain import transfers as transfer_rules
from app.domain.clock import now
from app.domain.errors import BadInput, NotFound
from app.domain.ids import parse_id
from app.domain.permissions import Actor
from app.domain.states import FileAction
from app.domain.transfers import TransferAction, TransferStatus
from app.repositories import files as files_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.services import records
from app.services.lifecycle import new_job, transition
from app.services.transfers import job_facts


async def reroute_file(
    db: SessionFactory, actor: Actor, file_id: str, destination_code: str, reason: str, **kw: Any
) -> File:
    """One transaction: the file's waiting job for the old destination is cancelled (through the transfer
    table), a failed or cancelled one is kept as it was, a fresh PENDING job is made for the new destination,
    and the REROUTE is audited with both sites and the reason. The old destination's agent is then refused on
    the old job (INVALID_TRANSITION) and on the file (FORBIDDEN: it is no longer its destination).
    A running transfer is not re-routed behind its agent's back: cancel it first."""
    why = reason.strip()
    if not why:
        raise BadInput("a re-route needs a reason", field="reason")
    if len(why) > 2000:
        raise BadInput("reason longer than 2000 characters", field="reason")
    code = destination_code.strip().lower()
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        latest = await transfers_repo.latest_for_file(session, file.id, lock=True)

        async def _reroute(f: File) -> dict[str, Any]:
            destination = await sites_repo.by_code(session, code) if code else None
            if destination is None:
                raise NotFound(f"site {destination_code!r} not found", field="destinationSite")
            if destination.id == f.site_id:
                raise BadInput(f"{destination.code} is the file's own site", field="destinationSite")
            if destination.id == f.destination_site_id:
                raise BadInput(f"the file is already routed to {destination.code}", field="destinationSite")
            previous = (await sites_repo.site_codes(session, f.destination_site_id)).get(f.destination_site_id or 0)
            ended: str | None = None
            if latest is not None and latest.status == TransferStatus.PENDING:
                facts = await job_facts(session, latest, f)
                latest.status = transfer_rules.check(actor, TransferAction.CANCEL, facts)
                latest.error = f"re-routed to {destination.code} by {actor.name}: {why}"[:2000]
                latest.updated_at = now()
                ended = str(latest.id)
                await records.publish(session, "transfer", {"transferId": latest.id, "fileId": f.id})
            f.destination_site_id = destination.id
            fresh = await new_job(session, f, None)
            session.add(fresh)
            await session.flush()
            await records.publish(session, "transfer", {"transferId": fresh.id, "fileId": f.id})
            return {
                "reason": why,
                "fromSite": previous,
                "toSite": destination.code,
                "previousTransferId": str(latest.id) if latest is not None else None,
                "cancelledTransferId": ended,
                "transferId": str(fresh.id),
            }

        return await transition(session, actor, file, FileAction.REROUTE, side_effect=_reroute, **kw)
