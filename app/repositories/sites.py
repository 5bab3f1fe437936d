from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Site


async def all_sites(session: AsyncSession) -> Sequence[Site]:
    return (await session.scalars(select(Site).order_by(Site.id))).all()


async def by_code(session: AsyncSession, code: str) -> Site | None:
    return await session.scalar(select(Site).where(Site.code == code.strip().lower()))


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[Site]:
    return (await session.scalars(select(Site).where(Site.id.in_(ids)))).all()


async def lock_by_code(session: AsyncSession, code: str) -> Site | None:
    return await session.scalar(select(Site).where(Site.code == code.strip().lower()).with_for_update())


async def mark_stale_offline(session: AsyncSession, older_than: datetime) -> Sequence[Site]:
    """Flip sites whose last heartbeat is older than ``older_than``; only the process that flips sees them."""
    stmt = (
        update(Site)
        .where(Site.online.is_(True), Site.last_heartbeat_at < older_than)
        .values(online=False)
        .returning(Site)
    )
    return (await session.scalars(stmt)).all()


_IDS: dict[str, int] = {}


async def id_for_code(session: AsyncSession, code: str) -> int | None:
    """Site code -> id; a site's code never changes, so the answer is remembered per process."""
    key = code.strip().lower()
    if key not in _IDS:
        site_id = await session.scalar(select(Site.id).where(Site.code == key))
        if site_id is None:
            return None
        _IDS[key] = site_id
    return _IDS[key]
