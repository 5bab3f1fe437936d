"""The daemon as a real process against a real orchestrator (embedded PostgreSQL), with real files.

Each test keeps its files under its own top-level folder so tests can share one orchestrator; the outage
test brings up its own orchestrator because it has to start it late.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until

import daemon

DaemonFactory = Callable[..., DaemonProcess]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def drop(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha(data)


def by_path(files: list[dict[str, object]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in files:
        path, digest = str(f["path"]), str(f["sha256"])
        assert path not in out, f"{path} reported twice"
        out[path] = digest
    return out


def outbox_counts(state_dir: Path) -> dict[str, int]:
    with sqlite3.connect(state_dir / "outbox.sqlite3") as conn:
        rows = conn.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall()
    conn.close()
    return {str(s): int(n) for s, n in rows}


def test_a_dropped_file_is_reported_with_its_hash_and_the_site_goes_online(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    assert orchestrator.sites()["dallas"]["online"] is False
    d = daemon_factory("dallas", watch, orchestrator.url).start()
    d.wait_event("heartbeat.ok")
    data = os.urandom(3 * 1024 * 1024 + 17)
    digest = drop(watch / "drop" / "A001.MOV", data)

    files = wait_until(lambda: orchestrator.files("drop/", site="dallas"), 30, what="the report")
    assert [(f["path"], f["sha256"], f["sizeBytes"], f["state"]) for f in files] == [
        ("drop/A001.MOV", digest, len(data), "DETECTED")
    ]
    site = orchestrator.sites()["dallas"]
    assert site["online"] is True
    assert site["daemonVersion"] == daemon.__version__
    assert d.stop() == 0


def test_a_slowly_written_file_is_reported_once_with_its_final_hash(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    (watch / "slow").mkdir(parents=True)
    # A 1.5 s window against writes every 0.2 s, so a busy machine cannot fake a pause.
    d = daemon_factory("tustin", watch, orchestrator.url, "--settle-seconds", "1.5").start()
    d.wait_event("scan.done")
    h = hashlib.sha256()
    t0 = time.monotonic()
    with (watch / "slow" / "clip.mov").open("wb") as f:
        while time.monotonic() - t0 < 3.0:
            chunk = os.urandom(64 * 1024)
            f.write(chunk)
            f.flush()
            h.update(chunk)
            time.sleep(0.2)
    files = wait_until(lambda: orchestrator.files("slow/"), 30, what="the report")
    time.sleep(2)  # a second (wrong) report would show up here
    files = orchestrator.files("slow/")
    assert by_path(files) == {"slow/clip.mov": h.hexdigest()}
    ready = [e for e in d.events("file.ready") if e["path"] == "slow/clip.mov"]
    assert len(ready) == 1
    assert "unchanged for" in ready[0]["reason"]
    assert d.stop() == 0


def test_existing_and_moved_in_files_are_reported_and_temp_files_are_not(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch, outside = tmp_path / "watch", tmp_path / "outside"
    expected = {
        "pre/a.mov": drop(watch / "pre" / "a.mov", b"a" * 1000),
        "pre/day1/b.mxf": drop(watch / "pre" / "day1" / "b.mxf", b"b" * 2000),
    }
    for temp in ["x.part", "y.tmp", "~lock.mov", ".hidden.mov", "._a.mov", ".Trash/t.mov"]:
        drop(watch / "pre" / temp, b"temp")
    d = daemon_factory("tustin", watch, orchestrator.url).start()
    wait_until(lambda: len(orchestrator.files("pre/")) == 2, 30, what="pre-existing files")

    expected["pre/moved.mov"] = drop(outside / "moved.mov", b"moved in")
    os.rename(outside / "moved.mov", watch / "pre" / "moved.mov")
    expected["pre/card/C001.MOV"] = drop(outside / "card" / "C001.MOV", b"card 1")
    expected["pre/card/sub/C002.MOV"] = drop(outside / "card" / "sub" / "C002.MOV", b"card 2")
    os.rename(outside / "card", watch / "pre" / "card")
    expected["pre/renamed.mov"] = drop(watch / "pre" / "renamed.mov.part", b"finished upload")
    os.rename(watch / "pre" / "renamed.mov.part", watch / "pre" / "renamed.mov")
    drop(watch / "pre" / "late.tmp", b"temp")

    wait_until(lambda: len(orchestrator.files("pre/")) >= len(expected), 30, what="moved-in files")
    time.sleep(1.5)  # a bounded negative window: a temp file reported late would show up here
    assert by_path(orchestrator.files("pre/")) == expected
    assert d.stop() == 0


def test_files_dropped_while_the_orchestrator_is_down_are_all_reported_once_it_starts(
    daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    with orchestrator_on(free_port(), start=False) as orch:
        d = daemon_factory("nashville", watch, orch.url).start()
        d.wait_event("scan.done")
        expected = {
            f"outage/{i:03d}.mov": drop(watch / "outage" / f"{i:03d}.mov", os.urandom(2048)) for i in range(200)
        }
        d.wait_event("file.queued", timeout=60, count=200)
        assert d.events("file.reported") == []
        orch.start()
        wait_until(lambda: len(orch.files("outage/")) >= 200, 90, interval=0.5, what="200 reports")
        time.sleep(2)  # a bounded negative window: a duplicate report would show up here
        assert by_path(orch.files("outage/")) == expected
        assert len(d.events("file.reported")) == 200
        assert d.stop() == 0
        assert outbox_counts(d.state_dir) == {"sent": 200}


def test_sigkill_mid_batch_then_restart_loses_nothing_and_duplicates_nothing(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    n = 1000
    expected = {
        f"kill/{i // 100}/{i:04d}.mov": drop(watch / "kill" / f"{i // 100}" / f"{i:04d}.mov", os.urandom(512))
        for i in range(n)
    }
    first = daemon_factory("tustin", watch, orchestrator.url, "--send-concurrency", "2").start()
    wait_until(lambda: len(orchestrator.files("kill/")) >= 100, 60, interval=0.05, what="the first 100 reports")
    first.stop(signal.SIGKILL)
    at_kill = len(orchestrator.files("kill/"))
    assert at_kill < n, "the batch finished before the kill; make it bigger"

    second = daemon_factory("tustin", watch, orchestrator.url).start()
    wait_until(lambda: len(orchestrator.files("kill/")) >= n, 120, interval=0.5, what="all reports")
    time.sleep(1.5)  # a bounded negative window: a duplicate report would show up here
    assert by_path(orchestrator.files("kill/")) == expected
    assert second.stop() == 0
    assert outbox_counts(second.state_dir) == {"sent": n}
    # The restart re-hashed only what the outbox had not recorded before the kill.
    assert len(second.events("file.hashed")) < n


def test_an_unreadable_file_is_a_logged_error_and_the_rest_flow_on(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    expected = {"unreadable/good1.mov": drop(watch / "unreadable" / "good1.mov", b"good 1")}
    os.mkfifo(watch / "unreadable" / "pipe.mov")
    (watch / "unreadable" / "dangling.mov").symlink_to(tmp_path / "nowhere")
    d = daemon_factory("nashville", watch, orchestrator.url).start()
    d.wait_event("scan.done")
    os.mkfifo(watch / "unreadable" / "pipe2.mov")
    vanishing = watch / "unreadable" / "vanish.mov"
    vanishing.write_bytes(b"gone soon")
    vanishing.unlink()
    expected["unreadable/good2.mov"] = drop(watch / "unreadable" / "good2.mov", b"good 2")

    wait_until(lambda: len(orchestrator.files("unreadable/")) >= 2, 120, what="the readable files")
    refused = {
        "unreadable/pipe.mov": "not a regular file (fifo)",
        "unreadable/pipe2.mov": "not a regular file (fifo)",
        "unreadable/dangling.mov": "dangling symlink",
    }
    # each refusal is logged on its own schedule (pipe2 arrives with the live events): wait for all of them
    wait_until(lambda: {e["path"] for e in d.events("file.unreadable")} >= set(refused), 120, what="the refusals")
    time.sleep(1)  # a bounded negative window: an unreadable file reported anyway would show up here
    assert by_path(orchestrator.files("unreadable/")) == expected
    unreadable = {e["path"]: e["reason"] for e in d.events("file.unreadable")}
    assert unreadable == refused
    assert all(e["level"] == "error" for e in d.events("file.unreadable"))
    assert d.proc is not None and d.proc.poll() is None
    assert d.events("daemon.crashed") == []
    assert d.stop() == 0


def test_a_rejected_key_exits_3(orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    d = daemon_factory("tustin", watch, orchestrator.url, api_key="not-the-key").start()
    assert d.proc is not None
    assert d.proc.wait(timeout=60) == 3
    (exit_event,) = d.events("daemon.exit")
    assert "API key rejected" in exit_event["error"]


def test_an_unknown_site_exits_2(orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    d = daemon_factory("atlantis", watch, orchestrator.url).start()
    assert d.proc is not None
    assert d.proc.wait(timeout=60) == 2
    assert "unknown site" in d.events("daemon.exit")[0]["error"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_cleanly_with_work_persisted(
    daemon_factory: DaemonFactory, tmp_path: Path, sig: signal.Signals
) -> None:
    watch = tmp_path / "watch"
    for i in range(20):
        drop(watch / f"{i}.mov", f"clip {i}".encode())
    d = daemon_factory("tustin", watch, f"http://127.0.0.1:{free_port()}").start()  # nobody listens there
    d.wait_event("file.queued", count=20)
    assert d.stop(sig) == 0
    assert d.events("daemon.stopped")
    assert outbox_counts(d.state_dir) == {"pending": 20}


def test_an_orchestrator_restart_mid_run_is_survived(daemon_factory: DaemonFactory, tmp_path: Path) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    with orchestrator_on(free_port()) as orch:
        d = daemon_factory("tustin", watch, orch.url).start()
        d.wait_event("heartbeat.ok")
        expected = {f"restart/a{i}.mov": drop(watch / "restart" / f"a{i}.mov", os.urandom(1000)) for i in range(50)}
        wait_until(lambda: len(orch.files("restart/")) == 50, 60, what="the first 50 reports")
        orch.stop()
        expected |= {f"restart/b{i}.mov": drop(watch / "restart" / f"b{i}.mov", os.urandom(1000)) for i in range(50)}
        d.wait_event("file.queued", count=100)
        orch.start()
        wait_until(lambda: len(orch.files("restart/")) >= 100, 90, interval=0.5, what="all 100 reports")
        time.sleep(1)  # a bounded negative window: a duplicate report would show up here
        assert by_path(orch.files("restart/")) == expected
        assert d.proc is not None and d.proc.poll() is None
        assert d.stop() == 0
        assert outbox_counts(d.state_dir) == {"sent": 100}


def test_a_report_the_orchestrator_rejects_is_recorded_and_not_retried(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    expected = {f"reject/{i}.mov": drop(watch / "reject" / f"{i}.mov", f"ok {i}".encode()) for i in range(5)}
    drop(watch / "reject" / "bad\x01name.mov", b"control character in the name")  # legal on Linux, not for the API
    d = daemon_factory("tustin", watch, orchestrator.url).start()
    (rejected,) = d.wait_event("report.rejected")
    assert rejected["code"] == "BAD_USER_INPUT" and rejected["path"] == "reject/bad\x01name.mov"
    wait_until(lambda: len(orchestrator.files("reject/")) >= 5, 30, what="the good reports")
    time.sleep(3)  # a retry would show up as a second rejection
    assert len(d.events("report.rejected")) == 1
    assert by_path(orchestrator.files("reject/")) == expected
    assert d.stop() == 0
    assert outbox_counts(d.state_dir) == {"sent": 5, "failed_permanent": 1}
