"""Media probing benchmarks (``make bench``): what a probe costs per clip beside hashing the same clip, and what
probing costs the 10,000-file burst (the same burst with ``--no-probe`` in the same run as the baseline).

Prints ``BENCH name value unit baseline=... ratio=...`` lines.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until

from daemon.hasher import sha256_file
from daemon.probeworker import ProbePool
from tests.media_clips import write_clip

pytestmark = pytest.mark.bench


def bench(name: str, value: float, unit: str, **extra: object) -> None:
    tail = " ".join(f"{k}={v}" for k, v in extra.items())
    print(f"BENCH {name} {value:.3f} {unit} {tail}".rstrip(), flush=True)


@pytest.fixture(scope="module")
def orchestrator() -> Iterator[Orchestrator]:
    with orchestrator_on(free_port()) as orch:
        yield orch


def _median_ms(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def test_probe_cost_per_clip_beside_hashing_it(tmp_path: Path) -> None:
    clips = {
        "prores4444_1080p_48f": write_clip(
            tmp_path / "p.mov", codec="prores_ks", width=1920, height=1080, rate=Fraction(24000, 1001),
            frames=48, pix_fmt="yuv444p10le", options={"profile": "4"}, timecode="01:00:10:00",
        ),
        "h264_720p_125f": write_clip(
            tmp_path / "h.mp4", codec="libx264", width=1280, height=720, rate=Fraction(25), frames=125
        ),
    }  # fmt: skip

    async def probe_ms(pool: ProbePool, path: Path, runs: int) -> float:
        await pool.probe(str(path))  # the worker is started and warm, as in a running daemon
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            info = await pool.probe(str(path))
            times.append((time.perf_counter() - t0) * 1000)
            assert info is not None and info.probe_error is None
        return statistics.median(times)

    async def run() -> dict[str, float]:
        pool = ProbePool(1, 60.0)
        try:
            return {name: await probe_ms(pool, path, 7) for name, path in clips.items()}
        finally:
            await pool.close()

    probed = asyncio.run(run())
    for name, path in clips.items():
        hashed = _median_ms(lambda p=path: sha256_file(p), 7)
        size_mb = path.stat().st_size / 1e6
        bench(
            f"media_probe_{name}",
            probed[name],
            "ms",
            baseline=f"sha256_same_clip={hashed:.1f}ms",
            ratio=f"{probed[name] / hashed:.2f}",
            clip_mb=f"{size_mb:.1f}",
        )


def _burst(orch: Orchestrator, tmp_path: Path, site: str, n: int, tag: str, *extra: str) -> tuple[float, DaemonProcess]:
    """``n`` clip-named files written into a running daemon's folder; seconds until the last one was reported.
    ``tag`` names the folder, so runs at one site never share paths (a repeated path is a new version)."""
    watch = tmp_path / "watch"
    watch.mkdir(parents=True)
    d = DaemonProcess(
        site=site, watch=watch, state_dir=tmp_path / "state", orchestrator_url=orch.url,
        log_path=tmp_path / "daemon.log", extra=["--settle-seconds", "1", *extra],
    ).start()  # fmt: skip
    d.wait_event("heartbeat.ok")
    d.wait_event("scan.done")
    t0 = time.time()
    for i in range(n):
        sub = watch / f"burst-{tag}" / f"{i // 500:02d}"
        if i % 500 == 0:
            sub.mkdir(parents=True)
        (sub / f"{i:05d}.mov").write_bytes(os.urandom(4096))  # named like clips: every one is probed
    wait_until(lambda: len(d.events("file.reported")) >= n, 900, interval=1.0, what=f"{n} reports")
    return max(e["t"] for e in d.events("file.reported")) - t0, d


def _fresh_statistics(orch: Orchestrator) -> None:
    """ANALYZE the orchestrator's database, so every run is planned on statistics of the same age: otherwise
    autovacuum's ANALYZE lands inside one run or another (the files table grows by ``n`` rows a run) and the
    spread between two identical baselines reached 40%."""
    import asyncpg  # the orchestrator's driver; the embedded server listens on a socket in its data directory

    async def run() -> None:
        conn = await asyncpg.connect(host=str(orch.data_dir / "pgdata"), user="postgres", database="colorroute")
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    asyncio.run(run())


def _baseline(orch: Orchestrator, tmp_path: Path, n: int, tag: str) -> float:
    _fresh_statistics(orch)
    seconds, d = _burst(orch, tmp_path / tag, "nashville", n, tag, "--no-probe")
    assert d.stop() == 0
    return seconds


@pytest.mark.timeout(3600)
def test_burst_with_probing_beside_the_same_burst_without(orchestrator: Orchestrator, tmp_path: Path) -> None:
    """A warm-up burst, then baseline, probing, baseline, all at one site (a site's routing rules are the same for
    each): the baselines bracket the probing run, so neither the orchestrator warming up nor its database growing
    between runs favours one side. The ratio is against their
    mean; both are printed, so a noisy run shows itself."""
    n = int(os.environ.get("COLORROUTE_BENCH_BURST", "10000"))
    _baseline(orchestrator, tmp_path, max(n // 10, 100), "warm")
    before = _baseline(orchestrator, tmp_path, n, "before")
    _fresh_statistics(orchestrator)
    with_s, d = _burst(orchestrator, tmp_path / "probe", "nashville", n, "probe")
    try:
        wait_until(lambda: len(d.events("media.reported")) >= n, 1800, interval=2.0, what=f"{n} media reports")
        media_done = max(e["t"] for e in d.events("media.reported")) - min(e["t"] for e in d.events("file.ready"))
        last_report = max(e["t"] for e in d.events("file.reported"))
        probed_during = sum(1 for e in d.events("media.probed") if e["t"] <= last_report)
        sent_during = sum(1 for e in d.events("media.reported") if e["t"] <= last_report)
        assert d.stop() == 0
    finally:
        d.kill()
    after = _baseline(orchestrator, tmp_path, n, "after")
    base_s = (before + after) / 2
    bench(
        "daemon_burst_reported_with_probing",
        with_s,
        "s",
        baseline=f"no_probe={base_s:.1f}s(before={before:.1f}s,after={after:.1f}s)",
        ratio=f"{with_s / base_s:.2f}",
        goal="ratio<=1.10",
        files=n,
        all_media_sent_after=f"{media_done:.1f}s",
        probed_during_burst=probed_during,
        media_sent_during_burst=sent_during,
        load_avg=f"{os.getloadavg()[0]:.1f}",
    )
