from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry

from app.db.engine import SessionFactory
from app.events.hub import Delivery
from graphql_schema.context import Info
from graphql_schema.live import deliveries, event_loaders
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.sites.types import Site


async def _prepare(delivery: Delivery, db: SessionFactory) -> Site | None:
    """Once per delivery: the site's row when delivered (a heartbeat's event says only which site changed)."""
    row = await event_loaders(delivery, db).site.load(int(delivery.event.payload["siteId"]))
    if row is None:
        return None
    site = Site.from_row(row)
    site.delivery = delivery
    return site


@strawberry.type
class SiteSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Heartbeats and online/offline changes: each delivers the site as it is when delivered.",
    )
    async def site_events(self, info: Info) -> AsyncGenerator[Site, None]:
        db = info.context.db
        async for delivery in deliveries(info, {"site"}):
            site = await delivery.once(_prepare, partial(_prepare, delivery, db))
            if site is not None:
                yield site
