from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, Text, and_, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditLog, File
from app.repositories.pagination import Page

T = TypeVar("T")


async def by_file_ids(session: AsyncSession, file_ids: Sequence[int]) -> Sequence[AuditLog]:
    stmt = select(AuditLog).where(AuditLog.file_id.in_(file_ids)).order_by(AuditLog.id)
    return (await session.scalars(stmt)).all()


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[AuditLog]:
    return (await session.scalars(select(AuditLog).where(AuditLog.id.in_(ids)))).all()


@dataclass(frozen=True)
class AuditFilter:
    """Which entries a listing shows. ``search`` matches (case-insensitively, anywhere) the action, the file's
    name, the actor and the details; the actor and details of the ``identity_hidden`` actions are not searched,
    since this viewer may not read them (a search must not reveal what the entry hides)."""

    file_id: int | None = None
    action: str | None = None
    search: str | None = None
    identity_hidden: frozenset[str] = frozenset()


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(stmt: Select[T], f: AuditFilter) -> Select[T]:
    if f.file_id is not None:
        stmt = stmt.where(AuditLog.file_id == f.file_id)
    if f.action:
        stmt = stmt.where(AuditLog.action == f.action)
    if f.search:
        pattern = _like(f.search)
        # "login failed" as the log shows it finds LOGIN_FAILED.
        action_pattern = _like(f.search.replace(" ", "_"))
        named = exists().where(File.id == AuditLog.file_id, File.filename.ilike(pattern, escape="\\"))
        identity = or_(
            AuditLog.actor.ilike(pattern, escape="\\"),
            cast(AuditLog.details, Text).ilike(pattern, escape="\\"),
        )
        if f.identity_hidden:
            identity = and_(AuditLog.action.not_in(f.identity_hidden), identity)
        stmt = stmt.where(or_(AuditLog.action.ilike(action_pattern, escape="\\"), named, identity))
    return stmt


async def page(session: AsyncSession, f: AuditFilter, first: int, after_id: int | None) -> Page[AuditLog]:
    stmt = _where(select(AuditLog), f)
    if after_id is not None:
        stmt = stmt.where(AuditLog.id < after_id)
    rows = (await session.scalars(stmt.order_by(AuditLog.id.desc()).limit(first + 1))).all()
    return Page(items=list(rows[:first]), has_next=len(rows) > first)


async def count(session: AsyncSession, f: AuditFilter) -> int:
    return int(await session.scalar(_where(select(func.count()).select_from(AuditLog), f)) or 0)
