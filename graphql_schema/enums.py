"""The domain's enums, registered with Strawberry once (the domain itself knows nothing of GraphQL)."""

from __future__ import annotations

import strawberry

from app.domain.permissions import Role
from app.domain.states import FileAction, FileState
from app.domain.transfers import TransferAction, TransferStatus

strawberry.enum(FileState)
strawberry.enum(FileAction)
strawberry.enum(Role)
strawberry.enum(TransferStatus)
strawberry.enum(
    TransferAction,
    description="A move of a transfer job (TransferJob.allowedActions): START/COMPLETE startTransfer and "
    "completeTransfer of its file, FAIL failTransfer, CANCEL cancelTransfer, RETRY retryTransfer.",
)

__all__ = ["FileAction", "FileState", "Role", "TransferAction", "TransferStatus"]
