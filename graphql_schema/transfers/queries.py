from __future__ import annotations

import strawberry

from app.repositories.pagination import encode_cursor
from app.services import reads
from graphql_schema.common import PageInfo
from graphql_schema.context import Info
from graphql_schema.enums import TransferStatus
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.transfers.types import TransferJob, TransferJobConnection, TransferJobEdge


@strawberry.type
class TransferQueries:
    @strawberry.field(permission_classes=AUTHENTICATED)
    async def transfers(
        self,
        info: Info,
        status: TransferStatus | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> TransferJobConnection:
        ctx = info.context
        status_value = status.value if status else None
        page, scope = await reads.list_transfers(ctx.db, ctx.actor, status_value, 50 if first is None else first, after)
        edges = [
            TransferJobEdge(node=TransferJob.from_row(r), cursor=encode_cursor("transfer", r.id)) for r in page.items
        ]

        async def count() -> int:
            return await reads.count_transfers(ctx.db, status_value, scope)

        return TransferJobConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            _count=count,
        )

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def transfer(self, info: Info, id: strawberry.ID) -> TransferJob | None:
        row = await reads.get_transfer(info.context.db, info.context.actor, id)
        return TransferJob.from_row(row) if row else None
