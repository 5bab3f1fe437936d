from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.db.models import Site as SiteRow
from app.events.hub import Delivery
from graphql_schema.common import gid
from graphql_schema.scalars import BigInt


@strawberry.type
class Site:
    id: strawberry.ID
    code: str
    name: str
    online: bool
    last_heartbeat_at: datetime | None
    daemon_version: str | None
    watch_path: str | None
    queue_depth: int | None
    disk_free_bytes: BigInt | None
    metadata_only: bool = strawberry.field(
        description="Its daemon uploads no bytes (--metadata-only): its files move with the EXTERNAL transport."
    )
    delivery: strawberry.Private[Delivery | None] = None  # set on subscription payloads (graphql_schema/live.py)

    @strawberry.field(description="Seconds since the last heartbeat, as of this response.")
    def heartbeat_age_seconds(self) -> float | None:
        if self.last_heartbeat_at is None:
            return None
        return max(0.0, (datetime.now(UTC) - self.last_heartbeat_at).total_seconds())

    @classmethod
    def required(cls, row: SiteRow | None) -> Site:
        """For non-null references: a missing row is a broken foreign key, not a null to show."""
        assert row is not None
        return cls.from_row(row)

    @classmethod
    def maybe_from_row(cls, row: SiteRow | None) -> Site | None:
        return cls.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: SiteRow) -> Site:
        return cls(
            id=gid(row.id),
            code=row.code,
            name=row.name,
            online=row.online,
            last_heartbeat_at=row.last_heartbeat_at,
            daemon_version=row.daemon_version,
            watch_path=row.watch_path,
            queue_depth=row.queue_depth,
            disk_free_bytes=BigInt(row.disk_free_bytes) if row.disk_free_bytes is not None else None,
            metadata_only=row.metadata_only,
        )
