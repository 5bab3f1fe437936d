from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditLog
from app.repositories.pagination import Page


async def by_file_ids(session: AsyncSession, file_ids: Sequence[int]) -> Sequence[AuditLog]:
    stmt = select(AuditLog).where(AuditLog.file_id.in_(file_ids)).order_by(AuditLog.id)
    return (await session.scalars(stmt)).all()


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[AuditLog]:
    return (await session.scalars(select(AuditLog).where(AuditLog.id.in_(ids)))).all()


async def page(
    session: AsyncSession, file_id: int | None, first: int, after_id: int | None, action: str | None = None
) -> Page[AuditLog]:
    stmt = select(AuditLog)
    if file_id is not None:
        stmt = stmt.where(AuditLog.file_id == file_id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if after_id is not None:
        stmt = stmt.where(AuditLog.id < after_id)
    rows = (await session.scalars(stmt.order_by(AuditLog.id.desc()).limit(first + 1))).all()
    return Page(items=list(rows[:first]), has_next=len(rows) > first)


async def count(session: AsyncSession, file_id: int | None, action: str | None = None) -> int:
    stmt = select(func.count()).select_from(AuditLog)
    if file_id is not None:
        stmt = stmt.where(AuditLog.file_id == file_id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return int(await session.scalar(stmt) or 0)
