from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry

from app.db.engine import SessionFactory
from app.domain.ids import parse_id
from app.events.hub import Delivery
from graphql_schema.context import Info
from graphql_schema.enums import FileState
from graphql_schema.files.types import File, FileEvent
from graphql_schema.live import deliveries, event_loaders, site_scope
from graphql_schema.permissions import AUTHENTICATED


def _state(value: str | None) -> FileState | None:
    return FileState(value) if value else None


async def prepare_file_event(delivery: Delivery, db: SessionFactory) -> FileEvent | None:
    """Once per delivery, for every fileEvents subscriber: the file's row (as when delivered) and the payload."""
    event = delivery.event
    row = await event_loaders(delivery, db).file.load(int(event.payload["fileId"]))
    if row is None:
        return None
    return FileEvent(
        cursor=str(event.id),
        file=File.from_row(row),
        action=str(event.payload["action"]),
        from_state=_state(event.payload.get("fromState")),
        to_state=_state(event.payload.get("toState")),
        actor=str(event.payload.get("actor", "")),
        at=event.at or row.updated_at,
        delivery=delivery,
    )


async def _sites(delivery: Delivery, db: SessionFactory, payload: FileEvent) -> frozenset[str]:
    """Once per delivery, only if a per-site key subscribes: the file's site and destination, what it may see."""
    row = payload.file._row
    ids = [row.site_id] + ([row.destination_site_id] if row.destination_site_id else [])
    sites = await event_loaders(delivery, db).site.load_many(ids)
    return frozenset(site.code for site in sites if site)


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
            payload = await delivery.once(prepare_file_event, partial(prepare_file_event, delivery, db))
            if payload is None:
                continue
            if scope is None or scope in await delivery.once(_sites, partial(_sites, delivery, db, payload)):
                yield payload
