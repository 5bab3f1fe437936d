"""The domain's enums, registered with Strawberry once (the domain itself knows nothing of GraphQL)."""

from __future__ import annotations

import strawberry

from app.domain.permissions import Role
from app.domain.states import FileAction, FileState

strawberry.enum(FileState)
strawberry.enum(FileAction)
strawberry.enum(Role)

__all__ = ["FileAction", "FileState", "Role"]
