"""Live events over real WebSockets (graphql-transport-ws) with the real gql client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import asyncpg
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import select

from app.db.engine import SessionFactory
from app.db.models import TransferJob
from app.domain.permissions import SYSTEM, Role
from app.repositories import transfers as transfers_repo
from app.services import lifecycle, transfers
from tests.conftest import Server
from tests.support import GLOBAL_KEY, WAIT, Api, destination_agent, file_in_state, make_user, report, subscribed

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
        await subscribed(server.app, 1)
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
        await subscribed(server.app, 1)
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
    await subscribed(server.app, 1)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        data = await daemon.gql(
            'mutation { heartbeat(input:{site:"nashville", daemonVersion:"1.2.3", queueDepth: 4, '
            "diskFreeBytes: 9000000000}) { code online queueDepth diskFreeBytes } }"
        )
    assert data["heartbeat"] == {"code": "nashville", "online": True, "queueDepth": 4, "diskFreeBytes": 9000000000}
    await asyncio.wait_for(task, WAIT)
    assert got == [{"code": "nashville", "online": True, "daemonVersion": "1.2.3"}]


async def test_event_fields_are_as_at_the_event_and_the_file_as_when_delivered(
    server: Server, db: SessionFactory
) -> None:
    """Both changes commit before the events are delivered (a replay), so this is the same every run: the ASSIGN
    event still says what happened then; its file is the file now, REJECTED, with nothing left to do."""
    colorist = await make_user(db, "alice", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "TRANSFERRED")
    before = await _max_cursor(server)
    await lifecycle.assign_colorist(db, SYSTEM, fid, str(colorist))
    await lifecycle.reject_file(db, SYSTEM, fid, "wrong grade")
    query = (
        "subscription($after: String){ fileEvents(after: $after){ "
        "cursor action fromState toState actor file { id state allowedActions } } }"
    )
    got: list[dict[str, Any]] = []
    async with ws_client(server) as session:
        gen = session.subscribe(GraphQLRequest(query, variable_values={"after": before}))
        async with contextlib.aclosing(gen):
            async for result in gen:
                got.append(result["fileEvents"])
                if len(got) == 2:
                    break
    assign, reject = got
    assert (assign["action"], assign["fromState"], assign["toState"]) == ("ASSIGN", "TRANSFERRED", "COLORIST_ASSIGNED")
    assert (reject["action"], reject["fromState"], reject["toState"]) == ("REJECT", "COLORIST_ASSIGNED", "REJECTED")
    assert assign["actor"] == reject["actor"] == "system"
    assert int(before) < int(assign["cursor"]) < int(reject["cursor"])
    assert assign["file"] == reject["file"] == {"id": fid, "state": "REJECTED", "allowedActions": []}


async def test_audit_entries_are_as_written_and_their_file_as_when_delivered(
    server: Server, db: SessionFactory
) -> None:
    """auditEvents says the same as fileEvents: both changes commit before the replay is delivered, so each entry
    keeps what it recorded (its action and states) while its file is the file now, every run."""
    colorist = await make_user(db, "alice", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "TRANSFERRED")
    before = await _max_cursor(server)
    await lifecycle.assign_colorist(db, SYSTEM, fid, str(colorist))
    await lifecycle.reject_file(db, SYSTEM, fid, "wrong grade")
    query = (
        "subscription($after: String){ auditEvents(after: $after){ "
        "cursor action fromState toState file { id state allowedActions } } }"
    )
    got: list[dict[str, Any]] = []
    async with ws_client(server) as session:
        gen = session.subscribe(GraphQLRequest(query, variable_values={"after": before}))
        async with contextlib.aclosing(gen):
            async for result in gen:
                got.append(result["auditEvents"])
                if len(got) == 2:
                    break
    assign, reject = got
    assert (assign["action"], assign["fromState"], assign["toState"]) == ("ASSIGN", "TRANSFERRED", "COLORIST_ASSIGNED")
    assert (reject["action"], reject["fromState"], reject["toState"]) == ("REJECT", "COLORIST_ASSIGNED", "REJECTED")
    assert int(before) < int(assign["cursor"]) < int(reject["cursor"])
    assert assign["file"] == reject["file"] == {"id": fid, "state": "REJECTED", "allowedActions": []}


async def _max_cursor(server: Server) -> str:
    conn = await asyncpg.connect(server.db_url)
    try:
        return str(await conn.fetchval("SELECT coalesce(max(id), 0) FROM events"))
    finally:
        await conn.close()


async def test_progress_reaches_a_live_subscriber_with_every_value_in_order(
    server: Server, db: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering is held back until every report has committed, so the job's row already says the last value
    when the first signal is delivered: each delivery must still show its own report, never a later (or an
    earlier) one."""
    fid = await file_in_state(db, "TRANSFERRING")
    async with db() as session:
        job = await session.scalar(select(TransferJob).where(TransferJob.file_id == int(fid)))
    assert job is not None and job.status == "RUNNING"
    values = [job.bytes_total * i // 10 for i in range(1, 11)]
    reported = asyncio.Event()
    real = transfers_repo.by_ids

    async def after_the_reports(session: Any, ids: Sequence[int]) -> Any:
        await reported.wait()
        return await real(session, ids)

    monkeypatch.setattr(transfers_repo, "by_ids", after_the_reports)
    query = "subscription($id: ID){ transferEvents(transferId: $id){ id status bytesTransferred eventCursor } }"
    got: list[dict[str, Any]] = []

    async def listen() -> None:
        async with ws_client(server) as session:
            gen = session.subscribe(GraphQLRequest(query, variable_values={"id": str(job.id)}))
            async with contextlib.aclosing(gen):
                async for result in gen:
                    got.append(result["transferEvents"])
                    if len(got) == len(values):
                        return

    task = asyncio.create_task(listen())
    await subscribed(server.app, 1)
    for value in values:
        await transfers.report_progress(db, destination_agent("nashville"), str(job.id), value, rate=float(value))
    reported.set()
    await asyncio.wait_for(task, 30)
    assert [int(e["bytesTransferred"]) for e in got] == values
    assert all(e["status"] == "RUNNING" and e["eventCursor"] is None for e in got)
