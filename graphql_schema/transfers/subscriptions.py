from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from functools import partial

import strawberry

from app.db.engine import SessionFactory
from app.domain.ids import parse_id
from app.events.hub import PROGRESS_TOPIC, Delivery
from graphql_schema.context import Info
from graphql_schema.live import deliveries, event_loaders, site_scope
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.scalars import BigInt
from graphql_schema.transfers.types import TransferJob


@dataclass(frozen=True)
class _Prepared:
    payload: TransferJob
    sites: frozenset[str]  # source and destination codes


async def _prepare(delivery: Delivery, db: SessionFactory) -> _Prepared | None:
    """Once per delivery: the job's row when delivered, its sites, and the payload. A progress signal carries the
    values it reported, and those are what it shows: the row may already hold a later report's."""
    event, loaders = delivery.event, event_loaders(delivery, db)
    row = await loaders.transfer.load(int(event.payload["transferId"]))
    if row is None:
        return None
    sites = await loaders.site.load_many([row.source_site_id, row.destination_site_id])
    job = TransferJob.from_row(row, event_cursor=str(event.id) if event.id else None)
    if event.topic == PROGRESS_TOPIC and "bytesTransferred" in event.payload:
        job = dataclasses.replace(
            job,
            bytes_transferred=BigInt(int(event.payload["bytesTransferred"])),
            rate_bytes_per_second=event.payload.get("rateBytesPerSecond"),
        )
    job.delivery = delivery
    return _Prepared(job, frozenset(site.code for site in sites if site))


@strawberry.type
class TransferSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Job changes (durable, resumable with after:) and progress (live only: bytes, rate, ETA). A job "
        "change delivers the job as it is when delivered; a progress signal delivers bytesTransferred and "
        "rateBytesPerSecond as that signal reported them (every report, in order), the rest as when delivered.",
    )
    async def transfer_events(
        self,
        info: Info,
        transfer_id: strawberry.ID | None = None,
        site_code: str | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[TransferJob, None]:
        wanted = parse_id(transfer_id, "transfer") if transfer_id is not None else None
        scope, db = site_scope(info), info.context.db
        sites = {c for c in (scope, site_code.lower() if site_code else None) if c}
        async for delivery in deliveries(info, {"transfer", PROGRESS_TOPIC}, after):
            if wanted is not None and int(delivery.event.payload["transferId"]) != wanted:
                continue
            prepared = await delivery.once(_prepare, partial(_prepare, delivery, db))
            if prepared is not None and sites <= prepared.sites:
                yield prepared.payload
