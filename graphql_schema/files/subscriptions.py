from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import cast

import strawberry

from app.services.lifecycle import parse_id
from graphql_schema.context import Info
from graphql_schema.enums import FileState
from graphql_schema.files.types import File, FileEvent
from graphql_schema.live import events, site_scope
from graphql_schema.loaders import ready, settled
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.sharing import shared


def _state(value: str | None) -> FileState | None:
    return FileState(value) if value else None


@strawberry.type
class FileSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Every file change in commit order; pass the last cursor as after: to resume without gaps.",
    )
    async def file_events(
        self, info: Info, file_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[FileEvent, None]:
        wanted = parse_id(file_id) if file_id is not None else None
        scope = site_scope(info)
        async for event in events(info, {"file"}, after):
            fid = int(event.payload["fileId"])
            if wanted is not None and fid != wanted:
                continue
            loaders = info.context.loaders
            row = await settled(ready(loaders.file, fid))
            if row is None:
                continue
            if scope is not None:
                site = await settled(ready(loaders.site, row.site_id))
                dest = await settled(ready(loaders.site, row.destination_site_id)) if row.destination_site_id else None
                if scope not in {site.code if site else None, dest.code if dest else None}:
                    continue
            payload = loaders.payloads.get("fileEvents")
            if payload is None:
                payload = loaders.payloads["fileEvents"] = shared(
                    FileEvent(
                        cursor=str(event.id),
                        file=File.from_row(row),
                        action=str(event.payload["action"]),
                        from_state=_state(event.payload.get("fromState")),
                        to_state=_state(event.payload.get("toState")),
                        actor=str(event.payload.get("actor", "")),
                        at=event.at or row.updated_at,
                    ),
                    ("file", event.id),
                )
            yield cast(FileEvent, payload)
