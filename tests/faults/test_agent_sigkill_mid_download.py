"""The destination's transfer agent killed (SIGKILL) mid-download, then started again on the same state dir.

A real ``colorroute serve``, a Tustin daemon uploading what it reports, and a Nashville daemon running the
transfer agent (``--incoming``), throttled so the kill lands mid-download on any machine. An operator queues two
small files to Nashville (delivered first), then a 48 MiB one; once the agent's partial file holds a quarter of
it, the agent is stopped (SIGSTOP: the partial is checked mid-way, ``0 < length < size``) and gets SIGKILL. The
restarted agent must ask only for the rest (``Range`` from the partial's length: its
``transfer.download_started`` offset, its ``resumed_from``, and the orchestrator's byte counter, which shows the
file was sent less than twice), verify the whole file's SHA-256, place it, and complete the same job exactly
once (one COMPLETED job, attempt 1, one COMPLETE_TRANSFER). Then both sites reconcile: Tustin's watch folder,
outbox, uploads and the blob store against the database, Nashville's incoming folder (nothing else, nothing
partial) and its agent state (nothing held), and Nashville's own (empty) watch folder and outbox.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from tests.daemon.daemon_harness import DaemonProcess
from tests.faults.processes import ServeProcess
from tests.faults.reconcile import reconcile
from tests.faults.stack import MIB, Operator, bytes_moved, daemon, db_files, freeze, restart, sigkill, tails, wait_for
from tests.support import sha256_of, write_random

pytestmark = pytest.mark.slow

SIZE = 48 * MIB
PREFIX = "resume/"


async def test_agent_killed_mid_download_resumes_with_range_and_delivers_once(db_url: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="crg-", dir="/tmp"))
    serve = ServeProcess(db_url, work / "serve")
    source = daemon("tustin", work, "tustin", serve.url)
    incoming = work / "incoming"
    agent = daemon(
        "nashville", work, "nashville", serve.url, "--incoming", str(incoming), "--transfer-rate-limit", "12"
    )
    again: DaemonProcess | None = None
    operator: Operator | None = None
    big = PREFIX + "day1/C001.MOV"
    smalls = [PREFIX + "day1/C002.MOV", PREFIX + "day2/C003.MOV"]
    try:
        digest = await asyncio.to_thread(write_random, source.watch / big, SIZE)
        for i, path in enumerate(smalls):
            (source.watch / path).parent.mkdir(parents=True, exist_ok=True)
            (source.watch / path).write_bytes(os.urandom(100_000 + i))
        await asyncio.to_thread(serve.start)
        source.start()
        files = await wait_for("the uploads", lambda: _uploaded(db_url, 3), within=90, interval=0.2)
        file_id = files[big]["id"]
        operator = await Operator.create(db_url, serve.url)

        agent.start()
        await asyncio.to_thread(agent.wait_event, "heartbeat.ok", 30)
        # The small files first (delivered before the fault), then the big one, killed a quarter of the way.
        for path in smalls:
            await operator.queue(files[path]["id"])
        await wait_for(
            "the small files delivered", lambda: _all_in(db_url, "TRANSFERRED", 2, smalls), within=60, interval=0.1
        )
        await operator.queue(file_id)
        partial = incoming / ".colorroute-partial" / f"{file_id}.part"
        await wait_for(
            "a quarter of the download",
            lambda: partial.exists() and partial.stat().st_size >= SIZE // 4,
            within=60,
            interval=0.02,
        )
        freeze(agent)  # what is checked next is what the kill lands on
        had = partial.stat().st_size
        assert 0 < had < SIZE, f"the partial holds {had} of {SIZE} bytes"
        sigkill(agent)
        assert partial.stat().st_size == had
        assert (await operator.file(file_id))["state"] == "TRANSFERRING"
        assert not (incoming / big).exists(), "nothing partial under the final name"

        again = restart(agent, work / "nashville-2.log", "--incoming", str(incoming))
        await wait_for(
            "every file TRANSFERRED",
            lambda: _all_in(db_url, "TRANSFERRED", 3),
            within=90,
            interval=0.25,
        )
        started = [e for e in again.events("transfer.download_started") if e["file_id"] == file_id]
        assert [e["offset"] for e in started] == [had], "the restarted agent asks for the rest (Range)"
        [done] = [e for e in again.events("transfer.completed") if e["file_id"] == file_id]
        assert done["resumed_from"] == had and done["sha256"] == digest
        assert [e for e in agent.events("transfer.completed") if e["file_id"] == file_id] == []
        assert await asyncio.to_thread(sha256_of, incoming / big) == digest
        node = await operator.file(file_id)
        assert [(j["status"], j["attempts"]) for j in node["transfers"]] == [("COMPLETED", 1)], "resumed, not retried"
        # The orchestrator's count: the small files once, the rest of the big one once, and the interrupted
        # response (what the agent had, plus what was in flight when it died: less than the whole file).
        sent = await asyncio.to_thread(bytes_moved, serve.url, "download")
        small_bytes = sum(100_000 + i for i in range(len(smalls)))
        interrupted = sent - small_bytes - (SIZE - had)
        assert had <= interrupted < SIZE, f"the orchestrator sent {sent} bytes for {SIZE} + {small_bytes}"
        assert sent < 2 * SIZE

        assert await asyncio.to_thread(again.stop, signal.SIGTERM) == 0
        assert await asyncio.to_thread(source.stop, signal.SIGTERM) == 0
        assert again.events("daemon.crashed") == [] and source.events("daemon.crashed") == []

        checked = await reconcile(
            db_url,
            site="tustin",
            prefix=PREFIX,
            watch=source.watch,
            state_dir=source.state_dir,
            blobs=serve.data_dir / "blobs",
            incoming=incoming,
            destination="nashville",
            agent_state=agent.state_dir,
            expect_files=3,
        )
        assert checked.delivered == checked.blobs == checked.files == 3
        quiet = await reconcile(db_url, site="nashville", watch=agent.watch, state_dir=agent.state_dir, expect_files=0)
        assert quiet.files == quiet.on_disk == quiet.in_outbox == 0
        print(f"killed with {had}/{SIZE} bytes on disk; {sent} bytes sent in all; {checked}")
    except BaseException:
        print(tails(source.log_path, agent.log_path, work / "nashville-2.log", serve.log_path))
        raise
    finally:
        if operator is not None:
            await operator.close()
        for proc in (source, agent, again):
            if proc is not None:
                proc.kill()
        await asyncio.to_thread(serve.stop)
        shutil.rmtree(work, ignore_errors=True)


async def _uploaded(db_url: str, n: int) -> dict[str, dict[str, object]] | None:
    files = await db_files(db_url, PREFIX)
    return files if len(files) >= n and all(f["content_available"] for f in files.values()) else None


async def _all_in(db_url: str, state: str, n: int, paths: list[str] | None = None) -> bool:
    files = await db_files(db_url, PREFIX)
    chosen = [f for p, f in files.items() if paths is None or p in paths]
    return len(chosen) >= n and all(f["state"] == state for f in chosen)
