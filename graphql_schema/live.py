"""The one path every subscription takes: the hub's deliveries for this socket, the event's DataLoaders, and each
event rendered once per (document, variables the selection uses, viewer) for all the subscribers it reaches.

A subscription resolver reads ``deliveries(info, topics, after)``, prepares what it needs from the event once per
delivery (``delivery.once``: the row, the payload), filters per subscriber, and yields a payload that carries its
delivery. graphql-core then executes the selection on that payload for each subscriber; ``DeliveryExecution``
answers that from the delivery's memo, so a thousand identical subscribers cost one execution per event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from graphql import ExecutionResult, VariableNode, print_ast, visit
from graphql.language import Visitor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.db.engine import SessionFactory
from app.domain.permissions import Actor, ActorKind, Capability, has_capability
from app.events.hub import Delivery
from app.services.auth import session_alive
from graphql_schema.context import Context, Info
from graphql_schema.loaders import Loaders, build_loaders


def _alive_check(info: Info) -> Callable[[], Awaitable[bool]] | None:
    ctx = info.context
    token = ctx.session_token
    if ctx.actor.kind is not ActorKind.USER or token is None:
        return None

    async def alive() -> bool:
        return await session_alive(ctx.db, ctx.settings, token)

    return alive


def deliveries(info: Info, topics: Iterable[str], after: str | None = None) -> AsyncIterator[Delivery]:
    """The hub's deliveries for this subscription: the replay after ``after``, then live."""
    ctx = info.context
    recheck = ctx.settings.session_recheck_seconds
    return ctx.hub.stream(topics, after, alive=_alive_check(info), check_every=recheck)


def event_loaders(delivery: Delivery, db: SessionFactory) -> Loaders:
    """Fresh DataLoaders for this event, shared by everything that renders it (a WebSocket context lives as long
    as the socket; loaders kept across events would serve stale rows). Rows only: who may see what is decided
    afterwards, per viewer."""
    return delivery.shared(build_loaders, lambda: build_loaders(db))


def site_scope(info: Info) -> str | None:
    """The site a per-site key is confined to (None: sees everything it may read)."""
    actor = info.context.actor
    if has_capability(actor, Capability.READ):
        return None
    return actor.site_code


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


def _viewer(actor: Actor) -> tuple[object, ...]:
    """Who asks, as far as rendering can tell (``allowedActions`` and field permissions depend on it); not the
    client address, which differs per connection and renders nothing."""
    return (actor.kind, actor.name, actor.role, actor.user_id, actor.site_code)


class DeliveryExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core executes a subscription's selection on each event with a copy of the subscription's executor
    (``build_per_event_executor``, its documented hook for per-event execution; Strawberry's
    ``execution_context_class``). For a payload that came through the hub, the copy executes with the event's
    DataLoaders and asks the delivery for the result first: subscribers with the same render key share it.

    Why a subclass and not the delivery alone: sharing a result means *not executing* the selection for every
    subscriber after the first, and only the executor decides whether to execute. Strawberry calls graphql-core's
    ``subscribe()`` itself, so graphql-core's other seam (``map_source_to_response_event``'s
    ``root_selection_set_executor``) is out of reach, and Strawberry's extension hooks come too early or too late:
    ``on_operation``/``on_execute`` run once around the whole subscription, ``on_stream_result`` after an event's
    result is built, ``resolve`` around one field. The root value (the shared payload, carrying its delivery) and
    the context (the socket's, shared by all its operations) are inputs to execution, not a way to skip it. The
    subclass only routes: the memo lives in the delivery, the loaders are the event's (``event_loaders``); queries,
    mutations and any payload without a delivery execute as usual. It subclasses Strawberry's class, not
    graphql-core's, to keep Strawberry's ``Info`` (``build_resolve_info``)."""

    _render_key: str | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        if self._render_key is None:  # once per subscription; every per-event executor is a copy
            self._render_key = self._key()
        return super().build_per_event_executor(payload)

    def _key(self) -> str:
        """What makes two renderings of one event differ: the document (operation and fragments), the variables
        used inside the selection (the root field's arguments only choose events), and the viewer. One string,
        so its hash is computed once per subscription, not once per event."""
        operation = self.operation
        fragments = list(self.fragment_definitions.values())
        if operation.loc is not None:
            document = f"{operation.loc.start}:{operation.loc.source.body}"
        else:
            document = "\n".join(print_ast(node) for node in (operation, *fragments))
        collector = _Variables()
        for selection in operation.selection_set.selections:
            for directive in selection.directives or ():
                visit(directive, collector)
            selection_set = getattr(selection, "selection_set", None)
            if selection_set is not None:
                visit(selection_set, collector)
        for fragment in fragments:
            visit(fragment, collector)
        coerced = self.variable_values.coerced
        used = {name: coerced.get(name) for name in sorted(collector.names)}
        context = self.context_value
        viewer = _viewer(context.actor) if isinstance(context, Context) else None
        return json.dumps([document, used, viewer], default=str)

    def execute_operation(self, serially: bool | None = None) -> Any:
        delivery = getattr(self.root_value, "delivery", None)
        context = self.context_value
        if not isinstance(delivery, Delivery) or not isinstance(context, Context) or self._render_key is None:
            return super().execute_operation(serially)
        rendered = delivery.once(self._render_key, lambda: self._render(delivery, context, serially))
        if isinstance(rendered, asyncio.Future) and rendered.done():
            return rendered.result()  # every subscriber after the first: no await at all
        return rendered

    def _render(self, delivery: Delivery, context: Context, serially: bool | None) -> Awaitable[ExecutionResult]:
        """Runs for every subscriber with the same key, so it reads through the event's loaders. A selection
        whose fields all resolve at once renders here and now (a done future), with no task to wait for."""
        self.context_value = dataclasses.replace(context, loaders=event_loaders(delivery, context.db))
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult):
            done: asyncio.Future[ExecutionResult] = asyncio.get_running_loop().create_future()
            done.set_result(result)
            return done
        assert isinstance(result, Awaitable)  # a subscription event never streams incrementally
        return _settled(result)


async def _settled(pending: Awaitable[Any]) -> ExecutionResult:
    result = await pending
    assert isinstance(result, ExecutionResult)  # a subscription event never streams incrementally
    return result
