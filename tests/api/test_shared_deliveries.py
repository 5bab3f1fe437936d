"""Subscribers who would get the same payload for an event share one execution; viewers who would not, don't."""

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
from tests.support import GLOBAL_KEY, Api, file_in_state, make_user

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


async def _collect(client: Client, n: int, after: str | None, ready: asyncio.Event) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    async with client as session:
        gen = session.subscribe(GraphQLRequest(EVENTS, variable_values={"after": after}))
        ready.set()
        async with contextlib.aclosing(gen):
            async for result in gen:
                got.append(result["fileEvents"])
                if len(got) == n:
                    break
    return got


async def test_identical_subscribers_share_one_execution_and_viewers_keep_their_own_view(
    server: Server, db: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await make_user(db, "alice", Role.COLORIST, "nashville")
    await make_user(db, "bob", Role.COLORIST, "nashville")
    file_id = await file_in_state(db, "TRANSFERRED", site="tustin", destination="nashville")
    async with Api(server.url) as a, Api(server.url) as e:
        await a.login("alice")
        await e.login("bob")
        alice_cookie, bob_cookie = a.http.cookies["colorroute_session"], e.http.cookies["colorroute_session"]

    executions: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counting(self: StrawberryGraphQLCoreExecutionContext, serially: bool | None = None) -> Any:
        executions.append(type(self.root_value).__name__)
        return original(self, serially)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)

    daemons = 8
    readies = [asyncio.Event() for _ in range(daemons + 2)]
    tasks = [
        asyncio.create_task(_collect(_client(server, key=GLOBAL_KEY), 2, None, readies[i])) for i in range(daemons)
    ]
    tasks.append(asyncio.create_task(_collect(_client(server, cookie=alice_cookie), 2, None, readies[-2])))
    tasks.append(asyncio.create_task(_collect(_client(server, cookie=bob_cookie), 2, None, readies[-1])))
    for ready in readies:
        await asyncio.wait_for(ready.wait(), 10)
    await asyncio.sleep(0.5)  # every subscription is registered server-side

    await lifecycle.assign_colorist(db, SYSTEM, str(file_id), str(alice))
    await lifecycle.reject_file(db, SYSTEM, str(file_id), "wrong grade")
    results = await asyncio.wait_for(asyncio.gather(*tasks), 20)

    # Same payload for all eight daemons; alice may start her file, bob (another colorist) may not; after
    # REJECTED nobody may act.
    assert all(r == results[0] for r in results[:daemons])
    daemon_view, alice_view, bob_view = results[0], results[-2], results[-1]
    assert [ev["action"] for ev in alice_view] == ["ASSIGN", "REJECT"]
    assert "START" in alice_view[0]["file"]["allowedActions"]
    assert "START" not in bob_view[0]["file"]["allowedActions"]
    assert "START" not in daemon_view[0]["file"]["allowedActions"]
    assert alice_view[1]["file"]["allowedActions"] == bob_view[1]["file"]["allowedActions"] == []
    # Two events, three distinct viewers (the daemons' key, alice, bob): six executions for ten subscribers.
    assert executions.count("FileEvent") == 2 * 3
