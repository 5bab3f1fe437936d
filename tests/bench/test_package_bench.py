"""Package benchmarks (``make bench``) on a reel of 14,400 frames of 64 KiB (~900 MiB):

- written while the daemon watches, from the last frame written to the package DETECTED on the orchestrator
  (goal < 30 s), and the daemon's peak RSS (goal < 200 MB);
- from QUEUED to TRANSFERRED through the hub (Tustin's upload already done, Nashville's agent fetching, verifying
  each frame and renaming the reel into place) beside ONE file of the same bytes through the same path in the same
  run (goal: at most 1.5x the single file's time), three of each, alternately, compared by their medians.

``PACKAGE_BENCH_FRAMES`` / ``PACKAGE_BENCH_FRAME_KIB`` / ``PACKAGE_BENCH_ROUNDS`` shrink it for a quick look."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until
from transfer_harness import Operator

from tests.bench.test_daemon_bench import bench, cpu_seconds, peak_rss_mib

pytestmark = pytest.mark.bench

FRAMES = int(os.environ.get("PACKAGE_BENCH_FRAMES", "14400"))
FRAME_BYTES = int(os.environ.get("PACKAGE_BENCH_FRAME_KIB", "64")) * 1024
ROUNDS = int(os.environ.get("PACKAGE_BENCH_ROUNDS", "3"))


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


TRAIL = "query($id: ID!) { file(id: $id) { state contentAvailable auditTrail { toState at } } }"


def queued_to_transferred(operator: Operator, file_id: str) -> float:
    """Seconds from the QUEUED audit entry to the TRANSFERRED one (the orchestrator's own clock).

    Every dirty page is written back first: otherwise a transfer pays for the writeback of whatever ran before it
    (the uploads, the other transfer), and which of the two goes second decides the ratio (measured: 2.55 then
    1.46 on the same code, without and with the sync)."""
    os.sync()
    operator.queue(file_id)
    node: dict[str, Any] = wait_until(
        lambda: (f := operator.gql(TRAIL, {"id": file_id})["file"])["state"] == "TRANSFERRED" and f,
        1200,
        interval=0.2,
        what="TRANSFERRED",
    )
    at = {a["toState"]: datetime.fromisoformat(a["at"]) for a in node["auditTrail"] if a["toState"]}
    return (at["TRANSFERRED"] - at["QUEUED"]).total_seconds()


@pytest.mark.timeout(3600)
def test_a_reel_travels_queued_to_transferred_beside_one_file_of_the_same_bytes(
    orchestrator: Orchestrator, tmp_path: Path
) -> None:
    """``ROUNDS`` reels and as many single files of the same bytes, transferred alternately (file, reel, reel,
    file, ...: drift cancels); the ratio is the median reel's time over the median file's. One pair alone swings
    from 1.2 to 2.7 on this 2-core machine (the kernel's page reclaim and writeback land in one transfer or the
    other), so every pair is printed as well."""
    watch, incoming = tmp_path / "watch", tmp_path / "incoming"
    (tmp_path / "nashville-watch").mkdir()
    watch.mkdir()
    daemons = [
        DaemonProcess(site="tustin", watch=watch, state_dir=tmp_path / "t-state", orchestrator_url=orchestrator.url,
                      log_path=tmp_path / "tustin.log"),
        DaemonProcess(site="nashville", watch=tmp_path / "nashville-watch", state_dir=tmp_path / "n-state",
                      orchestrator_url=orchestrator.url, log_path=tmp_path / "nashville.log",
                      extra=["--incoming", str(incoming)]),
    ]  # fmt: skip
    operator = Operator.create(orchestrator)
    try:
        for d in daemons:
            d.start().wait_event("heartbeat.ok")
        block = bytearray(os.urandom(FRAME_BYTES))
        for r in range(ROUNDS):
            reel = watch / f"travel{r}"
            reel.mkdir()
            for n in range(1, FRAMES + 1):
                block[:4] = n.to_bytes(4, "big")
                block[4:8] = r.to_bytes(4, "big")
                (reel / f"C004.{n:06d}.exr").write_bytes(block)
            with open(watch / f"single{r}.mov", "wb") as single:
                for n in range(FRAMES):
                    block[:4] = (n + 10_000_000).to_bytes(4, "big")
                    single.write(block)
        wanted = {f"single{r}.mov" for r in range(ROUNDS)} | {f"travel{r}/C004.######.exr" for r in range(ROUNDS)}
        search = "query($s: String) { files(filter: {search: $s}) { edges { node { id path } } } }"

        def ids() -> dict[str, str]:
            edges = orchestrator.query(search, {"s": ""})["files"]["edges"]
            return {e["node"]["path"]: e["node"]["id"] for e in edges if e["node"]["path"] in wanted}

        found: dict[str, str] = wait_until(
            lambda: len(f := ids()) == len(wanted) and f, 1800, interval=1.0, what="all reported"
        )
        for file_id in found.values():
            wait_until(lambda i=file_id: operator.file(i)["contentAvailable"], 1800, interval=0.5, what="uploaded")
        singles: list[float] = []
        reels: list[float] = []
        for r in range(ROUNDS):
            order = [("single", f"single{r}.mov"), ("reel", f"travel{r}/C004.######.exr")]
            for kind, path in order if r % 2 == 0 else reversed(order):
                (singles if kind == "single" else reels).append(queued_to_transferred(operator, found[path]))
        single_s, package_s = statistics.median(singles), statistics.median(reels)
        total = FRAMES * FRAME_BYTES
        bench(
            "package_reel_queued_to_transferred",
            package_s,
            "s",
            baseline=f"single_file={single_s:.2f}s",
            ratio=f"{package_s / single_s:.2f}",
            goal="<=1.5",
            pairs=",".join(f"{p:.2f}/{s:.2f}" for p, s in zip(reels, singles, strict=True)),
            frames=FRAMES,
            frame_kib=FRAME_BYTES // 1024,
            mib=total // (1 << 20),
            load_avg=f"{os.getloadavg()[0]:.1f}",
        )
        for r in range(ROUNDS):
            assert len(list((incoming / f"travel{r}").iterdir())) == FRAMES
        for d in daemons:
            assert d.stop() == 0
    finally:
        operator.close()
        for d in daemons:
            d.kill()
