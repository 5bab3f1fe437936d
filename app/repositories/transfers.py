"""Transfer job queries, including the lease sweep's pick of silent RUNNING jobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import File, Site, TransferJob
from app.domain.errors import NotFound
from app.domain.states import FileState
from app.domain.transfers import ACTIVE as ACTIVE_STATUSES
from app.domain.transfers import TransferStatus, Transport
from app.repositories.pagination import Page

ACTIVE = tuple(s.value for s in ACTIVE_STATUSES)
HUB = Transport.HUB.value
#: Bytes moved outside the hub (RaySync, ...): start, progress and completion come through the API.
EXTERNAL = Transport.EXTERNAL.value


async def by_file_ids(session: AsyncSession, file_ids: Sequence[int]) -> Sequence[TransferJob]:
    stmt = select(TransferJob).where(TransferJob.file_id.in_(file_ids)).order_by(TransferJob.id)
    return (await session.scalars(stmt)).all()


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[TransferJob]:
    return (await session.scalars(select(TransferJob).where(TransferJob.id.in_(ids)))).all()


async def latest_for_file(session: AsyncSession, file_id: int, *, lock: bool = False) -> TransferJob | None:
    stmt = select(TransferJob).where(TransferJob.file_id == file_id).order_by(TransferJob.id.desc()).limit(1)
    if lock:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def lock(session: AsyncSession, transfer_id: int) -> TransferJob:
    row = await session.scalar(
        select(TransferJob)
        .where(TransferJob.id == transfer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(f"transfer {transfer_id} not found", id=str(transfer_id))
    return row


async def page(
    session: AsyncSession,
    status: str | None,
    first: int,
    after_id: int | None,
    site_id: int | None = None,
) -> Page[TransferJob]:
    stmt = select(TransferJob)
    if status is not None:
        stmt = stmt.where(TransferJob.status == status)
    if site_id is not None:
        stmt = stmt.where((TransferJob.source_site_id == site_id) | (TransferJob.destination_site_id == site_id))
    if after_id is not None:
        stmt = stmt.where(TransferJob.id < after_id)
    rows = (await session.scalars(stmt.order_by(TransferJob.id.desc()).limit(first + 1))).all()
    return Page(items=list(rows[:first]), has_next=len(rows) > first)


async def count(session: AsyncSession, status: str | None, site_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(TransferJob)
    if status is not None:
        stmt = stmt.where(TransferJob.status == status)
    if site_id is not None:
        stmt = stmt.where((TransferJob.source_site_id == site_id) | (TransferJob.destination_site_id == site_id))
    return int(await session.scalar(stmt) or 0)


async def active_count(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(TransferJob).where(TransferJob.status.in_(ACTIVE))
    return int(await session.scalar(stmt) or 0)


async def transport_for(session: AsyncSession, file: File) -> str:
    """HUB unless the source site's daemon runs ``--metadata-only`` and the bytes are not on the hub already:
    then no agent could ever fetch them, and whatever moves them drives the job through the API."""
    metadata_only = await session.scalar(select(Site.metadata_only).where(Site.id == file.site_id))
    return EXTERNAL if metadata_only and not file.content_available else HUB


async def lock_silent(session: AsyncSession, silent_since: datetime, limit: int) -> Sequence[tuple[TransferJob, File]]:
    """RUNNING hub jobs whose bytes have not moved since ``silent_since``, with their files, both rows locked.
    Only the job's own progress counts: its destination site may keep beating while no agent moves it.
    SKIP LOCKED: a job another replica's sweep (or any transition) holds is left to it, so two sweepers never
    fail the same job and the sweep never waits behind a transfer. The conditions are evaluated on the locked
    rows, so a job that moved on meanwhile is not returned."""
    stmt = (
        select(TransferJob, File)
        .join(File, File.id == TransferJob.file_id)
        .where(
            TransferJob.status == TransferStatus.RUNNING.value,
            TransferJob.transport == HUB,
            _last_progress() < silent_since,
            File.state == FileState.TRANSFERRING.value,
        )
        .order_by(TransferJob.id)
        .limit(limit)
        .with_for_update(of=[TransferJob, File], skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return [(job, file) for job, file in (await session.execute(stmt)).all()]


def _last_progress() -> Any:
    # Rows from before progress was recorded fall back to their start (as TransferJob.lastProgressAt shows).
    return func.coalesce(TransferJob.last_progress_at, TransferJob.started_at, TransferJob.updated_at)


async def mark_stalled(session: AsyncSession, stalled_since: datetime, at: datetime) -> Sequence[tuple[int, int]]:
    """Mark RUNNING jobs (either transport) whose bytes have not moved since ``stalled_since`` and whose stall
    was not announced yet; (job id, file id) of each. One UPDATE: replicas sweeping at once mark each once."""
    stmt = (
        update(TransferJob)
        .where(
            TransferJob.status == TransferStatus.RUNNING.value,
            _last_progress() < stalled_since,
            TransferJob.stall_reported_at.is_(None),
        )
        .values(stall_reported_at=at)
        .returning(TransferJob.id, TransferJob.file_id)
    )
    return [(tid, fid) for tid, fid in (await session.execute(stmt)).all()]
