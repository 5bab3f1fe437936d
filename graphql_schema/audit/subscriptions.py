from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry

from app.db.engine import SessionFactory
from app.domain.errors import Forbidden
from app.domain.permissions import Capability, has_capability
from app.events.hub import Delivery
from graphql_schema.audit.types import AuditEntry
from graphql_schema.context import Info
from graphql_schema.live import deliveries, event_loaders
from graphql_schema.permissions import AUTHENTICATED


async def _prepare(delivery: Delivery, db: SessionFactory, audit_id: int) -> AuditEntry | None:
    """Once per delivery: the audit row (written once, never changed) and the payload."""
    row = await event_loaders(delivery, db).audit_entry.load(audit_id)
    if row is None:
        return None
    entry = AuditEntry.from_row(row, cursor=str(delivery.event.id))
    entry.delivery = delivery
    return entry


@strawberry.type
class AuditSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Every audit entry as it is written (an entry never changes; its file is as when delivered).",
    )
    async def audit_events(self, info: Info, after: str | None = None) -> AsyncGenerator[AuditEntry, None]:
        if not has_capability(info.context.actor, Capability.READ):
            raise Forbidden(f"{info.context.actor.name} may not read the audit trail")
        db = info.context.db
        async for delivery in deliveries(info, {"file", "audit"}, after):
            audit_id = delivery.event.payload.get("auditId")
            if audit_id is None:
                continue
            entry = await delivery.once(_prepare, partial(_prepare, delivery, db, int(audit_id)))
            if entry is not None:
                yield entry
