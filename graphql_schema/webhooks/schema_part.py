"""Admin-only GraphQL for outgoing integrator webhooks."""

from __future__ import annotations

import strawberry

from app.integrations.egress import EgressPolicy
from app.services import webhooks
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.webhooks.types import WebhookDelivery, WebhookSubscription, WebhookSubscriptionInput


@strawberry.type
class WebhookQueries:
    @strawberry.field(permission_classes=AUTHENTICATED, description="Admin.")
    async def webhook_subscriptions(self, info: Info) -> list[WebhookSubscription]:
        rows = await webhooks.list_subscriptions(info.context.db, info.context.actor)
        return [WebhookSubscription.from_row(r) for r in rows]

    @strawberry.field(permission_classes=AUTHENTICATED, description="Admin: newest first.")
    async def webhook_deliveries(
        self, info: Info, subscription_id: strawberry.ID, first: int = 50
    ) -> list[WebhookDelivery]:
        rows = await webhooks.list_deliveries(info.context.db, info.context.actor, subscription_id, first)
        return [WebhookDelivery.from_row(r) for r in rows]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Admin: deliveries start with the next event. The URL must lead to a public address unless "
        "COLORROUTE_WEBHOOK_ALLOW_PRIVATE allows it (BAD_USER_INPUT, field url).",
    )
    async def create_webhook_subscription(self, info: Info, input: WebhookSubscriptionInput) -> WebhookSubscription:
        new = webhooks.NewSubscription(url=input.url, secret=input.secret, topics=input.topics)
        egress = EgressPolicy(info.context.settings.webhook_allow_private)
        return WebhookSubscription.from_row(
            await webhooks.create_subscription(info.context.db, info.context.actor, new, egress)
        )

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin.")
    async def set_webhook_subscription_active(self, info: Info, id: strawberry.ID, active: bool) -> bool:
        return await webhooks.set_active(info.context.db, info.context.actor, id, active)

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin.")
    async def delete_webhook_subscription(self, info: Info, id: strawberry.ID) -> bool:
        return await webhooks.set_active(info.context.db, info.context.actor, id, None, delete=True)
