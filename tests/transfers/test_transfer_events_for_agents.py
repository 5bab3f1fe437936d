"""What a transfer agent relies on in ``transferEvents``: job changes carry their event cursor (to resume with
``after:``), and a job queued before its bytes arrived is announced again once the content is available."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from app.db.engine import SessionFactory
from tests.conftest import Server
from tests.support import WAIT, subscribed
from tests.transfers.conftest import queue_to, reported
from tests.transfers.test_tus_upload import tus_uploader

EVENTS = """
subscription($after: String) {
  transferEvents(siteCode: "nashville", after: $after) {
    id status eventCursor file { id contentAvailable } destinationSite { code }
  }
}
"""


async def _collect(server: Server, key: str, n: int, after: str | None, ready: asyncio.Event) -> list[dict[str, Any]]:
    transport = WebsocketsTransport(
        url=server.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL], init_payload={"apiKey": key}
    )
    got: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        gen = session.subscribe(GraphQLRequest(EVENTS, variable_values={"after": after}))
        ready.set()
        async with contextlib.aclosing(gen):
            async for result in gen:
                got.append(result["transferEvents"])
                if len(got) == n:
                    break
    return got


async def test_a_pending_job_is_announced_when_its_content_arrives_with_a_resumable_cursor(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 300_000)
    await queue_to(db, content.file_id, "nashville")

    ready = asyncio.Event()
    live = asyncio.create_task(_collect(server, keys["nashville"], 1, None, ready))
    await asyncio.wait_for(ready.wait(), WAIT)
    await subscribed(server.app)
    await asyncio.to_thread(tus_uploader(server.url, keys["tustin"], content).upload)
    [announced] = await asyncio.wait_for(live, WAIT)
    assert announced["status"] == "PENDING"
    assert announced["file"] == {"id": content.file_id, "contentAvailable": True}
    assert announced["destinationSite"] == {"code": "nashville"}
    assert announced["eventCursor"] is not None

    # Replayed from before it: the queueing's event comes back first, each with a cursor, in order.
    ready = asyncio.Event()
    before = str(int(announced["eventCursor"]) - 1)
    replay = await asyncio.wait_for(_collect(server, keys["nashville"], 1, before, ready), WAIT)
    assert [e["eventCursor"] for e in replay] == [announced["eventCursor"]]

    ready = asyncio.Event()
    everything = await asyncio.wait_for(_collect(server, keys["nashville"], 2, "0", ready), WAIT)
    cursors = [int(e["eventCursor"]) for e in everything]
    assert cursors == sorted(cursors) and cursors[-1] == int(announced["eventCursor"])
    assert all(e["id"] == announced["id"] for e in everything)
