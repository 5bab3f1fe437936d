"""Two real ``colorroute serve`` processes on one database: a change on one reaches a subscriber on the
other (the outbox + LISTEN/NOTIFY path, not in-process fan-out)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.support import GLOBAL_KEY, WAIT, Api, report, spawned_server, subscribed


@pytest.fixture
async def two_servers(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    async with spawned_server(db_url, str(tmp_path / "a")) as a, spawned_server(db_url, str(tmp_path / "b")) as b:
        yield a, b


async def test_mutation_on_one_server_reaches_subscriber_on_the_other(two_servers: tuple[str, str]) -> None:
    url_a, url_b = two_servers
    transport = WebsocketsTransport(
        url=url_b.replace("http", "ws") + "/graphql",
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"apiKey": GLOBAL_KEY},
    )
    got: list[str] = []
    listening = asyncio.Event()

    async def listen() -> None:
        async with Client(transport=transport) as session:
            gen = session.subscribe(GraphQLRequest("subscription { fileEvents { action file { path } } }"))
            listening.set()
            async with contextlib.aclosing(gen):
                async for r in gen:
                    got.append(r["fileEvents"]["file"]["path"])
                    if len(got) == 2:
                        return

    task = asyncio.create_task(listen())
    await asyncio.wait_for(listening.wait(), WAIT)
    await subscribed(url_b)  # registered on server B, which has no other subscriber
    async with Api(url_a, api_key=GLOBAL_KEY) as on_a:
        await report(on_a, path="from/server-a-1.mov")
        await report(on_a, path="from/server-a-2.mov")
    await asyncio.wait_for(task, WAIT)
    assert got == ["from/server-a-1.mov", "from/server-a-2.mov"]
