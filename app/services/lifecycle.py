"""The one function every file state change goes through, and the plain file actions built on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File, TransferJob, User
from app.domain import custody as custody_rules
from app.domain import files as file_rules
from app.domain import transfers as transfer_rules
from app.domain.clock import now
from app.domain.errors import BadInput, Conflict, Forbidden, NotFound
from app.domain.ids import parse_id
from app.domain.permissions import Actor, FileFacts, Role, refusal
from app.domain.states import FileAction, FileState, next_state
from app.domain.transfers import TransferAction, TransferStatus, Transport
from app.repositories import files as files_repo
from app.repositories import packages as packages_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.services import records

SideEffect = Callable[[File], Awaitable[dict[str, Any] | None]]


async def facts(session: AsyncSession, file: File, transport: Transport | None = None) -> FileFacts:
    codes = await sites_repo.site_codes(session, file.site_id, file.destination_site_id)
    return FileFacts(
        site_code=codes[file.site_id],
        destination_code=codes.get(file.destination_site_id) if file.destination_site_id else None,
        colorist_id=file.colorist_id,
        transport=transport,
    )


async def transition(
    session: AsyncSession,
    actor: Actor,
    file: File,
    action: FileAction,
    *,
    expected_version: int | None = None,
    side_effect: SideEffect | None = None,
    details: dict[str, Any] | None = None,
    transport: Transport | None = None,
) -> File:
    """Apply ``action`` to a file already locked in ``session``: permission, version, table, side effect,
    version bump, audit row and event, in that order, all inside the caller's transaction. ``transport`` is
    that of the file's transfer job, for the actions that move it (who may start or complete it depends on it)."""
    reason = refusal(actor, action, await facts(session, file, transport))
    if reason is not None:
        raise Forbidden(f"{reason} (file {file.id})", action=action.value)
    if expected_version is not None and expected_version != file.version:
        raise Conflict(
            f"file {file.id} is at version {file.version}, not {expected_version}",
            currentVersion=file.version,
        )
    from_state = FileState(file.state)
    to_state = next_state(from_state, action)
    extra = await side_effect(file) if side_effect else None
    file.state = to_state
    file.version += 1
    file.updated_at = now()
    all_details = {**(details or {}), **(extra or {})} or None
    await records.transition_written(
        session,
        actor,
        file.id,
        files_repo.take_changes(file),
        action.value,
        from_state.value,
        to_state.value,
        all_details,
    )
    return file


async def act(
    db: SessionFactory,
    actor: Actor,
    file_id: str | int,
    action: FileAction,
    *,
    expected_version: int | None = None,
    side_effect: SideEffect | None = None,
    details: dict[str, Any] | None = None,
) -> File:
    """One transaction around ``transition``: lock the row, change it, commit."""
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        return await transition(
            session,
            actor,
            file,
            action,
            expected_version=expected_version,
            side_effect=side_effect,
            details=details,
        )


async def validate_file(db: SessionFactory, settings: Settings, actor: Actor, file_id: str, **kw: Any) -> File:
    """Run the real checks; a file that fails them is rejected with the reason codes in the audit."""
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file, duplicate = await files_repo.lock_with_duplicate(session, fid)
        if (
            file.state == FileState.DETECTED.value
            and refusal(actor, FileAction.VALIDATE, await facts(session, file)) is None
        ):
            # a card that failed its ASC MHL verification, unaccepted
            custody_rules.check_validation(file.id, file.integrity_error, file.integrity_accepted_reason)
        failures = file_rules.validation_failures(
            filename=await packages_repo.name_to_validate(session, file, settings.allowed_extensions),
            size_bytes=file.size_bytes,
            sha256=file.sha256,
            allowed_extensions=settings.allowed_extensions,
            duplicate_of=duplicate,
        )
        if not failures:
            return await transition(session, actor, file, FileAction.VALIDATE, details={"checks": "passed"}, **kw)
        reason = "; ".join(f.message for f in failures)

        async def _reject(f: File) -> dict[str, Any]:
            f.rejection_reason = reason
            return {"reason": reason, "codes": [x.code for x in failures], "during": "VALIDATE"}

        # Validation is what was asked for: the rejection must be legal where VALIDATE is.
        next_state(FileState(file.state), FileAction.VALIDATE)
        return await transition(session, actor, file, FileAction.REJECT, side_effect=_reject, **kw)


