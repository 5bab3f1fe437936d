"""Query limits (depth, aliases, tokens) and introspection only for known callers, as one extension whose
validation rules are built once: identical rule tuples let ValidationCache reuse a document's validation
across requests (a fresh limiter per request would mint new rule classes and never hit the cache)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

from app.config import Settings


def is_anonymous(context: object) -> bool:
    actor = getattr(context, "actor", None)
    return actor is None or not actor.is_authenticated


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
            ec.validation_rules = (*ec.validation_rules, *extra)
            yield

    return QueryLimits
