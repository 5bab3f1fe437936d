"""An event's delivery (its DataLoaders and rendered results) is shared by every subscriber handling it
(app/events/hub.py, graphql_schema/live.py). Two ways that sharing once broke subscriptions, both found by
test_postgres_restart.py (intermittently) and pinned here deterministically by holding or failing the file lookup
in-process:

* a database error while loading an event's file stayed in the shared DataLoader cache, so every later replay of
  that event failed too, long after the database was back (until 256 newer events evicted it);
* a subscriber that disconnected while waiting on a shared load cancelled that load for everyone waiting on it,
  and their streams ended silently: no error, no complete, the client waited forever.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from app.repositories import files as files_repo
from tests.conftest import Server
from tests.faults.live import FILE_EVENTS, max_event_id
from tests.faults.reconcile import reconcile
from tests.support import GLOBAL_KEY, Api, report, subscribed


async def _replay(server: Server, after: int, n: int) -> list[dict[str, Any]]:
    transport = WebsocketsTransport(
        url=server.ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"apiKey": GLOBAL_KEY},
    )
    got: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        stream = session.subscribe(GraphQLRequest(FILE_EVENTS, variable_values={"after": str(after)}))
        async with contextlib.aclosing(stream):
            async for result in stream:
                got.append(result["fileEvents"])
                if len(got) == n:
                    break
    return got


async def test_a_failed_load_is_retried_by_the_next_subscriber(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    start = await max_event_id(server.db_url)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        reported = [await report(daemon, path=f"blip/{i}.mov") for i in range(3)]

    real = files_repo.by_ids
    failures = 0

    async def flaky(session: Any, ids: Sequence[int]) -> Any:
        nonlocal failures
        if failures == 0:
            failures += 1
            raise ConnectionResetError("connection was closed in the middle of operation")
        return await real(session, ids)

    monkeypatch.setattr(files_repo, "by_ids", flaky)
    with pytest.raises(TransportQueryError) as info:
        await asyncio.wait_for(_replay(server, start, 3), 20)
    assert info.value.errors is not None
    assert info.value.errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"  # a lost connection: retryable
    assert failures == 1

    # The database is back: resuming from the same cursor delivers everything.
    replayed = await asyncio.wait_for(_replay(server, start, 3), 20)
    assert [e["file"]["id"] for e in replayed] == [f["id"] for f in reported]
    await reconcile(server.db_url, prefix="blip/", expect_files=3)


async def test_one_subscriber_leaving_does_not_end_another(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two subscribers wait on the same shared load; one disconnects (its task is cancelled, and cancelling a task
    cancels the future it awaits). In test_postgres_restart.py a short-lived probe subscriber left while the
    long-lived one was loading the same event."""
    start = await max_event_id(server.db_url)
    real = files_repo.by_ids

    loading, release = asyncio.Event(), asyncio.Event()

    async def slow(session: Any, ids: Sequence[int]) -> Any:
        loading.set()
        await release.wait()
        return await real(session, ids)

    monkeypatch.setattr(files_repo, "by_ids", slow)
    leaving = asyncio.create_task(_replay(server, start, 1))
    staying = asyncio.create_task(_replay(server, start, 2))
    await subscribed(server.app, 2)  # both subscribed, nothing to replay yet
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        first = await report(daemon, path="blip/first.mov")
        await asyncio.wait_for(loading.wait(), 30)  # both wait on the same (held) load of the first file
        leaving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leaving
        release.set()
        second = await report(daemon, path="blip/second.mov")
    got = await asyncio.wait_for(staying, 20)
    assert [e["file"]["id"] for e in got] == [first["id"], second["id"]]
    await reconcile(server.db_url, prefix="blip/", expect_files=2)