async def new_job(session: AsyncSession, file: File, previous: TransferJob | None) -> TransferJob:
    """A PENDING job moving ``file`` to its destination: a first one (``previous`` None: the transport its source
    site allows), or a fresh attempt, which keeps the transport and attempts of ``previous``: how its bytes
    travel has not changed."""
    assert file.destination_site_id is not None
    return TransferJob(
        file_id=file.id,
        source_site_id=file.site_id,
        destination_site_id=file.destination_site_id,
        transport=previous.transport if previous else await transfers_repo.transport_for(session, file),
        status=TransferStatus.PENDING,
        bytes_total=file.size_bytes,
        bytes_transferred=0,
        attempts=previous.attempts if previous else 0,
        created_at=now(),
        updated_at=now(),
    )


async def queue_file(
    db: SessionFactory,
    actor: Actor,
    file_id: str,
    destination_code: str | None,
    *,
    routing_rule_id: int | None = None,
    **kw: Any,
) -> File:
    fid = parse_id(file_id)
    if destination_code is None or not destination_code.strip():
        raise BadInput("destinationSite is required (no routing rule chose one)", field="destinationSite")
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        destination = await sites_repo.by_code(session, destination_code)
        if destination is None:
            raise BadInput(f"unknown site {destination_code!r}", field="destinationSite")
        if destination.id == file.site_id:
            raise BadInput("destinationSite must differ from the file's own site", field="destinationSite")

        async def _create_job(f: File) -> dict[str, Any]:
            f.destination_site_id = destination.id
            if routing_rule_id is not None:
                f.routing_rule_id = routing_rule_id
            job = await new_job(session, f, None)
            session.add(job)
            await session.flush()
            await records.publish(session, "transfer", {"transferId": job.id, "fileId": f.id})
            return {"destinationSite": destination.code, "transferId": str(job.id)}

        return await transition(session, actor, file, FileAction.QUEUE, side_effect=_create_job, **kw)


async def assign_colorist(db: SessionFactory, actor: Actor, file_id: str, colorist_id: str, **kw: Any) -> File:
    fid = parse_id(file_id)
    uid = parse_id(colorist_id, "user")
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        colorist = await session.get(User, uid)
        if colorist is None:
            raise NotFound(f"user {colorist_id} not found", id=str(colorist_id))
        if colorist.role != Role.COLORIST.value or not colorist.active:
            raise BadInput(f"user {colorist.username} is not an active colorist", field="coloristId")

        async def _assign(f: File) -> dict[str, Any]:
            previous = f.colorist_id
            f.colorist_id = colorist.id
            colorist.last_assigned_at = now()
            return {"colorist": colorist.username, "coloristId": colorist.id, "previousColoristId": previous}

        return await transition(session, actor, file, FileAction.ASSIGN, side_effect=_assign, **kw)


async def reject_file(db: SessionFactory, actor: Actor, file_id: str, reason: str, **kw: Any) -> File:
    reason = reason.strip()
    if not reason:
        raise BadInput("a rejection needs a reason", field="reason")
    if len(reason) > 2000:
        raise BadInput("reason longer than 2000 characters", field="reason")
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)

        async def _reject(f: File) -> dict[str, Any]:
            f.rejection_reason = reason
            cancelled = await _cancel_active_jobs(session, f, reason)
            return {"reason": reason, "cancelledTransfers": cancelled}

        return await transition(session, actor, file, FileAction.REJECT, side_effect=_reject, **kw)


async def _cancel_active_jobs(session: AsyncSession, file: File, reason: str) -> list[str]:
    cancelled: list[str] = []
    """A rejected file's waiting or running job ends with it: the REJECT was the permitted step, the table
    only confirms the job may be cancelled."""
    for job in await transfers_repo.by_file_ids(session, [file.id]):
        if job.status in transfer_rules.ACTIVE:
            job.status = transfer_rules.next_status(TransferStatus(job.status), TransferAction.CANCEL)
            job.error = f"file rejected: {reason}"
            job.updated_at = now()
            cancelled.append(str(job.id))
            await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
    return cancelled
