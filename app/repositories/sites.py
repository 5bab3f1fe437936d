from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import memory
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


class SiteDirectory:
    """Site code <-> id. Neither changes once a site exists, so the app remembers both directions (per app:
    ``app.db.engine.memory``); a miss reads every site at once (there are a handful), which is also how a
    site added by another replica becomes known here."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.codes: dict[int, str] = {}

    async def learn(self, session: AsyncSession) -> None:
        for sid, scode in (await session.execute(select(Site.id, Site.code))).all():
            self.ids[scode], self.codes[sid] = sid, scode


def directory(session: AsyncSession) -> SiteDirectory:
    remembered = memory(session)
    found = remembered.get(SiteDirectory)
    if found is None:
        found = remembered[SiteDirectory] = SiteDirectory()
    assert isinstance(found, SiteDirectory)
    return found


async def id_for_code(session: AsyncSession, code: str) -> int | None:
    """Site code -> id (None for an unknown site)."""
    key = code.strip().lower()
    known = directory(session)
    if key not in known.ids:
        await known.learn(session)
    return known.ids.get(key)


async def site_codes(session: AsyncSession, *site_ids: int | None) -> dict[int, str]:
    """Site id -> code for the given ids (``None`` entries are skipped)."""
    ids = [i for i in site_ids if i is not None]
    known = directory(session)
    if any(i not in known.codes for i in ids):
        await known.learn(session)
    return {i: known.codes[i] for i in ids if i in known.codes}
