from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON

from app.db.models import AuditLog
from app.domain.permissions import ANONYMOUS, may_read_audit_identity
from app.events.hub import Delivery
from graphql_schema.common import CountFn, PageInfo, gid
from graphql_schema.context import Info
from graphql_schema.enums import FileState

if TYPE_CHECKING:
    from graphql_schema.files.types import File


def _state(value: str | None) -> FileState | None:
    return FileState(value) if value else None


@strawberry.type
class AuditEntry:
    id: strawberry.ID
    at: datetime
    action: str
    from_state: FileState | None
    to_state: FileState | None
    client_addr: str | None
    _row: strawberry.Private[AuditLog]
    cursor: str | None = strawberry.field(
        default=None, description="Event cursor when delivered by auditEvents: pass it back as after:."
    )
    delivery: strawberry.Private[Delivery | None] = None  # set on subscription payloads (graphql_schema/live.py)

    @classmethod
    def from_row(cls, row: AuditLog, cursor: str | None = None) -> AuditEntry:
        return cls(
            id=gid(row.id),
            at=row.at,
            action=row.action,
            from_state=_state(row.from_state),
            to_state=_state(row.to_state),
            client_addr=row.client_addr,
            _row=row,
            cursor=cursor,
        )

    @strawberry.field(description="Who acted. For a failed login only admins see the name that was typed.")
    def actor(self, info: Info) -> str:
        return self._row.actor if may_read_audit_identity(info.context.actor, self.action) else ANONYMOUS.name

    @strawberry.field(description="For a failed login, admins only.")
    def details(self, info: Info) -> JSON | None:
        if not may_read_audit_identity(info.context.actor, self.action):
            return None
        return cast(JSON, self._row.details)

    @strawberry.field
    async def file(self, info: Info) -> Annotated[File, strawberry.lazy("graphql_schema.files.types")] | None:
        from graphql_schema.files.types import File

        if self._row.file_id is None:
            return None
        row = await info.context.loaders.file.load(self._row.file_id)
        return File.from_row(row) if row else None


@strawberry.type
class AuditEntryEdge:
    node: AuditEntry
    cursor: str


@strawberry.type
class AuditEntryConnection:
    edges: list[AuditEntryEdge]
    page_info: PageInfo
    _count: strawberry.Private[CountFn]

    @strawberry.field
    async def total_count(self) -> int:
        return await self._count()
