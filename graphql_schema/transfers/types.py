from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.db.models import TransferJob as TransferRow
from app.events.hub import Delivery
from graphql_schema.common import CountFn, PageInfo, gid
from graphql_schema.context import Info
from graphql_schema.loaders import ready, then
from graphql_schema.scalars import BigInt
from graphql_schema.sites.types import Site

if TYPE_CHECKING:
    from graphql_schema.files.types import File


@strawberry.enum
class TransferStatus(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


@strawberry.type
class TransferJob:
    id: strawberry.ID
    status: TransferStatus
    transport: str = strawberry.field(
        description="HUB: the destination's transfer agent fetches the bytes from the hub. EXTERNAL: the source "
        "site runs --metadata-only, so the bytes move outside (RaySync, ...) and whatever moves them calls "
        "startTransfer, reportTransferProgress and completeTransfer."
    )
    bytes_total: BigInt
    bytes_transferred: BigInt
    rate_bytes_per_second: float | None
    attempts: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    _row: strawberry.Private[TransferRow]
    event_cursor: str | None = strawberry.field(
        default=None,
        description="On transferEvents deliveries of job changes: the event's cursor, to resume with after:. "
        "Null on queries and on progress signals (those are live only).",
    )
    delivery: strawberry.Private[Delivery | None] = None  # set on subscription payloads (graphql_schema/live.py)

    @classmethod
    def from_row(cls, row: TransferRow, event_cursor: str | None = None) -> TransferJob:
        return cls(
            id=gid(row.id),
            status=TransferStatus(row.status),
            transport=row.transport,
            bytes_total=BigInt(row.bytes_total),
            bytes_transferred=BigInt(row.bytes_transferred),
            rate_bytes_per_second=row.rate_bytes_per_second,
            attempts=row.attempts,
            error=row.error,
            created_at=row.created_at,
            started_at=row.started_at,
            completed_at=row.completed_at,
            _row=row,
            event_cursor=event_cursor,
        )

    @strawberry.field(description="Seconds left at the current rate, while running.")
    def eta_seconds(self) -> float | None:
        rate = self.rate_bytes_per_second
        if self.status is not TransferStatus.RUNNING or not rate or rate <= 0:
            return None
        return max(0.0, (self.bytes_total - self.bytes_transferred) / rate)

    @strawberry.field
    def file(self, info: Info) -> Annotated[File, strawberry.lazy("graphql_schema.files.types")]:
        from graphql_schema.files.types import File

        return then(ready(info.context.loaders.file, self._row.file_id), File.required)

    @strawberry.field
    def source_site(self, info: Info) -> Site:
        return then(ready(info.context.loaders.site, self._row.source_site_id), Site.required)

    @strawberry.field
    def destination_site(self, info: Info) -> Site:
        return then(ready(info.context.loaders.site, self._row.destination_site_id), Site.required)


@strawberry.type
class TransferJobEdge:
    node: TransferJob
    cursor: str


@strawberry.type
class TransferJobConnection:
    edges: list[TransferJobEdge]
    page_info: PageInfo
    _count: strawberry.Private[CountFn]

    @strawberry.field
    async def total_count(self) -> int:
        return await self._count()
