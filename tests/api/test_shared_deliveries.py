"""One delivery per event (graphql_schema/live.py): subscribers who would get the same payload for an event share
one execution; different events, and viewers who see differently, never share a rendered result.

Every wait here is on a condition: each subscription is registered in the hub before anything changes, and where
the order of changes matters, each event has reached every subscriber before the next change commits (nested
objects are rendered as when delivered, see FileEvent's description).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Role
from app.services import lifecycle
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, eventually, file_in_state, make_user, subscribed

EVENTS = """
subscription($after: String){ fileEvents(after: $after){ cursor action file { id state allowedActions } } }
"""


def _client(server: Server, *, key: str | None = None, cookie: str | None = None) -> Client:
    return Client(
        transport=WebsocketsTransport(
            url=server.ws_url,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"apiKey": key} if key else {},
            headers={"Cookie": f"colorroute_session={cookie}", "Origin": server.url} if cookie else None,
        )
    )


async def _collect(client: Client, n: int, got: list[dict[str, Any]]) -> list[dict[str, Any]]:
    async with client as session:
        gen = session.subscribe(GraphQLRequest(EVENTS, variable_values={"after": None}))
        async with contextlib.aclosing(gen):
            async for result in gen:
                got.append(result["fileEvents"])
                if len(got) == n:
                    break
    return got


async def _logins(server: Server, *names: str) -> list[str]:
    cookies = []
    for name in names:
        async with Api(server.url) as api:
            await api.login(name)
            cookies.append(api.http.cookies["colorroute_session"])
    return cookies


async def test_identical_subscribers_share_one_execution_and_viewers_keep_their_own_view(
    server: Server, db: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await make_user(db, "alice", Role.COLORIST, "nashville")
    await make_user(db, "bob", Role.COLORIST, "nashville")
    file_id = await file_in_state(db, "TRANSFERRED", site="tustin", destination="nashville")
    alice_cookie, bob_cookie = await _logins(server, "alice", "bob")

    executions: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counting(self: StrawberryGraphQLCoreExecutionContext, serially: bool | None = None) -> Any:
        executions.append(type(self.root_value).__name__)
        return original(self, serially)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)

    daemons = 8
    clients = [_client(server, key=GLOBAL_KEY) for _ in range(daemons)]
    clients += [_client(server, cookie=alice_cookie), _client(server, cookie=bob_cookie)]
    views: list[list[dict[str, Any]]] = [[] for _ in clients]
    tasks = [asyncio.create_task(_collect(c, 2, view)) for c, view in zip(clients, views, strict=True)]
    await subscribed(server.app, len(clients))

    await lifecycle.assign_colorist(db, SYSTEM, str(file_id), str(alice))
    # The file is rendered as when delivered: let ASSIGN reach everyone before REJECT commits.
    await eventually(lambda: all(len(v) >= 1 for v in views), "ASSIGN delivered to every subscriber")
    await lifecycle.reject_file(db, SYSTEM, str(file_id), "wrong grade")
    results = await asyncio.wait_for(asyncio.gather(*tasks), 30)

    # Same payload for all eight daemons; alice may start her file, bob (another colorist) may not; after
    # REJECTED nobody may act.
    assert all(r == results[0] for r in results[:daemons])
    daemon_view, alice_view, bob_view = results[0], results[-2], results[-1]
    assert [ev["action"] for ev in alice_view] == ["ASSIGN", "REJECT"]
    assert alice_view[0]["file"]["state"] == "COLORIST_ASSIGNED"
    assert "START" in alice_view[0]["file"]["allowedActions"]
    assert "START" not in bob_view[0]["file"]["allowedActions"]
    assert "START" not in daemon_view[0]["file"]["allowedActions"]
    assert alice_view[1]["file"]["allowedActions"] == bob_view[1]["file"]["allowedActions"] == []
    # Two events, three distinct viewers (the daemons' key, alice, bob): six executions for ten subscribers.
    assert executions.count("FileEvent") == 2 * 3


async def test_different_events_and_different_viewers_never_share_a_rendered_result(
    server: Server, db: SessionFactory
) -> None:
    """Events in quick succession (no waiting between them), each rendering differently per viewer: alice may
    start the file assigned to her and not bob's, and the other way round. A result shared across events would
    repeat a cursor or a file; one shared across viewers would give both the same allowedActions."""
    alice = await make_user(db, "alice", Role.COLORIST, "nashville")
    bob = await make_user(db, "bob", Role.COLORIST, "nashville")
    pairs = [(await file_in_state(db, "TRANSFERRED"), colorist) for colorist in (alice, bob, alice, bob)]
    alice_cookie, bob_cookie = await _logins(server, "alice", "bob")
    clients = [
        _client(server, cookie=alice_cookie),
        _client(server, cookie=bob_cookie),
        _client(server, key=GLOBAL_KEY),
    ]
    views: list[list[dict[str, Any]]] = [[] for _ in clients]
    tasks = [asyncio.create_task(_collect(c, len(pairs), v)) for c, v in zip(clients, views, strict=True)]
    await subscribed(server.app, len(clients))

    for fid, colorist in pairs:
        await lifecycle.assign_colorist(db, SYSTEM, fid, str(colorist))
    alice_view, bob_view, daemon_view = await asyncio.wait_for(asyncio.gather(*tasks), 30)

    for view in (alice_view, bob_view, daemon_view):
        assert [e["file"]["id"] for e in view] == [fid for fid, _ in pairs]
        assert [e["action"] for e in view] == ["ASSIGN"] * len(pairs)
        cursors = [int(e["cursor"]) for e in view]
        assert cursors == sorted(set(cursors)), "each event renders its own cursor"
    assert [e["cursor"] for e in alice_view] == [e["cursor"] for e in bob_view] == [e["cursor"] for e in daemon_view]
    for (_, colorist), mine, theirs, daemon in zip(pairs, alice_view, bob_view, daemon_view, strict=True):
        assert ("START" in mine["file"]["allowedActions"]) is (colorist == alice)
        assert ("START" in theirs["file"]["allowedActions"]) is (colorist == bob)
        assert "START" not in daemon["file"]["allowedActions"]
