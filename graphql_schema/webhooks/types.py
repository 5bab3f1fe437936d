from __future__ import annotations

from datetime import datetime

import strawberry

from app.db.models import WebhookDelivery as DeliveryRow
from app.db.models import WebhookSubscription as SubscriptionRow
from graphql_schema.common import gid


@strawberry.type
class WebhookSubscription:
    id: strawberry.ID
    url: str
    topics: list[str]
    active: bool
    created_by: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: SubscriptionRow) -> WebhookSubscription:
        return cls(
            id=gid(row.id),
            url=row.url,
            topics=list(row.topics),
            active=row.active,
            created_by=row.created_by,
            created_at=row.created_at,
        )


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    event_id: str
    topic: str
    delivered: bool
    status_code: int | None
    attempts: int
    error: str | None
    at: datetime

    @classmethod
    def from_row(cls, row: DeliveryRow) -> WebhookDelivery:
        return cls(
            id=gid(row.id),
            event_id=str(row.event_id),
            topic=row.topic,
            delivered=row.delivered,
            status_code=row.status_code,
            attempts=row.attempts,
            error=row.error,
            at=row.at,
        )


@strawberry.input
class WebhookSubscriptionInput:
    url: str
    secret: str = strawberry.field(description="HMAC-SHA256 key for X-ColorRoute-Signature; 16+ characters.")
    topics: list[str] = strawberry.field(
        description="file.state_changed, transfer.failed, file.delivery_failed, site.offline, site.online"
    )
