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
from app.domain import files as file_rules
from app.domain.errors import BadInput, Forbidden, InvalidTransition
from app.domain.permissions import Actor, ActorKind, Capability, has_capability
from app.domain.states import FileAction, FileState
from app.repositories import files as files_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.services import records
from app.services.lifecycle import now, parse_id, transition
from app.services.periodic import every

log = logging.getLogger("colorroute.transfers")
#: Who the audit trail names when the lease fails a silent agent's job.
LEASE_ACTOR = Actor(kind=ActorKind.SYSTEM, name="system:transfer-lease")


async def _new_job(session: AsyncSession, file: File, previous: TransferJob | None) -> TransferJob:
    """A fresh attempt keeps the transport the file was queued with: how its bytes travel has not changed."""
    assert file.destination_site_id is not None
    return TransferJob(
        file_id=file.id,
        source_site_id=file.site_id,
        destination_site_id=file.destination_site_id,
        transport=previous.transport if previous else await transfers_repo.transport_for(session, file),
        status="PENDING",
        bytes_total=file.size_bytes,
        bytes_transferred=0,
        attempts=previous.attempts if previous else 0,
        created_at=now(),
        updated_at=now(),
    )


async def _pending_job(session: AsyncSession, file: File) -> TransferJob:
    """The job a start claims: the pending one, or a fresh attempt after a failure."""
    job = await transfers_repo.latest_for_file(session, file.id, lock=True)
    if job is not None and job.status == "PENDING":
        return job
    fresh = await _new_job(session, file, job)
    session.add(fresh)
    await session.flush()
    return fresh


async def start_transfer(db: SessionFactory, actor: Actor, file_id: str, **kw: Any) -> File:
    """Claim the file's pending job. Two agents racing: the row lock lets exactly one through."""
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        job: TransferJob | None = None

        async def _start(f: File) -> dict[str, Any]:
            nonlocal job
            job = await _pending_job(session, f)
            job.status = "RUNNING"
            job.attempts += 1
            job.started_at = now()
            job.updated_at = now()
            job.error = None
            job.bytes_transferred = 0
            return {"transferId": str(job.id), "attempt": job.attempts}

        result = await transition(session, actor, file, FileAction.START_TRANSFER, side_effect=_start, **kw)
        assert job is not None
        await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
        return result


async def complete_transfer(db: SessionFactory, actor: Actor, file_id: str, sha256: str | None, **kw: Any) -> File:
    """Finish the running job. A hash that differs from the file's fails the job and re-queues the file."""
    fid = parse_id(file_id)
    digest = file_rules.normalize_sha256(sha256) if sha256 is not None else None
    if digest is None and actor.kind is not ActorKind.USER:
        raise BadInput("sha256 is required: the receiving side must prove what it received", field="sha256")
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        job = await transfers_repo.latest_for_file(session, file.id, lock=True)
        if job is None or job.status != "RUNNING" or file.state != FileState.TRANSFERRING.value:
            raise InvalidTransition(
                f"file {file.id} has no running transfer (state {file.state})",
                currentState=file.state,
            )
        if digest is not None and digest != file.sha256:
            error = f"hash mismatch: expected {file.sha256}, received {digest}"
            return await _fail(session, actor, file, job, error, {"expected": file.sha256, "received": digest})

        async def _complete(f: File) -> dict[str, Any]:
            job.status = "COMPLETED"
            job.bytes_transferred = job.bytes_total
            job.completed_at = now()
            job.updated_at = now()
            return {"transferId": str(job.id), "sha256": digest, "verified": digest is not None}

        result = await transition(session, actor, file, FileAction.COMPLETE_TRANSFER, side_effect=_complete, **kw)
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
    async def _mark(f: File) -> dict[str, Any]:
        job.status = "FAILED"
        job.error = error[:2000]
        job.completed_at = now()
        job.updated_at = now()
        return {"transferId": str(job.id), "error": job.error, "attempt": job.attempts, **(details or {})}

    result = await transition(session, actor, file, FileAction.FAIL_TRANSFER, side_effect=_mark)
    await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
    return result


