"""Query limits (depth, aliases, tokens) and introspection only for known callers, as one extension whose
validation rules are built once: identical rule tuples let ValidationCache reuse a document's validation
across requests (a fresh limiter per request would mint new rule classes and never hit the cache).

The cost limit is a second extension, run after validation: a document's cost depends on its variables
(``first: $n``), so it cannot be one of the cached validation rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule
from starlette.websockets import WebSocket
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

from app.config import Settings
from app.repositories.pagination import MAX_PAGE

#: What a list without ``first`` (``File.auditTrail``, ``File.transfers``, ``sites``, ...) counts per parent
#: object in the cost estimate: about one file's full audit trail.
DEFAULT_LIST_SIZE = 10


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


class _Refused(Exception):
    def __init__(self, error: GraphQLError) -> None:
        self.error = error


class QueryCostEstimate:
    """How many objects an operation may answer with: each object-typed field counts once per parent object;
    a list multiplies its children by its size (``first`` where given — the value, the variable's value, or the
    argument's default — else ``DEFAULT_LIST_SIZE``); a connection (an object field taking ``first``) counts
    once and its lists (``edges``) count ``first``. Scalars are free: they ride on their object. A ``first``
    outside 0..MAX_PAGE is refused here, before anything runs, whatever the field."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.defaults: dict[str, Any] = {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        for definition in operation.variable_definitions or ():
            if isinstance(definition.default_value, IntValueNode):
                self.defaults[definition.variable.name.value] = int(definition.default_value.value)
        root = self.schema.get_root_type(operation.operation)
        return self._selections(operation.selection_set, root, 1, None) if root is not None else 0

    def _first(self, node: FieldNode, default: object) -> int | None:
        value: object = default if isinstance(default, int) and not isinstance(default, bool) else None
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                name = argument.value.name.value
                given = self.variables.get(name, self.defaults.get(name))
                if isinstance(given, int) and not isinstance(given, bool):
                    value = given
        if isinstance(value, int) and not 0 <= value <= MAX_PAGE:
            raise _Refused(
                GraphQLError(
                    f"first must be between 0 and {MAX_PAGE}",
                    node,
                    extensions={"code": "BAD_USER_INPUT", "field": "first"},
                )
            )
        return value if isinstance(value, int) else None

    def _selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, factor: int, page: int | None
    ) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, factor, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selections(selection.selection_set, scope, factor, page)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    scope = self.schema.get_type(fragment.type_condition.name.value)
                    total += self._selections(fragment.selection_set, scope, factor, page)
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, factor: int, page: int | None) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) or node.name.value.startswith("__"):
            return 0  # introspection and __typename: bounded by the schema's size
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0
        argument = definition.args.get("first")
        first = self._first(node, argument.default_value if argument is not None else None)
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        if first is not None and not is_list:  # a connection: one object whose lists are the page
            return factor + self._selections(node.selection_set, named, factor, first)
        size = first if first is not None else (page if page is not None else DEFAULT_LIST_SIZE) if is_list else 1
        count = factor * size
        return count + self._selections(node.selection_set, named, count, None)


def query_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> int:
    """The estimate for the operation that would run; raises ``_Refused`` for a ``first`` out of bounds."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    return QueryCostEstimate(schema, document, variables or {}).operation(operation)


def cost_extension(settings: Settings) -> Callable[[], SchemaExtension]:
    """Refuse an operation whose estimated answer is over ``max_query_cost`` with ``QUERY_TOO_COMPLEX``, before
    it executes. Registered after ValidationCache, so it sees the (cached) validation outcome and only estimates
    valid documents; without the cache in front it validates first itself."""
    limit = settings.max_query_cost

    class QueryCost(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            ec = self.execution_context
            document = ec.graphql_document
            if document is not None and ec.pre_execution_errors is None:
                ec.pre_execution_errors = validate_document(ec.schema._schema, document, ec.validation_rules)
            if document is not None and not ec.pre_execution_errors:
                try:
                    cost = query_cost(ec.schema._schema, document, ec.operation_name, ec.variables)
                except _Refused as refused:
                    ec.pre_execution_errors = [refused.error]
                else:
                    if cost > limit:
                        message = (
                            f"query too costly: it may answer {cost} objects, above the limit of {limit}; "
                            "ask for smaller pages or fewer nested lists"
                        )
                        extensions = {"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": limit}
                        ec.pre_execution_errors = [GraphQLError(message, extensions=extensions)]
            yield

    return QueryCost
