from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from app.db.models import File, FileMember, FileStateCount
from app.domain.errors import NotFound
from app.repositories.pagination import Page


@dataclass(frozen=True)
class FileQuery:
    states: tuple[str, ...] = ()
    site_id: int | None = None
    colorist_id: int | None = None
    search: str | None = None
    codecs: tuple[str, ...] = ()  # lower case, as stored in media_codec
    min_width: int | None = None
    #: Restrict to files a site key may see (source or destination is this site).
    visible_to_site_id: int | None = None
    #: Packages: FILE / SEQUENCE / FOLDER.
    kinds: tuple[str, ...] = ()


def _filtered(q: FileQuery) -> Select[File]:
    stmt = select(File)
    if q.states:
        stmt = stmt.where(File.state.in_(q.states))
    if q.site_id is not None:
        stmt = stmt.where(File.site_id == q.site_id)
    if q.colorist_id is not None:
        stmt = stmt.where(File.colorist_id == q.colorist_id)
    if q.search:
        pattern = "%" + q.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # A package is found by its own name and by any member's name.
        member_matches = exists().where(FileMember.file_id == File.id, FileMember.path.ilike(pattern, escape="\\"))
        stmt = stmt.where(
            File.path.ilike(pattern, escape="\\")
            | File.filename.ilike(pattern, escape="\\")
            | ((File.kind != "FILE") & member_matches)
        )
    if q.kinds:
        stmt = stmt.where(File.kind.in_(q.kinds))
    if q.codecs:
        stmt = stmt.where(File.media_codec.in_(q.codecs))
    if q.min_width is not None:
        stmt = stmt.where(File.media_width >= q.min_width)
    if q.visible_to_site_id is not None:
        stmt = stmt.where((File.site_id == q.visible_to_site_id) | (File.destination_site_id == q.visible_to_site_id))
    return stmt


async def page(session: AsyncSession, q: FileQuery, first: int, after_id: int | None) -> Page[File]:
    stmt = _filtered(q)
    if after_id is not None:
        stmt = stmt.where(File.id < after_id)
    rows = (await session.scalars(stmt.order_by(File.id.desc()).limit(first + 1))).all()
    return Page(items=list(rows[:first]), has_next=len(rows) > first)


async def count(session: AsyncSession, q: FileQuery) -> int:
    stmt = _filtered(q).with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    return int(await session.scalar(stmt) or 0)


async def matching_ids(session: AsyncSession, q: FileQuery, limit: int) -> list[int]:
    """Ids of the files a filter matches, newest first, at most ``limit`` of them."""
    stmt = _filtered(q).with_only_columns(File.id).order_by(File.id.desc()).limit(limit)
    return list((await session.scalars(stmt)).all())


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[File]:
    return (await session.scalars(select(File).where(File.id.in_(ids)))).all()


#: Built once: constructing a statement per call was a visible share of a transition's CPU.
_LOCK = select(File).where(File.id == bindparam("file_id")).with_for_update().execution_options(populate_existing=True)


async def lock(session: AsyncSession, file_id: int) -> File:
    """Load a file with ``SELECT ... FOR UPDATE``: every transition serialises on this row."""
    row = await session.scalar(_LOCK, {"file_id": file_id})
    if row is None:
        raise NotFound(f"file {file_id} not found", id=str(file_id))
    return row


_AT_PATH_OR_REPORT = (
    select(File)
    .where(
        ((File.site_id == bindparam("site_id")) & (File.path == bindparam("path")))
        | (File.report_id == bindparam("report_id"))  # NULL never matches
    )
    .order_by(File.id)
)


async def at_path_or_report(session: AsyncSession, site_id: int, path: str, report_id: str | None) -> Sequence[File]:
    """Every version at (site, path), plus whatever row already carries ``report_id``."""
    params = {"site_id": site_id, "path": path, "report_id": report_id}
    return (await session.scalars(_AT_PATH_OR_REPORT, params)).all()


_NEW_COLUMNS = (
    "site_id",
    "path",
    "filename",
    "size_bytes",
    "sha256",
    "state",
    "version",
    "report_id",
    "previous_version_id",
    "modified_at",
    "detected_at",
    "updated_at",
    "mhl_format",
    "mhl_hash",
)
_INSERT_NEW = pg_insert(File).values({c: bindparam(c) for c in _NEW_COLUMNS}).on_conflict_do_nothing().returning(File)


async def insert_new(session: AsyncSession, **values: Any) -> File | None:
    """Insert a reported file; None when a concurrent duplicate (same site, path and hash) won."""
    return (await session.scalars(_INSERT_NEW, values)).first()


_EARLIER = aliased(File)
_LOCK_WITH_DUPLICATE = (
    select(
        File,
        select(_EARLIER.id)
        .where(
            _EARLIER.site_id == File.site_id,
            _EARLIER.sha256 == File.sha256,
            _EARLIER.id < File.id,
            _EARLIER.state != "REJECTED",
        )
        .order_by(_EARLIER.id)
        .limit(1)
        .scalar_subquery(),
    )
    .where(File.id == bindparam("file_id"))
    .with_for_update(of=File)
    .execution_options(populate_existing=True)
)


async def lock_with_duplicate(session: AsyncSession, file_id: int) -> tuple[File, int | None]:
    """``lock`` plus an earlier live file at the same site with the same bytes, in one round trip: the first
    one detected keeps the content, later copies are rejected at validation."""
    row = (await session.execute(_LOCK_WITH_DUPLICATE, {"file_id": file_id})).first()
    if row is None:
        raise NotFound(f"file {file_id} not found", id=str(file_id))
    return row[0], row[1]


async def counts_by_state(session: AsyncSession) -> dict[str, int]:
    """Sums the trigger-maintained deltas: a few rows per state between compactions, never the files table."""
    total = func.sum(FileStateCount.n)
    rows = (await session.execute(select(FileStateCount.state, total).group_by(FileStateCount.state))).all()
    return {state: int(n) for state, n in rows if n}


COMPACT_STATE_COUNTS = text(
    """
    WITH folded AS (DELETE FROM file_state_counts RETURNING state, n)
    INSERT INTO file_state_counts (state, n) SELECT state, sum(n) FROM folded GROUP BY state HAVING sum(n) <> 0
    """
)


async def compact_state_counts(session: AsyncSession) -> None:
    """Fold the deltas into one row per state. Safe beside writers (their uncommitted deltas are not seen, so
    they stay) and beside another compactor (rows it already deleted are skipped), so no lock is needed."""
    await session.execute(COMPACT_STATE_COUNTS)


def take_changes(file: File) -> dict[str, Any]:
    """The columns changed on ``file`` since it was loaded, by column name, now marked as saved: the caller
    writes them itself (in one statement with the audit row and the event), so the ORM must not flush them."""
    state = inspect(file)
    changes = {attr.key: attr.value for attr in state.attrs if attr.history.added}
    for key, value in changes.items():
        set_committed_value(file, key, value)
    return {File.__table__.c[key].name: value for key, value in changes.items()}
