"""Live events over real WebSockets (graphql-transport-ws) with the real gql client."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import Server
from tests.support import GLOBAL_KEY, WAIT, Api, report, subscribed

FILE_EVENTS = """
subscription($after: String){ fileEvents(after: $after){ cursor action fromState toState actor file { id state } } }
"""


def ws_client(server: Server, key: str = GLOBAL_KEY) -> Client:
    transport = WebsocketsTransport(
        url=server.ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"apiKey": key},
    )
    return Client(transport=transport)


async def _collect(server: Server, n: int, after: str | None, ready: asyncio.Event) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    async with ws_client(server) as session:
        gen = session.subscribe(GraphQLRequest(FILE_EVENTS, variable_values={"after": after}))
        ready.set()
        async with contextlib.aclosing(gen):
            async for result in gen:
                got.append(result["fileEvents"])
                if len(got) == n:
                    break
    return got


async def test_events_in_order_then_resume_after_disconnect(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        ready = asyncio.Event()
        first = asyncio.create_task(_collect(server, 3, None, ready))
        await asyncio.wait_for(ready.wait(), WAIT)
        await subscribed(server.app)
        reported = [await report(daemon, path=f"A/{i}.mov") for i in range(3)]
        events = await asyncio.wait_for(first, WAIT)
        assert [e["file"]["id"] for e in events] == [f["id"] for f in reported]
        assert all(e["action"] == "REPORT" and e["toState"] == "DETECTED" for e in events)
        cursors = [int(e["cursor"]) for e in events]
        assert cursors == sorted(cursors)

        # Disconnected: five more things happen.
        missed = [await report(daemon, path=f"B/{i}.mov") for i in range(5)]
        await subscribed(server.app, 0)  # the first one has ended server-side too
        # Reconnect from the last cursor: the five come first, in order, then live events.
        ready2 = asyncio.Event()
        second = asyncio.create_task(_collect(server, 6, events[-1]["cursor"], ready2))
        await asyncio.wait_for(ready2.wait(), WAIT)
        await subscribed(server.app)
        live = await report(daemon, path="C/live.mov")
        resumed = await asyncio.wait_for(second, WAIT)
    assert [e["file"]["id"] for e in resumed] == [f["id"] for f in missed] + [live["id"]]
    assert len({e["cursor"] for e in resumed}) == 6


async def test_anonymous_websocket_cannot_subscribe(server: Server) -> None:
    transport = WebsocketsTransport(url=server.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL])
    async with Client(transport=transport) as session:
        gen = session.subscribe(GraphQLRequest("subscription { siteEvents { code } }"))
        with pytest.raises(TransportQueryError) as info:
            async with contextlib.aclosing(gen):
                async for _ in gen:
                    pass
    assert info.value.errors is not None
    assert info.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_bad_key_is_rejected_at_connection_init(server: Server) -> None:
    client = ws_client(server, key="wrong-key")
    with pytest.raises(TransportConnectionFailed) as info:
        async with client:
            pass
    assert "4403" in str(info.value.__cause__)


async def test_heartbeat_brings_site_online_and_emits_site_event(server: Server) -> None:
    got: list[dict[str, Any]] = []

    async def listen() -> None:
        async with ws_client(server) as session:
            gen = session.subscribe(GraphQLRequest("subscription { siteEvents { code online daemonVersion } }"))
            async with contextlib.aclosing(gen):
                async for r in gen:
                    got.append(r["siteEvents"])
                    return

    task = asyncio.create_task(listen())
    await subscribed(server.app)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        data = await daemon.gql(
            'mutation { heartbeat(input:{site:"nashville", daemonVersion:"1.2.3", queueDepth: 4, '
            "diskFreeBytes: 9000000000}) { code online queueDepth diskFreeBytes } }"
        )
    assert data["heartbeat"] == {"code": "nashville", "online": True, "queueDepth": 4, "diskFreeBytes": 9000000000}
    await asyncio.wait_for(task, WAIT)
    assert got == [{"code": "nashville", "online": True, "daemonVersion": "1.2.3"}]
