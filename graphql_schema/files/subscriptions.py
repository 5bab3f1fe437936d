from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from functools import partial

import strawberry

from app.db.engine import SessionFactory
from app.events.hub import Delivery
from app.services.lifecycle import parse_id
from graphql_schema.context import Info
from graphql_schema.enums import FileState
from graphql_schema.files.types import File, FileEvent
from graphql_schema.live import deliveries, event_loaders, site_scope
from graphql_schema.permissions import AUTHENTICATED


def _state(value: str | None) -> FileState | None:
    return FileState(value) if value else None


@dataclass(frozen=True)
class _Prepared:
    payload: FileEvent
    sites: frozenset[str]  # the file's site and destination: what a per-site key may see


async def _prepare(delivery: Delivery, db: SessionFactory) -> _Prepared | None:
    """Once per delivery, for every fileEvents subscriber: the file's row (as now) and the payload."""
    event, loaders = delivery.event, event_loaders(delivery, db)
    row = await loaders.file.load(int(event.payload["fileId"]))
    if row is None:
        return None
    site_ids = [row.site_id] + ([row.destination_site_id] if row.destination_site_id else [])
    sites = await loaders.site.load_many(site_ids)
    payload = FileEvent(
        cursor=str(event.id),
        file=File.from_row(row),
        action=str(event.payload["action"]),
        from_state=_state(event.payload.get("fromState")),
        to_state=_state(event.payload.get("toState")),
        actor=str(event.payload.get("actor", "")),
        at=event.at or row.updated_at,
        delivery=delivery,
    )
    return _Prepared(payload, frozenset(site.code for site in sites if site))


@strawberry.type
class FileSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Every file change in commit order; pass the last cursor as after: to resume without gaps. "
        "Each FileEvent's own fields are as at the event; its file is as when delivered (see FileEvent).",
    )
    async def file_events(
        self, info: Info, file_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[FileEvent, None]:
        wanted = parse_id(file_id) if file_id is not None else None
        scope, db = site_scope(info), info.context.db
        async for delivery in deliveries(info, {"file"}, after):
            if wanted is not None and int(delivery.event.payload["fileId"]) != wanted:
                continue
            prepared = await delivery.once(_prepare, partial(_prepare, delivery, db))
            if prepared is not None and (scope is None or scope in prepared.sites):
                yield prepared.payload
