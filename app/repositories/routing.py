from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import File, RoutingRule, Site, User
from app.domain.routing import AssignStrategy, Candidate, Rule
from app.repositories.users import ACTIVE_WORK


async def all_rules(session: AsyncSession) -> Sequence[RoutingRule]:
    return (await session.scalars(select(RoutingRule).order_by(RoutingRule.priority, RoutingRule.id))).all()


async def as_domain(session: AsyncSession, rows: Sequence[RoutingRule]) -> list[Rule]:
    codes = {s.id: s.code for s in (await session.scalars(select(Site))).all()}
    return [
        Rule(
            id=r.id,
            name=r.name,
            priority=r.priority,
            enabled=r.enabled,
            source_site=codes.get(r.source_site_id) if r.source_site_id else None,
            pattern=r.pattern,
            destination_site=codes.get(r.destination_site_id) if r.destination_site_id else None,
            auto_validate=r.auto_validate,
            auto_queue=r.auto_queue,
            auto_assign=AssignStrategy(r.auto_assign),
            min_size_bytes=r.min_size_bytes,
            max_size_bytes=r.max_size_bytes,
            codecs=tuple(r.codecs or ()),
            min_width=r.min_width,
            min_height=r.min_height,
        )
        for r in rows
    ]


async def colorist_candidates(session: AsyncSession, site_id: int) -> list[Candidate]:
    """Active colorists whose home is ``site_id``, with their current workload."""
    load = (
        select(File.colorist_id, func.count().label("n"))
        .where(File.state.in_(ACTIVE_WORK))
        .group_by(File.colorist_id)
        .subquery()
    )
    stmt = (
        select(User.id, func.coalesce(load.c.n, 0), User.last_assigned_at)
        .outerjoin(load, load.c.colorist_id == User.id)
        .where(User.role == "COLORIST", User.active.is_(True), User.site_id == site_id)
    )
    return [Candidate(uid, int(n), at) for uid, n, at in (await session.execute(stmt)).all()]
