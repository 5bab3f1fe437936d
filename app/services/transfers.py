"""Transfer jobs: the job row and the file's state move together, in one transaction."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File, TransferJob
from app.domain import custody as custody_rules
from app.domain import files as file_rules
from app.domain import transfers as transfer_rules
from app.domain.clock import now
from app.domain.errors import BadInput, Forbidden, InvalidTransition
from app.domain.ids import parse_id
from app.domain.permissions import Actor, ActorKind
from app.domain.states import FileAction, FileState
from app.domain.transfers import JobFacts, TransferAction, TransferStatus, Transport
from app.repositories import custody as custody_repo
from app.repositories import files as files_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.services import records
from app.services.lifecycle import new_job, transition
from app.services.periodic import every

log = logging.getLogger("colorroute.transfers")
#: Who the audit trail names when the lease fails a silent agent's job.
LEASE_ACTOR = Actor(kind=ActorKind.SYSTEM, name="system:transfer-lease")


async def job_facts(session: AsyncSession, job: TransferJob, file: File) -> JobFacts:
    """What the transfer table needs to decide a move of ``job`` (its file's rows are locked by the caller)."""
    codes = await sites_repo.site_codes(session, job.destination_site_id)
    latest = await transfers_repo.latest_for_file(session, file.id, lock=True)
    return JobFacts(
        status=TransferStatus(job.status),
        transport=Transport(job.transport),
        destination_code=codes[job.destination_site_id],
        retryable=latest is not None and latest.id == job.id and file.state == FileState.QUEUED,
    )


async def _pending_job(session: AsyncSession, file: File, latest: TransferJob | None) -> TransferJob:
    """The job a start claims: the pending one, or a fresh attempt after a failure (an agent's own retry).
    A cancelled job stays stopped until a person retries it."""
    if latest is not None and latest.status == TransferStatus.PENDING:
        return latest
    if latest is not None and latest.status == TransferStatus.CANCELLED:
        raise InvalidTransition(
            f"transfer {latest.id} was cancelled; retry it (retryTransfer) to start again",
            currentState=latest.status,
        )
    fresh = await new_job(session, file, latest)
    session.add(fresh)
    await session.flush()
    return fresh


async def start_transfer(db: SessionFactory, actor: Actor, file_id: str, **kw: Any) -> File:
    """Claim the file's pending job. Two agents racing: the row lock lets exactly one through. A HUB job is
    claimed by the destination's agent alone; people start only EXTERNAL ones."""
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        latest = await transfers_repo.latest_for_file(session, file.id, lock=True)
        job: TransferJob | None = None

        async def _start(f: File) -> dict[str, Any]:
            nonlocal job
            job = await _pending_job(session, f, latest)
            job.status = transfer_rules.next_status(TransferStatus(job.status), TransferAction.START)
            job.attempts += 1
            job.started_at = now()
            job.updated_at = now()
            job.last_progress_at = job.started_at  # the claim is where progress starts counting from
            job.stall_reported_at = None
            job.error = None
            job.bytes_transferred = 0
            return {"transferId": str(job.id), "attempt": job.attempts}

        transport = Transport(latest.transport) if latest is not None else None
        result = await transition(
            session, actor, file, FileAction.START_TRANSFER, side_effect=_start, transport=transport, **kw
        )
        assert job is not None
        await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
        return result


async def complete_transfer(
    db: SessionFactory,
    actor: Actor,
    file_id: str,
    sha256: str | None,
    delivered_path: str | None = None,
    **kw: Any,
) -> File:
    """Finish the running job with the SHA-256 the mover computed from the bytes it has: a HUB job by the
    destination's agent alone, an EXTERNAL one by its mover. A hash that differs from the file's fails the job
    and re-queues the file; no hash, no completion. ``delivered_path`` is where the mover placed the bytes on the
    destination's storage (kept on the job: a colorist's queue shows it)."""
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        job = await transfers_repo.latest_for_file(session, file.id, lock=True)
        if job is not None:
            codes = await sites_repo.site_codes(session, job.destination_site_id)
            why = transfer_rules.refusal(
                actor, TransferAction.COMPLETE, Transport(job.transport), codes[job.destination_site_id]
            )
            if why is not None:
                raise Forbidden(f"{why} (file {file.id})", action=TransferAction.COMPLETE.value)
        if job is None or job.status != TransferStatus.RUNNING or file.state != FileState.TRANSFERRING:
            raise InvalidTransition(
                f"file {file.id} has no running transfer (state {file.state})",
                currentState=file.state,
            )
        if sha256 is None or not sha256.strip():
            raise BadInput(
                "sha256 is required: the receiving side must prove what it received (the SHA-256 of its bytes)",
                field="sha256",
            )
        digest = file_rules.normalize_sha256(sha256)
        placed = file_rules.normalize_delivered_path(delivered_path)
        if digest != file.sha256:
            error = f"hash mismatch: expected {file.sha256}, received {digest}"
            return await _fail(session, actor, file, job, error, {"expected": file.sha256, "received": digest})

        async def _complete(f: File) -> dict[str, Any]:
            job.status = transfer_rules.next_status(TransferStatus(job.status), TransferAction.COMPLETE)
            job.bytes_transferred = job.bytes_total
            job.completed_at = now()
            job.updated_at = now()
            job.delivered_path = placed
            # the destination proved what it received: a custody record (docs/custody.md)
            verified = custody_rules.verified_sha256(file.destination_site_id, now(), "destination")
            await custody_repo.append(session, f, [verified])
            done = {"transferId": str(job.id), "sha256": digest, "verified": True, "transport": job.transport}
            return done | ({"deliveredPath": placed} if placed else {})

        result = await transition(
            session,
            actor,
            file,
            FileAction.COMPLETE_TRANSFER,
            side_effect=_complete,
            transport=Transport(job.transport),
            **kw,
        )
        await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
        return result


async def _end(
    session: AsyncSession,
    actor: Actor,
    file: File,
    job: TransferJob,
    action: TransferAction,
    error: str,
    details: dict[str, Any] | None = None,
) -> File:
    """End a RUNNING job (FAIL or CANCEL) and send its file back to QUEUED, in the caller's transaction."""
    file_action = FileAction.FAIL_TRANSFER if action is TransferAction.FAIL else FileAction.CANCEL_TRANSFER

    async def _mark(f: File) -> dict[str, Any]:
        job.status = transfer_rules.next_status(TransferStatus(job.status), action)
        job.error = error[:2000]
        job.completed_at = now()
        job.updated_at = now()
        return {"transferId": str(job.id), "error": job.error, "attempt": job.attempts, **(details or {})}

    result = await transition(session, actor, file, file_action, side_effect=_mark, transport=Transport(job.transport))
    await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
    return result


async def _fail(
    session: AsyncSession,
    actor: Actor,
    file: File,
    job: TransferJob,
    error: str,
    details: dict[str, Any] | None = None,
) -> File:
    return await _end(session, actor, file, job, TransferAction.FAIL, error, details)


async def fail_transfer(db: SessionFactory, actor: Actor, transfer_id: str, error: str) -> TransferJob:
    tid = parse_id(transfer_id, "transfer")
    if not error.strip():
        raise BadInput("error must describe what failed", field="error")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        file = await files_repo.lock(session, job.file_id)
        transfer_rules.check(actor, TransferAction.FAIL, await job_facts(session, job, file))
        await _fail(session, actor, file, job, error.strip())
        return job


async def cancel_transfer(db: SessionFactory, actor: Actor, transfer_id: str, reason: str | None) -> TransferJob:
    """A person stops a waiting or running job. A running one sends its file back to QUEUED (its agent is told
    INVALID_TRANSITION on its next call and drops the job); either way nothing claims it again until a retry."""
    tid = parse_id(transfer_id, "transfer")
    why = (reason or "").strip()
    if len(why) > 2000:
        raise BadInput("reason longer than 2000 characters", field="reason")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        file = await files_repo.lock(session, job.file_id)
        facts = await job_facts(session, job, file)
        transfer_rules.check(actor, TransferAction.CANCEL, facts)
        error = f"cancelled by {actor.name}" + (f": {why}" if why else "")
        details = {"reason": why} if why else None
        if facts.status is TransferStatus.RUNNING:
            await _end(session, actor, file, job, TransferAction.CANCEL, error, details)
            return job
        job.status = transfer_rules.next_status(facts.status, TransferAction.CANCEL)
        job.error = error
        job.updated_at = now()
        await records.audit(
            session,
            actor,
            FileAction.CANCEL_TRANSFER.value,
            file_id=file.id,
            details={"transferId": str(job.id), **(details or {})},
            emit=True,
        )
        await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
        return job


async def retry_transfer(db: SessionFactory, actor: Actor, transfer_id: str) -> TransferJob:
    """An operator's retry of a failed or cancelled job: a fresh PENDING attempt for a file waiting in QUEUED."""
    tid = parse_id(transfer_id, "transfer")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        file = await files_repo.lock(session, job.file_id)
        facts = await job_facts(session, job, file)
        transfer_rules.check(actor, TransferAction.RETRY, facts)
        fresh = await new_job(session, file, job)
        session.add(fresh)
        await session.flush()
        await records.audit(
            session,
            actor,
            "RETRY_TRANSFER",
            file_id=file.id,
            details={"failedTransferId": str(job.id), "transferId": str(fresh.id)},
            emit=True,
        )
        await records.publish(session, "transfer", {"transferId": fresh.id, "fileId": file.id})
        return fresh


async def report_progress(
    db: SessionFactory, actor: Actor, transfer_id: str, bytes_transferred: int, rate: float | None = None
) -> TransferJob:
    """Progress is light: it updates the job row and NOTIFYs, but writes no audit row and no outbox event.
    Only who may complete the job reports its progress (a HUB job's bar moves with its agent's bytes alone)."""
    tid = parse_id(transfer_id, "transfer")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        codes = await sites_repo.site_codes(session, job.destination_site_id)
        why = transfer_rules.refusal(
            actor,
            TransferAction.COMPLETE,
            Transport(job.transport),
            codes[job.destination_site_id],
            "report progress of",
        )
        if why is not None:
            raise Forbidden(f"{why} (transfer {tid})")
        if job.status != TransferStatus.RUNNING:
            raise InvalidTransition(f"transfer {tid} is {job.status}, not RUNNING", currentState=job.status)
        if bytes_transferred < 0 or bytes_transferred > job.bytes_total:
            raise BadInput(f"bytesTransferred must be between 0 and {job.bytes_total}", field="bytesTransferred")
        t = now()
        if rate is None and job.started_at is not None:
            elapsed = max((t - job.started_at).total_seconds(), 1e-3)
            rate = bytes_transferred / elapsed
        if bytes_transferred != job.bytes_transferred:
            # Bytes moved: the lease and the stalled flag follow this, and a stall announced before is over.
            job.last_progress_at = t
            job.stall_reported_at = None
        job.bytes_transferred = bytes_transferred
        job.rate_bytes_per_second = rate
        job.updated_at = t
        # The values themselves travel with the signal: a subscriber shows this report, not whatever the row
        # holds by the time the signal is delivered (transferEvents).
        signal = {"transferId": job.id, "fileId": job.file_id, "at": time.time(), "bytesTransferred": bytes_transferred}
        await records.notify_ephemeral(session, {**signal, "rateBytesPerSecond": rate})
        return job


async def fail_silent_transfers(db: SessionFactory, stall: timedelta, limit: int = 50) -> list[TransferJob]:
    """The lease: fail RUNNING hub jobs whose bytes have not moved for ``stall`` (its agent died, hangs, or
    never claimed it; the destination site's heartbeat does not keep a job alive), through the transfer table
    and the same path as any failed transfer (job FAILED and kept, file back to QUEUED, audit row, events), so
    the job can be retried. Safe on every replica at once: each job is picked under a SKIP LOCKED row lock and
    re-checked on the locked row."""
    failed: list[TransferJob] = []
    async with db() as session, session.begin():
        t = now()
        for job, file in await transfers_repo.lock_silent(session, t - stall, limit):
            transfer_rules.check(LEASE_ACTOR, TransferAction.FAIL, await job_facts(session, job, file))
            last: datetime = job.last_progress_at or job.started_at or job.updated_at
            silent = int((t - last).total_seconds())
            details = {"reason": "NO_PROGRESS", "silentSeconds": silent, "lastProgressAt": last.isoformat()}
            await _fail(session, LEASE_ACTOR, file, job, f"no progress for {silent} s", details)
            failed.append(job)
    for job in failed:
        log.warning("transfer %s failed: %s (file %s back to QUEUED)", job.id, job.error, job.file_id)
    return failed


async def announce_stalls(db: SessionFactory, warn: timedelta) -> list[int]:
    """Tell ``transferEvents`` subscribers when a RUNNING job stalls (no progress for ``warn``): ``stalled`` is
    read from the clock, so nothing else would push the change. Once per stall; progress re-arms it."""
    async with db() as session, session.begin():
        t = now()
        marked = await transfers_repo.mark_stalled(session, t - warn, t)
        for tid, fid in marked:
            await records.publish(session, "transfer", {"transferId": tid, "fileId": fid, "stalled": True})
    return [tid for tid, _ in marked]


async def lease_loop(db: SessionFactory, settings: Settings) -> None:
    """Announce stalls and run the lease for the app's lifetime, a few times per warning and stall period."""
    stall = timedelta(seconds=settings.transfer_stall_seconds)
    warn = timedelta(seconds=settings.transfer_stall_warn_seconds)
    period = min(30.0, settings.transfer_stall_seconds / 4, settings.transfer_stall_warn_seconds / 4)

    async def sweep() -> None:
        await announce_stalls(db, warn)
        await fail_silent_transfers(db, stall)

    await every(period, sweep, "transfer lease sweep")
