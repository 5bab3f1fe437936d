from __future__ import annotations

import strawberry

from app.services import routing
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED
from graphql_schema.routing.types import RoutingRule, RoutingRuleInput


def _data(i: RoutingRuleInput) -> routing.RuleInput:
    return routing.RuleInput(
        name=i.name,
        priority=i.priority,
        enabled=i.enabled,
        source_site=i.source_site,
        pattern=i.pattern,
        destination_site=i.destination_site,
        auto_validate=i.auto_validate,
        auto_queue=i.auto_queue,
        auto_assign=i.auto_assign,
        min_size_bytes=i.min_size_bytes,
        max_size_bytes=i.max_size_bytes,
        codecs=tuple(i.codecs or ()),
        min_width=i.min_width,
        min_height=i.min_height,
    )


@strawberry.type
class RoutingMutations:
    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin or engineer.")
    async def create_routing_rule(self, info: Info, input: RoutingRuleInput) -> RoutingRule:
        row = await routing.create_rule(info.context.db, info.context.actor, _data(input))
        return RoutingRule.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin or engineer; also enables/disables.")
    async def update_routing_rule(self, info: Info, id: strawberry.ID, input: RoutingRuleInput) -> RoutingRule:
        row = await routing.update_rule(info.context.db, info.context.actor, id, _data(input))
        return RoutingRule.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin or engineer.")
    async def delete_routing_rule(self, info: Info, id: strawberry.ID) -> bool:
        return await routing.delete_rule(info.context.db, info.context.actor, id)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED, description="Set evaluation order: the given rules first, in this order."
    )
    async def reorder_routing_rules(self, info: Info, ids: list[strawberry.ID]) -> list[RoutingRule]:
        rows = await routing.reorder_rules(info.context.db, info.context.actor, ids)
        return [RoutingRule.from_row(r) for r in rows]
