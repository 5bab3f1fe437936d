from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from app.domain.errors import Forbidden
from app.domain.permissions import Capability, has_capability
from graphql_schema.audit.types import AuditEntry
from graphql_schema.context import Info
from graphql_schema.live import events
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.sharing import shared


@strawberry.type
class AuditSubscriptions:
    @strawberry.subscription(permission_classes=AUTHENTICATED, description="Every audit entry as it is written.")
    async def audit_events(self, info: Info, after: str | None = None) -> AsyncGenerator[AuditEntry, None]:
        if not has_capability(info.context.actor, Capability.READ):
            raise Forbidden(f"{info.context.actor.name} may not read the audit trail")
        async for event in events(info, {"file", "audit"}, after):
            audit_id = event.payload.get("auditId")
            if audit_id is None:
                continue
            row = await info.context.loaders.audit_entry.load(int(audit_id))
            if row is not None:
                yield shared(AuditEntry.from_row(row, cursor=str(event.id)), ("audit", event.id))
