"""Shared plumbing for subscriptions: session re-checks and fresh loaders per event."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from app.domain.permissions import ActorKind, Capability, has_capability
from app.events.hub import Event
from app.services.auth import session_alive
from graphql_schema.context import Info
from graphql_schema.loaders import Loaders, build_loaders


def _alive_check(info: Info) -> Callable[[], Awaitable[bool]] | None:
    ctx = info.context
    token = ctx.session_token
    if ctx.actor.kind is not ActorKind.USER or token is None:
        return None

    async def alive() -> bool:
        return await session_alive(ctx.db, ctx.settings, token)

    return alive


_SHARED: OrderedDict[tuple[int, int], Loaders] = OrderedDict()
_SHARED_MAX = 256


def _loaders_for(info: Info, event: Event) -> Loaders:
    """One DataLoader set per event, shared by every subscriber handling it: a thousand subscribers cost one
    batched query per event, not a thousand. Loaders hold rows only; who may see what is decided afterwards,
    per subscriber. Keyed by event id (by identity for cursor-less progress signals, which reach every
    subscriber as the same object)."""
    key = (id(info.context.hub), event.id or id(event))
    loaders = _SHARED.get(key)
    if loaders is None:
        loaders = _SHARED[key] = build_loaders(info.context.db)
        while len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
    return loaders


async def events(info: Info, topics: Iterable[str], after: str | None = None) -> AsyncIterator[Event]:
    """The hub's stream for this socket, with the event's DataLoaders set before each event (a WebSocket
    context lives as long as the socket; loaders kept across events would serve stale rows)."""
    ctx = info.context
    recheck = ctx.settings.session_recheck_seconds
    async for event in ctx.hub.stream(topics, after, alive=_alive_check(info), check_every=recheck):
        ctx.loaders = _loaders_for(info, event)
        yield event


def site_scope(info: Info) -> str | None:
    """The site a per-site key is confined to (None: sees everything it may read)."""
    actor = info.context.actor
    if has_capability(actor, Capability.READ):
        return None
    return actor.site_code
