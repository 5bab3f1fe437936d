"""Two real ``colorroute serve`` processes on one database: a change on one reaches a subscriber on the
other (the outbox + LISTEN/NOTIFY path, not in-process fan-out)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.support import GLOBAL_KEY, Api, free_port, report

BIN = Path(sys.executable).parent / "colorroute"


async def _start(db_url: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DAEMON_API_KEY": GLOBAL_KEY,
        "COLORROUTE_DATA_DIR": str(tmp),
        "COLORROUTE_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(  # noqa: ASYNC220 - a spawn, not a wait
        [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(150):
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url + "/readyz")).status_code == 200:
                    return proc, url
            await asyncio.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not become ready")


@pytest.fixture
async def two_servers(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    a, url_a = await _start(db_url, tmp_path / "a")
    b, url_b = await _start(db_url, tmp_path / "b")
    try:
        yield url_a, url_b
    finally:
        for p in (a, b):
            p.terminate()
        for p in (a, b):
            p.wait(timeout=20)


async def test_mutation_on_one_server_reaches_subscriber_on_the_other(two_servers: tuple[str, str]) -> None:
    url_a, url_b = two_servers
    transport = WebsocketsTransport(
        url=url_b.replace("http", "ws") + "/graphql",
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"apiKey": GLOBAL_KEY},
    )
    got: list[str] = []
    subscribed = asyncio.Event()

    async def listen() -> None:
        async with Client(transport=transport) as session:
            gen = session.subscribe(GraphQLRequest("subscription { fileEvents { action file { path } } }"))
            subscribed.set()
            async with contextlib.aclosing(gen):
                async for r in gen:
                    got.append(r["fileEvents"]["file"]["path"])
                    if len(got) == 2:
                        return

    task = asyncio.create_task(listen())
    await asyncio.wait_for(subscribed.wait(), 10)
    await asyncio.sleep(0.5)
    async with Api(url_a, api_key=GLOBAL_KEY) as on_a:
        await report(on_a, path="from/server-a-1.mov")
        await report(on_a, path="from/server-a-2.mov")
    await asyncio.wait_for(task, 15)
    assert got == ["from/server-a-1.mov", "from/server-a-2.mov"]
