"""The daemon killed (SIGKILL) in the middle of a tus upload, then started again on the same state dir.

A real ``colorroute serve`` and a real ``python -m daemon`` uploading what it reports, throttled
(``--transfer-rate-limit``) so the kill lands mid-upload on any machine. Once the orchestrator's partial file
holds a quarter of the 48 MiB, the daemon gets SIGKILL. The server kept what arrived (``HEAD`` says
``0 < Upload-Offset < size``). The restarted daemon must continue the same upload from that offset — its
``upload.started`` says so, and the orchestrator's own byte counter shows it received the file once, not
twice — and the stored blob must hash to the reported SHA-256. Then disk, outbox, daemon upload state, blob
store and database reconcile (one completed upload and one UPLOAD_COMPLETED per file).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.daemon.daemon_harness import DaemonProcess
from tests.faults.processes import ServeProcess
from tests.faults.reconcile import reconcile
from tests.faults.stack import MIB, bytes_moved, daemon, db_files, restart, sigkill, state_rows, tails, wait_for
from tests.support import GLOBAL_KEY, sha256_of, write_random

pytestmark = pytest.mark.slow

SIZE = 48 * MIB
SMALL = 5
PREFIX = "upload/"


async def test_daemon_killed_mid_upload_resumes_from_the_servers_offset(db_url: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="cru-", dir="/tmp"))
    serve = ServeProcess(db_url, work / "serve")
    first = daemon("tustin", work, "tustin", serve.url, "--transfer-rate-limit", "12")
    watch, state = first.watch, first.state_dir
    big = PREFIX + "D001.MOV"
    second: DaemonProcess | None = None
    try:
        digest = await asyncio.to_thread(write_random, watch / big, SIZE)
        for i in range(SMALL):
            (watch / PREFIX / f"small-{i}.mov").write_bytes(os.urandom(4096 + i))
        await asyncio.to_thread(serve.start)
        first.start()

        files = await wait_for("the reports", lambda: _all_reported(db_url, SMALL + 1), within=60)
        file_id = files[big]["id"]
        [(url,)] = await wait_for(
            "the upload URL in the daemon's state",
            lambda: state_rows(state, "SELECT url FROM uploads WHERE file_id = ? AND url IS NOT NULL", file_id),
            within=60,
        )
        partial = serve.data_dir / "blobs" / "partial" / url.rsplit("/", 1)[1]
        await wait_for(
            "the small files' content on the hub",
            lambda: _uploaded(db_url, {p for p in files if p != big}),
            within=60,
        )
        await wait_for(
            "a quarter of the big file on the server",
            lambda: partial.exists() and partial.stat().st_size >= SIZE // 4,
            within=60,
            interval=0.05,
        )
        sigkill(first)

        head = await asyncio.to_thread(
            httpx.head, url, headers={"Tus-Resumable": "1.0.0", "X-API-Key": GLOBAL_KEY}, timeout=30
        )
        offset = int(head.headers["Upload-Offset"])
        assert 0 < offset < SIZE, f"the server kept {offset} of {SIZE} bytes"
        received_before = await asyncio.to_thread(bytes_moved, serve.url, "upload")
        assert (await db_files(db_url, big))[big]["content_available"] is False

        second = restart(first, work / "tustin-2.log")
        [done] = await wait_for(
            "the upload to finish", lambda: [e for e in second.events("upload.done") if e["path"] == big], within=60
        )
        started = [e for e in second.events("upload.started") if e["path"] == big]
        assert [e["offset"] for e in started] == [offset], "the same upload continued from the server's offset"
        assert done["resumed_from"] == offset and done["file_id"] == file_id
        received = await asyncio.to_thread(bytes_moved, serve.url, "upload")
        small_bytes = sum(4096 + i for i in range(SMALL))
        assert received - received_before == SIZE - offset, "the restart sent exactly the missing bytes"
        assert received < 2 * SIZE and received == SIZE + small_bytes, f"the server received {received} bytes"

        blob = serve.data_dir / "blobs" / digest[:2] / digest[2:4] / digest
        assert await asyncio.to_thread(sha256_of, blob) == digest
        assert await asyncio.to_thread(second.stop, signal.SIGTERM) == 0
        assert second.events("daemon.crashed") == []

        checked = await reconcile(
            db_url,
            site="tustin",
            prefix=PREFIX,
            watch=watch,
            state_dir=state,
            blobs=serve.data_dir / "blobs",
            expect_files=SMALL + 1,
        )
        assert checked.blobs == checked.files == SMALL + 1
        print(f"killed at {offset}/{SIZE} bytes on the server; after the restart: {checked}")
    except BaseException:
        print(tails(first.log_path, work / "tustin-2.log", serve.log_path))
        raise
    finally:
        first.kill()
        if second is not None:
            second.kill()
        await asyncio.to_thread(serve.stop)
        shutil.rmtree(work, ignore_errors=True)


async def _all_reported(db_url: str, n: int) -> dict[str, dict[str, object]] | None:
    files = await db_files(db_url, PREFIX)
    return files if len(files) >= n else None


async def _uploaded(db_url: str, paths: set[str]) -> bool:
    files = await db_files(db_url, PREFIX)
    return all(files[p]["content_available"] for p in paths)
