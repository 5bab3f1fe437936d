from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import File, User
from app.domain.states import FileState

ACTIVE_WORK = (FileState.COLORIST_ASSIGNED.value, FileState.IN_PROGRESS.value)


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[User]:
    return (await session.scalars(select(User).where(User.id.in_(ids)))).all()


async def by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


async def all_users(session: AsyncSession) -> Sequence[User]:
    return (await session.scalars(select(User).order_by(User.username))).all()


async def active_file_counts(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, int]:
    stmt = (
        select(File.colorist_id, func.count())
        .where(File.colorist_id.in_(user_ids), File.state.in_(ACTIVE_WORK))
        .group_by(File.colorist_id)
    )
    return {uid: n for uid, n in (await session.execute(stmt)).all() if uid is not None}
