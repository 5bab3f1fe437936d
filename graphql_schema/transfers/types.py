from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from app.db.models import File as FileRow
from app.db.models import Site as SiteRow
from app.db.models import TransferJob as TransferRow
from app.domain.states import FileState
from app.domain.transfers import JobFacts, Transport, allowed_transfer_actions, stalled
from app.events.hub import Delivery
from graphql_schema.common import CountFn, PageInfo, gid
from graphql_schema.context import Info
from graphql_schema.enums import TransferAction, TransferStatus
from graphql_schema.loaders import ready, settled, then
from graphql_schema.scalars import BigInt
from graphql_schema.sites.types import Site

if TYPE_CHECKING:
    from graphql_schema.files.types import File


def last_progress(row: TransferRow) -> datetime | None:
    """Its start counts as progress (jobs started before progress was recorded have only that): the same
    fallback the sweep uses, so the flag shown and the stall announced agree."""
    return row.last_progress_at or row.started_at


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
    last_progress_at: datetime | None = strawberry.field(
        description="When its bytes last moved: the start, or a progress report that changed bytesTransferred. "
        "The lease follows this, not the destination site's heartbeat."
    )
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
            last_progress_at=last_progress(row),
            _row=row,
            event_cursor=event_cursor,
        )

    @strawberry.field(description="Seconds left at the current rate, while running.")
    def eta_seconds(self) -> float | None:
        rate = self.rate_bytes_per_second
        if self.status is not TransferStatus.RUNNING or not rate or rate <= 0:
            return None
        return max(0.0, (self.bytes_total - self.bytes_transferred) / rate)

    @strawberry.field(
        description="RUNNING with no progress for COLORROUTE_TRANSFER_STALL_WARN_SECONDS (the server's clock): "
        "whatever should move its bytes is not. transferEvents delivers the job when it stalls, and again when "
        "progress resumes; a HUB job with no progress for COLORROUTE_TRANSFER_STALL_SECONDS is failed."
    )
    def stalled(self, info: Info) -> bool:
        warn = info.context.settings.transfer_stall_warn_seconds
        return stalled(TransferStatus(self._row.status), last_progress(self._row), datetime.now(UTC), warn)

    @strawberry.field(
        description="Seconds since lastProgressAt by the server's clock when this was answered (null unless "
        'RUNNING): add the time since you received it for a live "last progress N s ago" free of clock skew.'
    )
    def seconds_since_progress(self) -> float | None:
        last = last_progress(self._row)
        if self._row.status != TransferStatus.RUNNING or last is None:
            return None
        return max(0.0, (datetime.now(UTC) - last).total_seconds())

    @strawberry.field
    def file(self, info: Info) -> Annotated[File, strawberry.lazy("graphql_schema.files.types")]:
        from graphql_schema.files.types import File

        return then(ready(info.context.loaders.file, self._row.file_id), File.required)

    @strawberry.field(
        description="What the current viewer may do to this job now (drives the UI's transfer buttons). A HUB "
        "job is started and completed by its destination's agent alone; people may fail, cancel and retry it."
    )
    def allowed_actions(self, info: Info) -> list[TransferAction]:
        loaders = info.context.loaders
        site = ready(loaders.site, self._row.destination_site_id)
        # Only an ended job's RETRY depends on its file (latest job? file QUEUED?): a progress signal on a
        # running job costs no extra load.
        ended = self._row.status in (TransferStatus.FAILED, TransferStatus.CANCELLED)
        file = ready(loaders.file, self._row.file_id) if ended else None
        jobs = ready(loaders.transfers_by_file, self._row.file_id) if ended else []
        if isinstance(site, Awaitable) or isinstance(file, Awaitable) or isinstance(jobs, Awaitable):

            async def later() -> list[TransferAction]:
                return self._allowed(info, await settled(site), await settled(file), await settled(jobs))

            return cast(list[TransferAction], later())
        return self._allowed(info, site, file, jobs)

    def _allowed(
        self, info: Info, site: SiteRow | None, file: FileRow | None, jobs: list[TransferRow]
    ) -> list[TransferAction]:
        latest = max((j.id for j in jobs), default=None)
        facts = JobFacts(
            status=TransferStatus(self._row.status),
            transport=Transport(self._row.transport),
            destination_code=site.code if site else "",
            retryable=latest == self._row.id and file is not None and file.state == FileState.QUEUED,
        )
        return allowed_transfer_actions(info.context.actor, facts)

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
