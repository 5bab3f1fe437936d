"""Shared plumbing for subscriptions: session re-checks and fresh loaders per event."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from app.domain.permissions import ActorKind, Capability, has_capability
from app.events.hub import Event
from app.services.auth import session_alive
from graphql_schema.context import Info
from graphql_schema.loaders import build_loaders


def _alive_check(info: Info) -> Callable[[], Awaitable[bool]] | None:
    ctx = info.context
    token = ctx.session_token
    if ctx.actor.kind is not ActorKind.USER or token is None:
        return None

    async def alive() -> bool:
        return await session_alive(ctx.db, ctx.settings, token)

    return alive


async def events(info: Info, topics: Iterable[str], after: str | None = None) -> AsyncIterator[Event]:
    """The hub's stream for this socket, with fresh DataLoaders before each event (a WebSocket context lives
    as long as the socket; cached rows would go stale)."""
    ctx = info.context
    async for event in ctx.hub.stream(topics, after, alive=_alive_check(info)):
        ctx.loaders = build_loaders(ctx.db)
        yield event


def site_scope(info: Info) -> str | None:
    """The site a per-site key is confined to (None: sees everything it may read)."""
    actor = info.context.actor
    if has_capability(actor, Capability.READ):
        return None
    return actor.site_code
