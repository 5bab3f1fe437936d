"""The S3 side of a tus upload, kept in its row so any replica continues it: the multipart UploadId, the parts
the store acknowledged (number, ETag, size), the short tail not yet a part, and the running SHA-256's state.

Every write is a compare-and-set on the durable offset, so of two replicas writing one upload at once only one
advances it; part numbers are claimed from a counter in the row, so the loser's parts never replace the
winner's (they are simply not listed when the upload completes, and S3 drops them then).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.expression import cast

from app.db.engine import SessionFactory
from app.db.models import Upload
from app.domain.clock import now
from app.domain.errors import Conflict, NotFound
from app.repositories import uploads as uploads_repo
from app.services.periodic import every
from app.services.uploads import announce_progress
from app.transfers.stores import BlobStorage

log = logging.getLogger("colorroute.multipart")

#: Part as stored in ``uploads.parts``: ``[number, etag, size]``.
Part = tuple[int, str, int]


@dataclass(frozen=True)
class MultipartState:
    offset: int
    store_upload_id: str | None
    parts: tuple[Part, ...]
    tail: bytes
    sha256_state: bytes | None


async def load(db: SessionFactory, upload_id: str) -> MultipartState:
    async with db() as session:
        row = await uploads_repo.get(session, upload_id)
        return MultipartState(
            offset=row.offset,
            store_upload_id=row.store_upload_id,
            parts=tuple((int(n), str(e), int(s)) for n, e, s in row.parts or []),
            tail=bytes(row.tail or b""),
            sha256_state=bytes(row.sha256_state) if row.sha256_state is not None else None,
        )


async def attach(db: SessionFactory, upload_id: str, store_upload_id: str) -> str:
    """Record the multipart upload begun for ``upload_id``, unless another replica recorded one first: the
    UploadId that counts."""
    async with db() as session, session.begin():
        await session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.store_upload_id.is_(None))
            .values(store_upload_id=store_upload_id)
        )
        current = await session.scalar(select(Upload.store_upload_id).where(Upload.id == upload_id))
        if current is None:
            raise Conflict(f"upload {upload_id} is gone")
        return current


async def claim_part(db: SessionFactory, upload_id: str) -> int:
    """A part number no other writer of this upload will use."""
    async with db() as session, session.begin():
        number = await session.scalar(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(next_part=Upload.next_part + 1)
            .returning(Upload.next_part - 1)
        )
        if number is None:
            raise NotFound(f"upload {upload_id} not found (it ended meanwhile)", id=upload_id)
        if number > 10000:
            raise Conflict(f"upload {upload_id} used up S3's 10,000 part numbers; start it again")
        return int(number)


async def record(
    db: SessionFactory,
    upload_id: str,
    expected: int,
    offset: int,
    new_parts: Sequence[Part],
    tail: bytes,
    sha256_state: bytes,
) -> None:
    """The store acknowledged ``new_parts`` and ``tail`` holds the rest up to ``offset``: make it durable."""
    async with db() as session, session.begin():
        values: dict[str, object] = {
            "offset": offset,
            "tail": tail or None,
            "sha256_state": sha256_state,
            "updated_at": now(),
        }
        if new_parts:
            values["parts"] = Upload.parts.op("||")(cast([list(p) for p in new_parts], JSONB))
        result = await session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.offset == expected, Upload.completed_at.is_(None))
            .values(**values)
            .returning(Upload.file_id, Upload.length)
        )
        row = result.first()
        if row is None:
            raise Conflict(f"upload {upload_id} moved on concurrently (expected offset {expected})")
        await announce_progress(session, upload_id, row.file_id, offset, row.length)


async def live_store_uploads(db: SessionFactory) -> set[str]:
    async with db() as session:
        rows = await session.scalars(select(Upload.store_upload_id).where(Upload.store_upload_id.is_not(None)))
        return {r for r in rows if r}


async def sweep_orphans(db: SessionFactory, blobs: BlobStorage, older_than: timedelta) -> int:
    """Abort the store's multipart uploads that no upload row knows any more (the row expired, a replica died
    between beginning one and recording it, a race was lost), once older than ``older_than``."""
    live = await live_store_uploads(db)
    aborted = await blobs.sweep_orphans(live, older_than)
    if aborted:
        log.info("aborted %d orphaned multipart uploads", aborted)
    return aborted


async def orphan_sweep_loop(db: SessionFactory, blobs: BlobStorage, period_seconds: float = 3600.0) -> None:
    """Hourly; a day's grace so an upload begun a moment ago and not yet recorded is never touched."""
    await every(period_seconds, lambda: sweep_orphans(db, blobs, timedelta(days=1)), "multipart orphan sweep")
