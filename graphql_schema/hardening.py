"""Query limits (depth, aliases, tokens) and introspection only for known callers, as one extension whose
validation rules are built once: identical rule tuples let ValidationCache reuse a document's validation
across requests (a fresh limiter per request would mint new rule classes and never hit the cache)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import GraphQLError, OperationDefinitionNode, OperationType
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule
from starlette.websockets import WebSocket
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

from app.config import Settings


def is_anonymous(context: object) -> bool:
    actor = getattr(context, "actor", None)
    return actor is None or not actor.is_authenticated


class SubscriptionsOnlyOverWebSocket(ValidationRule):
    """Over plain HTTP Strawberry would run a subscription like a query, and it fails inside graphql-core."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
        if node.operation == OperationType.SUBSCRIPTION:
            self.report_error(GraphQLError("subscriptions are served over WebSocket (graphql-transport-ws)", node))


def limits_extension(settings: Settings) -> Callable[[], SchemaExtension]:
    rules = (
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    )
    anonymous_rules = (*rules, NoSchemaIntrospectionCustomRule)
    max_tokens = settings.max_query_tokens

    class QueryLimits(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            ec = self.execution_context
            ec.parse_options["max_tokens"] = max_tokens
            extra = anonymous_rules if is_anonymous(ec.context) else rules
            if not isinstance(getattr(ec.context, "request", None), WebSocket):
                extra = (*extra, SubscriptionsOnlyOverWebSocket)
            ec.validation_rules = (*ec.validation_rules, *extra)
            yield

    return QueryLimits
