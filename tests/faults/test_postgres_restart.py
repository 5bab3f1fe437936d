"""PostgreSQL stopped and restarted under load, with a live subscriber; the orchestrator is not restarted.

A dedicated embedded PostgreSQL (never the session's shared one) runs under a real ``colorroute serve``. Two
writers report files continuously (each report with its own ``reportId``, as the daemon does), a ``fileEvents``
subscriber listens, and PostgreSQL is stopped (``pg_ctl stop -m fast``: in-flight transactions are cut) and
started again a few seconds later. Checked:

* during the outage every answer is a clean one: HTTP 200 with JSON GraphQL errors coded ``SERVICE_UNAVAILABLE``
  (retryable, no driver text), or a success; never a 5xx, never a hang;
  ``/readyz`` says 503 while the database is away;
* after the restart the same process recovers by itself: ``/readyz`` is 200 again, reports go through;
* resending every report that failed (same ``reportId``) records each file exactly once;
* the live subscriber received every file event committed before and after, once each, in commit order, and a
  second subscriber resuming with ``after:`` the last cursor seen before the outage gets exactly the rest;
* the files reconcile (audit trails replay, every transition announced once).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.db import migrate
from app.db.embedded import start_embedded
from tests.faults.live import ResilientSubscriber, file_event_ids, max_event_id
from tests.faults.processes import EmbeddedPostgres, ServeProcess
from tests.faults.reconcile import reconcile
from tests.support import GLOBAL_KEY, REPORT, WAIT, eventually, random_sha

pytestmark = pytest.mark.slow

LEAK = ("Traceback", "asyncpg", "sqlalchemy", "psycopg", "postgres", "connection", "/work/")


@dataclass
class Attempt:
    report_id: str
    path: str
    sha: str
    phase: str
    outcome: str = ""  # "ok", "graphql:<codes>", "http:<status>", "link:<error>"
    file_id: str | None = None
    seconds: float = 0.0


@dataclass
class Load:
    url: str
    phase: str = "before"
    attempts: list[Attempt] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, client: httpx.AsyncClient, attempt: Attempt) -> None:
        variables = {
            "input": {"site": "tustin", "path": attempt.path, "sizeBytes": 2048, "sha256": attempt.sha,
                      "reportId": attempt.report_id}
        }  # fmt: skip
        started = time.monotonic()
        try:
            r = await client.post("/graphql", json={"query": REPORT, "variables": variables})
        except httpx.HTTPError as exc:
            attempt.outcome = f"link:{type(exc).__name__}"
        else:
            if r.status_code != 200:
                attempt.outcome = f"http:{r.status_code}:{r.text[:200]}"
            else:
                body = r.json()
                if body.get("errors"):
                    for error in body["errors"]:
                        assert not any(word in error["message"] for word in LEAK), error
                    attempt.outcome = "graphql:" + ",".join(sorted({e["extensions"]["code"] for e in body["errors"]}))
                else:
                    attempt.outcome = "ok"
                    attempt.file_id = body["data"]["reportFile"]["id"]
        attempt.seconds = time.monotonic() - started

    def answered(self, phase: str, outcome: str) -> int:
        return sum(1 for a in self.attempts if a.phase == phase and a.outcome == outcome)

    async def writer(self, name: str) -> None:
        async with httpx.AsyncClient(base_url=self.url, headers={"X-API-Key": GLOBAL_KEY}, timeout=WAIT) as client:
            for i in range(10_000):  # bounded; the test stops it long before
                if self.stop.is_set():
                    return
                attempt = Attempt(f"pg-{name}-{i}-{uuid.uuid4().hex[:6]}", f"pg/{name}/{i:05d}.mov", random_sha(),
                                  self.phase)  # fmt: skip
                self.attempts.append(attempt)
                await self.send(client, attempt)
                await asyncio.sleep(0.02 if attempt.outcome == "ok" else 0.1)


async def _ready(url: str) -> int:
    async with httpx.AsyncClient(timeout=5) as client:
        try:
            return (await client.get(url + "/readyz")).status_code
        except httpx.HTTPError:
            return 0


async def _wait_ready(url: str, want: int, within: float) -> float:
    started = time.monotonic()
    while (status := await _ready(url)) != want:
        assert time.monotonic() - started < within, f"/readyz still {status} after {within}s"
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def _diagnose(server: ServeProcess, stuck: ResilientSubscriber, committed: list[int]) -> str:
    """What a stalled subscriber needs explained: does a fresh resume from its cursor work, how many
    subscriptions does the server hold, what did it log."""
    fresh, finished = ResilientSubscriber(server.ws_url, GLOBAL_KEY, after=stuck.last_cursor), asyncio.Event()
    task = asyncio.create_task(fresh.run(finished, deadline=time.monotonic() + 20))
    try:
        await fresh.wait_for_cursor(committed[-1], within=15)
        resumed = f"a fresh resume from {stuck.last_cursor} got {len(fresh.events)} events"
    except AssertionError as exc:
        resumed = f"a fresh resume is stuck too: {exc}"
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
    async with httpx.AsyncClient(timeout=5) as client:
        metrics = (await client.get(server.url + "/metrics")).text
    held = [line for line in metrics.splitlines() if line.startswith(("colorroute_subscribers", "colorroute_event"))]
    return f"{resumed}; server: {held}\n{server.log_tail(6000)}"


async def test_postgres_stopped_and_restarted_under_load() -> None:
    root = Path(tempfile.mkdtemp(prefix="crp", dir="/tmp"))  # short: the unix socket lives in pgdata
    url = await asyncio.to_thread(start_embedded, root / "pgdata")
    pg = EmbeddedPostgres(root / "pgdata", url)
    # No fallback poll: a subscriber can only get events through a working LISTEN connection, so "live again"
    # below is proved by cause, not by how fast it happened.
    server = ServeProcess(url, root / "data", env={"COLORROUTE_EVENT_POLL_SECONDS": "3600"})
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        await asyncio.to_thread(server.start)
        pid = server.pid
        start_cursor = await max_event_id(url)

        live = ResilientSubscriber(server.ws_url, GLOBAL_KEY, after=str(start_cursor))
        done = asyncio.Event()
        listening = asyncio.create_task(live.run(done, deadline=time.monotonic() + 150))
        await asyncio.wait_for(live.subscribed.wait(), WAIT)  # from a cursor: it misses nothing, registered or not

        load = Load(server.url)
        writers = [asyncio.create_task(load.writer(name)) for name in ("a", "b")]
        await eventually(lambda: load.answered("before", "ok") > 10, "reports before the outage")

        # The outage: stop PostgreSQL under the writers' feet.
        before_outage = live.last_cursor
        load.phase = "outage"
        await asyncio.to_thread(pg.stop)
        await _wait_ready(server.url, 503, within=WAIT)
        await eventually(lambda: load.answered("outage", "graphql:SERVICE_UNAVAILABLE") > 5, "answers in the outage")
        await asyncio.to_thread(pg.start)
        load.phase = "recovery"
        recovered_in = await _wait_ready(server.url, 200, within=WAIT)
        load.phase = "after"
        recovered_at = time.monotonic()
        # Ready means live again: a new subscriber (no replay) gets a fresh event, and with no fallback poll only
        # a LISTEN connection can have brought it (the old one died with the server and must have been replaced).
        probe, probe_done = ResilientSubscriber(server.ws_url, GLOBAL_KEY), asyncio.Event()
        probing = asyncio.create_task(probe.run(probe_done, deadline=time.monotonic() + 2 * WAIT))
        await probe.wait_for_cursor(0, within=WAIT)
        live_again_in = time.monotonic() - recovered_at
        probe_done.set()
        await eventually(lambda: load.answered("after", "ok") > 10, "reports after the restart")
        load.stop.set()
        await asyncio.wait_for(asyncio.gather(*writers), 2 * WAIT)

        # The same process, still serving.
        assert server.proc is not None and server.proc.poll() is None and server.pid == pid

        by_phase = {
            phase: Counter(":".join(a.outcome.split(":")[:2]) for a in load.attempts if a.phase == phase)
            for phase in ("before", "outage", "recovery", "after")
        }
        print(
            f"ready {recovered_in:.1f}s after restart, live {live_again_in:.2f}s later; outcomes: {by_phase}; "
            f"subscriber connects {live.connects}, errors {live.error_codes}"
        )
        outcomes = Counter(a.outcome for a in load.attempts)
        allowed = {"ok", "graphql:SERVICE_UNAVAILABLE"}
        assert set(outcomes) <= allowed, outcomes
        assert by_phase["before"]["ok"] > 10 and by_phase["after"]["ok"] > 10, by_phase
        assert by_phase["outage"]["graphql:SERVICE_UNAVAILABLE"] > 5, by_phase
        assert max(a.seconds for a in load.attempts) < WAIT, "a request hung through the outage"

        # Resend what failed, as the daemon's outbox would: every report lands exactly once.
        failed = [a for a in load.attempts if a.outcome != "ok"]
        async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": GLOBAL_KEY}, timeout=20) as client:
            for attempt in failed:
                await load.send(client, attempt)
                assert attempt.outcome == "ok", attempt
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch("SELECT report_id, id FROM files WHERE path LIKE 'pg/%'")
        finally:
            await conn.close()
        in_db = Counter(r["report_id"] for r in rows)
        assert sorted(in_db) == sorted(a.report_id for a in load.attempts)
        assert set(in_db.values()) == {1}
        assert {str(r["id"]) for r in rows} == {a.file_id for a in load.attempts}

        # The live subscriber saw every committed file event once, in order, across the outage.
        committed = await file_event_ids(url, start_cursor)
        assert len(committed) == len(load.attempts)
        try:
            await live.wait_for_cursor(committed[-1], within=45)
        except AssertionError as stuck:
            raise AssertionError(f"{stuck}\n{await _diagnose(server, live, committed)}") from None
        done.set()
        assert live.cursors == committed, (len(live.cursors), len(committed), live.link_errors[-3:])
        # If the outage ended the subscription (an event being loaded as the database went away), it ended with
        # the retryable SERVICE_UNAVAILABLE, and resuming from the cursor covered the gap.
        assert set(live.error_codes) <= {"SERVICE_UNAVAILABLE"}, live.error_codes

        # A subscriber that was away resumes from the last cursor it had before the outage and misses nothing.
        resumed = ResilientSubscriber(server.ws_url, GLOBAL_KEY, after=before_outage)
        finished = asyncio.Event()
        catching_up = asyncio.create_task(resumed.run(finished, deadline=time.monotonic() + 60))
        await resumed.wait_for_cursor(committed[-1], within=45)
        finished.set()
        assert resumed.cursors == await file_event_ids(url, int(before_outage or 0))

        checked = await reconcile(url, prefix="pg/", expect_files=len(load.attempts))
        assert checked.events == len(committed)
        for task in (listening, catching_up, probing):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    finally:
        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(pg.stop_quietly)
        shutil.rmtree(root, ignore_errors=True)
