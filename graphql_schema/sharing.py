"""Subscribers who would receive the same payload for an event share one execution of it.

A thousand subscribers of ``fileEvents`` used to cost a thousand executions of the same selection on the same
row per event (graphql-core collects fields, resolves and completes each time), which is what made fan-out
latency grow with the subscriber count. Two deliveries are the same when they render the same event with
the same operation (the parse cache hands every identical document the same AST), the same values for the
variables used inside the selection (``after:`` and filters on the root field only pick events), and the same
viewer (``allowedActions`` and field permissions depend on who asks). Only error-free results are shared.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Hashable
from typing import Any, TypeVar, cast

from graphql import ExecutionResult, OperationDefinitionNode, VariableNode, visit
from graphql.language import Visitor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

T = TypeVar("T")
_KEY = "_colorroute_share_key"
_RESULTS: OrderedDict[Hashable, ExecutionResult | asyncio.Future[ExecutionResult]] = OrderedDict()
_RESULTS_MAX = 4096
_SELECTION_VARIABLES: dict[int, tuple[OperationDefinitionNode, frozenset[str]]] = {}


def shared(payload: T, event_key: tuple[str, int]) -> T:
    """Mark a subscription payload as the rendering of one committed event (``(topic, event id)``)."""
    setattr(payload, _KEY, event_key)
    return payload


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


def _variables_in_selection(operation: OperationDefinitionNode) -> frozenset[str]:
    """Variables used below the root field (not its arguments, which only choose events)."""
    found = _SELECTION_VARIABLES.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    collector = _Variables()
    for selection in operation.selection_set.selections:
        for directive in selection.directives or ():
            visit(directive, collector)
        selection_set = getattr(selection, "selection_set", None)
        if selection_set is not None:
            visit(selection_set, collector)
    names = frozenset(collector.names)
    if len(_SELECTION_VARIABLES) > 1024:
        _SELECTION_VARIABLES.clear()
    _SELECTION_VARIABLES[id(operation)] = (operation, names)
    return names


class _Same:
    """Keys by identity, holding the object: an ``id()`` alone could be reused by a later document once the
    parse cache let the first one go, and a cached result would then answer the wrong selection."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    _share_static: tuple[_Same, str, object] | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        """The subscription's part of the key (operation, variables, viewer) is worked out once, on the
        subscription's executor, which every per-event executor is a copy of."""
        if self._share_static is None:
            coerced = self.variable_values.coerced
            used = {name: coerced.get(name) for name in sorted(_variables_in_selection(self.operation))}
            actor = getattr(self.context_value, "actor", None)
            viewer = (actor.kind, actor.name, actor.role, actor.user_id, actor.site_code) if actor else None
            self._share_static = (_Same(self.operation), json.dumps(used, default=str, sort_keys=True), viewer)
        return super().build_per_event_executor(payload)

    def _share_key(self) -> Hashable | None:
        event_key = getattr(self.root_value, _KEY, None)
        if event_key is None or self._share_static is None:
            return None
        return (event_key, *self._share_static)

    def execute_operation(self, serially: bool | None = None) -> Any:
        key = self._share_key()
        if key is None:
            return super().execute_operation(serially)
        hit = _RESULTS.get(key)
        if isinstance(hit, ExecutionResult):
            return hit
        if hit is not None:
            return asyncio.shield(hit)  # one subscriber leaving must not cancel the others' wait
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult):
            if not result.errors:
                _remember(key, result)
            return result
        future = asyncio.ensure_future(_settle(key, cast(Awaitable[ExecutionResult], result)))
        _remember(key, future)
        return asyncio.shield(future)


async def _settle(key: Hashable, pending: Awaitable[ExecutionResult]) -> ExecutionResult:
    try:
        result = await pending
    except BaseException:
        _RESULTS.pop(key, None)
        raise
    if result.errors:
        _RESULTS.pop(key, None)
    else:
        _remember(key, result)
    return result


def _remember(key: Hashable, value: ExecutionResult | asyncio.Future[ExecutionResult]) -> None:
    _RESULTS[key] = value
    _RESULTS.move_to_end(key)
    while len(_RESULTS) > _RESULTS_MAX:
        _RESULTS.popitem(last=False)