async def fail_transfer(db: SessionFactory, actor: Actor, transfer_id: str, error: str) -> TransferJob:
    tid = parse_id(transfer_id, "transfer")
    if not error.strip():
        raise BadInput("error must describe what failed", field="error")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        file = await files_repo.lock(session, job.file_id)
        if job.status != "RUNNING":
            raise InvalidTransition(f"transfer {tid} is {job.status}, not RUNNING", currentState=job.status)
        await _fail(session, actor, file, job, error.strip())
        return job


async def retry_transfer(db: SessionFactory, actor: Actor, transfer_id: str) -> TransferJob:
    """An operator's retry of a failed job: a fresh PENDING attempt for a file waiting in QUEUED."""
    tid = parse_id(transfer_id, "transfer")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        file = await files_repo.lock(session, job.file_id)
        codes = await sites_repo.site_codes(session, job.destination_site_id)
        if not has_capability(actor, Capability.RETRY_TRANSFERS, codes.get(job.destination_site_id)):
            raise Forbidden(f"{actor.name} may not retry transfers")
        latest = await transfers_repo.latest_for_file(session, file.id, lock=True)
        if job.status != "FAILED" or latest is None or latest.id != job.id or file.state != FileState.QUEUED.value:
            raise InvalidTransition(
                f"transfer {tid} is {job.status} and file {file.id} is {file.state}: only the latest failed "
                "transfer of a QUEUED file can be retried",
                currentState=job.status,
            )
        fresh = await _new_job(session, file, job)
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
    """Progress is light: it updates the job row and NOTIFYs, but writes no audit row and no outbox event."""
    tid = parse_id(transfer_id, "transfer")
    async with db() as session, session.begin():
        job = await transfers_repo.lock(session, tid)
        codes = await sites_repo.site_codes(session, job.destination_site_id)
        if not has_capability(actor, Capability.RUN_TRANSFERS, codes[job.destination_site_id]):
            raise Forbidden(f"{actor.name} may not report progress for transfer {tid}")
        if job.status != "RUNNING":
            raise InvalidTransition(f"transfer {tid} is {job.status}, not RUNNING", currentState=job.status)
        if bytes_transferred < 0 or bytes_transferred > job.bytes_total:
            raise BadInput(f"bytesTransferred must be between 0 and {job.bytes_total}", field="bytesTransferred")
        t = now()
        if rate is None and job.started_at is not None:
            elapsed = max((t - job.started_at).total_seconds(), 1e-3)
            rate = bytes_transferred / elapsed
        job.bytes_transferred = bytes_transferred
        job.rate_bytes_per_second = rate
        job.updated_at = t
        # The values themselves travel with the signal: a subscriber shows this report, not whatever the row
        # holds by the time the signal is delivered (transferEvents).
        signal = {"transferId": job.id, "fileId": job.file_id, "at": time.time(), "bytesTransferred": bytes_transferred}
        await records.notify_ephemeral(session, {**signal, "rateBytesPerSecond": rate})
        return job


async def fail_silent_transfers(db: SessionFactory, stall: timedelta, limit: int = 50) -> list[TransferJob]:
    """The lease: fail RUNNING hub jobs whose agent has been silent (no progress, no heartbeat from the
    destination site) for ``stall``, through the same path as any failed transfer (job FAILED and kept, file
    back to QUEUED, audit row, events), so the job can be retried. Safe on every replica at once: each job is
    picked under a SKIP LOCKED row lock and re-checked on the locked row."""
    failed: list[TransferJob] = []
    async with db() as session, session.begin():
        t = now()
        for job, file, heartbeat in await transfers_repo.lock_silent(session, t - stall, limit):
            last_heard: datetime = max(job.updated_at, heartbeat) if heartbeat else job.updated_at
            silent = int((t - last_heard).total_seconds())
            details = {"reason": "AGENT_SILENT", "silentSeconds": silent, "lastHeardAt": last_heard.isoformat()}
            await _fail(session, LEASE_ACTOR, file, job, f"agent silent for {silent} s", details)
            failed.append(job)
    for job in failed:
        log.warning("transfer %s failed: %s (file %s back to QUEUED)", job.id, job.error, job.file_id)
    return failed


async def lease_loop(db: SessionFactory, settings: Settings) -> None:
    """Run the lease sweep for the app's lifetime, a few times per stall period."""
    stall = timedelta(seconds=settings.transfer_stall_seconds)
    period = min(30.0, settings.transfer_stall_seconds / 4)
    await every(period, lambda: fail_silent_transfers(db, stall), "transfer lease sweep")
