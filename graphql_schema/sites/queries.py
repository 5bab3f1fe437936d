from __future__ import annotations

import strawberry

from app.services import reads
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.sites.types import Site


@strawberry.type
class SiteQueries:
    @strawberry.field(permission_classes=AUTHENTICATED)
    async def sites(self, info: Info) -> list[Site]:
        return [Site.from_row(r) for r in await reads.list_sites(info.context.db, info.context.actor)]
