from __future__ import annotations

import strawberry

from app.services import reporting
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.scalars import BigInt
from graphql_schema.sites.types import Site


@strawberry.input
class HeartbeatInput:
    site: str
    daemon_version: str | None = None
    watch_path: str | None = None
    queue_depth: int | None = None
    disk_free_bytes: BigInt | None = None
    metadata_only: bool | None = strawberry.field(
        default=None,
        description="The daemon runs --metadata-only: it uploads no bytes, so files queued from this site get "
        "EXTERNAL transfer jobs. Omitted: unchanged.",
    )


@strawberry.type
class SiteMutations:
    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Daemon: I am alive (every 30 s).")
    async def heartbeat(self, info: Info, input: HeartbeatInput) -> Site:
        row = await reporting.heartbeat(
            info.context.db,
            info.context.actor,
            reporting.Heartbeat(
                site=input.site,
                daemon_version=input.daemon_version,
                watch_path=input.watch_path,
                queue_depth=input.queue_depth,
                disk_free_bytes=input.disk_free_bytes,
                metadata_only=input.metadata_only,
            ),
        )
        return Site.from_row(row)
