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
_CODES: dict[int, str] = {}


async def _remember(session: AsyncSession, *, code: str | None = None, site_id: int | None = None) -> None:
    """A site's id and code never change once it exists, so both directions are remembered per process;
    a miss reads every site at once (there are a handful)."""
    if (code is not None and code in _IDS) or (site_id is not None and site_id in _CODES):
        return
    for sid, scode in (await session.execute(select(Site.id, Site.code))).all():
        _IDS[scode], _CODES[sid] = sid, scode


async def id_for_code(session: AsyncSession, code: str) -> int | None:
    """Site code -> id (None for an unknown site)."""
    key = code.strip().lower()
    await _remember(session, code=key)
    return _IDS.get(key)


async def site_codes(session: AsyncSession, *site_ids: int | None) -> dict[int, str]:
    """Site id -> code for the given ids (``None`` entries are skipped)."""
    ids = [i for i in site_ids if i is not None]
    for site_id in ids:
        await _remember(session, site_id=site_id)
    return {i: _CODES[i] for i in ids if i in _CODES}
