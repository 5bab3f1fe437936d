"""A stalled transfer shows: ``lastProgressAt`` and ``stalled`` (the server's view) over the real API, and the
moment a running job stalls — and when its bytes move again — reaches ``transferEvents`` subscribers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from app.config import Settings
from app.db.engine import SessionFactory
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, file_in_state

WARN = 1.0  # the server's stall warning in these tests (its sweep runs every WARN / 4 seconds)

START = "mutation($id: ID!) { startTransfer(id: $id) { transfers { id } } }"
PROGRESS = """mutation($id: ID!, $b: BigInt!) {
  reportTransferProgress(transferId: $id, bytesTransferred: $b) { id lastProgressAt stalled } }"""
FIELDS = "id status bytesTransferred lastProgressAt secondsSinceProgress stalled"
JOB = f"query($id: ID!) {{ transfer(id: $id) {{ {FIELDS} }} }}"
EVENTS = f"subscription($id: ID!) {{ transferEvents(transferId: $id) {{ {FIELDS} }} }}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The lease itself stays far away: these tests watch the warning, not the failure.
    return settings.model_copy(update={"transfer_stall_warn_seconds": WARN, "transfer_stall_seconds": 600.0})


@contextlib.asynccontextmanager
async def watching(server: Server, key: str, transfer_id: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """Every transferEvents delivery for one job, as a daemon key hears them, in a queue."""
    seen: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    subscribed = asyncio.Event()

    async def listen() -> None:
        transport = WebsocketsTransport(
            url=server.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL], init_payload={"apiKey": key}
        )
        async with Client(transport=transport) as session:
            gen = session.subscribe(GraphQLRequest(EVENTS, variable_values={"id": transfer_id}))
            async with contextlib.aclosing(gen):
                subscribed.set()
                async for result in gen:
                    seen.put_nowait(result["transferEvents"])

    task = asyncio.create_task(listen())
    try:
        await asyncio.wait_for(subscribed.wait(), 30)
        await asyncio.sleep(0.3)  # the subscribe message is on the wire before anything we wait for happens
        yield seen
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _until(seen: asyncio.Queue[dict[str, Any]], stalled: bool, bytes_: int) -> dict[str, Any]:
    async with asyncio.timeout(30):  # generous: a loaded machine
        while True:
            job = await seen.get()
            if job["stalled"] is stalled and job["bytesTransferred"] == bytes_:
                return job


async def test_a_job_whose_bytes_stop_is_delivered_stalled_and_unstalled_when_they_move(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    fid = await file_in_state(db, "QUEUED")
    async with Api(server.url, api_key=keys["nashville"]) as agent:
        tid = (await agent.gql(START, {"id": fid}))["startTransfer"]["transfers"][-1]["id"]
        async with watching(server, keys["tustin"], tid) as seen:
            reported = (await agent.gql(PROGRESS, {"id": tid, "b": 1000}))["reportTransferProgress"]
            assert reported["stalled"] is False and reported["lastProgressAt"] is not None
            # Nothing more moves: the sweep announces the stall, nothing else happening on the job.
            stalled = await _until(seen, True, 1000)
            assert stalled["status"] == "RUNNING" and stalled["lastProgressAt"] == reported["lastProgressAt"]
            assert stalled["secondsSinceProgress"] >= WARN
            now = (await agent.gql(JOB, {"id": tid}))["transfer"]
            assert now["stalled"] is True and now["lastProgressAt"] == reported["lastProgressAt"]

            # The same bytes again are no progress; new bytes are, and that reaches the subscriber too.
            again = (await agent.gql(PROGRESS, {"id": tid, "b": 1000}))["reportTransferProgress"]
            assert again["stalled"] is True and again["lastProgressAt"] == reported["lastProgressAt"]
            moved = (await agent.gql(PROGRESS, {"id": tid, "b": 2000}))["reportTransferProgress"]
            assert moved["stalled"] is False
            assert datetime.fromisoformat(moved["lastProgressAt"]) > datetime.fromisoformat(reported["lastProgressAt"])
            resumed = await _until(seen, False, 2000)
            assert resumed["secondsSinceProgress"] < WARN

            # ...and a second stall of the same job is announced again.
            again_stalled = await _until(seen, True, 2000)
            assert again_stalled["lastProgressAt"] == moved["lastProgressAt"]


async def test_a_job_that_is_not_running_is_never_stalled(server: Server, db: SessionFactory) -> None:
    fid = await file_in_state(db, "TRANSFERRED")
    await asyncio.sleep(WARN + 0.2)  # long past the warning: a completed job's bytes have no reason to move
    async with Api(server.url, api_key=GLOBAL_KEY) as agent:
        data = await agent.gql("query($id: ID!) { file(id: $id) { transfers { " + FIELDS + " } } }", {"id": fid})
    [job] = data["file"]["transfers"]
    assert job["status"] == "COMPLETED" and job["stalled"] is False and job["secondsSinceProgress"] is None
    assert job["lastProgressAt"] is not None, "kept: when its bytes last moved"
