"""The daemon killed (SIGKILL) while it hashes a large file, then started again on the same state dir.

A real ``colorroute serve`` and a real ``python -m daemon`` (``--metadata-only``: this is about detection and
reports, not bytes). 30 small files are reported first. Then a 256 MiB file and 10 more small files appear; the
test watches ``/proc/<daemon>/fdinfo`` until the daemon's descriptor on the big file has read part of it, stops
the daemon (SIGSTOP, so what is checked next is exactly what the kill lands on), checks the hash is mid-way
(``0 < offset < size``, no ``file.hashed`` for it, no outbox row for it), and SIGKILLs it. A new daemon process
on the same state dir must hash the big file again from the start, report every file exactly once with the
right hash, and not hash again what the outbox already knew. Then disk, outbox and database reconcile.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest

from tests.daemon.daemon_harness import DaemonProcess
from tests.faults.processes import ServeProcess
from tests.faults.reconcile import outbox_rows, reconcile
from tests.faults.stack import MIB, daemon, db_files, freeze, read_position, restart, sigkill, tails, wait_for
from tests.support import write_random

pytestmark = pytest.mark.slow

BIG = 256 * MIB
EARLY, LATE = 30, 10
PREFIX = "hash/"


def _mid_hash(proc: DaemonProcess, path: Path, size: int, within: float) -> int:
    """Stop the daemon while its descriptor on ``path`` is part-way through the file; the offset it was at."""
    assert proc.proc is not None
    pid = proc.proc.pid
    deadline = time.monotonic() + within
    looked = time.monotonic()
    while True:
        position = read_position(pid, path)
        if position is not None and position > 0:
            break
        if time.monotonic() - looked > 0.2:  # the log, now and then: a missed hash fails fast and says so
            assert not [e for e in proc.events("file.hashed") if e["path"] == _rel(path)], "hashed before we looked"
            assert time.monotonic() < deadline, f"the daemon did not start hashing {path} within {within}s"
            looked = time.monotonic()
        time.sleep(0.002)
    freeze(proc)
    position = read_position(pid, path)
    assert position is not None and 0 < position < size, (
        f"the hash was not mid-way when the daemon stopped (offset {position} of {size}); make the file bigger"
    )
    return position


def _rel(path: Path) -> str:
    return PREFIX + path.name


async def test_daemon_killed_mid_hash_reports_every_file_once_after_restart(db_url: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="crh-", dir="/tmp"))
    serve = ServeProcess(db_url, work / "serve")
    first = daemon("tustin", work, "tustin", serve.url, "--metadata-only", "--hash-workers", "1")
    watch, state = first.watch, first.state_dir
    second: DaemonProcess | None = None
    try:
        for i in range(EARLY):
            (watch / PREFIX).mkdir(parents=True, exist_ok=True)
            (watch / PREFIX / f"early-{i:02d}.mov").write_bytes(os.urandom(1000 + i))
        staging = work / "staging"
        big_digest = await asyncio.to_thread(write_random, staging / "BIG.MOV", BIG)
        for i in range(LATE):
            (staging / f"late-{i:02d}.mov").write_bytes(os.urandom(2000 + i))

        await asyncio.to_thread(serve.start)
        first.start()
        await wait_for(f"{EARLY} early reports", lambda: _count(db_url, EARLY), within=60)
        early_ids = {p: f["id"] for p, f in (await db_files(db_url, PREFIX)).items()}

        # The big file arrives by rename (complete at once), with a few small ones; the kill lands mid-hash.
        for name in ["BIG.MOV", *(f"late-{i:02d}.mov" for i in range(LATE))]:
            os.rename(staging / name, watch / PREFIX / name)
        big = watch / PREFIX / "BIG.MOV"
        offset = await asyncio.to_thread(_mid_hash, first, big, BIG, 60)
        assert _rel(big) not in {r["path"] for r in outbox_rows(state)}, "recorded before the hash finished"
        sigkill(first)
        assert [e for e in first.events("file.ready") if e["path"] == _rel(big)], "the kill was not after ready"
        assert not [e for e in first.events("file.hashed") if e["path"] == _rel(big)]

        second = restart(first, work / "tustin-2.log", "--metadata-only", "--hash-workers", "1")
        total = EARLY + LATE + 1
        await wait_for(f"all {total} reports", lambda: _count(db_url, total), within=120, interval=0.25)
        await wait_for(
            "the outbox to be all sent",
            lambda: len(rows := outbox_rows(state)) == total and all(r["status"] == "sent" for r in rows),
            within=60,
            interval=0.25,
        )
        assert await asyncio.to_thread(second.stop, signal.SIGTERM) == 0
        assert second.events("daemon.crashed") == []

        # The big file was hashed from the start by the second process, once, to the right digest.
        hashed = [e for e in second.events("file.hashed") if e["path"] == _rel(big)]
        assert [(e["sha256"], e["size"]) for e in hashed] == [(big_digest, BIG)]
        reported = [e for e in second.events("file.reported") if e["path"] == _rel(big)]
        assert [e["sha256"] for e in reported] == [big_digest]
        # What the outbox already held was neither hashed again nor recorded as new.
        rehashed = [e["path"] for e in second.events("file.hashed") if e["path"] in early_ids]
        assert rehashed == [], f"hashed again after the restart: {rehashed}"
        files = await db_files(db_url, PREFIX)
        assert {p: files[p]["id"] for p in early_ids} == early_ids
        assert files[_rel(big)]["sha256"] == big_digest

        checked = await reconcile(
            db_url, site="tustin", prefix=PREFIX, watch=watch, state_dir=state, expect_files=total
        )
        assert checked.on_disk == checked.in_outbox == checked.files == total
        print(f"killed at {offset}/{BIG} bytes hashed; after the restart: {checked}")
    except BaseException:
        print(tails(first.log_path, work / "tustin-2.log", serve.log_path))
        raise
    finally:
        first.kill()
        if second is not None:
            second.kill()
        await asyncio.to_thread(serve.stop)
        shutil.rmtree(work, ignore_errors=True)


async def _count(db_url: str, at_least: int) -> bool:
    return len(await db_files(db_url, PREFIX)) >= at_least
