"""How much of a file's content is at the hub: ``File.uploadedBytes`` now, ``uploadEvents`` as an upload runs."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import strawberry

from app.domain.errors import Forbidden
from app.domain.ids import parse_id
from app.domain.permissions import Capability, has_capability
from app.events.hub import UPLOAD_PROGRESS_TOPIC
from graphql_schema.context import Info
from graphql_schema.live import deliveries
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.scalars import BigInt


@strawberry.type(description="An upload's bytes at the hub so far (a live signal: not replayed after a gap).")
class UploadProgress:
    file_id: strawberry.ID
    bytes_uploaded: BigInt = strawberry.field(description="Bytes received so far (the file's uploadedBytes).")
    bytes_total: BigInt
    at: datetime


@strawberry.type
class UploadSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Progress of the uploads of files' content to the hub, about once a second while bytes "
        "arrive and at each durable checkpoint. Live only: after a gap, read File.uploadedBytes. The upload's "
        "end is a fileEvents UPLOAD_COMPLETED (contentAvailable).",
    )
    async def upload_events(
        self, info: Info, file_id: strawberry.ID | None = None
    ) -> AsyncGenerator[UploadProgress, None]:
        if not has_capability(info.context.actor, Capability.READ):
            raise Forbidden(f"{info.context.actor.name} may not follow uploads")
        wanted = parse_id(file_id) if file_id is not None else None
        async for delivery in deliveries(info, {UPLOAD_PROGRESS_TOPIC}):
            payload = delivery.event.payload
            fid = int(payload["fileId"])
            if wanted is not None and fid != wanted:
                continue
            yield UploadProgress(
                file_id=strawberry.ID(str(fid)),
                bytes_uploaded=BigInt(int(payload["bytesUploaded"])),
                bytes_total=BigInt(int(payload["bytesTotal"])),
                at=datetime.fromtimestamp(float(payload["at"]), UTC),
            )
