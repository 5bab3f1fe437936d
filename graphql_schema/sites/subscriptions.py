from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graphql_schema.context import Info
from graphql_schema.live import events
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.sites.types import Site


@strawberry.type
class SiteSubscriptions:
    @strawberry.subscription(permission_classes=AUTHENTICATED, description="Heartbeats and online/offline changes.")
    async def site_events(self, info: Info) -> AsyncGenerator[Site, None]:
        async for event in events(info, {"site"}):
            row = await info.context.loaders.site.load(int(event.payload["siteId"]))
            if row is not None:
                yield Site.from_row(row)
