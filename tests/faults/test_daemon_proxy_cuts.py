"""A loopback TCP proxy between a real daemon and the orchestrator cuts every connection, during reports and
during an upload; the daemon must recover by itself and everything must arrive exactly once.

The daemon knows the orchestrator only as the proxy (``proxy.py``), for its GraphQL WebSocket (reports,
heartbeats) and its tus uploads alike. First 150 small files are reported (and uploaded) while the proxy aborts
every open connection three times, each time once more reports have landed. Then a 48 MiB file is uploaded
(throttled so the cuts land mid-``PATCH``): cut once bytes are on the server, then again after it continued,
with the proxy refusing new connections for a second. Nobody restarts anything. In the end every file is in
the database once, its content on the hub once (one completed upload, one UPLOAD_COMPLETED), the big upload
continued from the server's offset after each cut (never from 0: the orchestrator received less than twice the
bytes), the daemon is still running and stops cleanly, and disk, outbox, upload state, blob store and database
reconcile.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import signal
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from tests.faults.processes import ServeProcess
from tests.faults.proxy import TcpProxy
from tests.faults.reconcile import outbox_rows, reconcile, upload_rows
from tests.faults.stack import MIB, bytes_moved, daemon, db_files, state_rows, tails, wait_for
from tests.support import write_random

pytestmark = pytest.mark.slow

SMALL = 150
BIG = 48 * MIB
CUT_AT = (15, 60, 105)  # reports landed before each cut during the reporting phase
PREFIX = "cut/"


async def test_daemon_rides_out_connection_cuts_during_reports_and_an_upload(db_url: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="crp-", dir="/tmp"))
    serve = ServeProcess(db_url, work / "serve")
    await asyncio.to_thread(serve.start)
    proxy = await TcpProxy("127.0.0.1", serve.port).start()
    agent = daemon(
        "tustin",
        work,
        "tustin",
        f"http://127.0.0.1:{proxy.port}",
        "--transfer-rate-limit",
        "8",
        "--report-batch",
        "4",
        "--send-concurrency",
        "2",
        "--heartbeat-interval",
        "1",
    )
    watch, state = agent.watch, agent.state_dir
    counter = await asyncpg.connect(db_url, timeout=30)
    big = PREFIX + "BIG.MOV"
    try:
        for i in range(SMALL):
            path = watch / PREFIX / f"{i // 50}" / f"{i:03d}.mov"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(512 + i))
        small_bytes = sum(512 + i for i in range(SMALL))
        agent.start()

        async def reported() -> int:
            return int(await counter.fetchval("SELECT count(*) FROM files WHERE path LIKE 'cut/%'"))

        # -- cuts while reports land ------------------------------------------------------------------------
        cut_counts: list[int] = []
        for at in CUT_AT:
            await wait_for(f"{at} reports", functools.partial(_at_least, reported, at), within=60, interval=0.01)
            await wait_for("a connection to cut", lambda: proxy.open_connections, within=30, interval=0.01)
            proxy.drop_all()
            cut_counts.append(await reported())
        in_the_middle = [n for n in cut_counts if n < SMALL]
        assert len(in_the_middle) >= 2, f"the cuts came after the reports: {cut_counts}; make the batch bigger"
        await wait_for(f"all {SMALL} reports", lambda: _at_least(reported, SMALL), within=90, interval=0.2)

        # -- cuts during an upload ------------------------------------------------------------------------
        staging = work / "staging" / "BIG.MOV"
        digest = await asyncio.to_thread(write_random, staging, BIG)
        os.rename(staging, watch / big)
        files = await wait_for("the big file's report", lambda: _files_if(db_url, big), within=60)
        file_id = files[big]["id"]
        assert files[big]["sha256"] == digest
        [(url,)] = await wait_for(
            "the upload URL in the daemon's state",
            lambda: state_rows(state, "SELECT url FROM uploads WHERE file_id = ? AND url IS NOT NULL", file_id),
            within=60,
        )
        partial = serve.data_dir / "blobs" / "partial" / str(url).rsplit("/", 1)[1]

        def on_server() -> int:
            return partial.stat().st_size if partial.exists() else 0

        def resumed(n: int) -> list[int]:
            offsets = [e["offset"] for e in agent.events("upload.started") if e["path"] == big]
            return offsets if len(offsets) >= n else []

        # Cut once bytes are on the server; then, once the daemon continued the same upload and more bytes
        # arrived, cut again and refuse reconnections for a second (an outage, not just a reset). The server
        # writes in 4 MiB batches and buffers a few more (it catches up after a cut), hence the margins.
        await wait_for("bytes on the server", lambda: on_server() >= BIG // 8, within=60, interval=0.02)
        assert proxy.drop_all(), "nothing to cut"
        offsets = await wait_for("the upload to continue", lambda: resumed(2), within=60)
        await wait_for("bytes of the continued upload", lambda: on_server() > offsets[1], within=60, interval=0.02)
        assert on_server() < BIG, "the upload finished before the second cut; throttle it more"
        proxy.refuse()
        assert proxy.drop_all(), "nothing to cut"
        await asyncio.sleep(1.0)
        proxy.accept()

        # -- everything arrives, once ---------------------------------------------------------------------
        total = SMALL + 1
        await wait_for(
            "every file's content on the hub",
            lambda: _all_content(db_url, total),
            within=120,
            interval=0.25,
        )
        await wait_for(
            "the outbox and the uploads to be all done",
            lambda: (
                len(rows := outbox_rows(state)) == total
                and all(r["status"] == "sent" for r in rows)
                and len(ups := upload_rows(state)) == total
                and all(u["status"] == "done" for u in ups)
            ),
            within=60,
            interval=0.25,
        )
        assert agent.proc is not None and agent.proc.poll() is None, "the daemon died"
        assert await asyncio.to_thread(agent.stop, signal.SIGTERM) == 0
        assert agent.events("daemon.crashed") == []
        assert len(agent.events("orchestrator.disconnected")) >= 1, "the WebSocket was never cut"
        assert len(agent.events("orchestrator.connected")) >= 2, "it never connected again"

        started = [e["offset"] for e in agent.events("upload.started") if e["path"] == big]
        assert len(started) >= 3 and started[0] == 0, f"the big upload was not cut twice: {started}"
        assert started[:2] == offsets[:2]
        assert all(0 < o for o in started[1:]) and started[1:] == sorted(started[1:]), (
            f"after a cut the upload started over or went back: {started}"
        )
        [done] = [e for e in agent.events("upload.done") if e["path"] == big]
        assert done["resumed_from"] == started[-1] > 0
        received = await asyncio.to_thread(bytes_moved, serve.url, "upload")
        assert received < 2 * (BIG + small_bytes), f"the orchestrator received {received} bytes"

        checked = await reconcile(
            db_url,
            site="tustin",
            prefix=PREFIX,
            watch=watch,
            state_dir=state,
            blobs=serve.data_dir / "blobs",
            expect_files=total,
        )
        assert checked.blobs == checked.files == checked.on_disk == checked.in_outbox == total
        print(
            f"cuts at {cut_counts} reports, big upload restarted at {started}, {proxy.dropped} connections cut, "
            f"{received} bytes received for {BIG + small_bytes}: {checked}"
        )
    except BaseException:
        print(tails(agent.log_path, serve.log_path))
        raise
    finally:
        agent.kill()
        await counter.close()
        await proxy.stop()
        await asyncio.to_thread(serve.stop)
        shutil.rmtree(work, ignore_errors=True)


async def _at_least(count: Callable[[], Awaitable[int]], n: int) -> bool:
    return await count() >= n


async def _files_if(db_url: str, path: str) -> dict[str, dict[str, object]] | None:
    files = await db_files(db_url, path)
    return files if path in files else None


async def _all_content(db_url: str, n: int) -> bool:
    files = await db_files(db_url, PREFIX)
    return len(files) >= n and all(f["content_available"] for f in files.values())
