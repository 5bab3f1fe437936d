from __future__ import annotations

import strawberry

from app.domain.routing import Media
from app.services import routing
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.routing.types import RoutingRule, RoutingSimulation
from graphql_schema.scalars import BigInt


@strawberry.type
class RoutingQueries:
    @strawberry.field(permission_classes=AUTHENTICATED, description="In evaluation order: first match wins.")
    async def routing_rules(self, info: Info) -> list[RoutingRule]:
        return [RoutingRule.from_row(r) for r in await routing.list_rules(info.context.db, info.context.actor)]

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="Which rule a file would match, and what it does. Without codec/width/height: as when the "
        "file is reported, before its media info arrives (a media rule then makes it wait).",
    )
    async def simulate_routing(
        self,
        info: Info,
        site: str,
        path: str,
        size_bytes: BigInt | None = None,
        codec: str | None = None,
        profile: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> RoutingSimulation:
        media = None
        if codec is not None or width is not None or height is not None:
            media = Media(codec.strip().lower() if codec else None, profile, width, height)
        sim = await routing.simulate(info.context.db, info.context.actor, site, path, size_bytes, media)
        return RoutingSimulation.of(sim.rule, sim.colorist_id, sim.decision)
