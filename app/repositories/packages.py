"""Package members: staged ahead of a report, then kept per file."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import File, FileMember, StagedMember
from app.domain.errors import BadInput
from app.domain.packages import FileKind, Member
from app.repositories.pagination import Page

_INSERT_CHUNK = 5000  # 4 parameters a row, well under PostgreSQL's 32,767


async def stage(session: AsyncSession, site_id: int, report_id: str, members: Sequence[Member]) -> int:
    """Upsert members for ``report_id`` (a resent batch replaces itself); returns how many are staged now."""
    if members:
        stmt = pg_insert(StagedMember).values(
            [
                {
                    "site_id": site_id,
                    "report_id": report_id,
                    "path": m.path,
                    "size_bytes": m.size_bytes,
                    "sha256": m.sha256,
                    "mhl_format": m.mhl_format,
                    "mhl_hash": m.mhl_hash,
                }
                for m in members
            ]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["site_id", "report_id", "path"],
            set_={
                "size_bytes": stmt.excluded.size_bytes,
                "sha256": stmt.excluded.sha256,
                "mhl_format": stmt.excluded.mhl_format,
                "mhl_hash": stmt.excluded.mhl_hash,
                "staged_at": func.now(),
            },
        )
        await session.execute(stmt)
    stmt_count = select(func.count()).where(StagedMember.site_id == site_id, StagedMember.report_id == report_id)
    return int(await session.scalar(stmt_count) or 0)


async def staged(session: AsyncSession, site_id: int, report_id: str) -> list[Member]:
    rows = await session.execute(
        select(
            StagedMember.path,
            StagedMember.size_bytes,
            StagedMember.sha256,
            StagedMember.mhl_format,
            StagedMember.mhl_hash,
        ).where(StagedMember.site_id == site_id, StagedMember.report_id == report_id)
    )
    return [Member(p, s, h, f, x) for p, s, h, f, x in rows]


async def clear_staged(session: AsyncSession, site_id: int, report_id: str) -> None:
    await session.execute(
        delete(StagedMember).where(StagedMember.site_id == site_id, StagedMember.report_id == report_id)
    )


async def forget_staged_before(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(delete(StagedMember).where(StagedMember.staged_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


async def keep(session: AsyncSession, file_id: int, members: Sequence[Member]) -> None:
    rows = [
        {
            "file_id": file_id,
            "path": m.path,
            "size_bytes": m.size_bytes,
            "sha256": m.sha256,
            "mhl_format": m.mhl_format,
            "mhl_hash": m.mhl_hash,
        }
        for m in members
    ]
    for start in range(0, len(rows), _INSERT_CHUNK):
        await session.execute(insert(FileMember), rows[start : start + _INSERT_CHUNK])


def encode_member_cursor(path: str) -> str:
    return base64.urlsafe_b64encode(f"member:{path}".encode()).decode()


def decode_member_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        prefix, _, path = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        prefix, path = "", ""
    if prefix != "member":
        raise BadInput("after: not a valid member cursor", field="after")
    return path


async def all_members(session: AsyncSession, file_id: int) -> list[Member]:
    """Every member in manifest order (a MAM delivery lists them all), with its card hash where it has one."""
    stmt = select(
        FileMember.path, FileMember.size_bytes, FileMember.sha256, FileMember.mhl_format, FileMember.mhl_hash
    ).where(FileMember.file_id == file_id)
    rows = (await session.execute(stmt.order_by(FileMember.path.collate("C")))).all()
    return [Member(p, s, h, f, x) for p, s, h, f, x in rows]


async def manifest_lines(session: AsyncSession, file_id: int) -> list[tuple[str, int, str]]:
    """Every member as ``(path, size, sha256)``, unordered: the manifest sorts them."""
    stmt = select(FileMember.path, FileMember.size_bytes, FileMember.sha256).where(FileMember.file_id == file_id)
    return [(path, size, sha256) for path, size, sha256 in await session.execute(stmt)]


async def members_page(session: AsyncSession, file_id: int, first: int, after: str | None) -> Page[Member]:
    """Members in path order (the manifest's order), keyset-paged on the path."""
    stmt = select(
        FileMember.path, FileMember.size_bytes, FileMember.sha256, FileMember.mhl_format, FileMember.mhl_hash
    ).where(FileMember.file_id == file_id)
    if after is not None:
        stmt = stmt.where(FileMember.path.collate("C") > after)
    rows = (await session.execute(stmt.order_by(FileMember.path.collate("C")).limit(first + 1))).all()
    items = [Member(p, s, h, f, x) for p, s, h, f, x in rows]
    return Page(items=items[:first], has_next=len(items) > first)


async def name_to_validate(session: AsyncSession, file: File, allowed_extensions: Sequence[str]) -> str:
    """The name whose extension validation checks: a FOLDER (``A001_C002.RDC``, a card) passes when one of its
    members is an allowed type (its ``.R3D`` segments, the card's ``.mxf``); anything else by its own name."""
    if file.kind != FileKind.FOLDER.value:
        return file.filename
    patterns = [FileMember.path.ilike(f"%{ext}") for ext in allowed_extensions if ext]
    if not patterns:
        return file.filename
    found = await session.scalar(select(FileMember.path).where(FileMember.file_id == file.id, or_(*patterns)).limit(1))
    return found or file.filename
