"""A ``fileEvents`` subscriber that keeps going, following the same contract as the UI (frontend/src/lib/live.ts):
when its WebSocket dies, or the subscription ends with an error a retry can fix (anything but a refusal such as
UNAUTHENTICATED or BAD_USER_INPUT), it resubscribes with ``after:`` set to the last cursor it received, backing
off between attempts. It records every event it is handed, so a test can compare the stream with the ``events``
table: nothing missing, nothing twice, in commit order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import WebSocketException

FILE_EVENTS = "subscription($after: String){ fileEvents(after: $after){ cursor action file { id } } }"
#: What a cut connection can look like from the client side.
LINK_ERRORS = (TransportError, WebSocketException, OSError, asyncio.IncompleteReadError, TimeoutError)
#: Refusals the same subscription would meet again (the UI stops on these too).
FINAL_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"})


@dataclass
class ResilientSubscriber:
    ws_url: str
    api_key: str
    after: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    connects: int = 0
    link_errors: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)  # codes of subscriptions that ended in an error
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def cursors(self) -> list[int]:
        return [int(e["cursor"]) for e in self.events]

    @property
    def last_cursor(self) -> str | None:
        return self.events[-1]["cursor"] if self.events else self.after

    async def run(self, until: asyncio.Event, deadline: float, max_connects: int = 50) -> None:
        """Subscribe (and resubscribe after every cut) until ``until`` is set or the deadline passes."""
        failures = 0
        while not until.is_set() and time.monotonic() < deadline and self.connects < max_connects:
            self.connects += 1
            received = len(self.events)
            transport = WebsocketsTransport(
                url=self.ws_url,
                subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
                init_payload={"apiKey": self.api_key},
                connect_timeout=5,
                close_timeout=1,
                ack_timeout=5,
                keep_alive_timeout=None,
            )
            try:
                async with Client(transport=transport) as session:
                    request = GraphQLRequest(FILE_EVENTS, variable_values={"after": self.last_cursor})
                    stream = session.subscribe(request)
                    self.subscribed.set()
                    async with contextlib.aclosing(stream):
                        async for result in stream:
                            self.events.append(result["fileEvents"])
                            if until.is_set():
                                return
            except TransportQueryError as exc:
                codes = [str((e.get("extensions") or {}).get("code")) for e in exc.errors or []]
                self.error_codes += codes
                if FINAL_CODES & set(codes):
                    raise
            except LINK_ERRORS as exc:
                self.link_errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            failures = 0 if len(self.events) > received else failures + 1
            await asyncio.sleep(min(2.0, 0.1 * 2**failures))

    async def wait_for_cursor(self, cursor: int, within: float) -> None:
        deadline = time.monotonic() + within
        while not (self.events and int(self.events[-1]["cursor"]) >= cursor):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"subscriber stuck at {self.last_cursor} waiting for {cursor} "
                    f"({self.connects} connects, errors {self.link_errors[-5:]})"
                )
            await asyncio.sleep(0.05)


async def file_event_ids(db_url: str, after: int = 0) -> list[int]:
    """Every committed ``file`` event after a cursor, in commit (id) order."""
    conn = await asyncpg.connect(db_url, timeout=30)
    try:
        rows = await conn.fetch("SELECT id FROM events WHERE topic = 'file' AND id > $1 ORDER BY id", after)
    finally:
        await conn.close()
    return [int(r["id"]) for r in rows]


async def max_event_id(db_url: str) -> int:
    conn = await asyncpg.connect(db_url, timeout=30)
    try:
        return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM events"))
    finally:
        await conn.close()
