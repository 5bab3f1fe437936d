from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import File, Upload
from app.domain.errors import NotFound
from app.domain.packages import content_key

#: ``pg_advisory_xact_lock(_BLOB_LOCK, hashtext(sha256))`` serialises "a blob lands" with "a blob is deleted".
_BLOB_LOCK = 7270003


async def get(session: AsyncSession, upload_id: str) -> Upload:
    row = await session.get(Upload, upload_id, populate_existing=True)
    if row is None:
        raise NotFound(f"upload {upload_id} not found", id=upload_id)
    return row


async def lock(session: AsyncSession, upload_id: str) -> Upload:
    row = await session.scalar(
        select(Upload).where(Upload.id == upload_id).with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(f"upload {upload_id} not found", id=upload_id)
    return row


async def lock_blob(session: AsyncSession, sha256: str) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:k, hashtext(:sha))"), {"k": _BLOB_LOCK, "sha": sha256})


async def blob_still_needed(session: AsyncSession, key: str) -> bool:
    """Whether any file still claims this content key (files at different sites may share one blob; a package
    stream's key is ``package/<sha256>``, claimed only by packages)."""
    is_package = key.startswith("package/")
    sha256 = key[8:] if is_package else key
    kind = File.kind != "FILE" if is_package else File.kind == "FILE"
    found = await session.scalar(
        select(File.id).where(File.sha256 == sha256, kind, File.content_available.is_(True)).limit(1)
    )
    return found is not None


async def expired_file_ids(session: AsyncSession, states: Sequence[str], before: datetime, limit: int) -> list[int]:
    """Files in a final state, unchanged since ``before``, that still hold a blob; locked, skipping busy rows."""
    stmt = (
        select(File.id)
        .where(File.state.in_(states), File.updated_at < before, File.content_available.is_(True))
        .order_by(File.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.scalars(stmt)).all())


async def stale(session: AsyncSession, before: datetime, limit: int) -> Sequence[Upload]:
    """Upload rows untouched since ``before`` (abandoned partial uploads and old finished ones)."""
    stmt = (
        select(Upload)
        .where(Upload.updated_at < before)
        .order_by(Upload.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(stmt)).all()


async def count_for_file(session: AsyncSession, file_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(Upload).where(Upload.file_id == file_id)) or 0)


async def file_hashes(session: AsyncSession, file_ids: Sequence[int]) -> dict[int, str]:
    """Each file's content key (where its verified bytes land: its SHA-256, or a package's ``package/<sha256>``)."""
    rows = await session.execute(select(File.id, File.sha256, File.kind).where(File.id.in_(file_ids)))
    return {fid: content_key(kind, sha) for fid, sha, kind in rows}


async def offsets_by_file(session: AsyncSession, file_ids: Sequence[int]) -> dict[int, int]:
    """Bytes an unfinished upload of each file holds at the hub (its durable offset; the furthest if several)."""
    stmt = (
        select(Upload.file_id, func.max(Upload.offset))
        .where(Upload.file_id.in_(file_ids), Upload.completed_at.is_(None))
        .group_by(Upload.file_id)
    )
    return {fid: int(offset) for fid, offset in await session.execute(stmt)}
