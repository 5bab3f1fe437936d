"""A file's "Content" follows its upload live: ``File.uploadedBytes`` holds what an unfinished upload has at the
hub, and ``uploadEvents`` signals the bytes as they arrive (inside a running PATCH) and at each recorded offset."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.transfers import tus
from tests.conftest import Server
from tests.support import WAIT, Api, make_user, subscribed
from tests.transfers.conftest import TUS, create_upload, patch, reported

MIB = 1024 * 1024
UPLOAD_EVENTS = "subscription($id: ID){ uploadEvents(fileId: $id){ fileId bytesUploaded bytesTotal at } }"
CONTENT = "query($id: ID!){ file(id: $id){ contentAvailable uploadedBytes sizeBytes } }"


async def _follow(server: Server, cookie: str, file_id: str, seen: asyncio.Queue[dict[str, Any]]) -> None:
    transport = WebsocketsTransport(
        url=server.ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        headers={"Cookie": f"colorroute_session={cookie}", "Origin": server.url},
    )
    async with Client(transport=transport) as session:
        gen = session.subscribe(GraphQLRequest(UPLOAD_EVENTS, variable_values={"id": file_id}))
        async with contextlib.aclosing(gen):
            async for result in gen:
                await seen.put(result["uploadEvents"])


async def _next_reaching(seen: asyncio.Queue[dict[str, Any]], at_least: int) -> dict[str, Any]:
    while True:
        event = await asyncio.wait_for(seen.get(), WAIT)
        if int(event["bytesUploaded"]) >= at_least:
            return event


async def test_content_follows_an_upload_live(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    size = 12 * MIB
    content = await reported(server, keys["tustin"], tmp_path, size)
    await make_user(db, "admin", Role.ADMIN)
    seen: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    async with Api(server.url) as admin, Api(server.url, api_key=keys["tustin"]) as source:
        await admin.login("admin")
        before = (await admin.gql(CONTENT, {"id": content.file_id}))["file"]
        assert before == {"contentAvailable": False, "uploadedBytes": 0, "sizeBytes": size}
        follower = asyncio.create_task(_follow(server, admin.http.cookies["colorroute_session"], content.file_id, seen))
        try:
            await subscribed(server.app, 1)
            created = await create_upload(source.http, content.file_id, size)
            assert created.status_code == 201, created.text
            url = created.headers["location"]

            # One PATCH of 1 MiB: its offset is recorded at its end, and that is announced.
            assert (await patch(source.http, url, 0, content.data[:MIB])).status_code == 204
            first = await _next_reaching(seen, MIB)
            assert (first["fileId"], int(first["bytesUploaded"]), int(first["bytesTotal"])) == (
                content.file_id,
                MIB,
                size,
            )
            assert (await admin.gql(CONTENT, {"id": content.file_id}))["file"]["uploadedBytes"] == MIB

            # A long PATCH: the bytes it has received are announced while it still runs (about once a second).
            batch = tus.WRITE_BATCH
            mid = MIB + 2 * batch
            announced: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

            async def body() -> AsyncIterator[bytes]:
                yield content.data[MIB : MIB + batch]
                await asyncio.sleep(tus.ANNOUNCE_SECONDS + 0.2)  # past the signal's minimum interval
                yield content.data[MIB + batch : mid]
                announced.set_result(await _next_reaching(seen, mid))  # the request is still open here
                yield content.data[mid:]

            done = await source.http.patch(
                url,
                content=body(),
                headers={
                    **TUS,
                    "Upload-Offset": str(MIB),
                    "Content-Length": str(size - MIB),
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            assert done.status_code == 204, done.text
            assert int(announced.result()["bytesUploaded"]) == mid
            after = (await admin.gql(CONTENT, {"id": content.file_id}))["file"]
            assert after == {"contentAvailable": True, "uploadedBytes": size, "sizeBytes": size}
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
