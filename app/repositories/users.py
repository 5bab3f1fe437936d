from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import ApiKey, File, User
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


async def touch_api_key(session: AsyncSession, key_id: int, at: datetime | None) -> None:
    await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=at))
