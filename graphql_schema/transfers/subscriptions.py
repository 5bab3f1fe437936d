from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from app.events.hub import PROGRESS_TOPIC
from app.services.lifecycle import parse_id
from graphql_schema.context import Info
from graphql_schema.live import events, site_scope
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.sharing import shared
from graphql_schema.transfers.types import TransferJob


@strawberry.type
class TransferSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Job changes (durable, resumable with after:) and progress (live only: bytes, rate, ETA).",
    )
    async def transfer_events(
        self,
        info: Info,
        transfer_id: strawberry.ID | None = None,
        site_code: str | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[TransferJob, None]:
        wanted = parse_id(transfer_id, "transfer") if transfer_id is not None else None
        scope = site_scope(info)
        sites = {c for c in (scope, site_code.lower() if site_code else None) if c}
        async for event in events(info, {"transfer", PROGRESS_TOPIC}, after):
            tid = int(event.payload["transferId"])
            if wanted is not None and tid != wanted:
                continue
            row = await info.context.loaders.transfer.load(tid)
            if row is None:
                continue
            if sites:
                src = await info.context.loaders.site.load(row.source_site_id)
                dst = await info.context.loaders.site.load(row.destination_site_id)
                codes = {s.code for s in (src, dst) if s}
                if not sites <= codes:
                    continue
            job = TransferJob.from_row(row, event_cursor=str(event.id) if event.id else None)
            yield shared(job, ("transfer", event.id)) if event.id else job  # progress signals have no id
