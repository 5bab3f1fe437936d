from __future__ import annotations

import strawberry

from app.services import transfers
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.scalars import BigInt
from graphql_schema.transfers.types import TransferJob


@strawberry.type
class TransferMutations:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Transfer agent or external transport: bytes so far. Light: no audit row, no outbox event.",
    )
    async def report_transfer_progress(
        self,
        info: Info,
        transfer_id: strawberry.ID,
        bytes_transferred: BigInt,
        rate_bytes_per_second: float | None = None,
    ) -> TransferJob:
        ctx = info.context
        row = await transfers.report_progress(ctx.db, ctx.actor, transfer_id, bytes_transferred, rate_bytes_per_second)
        return TransferJob.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Mark a running transfer FAILED; the file returns to QUEUED.",
    )
    async def fail_transfer(self, info: Info, transfer_id: strawberry.ID, error: str) -> TransferJob:
        row = await transfers.fail_transfer(info.context.db, info.context.actor, transfer_id, error)
        return TransferJob.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Stop a PENDING or RUNNING transfer (admins and engineers). A running one sends its file back "
        "to QUEUED; nothing claims the job again until retryTransfer.",
    )
    async def cancel_transfer(self, info: Info, transfer_id: strawberry.ID, reason: str | None = None) -> TransferJob:
        row = await transfers.cancel_transfer(info.context.db, info.context.actor, transfer_id, reason)
        return TransferJob.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED, description="Operator retry of a failed or cancelled transfer."
    )
    async def retry_transfer(self, info: Info, transfer_id: strawberry.ID) -> TransferJob:
        row = await transfers.retry_transfer(info.context.db, info.context.actor, transfer_id)
        return TransferJob.from_row(row)
