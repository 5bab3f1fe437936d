"""The orchestrator killed with SIGKILL while a real daemon is reporting 1,000 files.

A ``colorroute serve`` process and a ``python -m daemon`` process (metadata only: this is about reports, not
bytes) run against a fresh database. Once a few hundred reports have landed the orchestrator gets SIGKILL:
no shutdown, transactions cut mid-flight, replies lost after commit. A new ``colorroute serve`` starts on the
same port and the same database; the daemon retries from its outbox. Afterwards the watch folder, the outbox
and the database match one-to-one, every hash is right, and every audit trail replays.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest

from tests.daemon.daemon_harness import DaemonProcess
from tests.faults.processes import ServeProcess
from tests.faults.reconcile import outbox_rows, reconcile
from tests.support import GLOBAL_KEY

pytestmark = pytest.mark.slow

FILES = 1000
KILL_AFTER = 250


async def _count(db_url: str) -> int:
    conn = await asyncpg.connect(db_url, timeout=10)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM files WHERE path LIKE 'kill/%'"))
    finally:
        await conn.close()


async def _wait(what: str, check: Callable[[], object], within: float, interval: float = 0.1) -> None:
    deadline = time.monotonic() + within
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return
        assert time.monotonic() < deadline, f"timed out after {within}s waiting for {what}"
        await asyncio.sleep(interval)


async def test_orchestrator_sigkill_mid_reports_loses_and_duplicates_nothing(db_url: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="crk-", dir="/tmp"))
    watch, state = work / "watch", work / "state"
    for i in range(FILES):
        path = watch / "kill" / f"{i // 100:02d}" / f"{i:04d}.mov"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(256 + i % 512))
    first = ServeProcess(db_url, work / "serve-1")
    second = ServeProcess(db_url, work / "serve-2", port=first.port)
    daemon = DaemonProcess(
        site="tustin",
        watch=watch,
        state_dir=state,
        orchestrator_url=first.url,
        log_path=work / "daemon.log",
        api_key=GLOBAL_KEY,
        extra=["--metadata-only", "--send-concurrency", "4", "--heartbeat-interval", "1"],
    )
    try:
        await asyncio.to_thread(first.start)
        daemon.start()
        await _wait(f"{KILL_AFTER} reports", lambda: _ready_count(db_url, KILL_AFTER), within=120, interval=0.05)

        await asyncio.to_thread(first.kill)  # SIGKILL, mid-batch
        at_kill = await _count(db_url)
        assert at_kill < FILES, "every report landed before the kill; make the batch bigger"
        await asyncio.sleep(1.0)  # the daemon meets a dead orchestrator for a while

        await asyncio.to_thread(second.start)
        await _wait(f"all {FILES} reports", lambda: _ready_count(db_url, FILES), within=180, interval=0.25)
        await _wait(
            "the outbox to be all sent",
            lambda: all(r["status"] == "sent" for r in outbox_rows(state)) and len(outbox_rows(state)) == FILES,
            within=60,
            interval=0.25,
        )
        assert daemon.proc is not None and daemon.proc.poll() is None, "the daemon died with the orchestrator"
        assert await asyncio.to_thread(daemon.stop, signal.SIGTERM) == 0
        assert daemon.events("daemon.crashed") == []
        # It did meet the kill: lost its link once, and connected to the second orchestrator.
        assert len(daemon.events("orchestrator.disconnected")) >= 1
        assert len(daemon.events("orchestrator.connected")) >= 2
        assert len(daemon.events("file.reported")) == FILES

        checked = await reconcile(
            db_url, site="tustin", prefix="kill/", watch=watch, state_dir=state, expect_files=FILES
        )
        assert checked.on_disk == checked.in_outbox == checked.files == FILES
        print(f"SIGKILL at {at_kill}/{FILES} reports; after restart: {checked}")
    finally:
        daemon.kill()
        await asyncio.to_thread(first.kill)
        await asyncio.to_thread(second.stop)
        shutil.rmtree(work, ignore_errors=True)


async def _ready_count(db_url: str, at_least: int) -> bool:
    return await _count(db_url) >= at_least
