"""Waiting on conditions, never on time: a loaded machine makes anything slower, nothing out of order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from app.events.hub import EventHub
from tests.conftest import Server


async def until(what: str, condition: Callable[[], bool], within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out after {within}s waiting for {what}"
        await asyncio.sleep(0.02)


def hub_of(server: Server) -> EventHub:
    hub = server.app.state.hub  # type: ignore[attr-defined]
    assert isinstance(hub, EventHub)
    return hub


async def subscribed(server: Server, n: int) -> None:
    """The server's hub has ``n`` live subscriptions: anything committed from now on reaches them."""
    await until(f"{n} subscription(s) registered in the hub", lambda: hub_of(server).subscriber_count == n)
