from __future__ import annotations

from typing import Annotated

import strawberry

from app.domain.audit import audit_actions
from app.repositories.pagination import encode_cursor
from app.services import reads
from graphql_schema.audit.types import AuditEntry, AuditEntryConnection, AuditEntryEdge
from graphql_schema.common import PageInfo
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED


@strawberry.type
class AuditQueries:
    @strawberry.field(permission_classes=AUTHENTICATED, description="Newest first.")
    async def audit(
        self,
        info: Info,
        file_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
        action: str | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Case-insensitive text anywhere in the action, the file's name, the actor or the "
                "details (at most 200 characters); paged with first/after like the rest."
            ),
        ] = None,
    ) -> AuditEntryConnection:
        ctx = info.context
        query = reads.audit_filter(ctx.actor, reads.AuditQuery(file_id=file_id, action=action, search=search))
        page = await reads.list_audit(ctx.db, query, 50 if first is None else first, after)
        edges = [AuditEntryEdge(node=AuditEntry.from_row(r), cursor=encode_cursor("audit", r.id)) for r in page.items]

        async def count() -> int:
            return await reads.count_audit(ctx.db, query)

        return AuditEntryConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            _count=count,
        )

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="Every action an audit entry can carry (what audit(action:) accepts), lifecycle steps first.",
    )
    def audit_actions(self) -> list[str]:
        return list(audit_actions())
