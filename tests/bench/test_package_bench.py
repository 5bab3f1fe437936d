"""Package benchmark (``make bench``): a 14,400-frame reel of 64 KiB frames (~900 MiB), written while the daemon
watches, from the last frame written to the package DETECTED on the orchestrator (goal < 30 s), and the daemon's
peak RSS (goal < 200 MB). ``PACKAGE_BENCH_FRAMES`` / ``PACKAGE_BENCH_FRAME_KIB`` shrink it for a quick look.

QUEUED → TRANSFERRED beside one file of the same bytes is not measured yet: package members do not travel
through the hub yet (docs/packages.md)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until

from tests.bench.test_daemon_bench import bench, cpu_seconds, peak_rss_mib

pytestmark = pytest.mark.bench

FRAMES = int(os.environ.get("PACKAGE_BENCH_FRAMES", "14400"))
FRAME_BYTES = int(os.environ.get("PACKAGE_BENCH_FRAME_KIB", "64")) * 1024


@pytest.fixture(scope="module")
def orchestrator() -> Iterator[Orchestrator]:
    with orchestrator_on(free_port()) as orch:
        yield orch


@pytest.mark.timeout(1800)
def test_a_reel_of_frames_is_detected_as_one_package(orchestrator: Orchestrator, tmp_path: Path) -> None:
    settle = 1.0
    watch = tmp_path / "watch"
    watch.mkdir()
    d = DaemonProcess(
        site="tustin",
        watch=watch,
        state_dir=tmp_path / "state",
        orchestrator_url=orchestrator.url,
        log_path=tmp_path / "daemon.log",
        extra=["--settle-seconds", str(settle)],
    ).start()
    try:
        d.wait_event("heartbeat.ok")
        d.wait_event("scan.done")
        assert d.proc is not None
        reel = watch / "reel1"
        reel.mkdir()
        block = bytearray(os.urandom(FRAME_BYTES))
        t0 = time.time()
        for n in range(86400, 86400 + FRAMES):
            block[:4] = n.to_bytes(4, "big")
            (reel / f"B003_C011.{n:07d}.dpx").write_bytes(block)
        last_written = time.time()
        reported = wait_until(
            lambda: [e for e in d.events("file.reported") if e["path"].startswith("reel1/")],
            900,
            interval=1.0,
            what="the reel reported",
        )
        detected = reported[0]["t"] - last_written
        queued = next(e for e in d.events("package.queued") if e["path"].startswith("reel1/"))
        files = orchestrator.query('query { files(filter: {search: "reel1/", kinds: [SEQUENCE]}) { totalCount } }')
        assert files["files"]["totalCount"] == 1
        assert queued["members"] == FRAMES
        rss = peak_rss_mib(d.proc.pid)
        bench(
            "package_reel_last_frame_to_detected",
            detected,
            "s",
            baseline="goal<30s",
            ratio=f"{detected / 30:.2f}",
            frames=FRAMES,
            frame_kib=FRAME_BYTES // 1024,
            settle_window=f"{settle}s",
            writing_took=f"{last_written - t0:.1f}s",
            recorded_after_last_write=f"{queued['t'] - last_written:.1f}s",
            daemon_cpu=f"{cpu_seconds(d.proc.pid):.1f}s",
            load_avg=f"{os.getloadavg()[0]:.1f}",
        )
        bench("package_reel_daemon_peak_rss", rss, "MiB", baseline="goal<200MB", ratio=f"{rss / 190.7:.2f}")
        assert d.stop() == 0
    finally:
        d.kill()
