"""Connections cut by a loopback TCP proxy in the middle of a live subscription.

A ``fileEvents`` subscriber talks to the server only through a proxy that, every few hundred milliseconds,
aborts every connection through it, while a daemon reports files over its own direct connection. The subscriber
resubscribes through the proxy with ``after:`` its last cursor each time. In the end it must have received every
committed file event exactly once, in commit order, and the files reconcile.
"""

from __future__ import annotations

import asyncio
import time

from tests.conftest import Server
from tests.faults.live import ResilientSubscriber, file_event_ids, max_event_id
from tests.faults.proxy import TcpProxy
from tests.faults.reconcile import reconcile
from tests.support import GLOBAL_KEY, WAIT, Api, report

REPORTS = 60
CUTS = 5


async def test_subscription_survives_connection_cuts_and_resumes_exactly_once(server: Server) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    start_cursor = await max_event_id(server.db_url)
    async with TcpProxy(host, int(port)) as proxy:
        subscriber = ResilientSubscriber(f"ws://127.0.0.1:{proxy.port}/graphql", GLOBAL_KEY, after=str(start_cursor))
        done = asyncio.Event()
        listening = asyncio.create_task(subscriber.run(done, deadline=time.monotonic() + 4 * WAIT))
        await asyncio.wait_for(subscriber.subscribed.wait(), WAIT)

        async def cut() -> None:
            for _ in range(CUTS):
                await asyncio.sleep(0.35)
                # Wait for the subscriber to be connected again before cutting once more.
                for _ in range(100):
                    if proxy.open_connections:
                        break
                    await asyncio.sleep(0.02)
                proxy.drop_all()

        cutting = asyncio.create_task(cut())
        reported = []
        async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
            for i in range(REPORTS):
                reported.append(await report(daemon, path=f"cut/{i:03d}.mov"))
                await asyncio.sleep(0.03)
        await asyncio.wait_for(cutting, WAIT)
        committed = await file_event_ids(server.db_url, start_cursor)
        assert len(committed) == REPORTS
        await subscriber.wait_for_cursor(committed[-1], within=WAIT)
        done.set()
        proxy.drop_all()  # unblock the reader so it sees ``done``
        await asyncio.wait_for(listening, WAIT)

    assert proxy.dropped >= CUTS, f"only {proxy.dropped} connections were cut"
    assert subscriber.connects > CUTS, subscriber.link_errors
    assert subscriber.cursors == committed, "missing, repeated or out-of-order events"
    assert [e["file"]["id"] for e in subscriber.events] == [f["id"] for f in reported]
    checked = await reconcile(server.db_url, prefix="cut/", expect_files=REPORTS)
    assert checked.events == REPORTS
