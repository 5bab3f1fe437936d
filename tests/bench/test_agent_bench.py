"""1 GiB up and down through a real orchestrator on loopback with the daemon's own classes — the uploader's
``TusClient`` and the transfer agent's ``BlobDownloader``, over the daemon's HTTP client — beside ``curl`` doing
the same tus PATCH and ranged GET against the same server in the same run (``make bench``; not ``make test``).

``tests/bench/test_transfer_bench.py`` measures the server with plain httpx; this one measures the daemon's code
paths. Both download into a file on the same disk (curl ``-o``); the daemon also hashes on the way and fsyncs
before it returns (the agent renames only durable bytes into place), which curl does not, so downloads carry a
second baseline, curl followed by an fsync of its file (``baseline_curl_fsync``, ``ratio_fsync``): like for like.
Best of two runs each, the order alternated, the page cache's writeback flushed between runs.

Prints ``BENCH name value unit baseline_curl=... ratio=... goal=...`` lines.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from daemon_harness import Orchestrator, free_port, orchestrator_on
from transfer_harness import Operator, sha256_of, write_random

from daemon.downloader import BlobDownloader
from daemon.fileinfo import FileStat, probe
from daemon.transfers import http_client
from daemon.uploader import TusClient

pytestmark = pytest.mark.bench

GIB = 1024**3
RUNS = 2
GOAL = "daemon>=0.7x_curl_and>=300MB/s"


def bench(name: str, value: float, unit: str, **extra: object) -> None:
    tail = " ".join(f"{k}={v}" for k, v in extra.items())
    print(f"BENCH {name} {value:.1f} {unit} {tail}".rstrip(), flush=True)


def mb_s(seconds: float) -> float:
    return GIB / seconds / 1e6


@pytest.fixture(scope="module")
def orchestrator() -> Iterator[Orchestrator]:
    with orchestrator_on(free_port()) as orch:
        yield orch


@pytest.fixture(scope="module")
def work_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="crb-agent-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def report(orch: Orchestrator, name: str, sha: str) -> str:
    data = orch.query(
        "mutation($i: ReportFileInput!) { reportFile(input: $i) { id } }",
        {"i": {"site": "tustin", "path": f"agent-bench/{name}", "sizeBytes": GIB, "sha256": sha}},
    )
    return str(data["reportFile"]["id"])


async def _daemon_upload(orch: Orchestrator, file_id: str, path: Path) -> float:
    st = probe(path)
    assert isinstance(st, FileStat)
    async with http_client(orch.api_key) as http:
        tus = TusClient(http, orch.url)
        url = await tus.create(file_id, GIB, path.name)
        assert url is not None
        t0 = time.perf_counter()
        sent = await tus.send(url, path, 0, GIB, expect=st)
        elapsed = time.perf_counter() - t0
    assert sent.offset == GIB
    return elapsed


async def _create(orch: Orchestrator, file_id: str, name: str) -> str:
    async with http_client(orch.api_key) as http:
        url = await TusClient(http, orch.url).create(file_id, GIB, name)
    assert url is not None
    return url


def curl_upload(orch: Orchestrator, file_id: str, path: Path) -> float:
    url = asyncio.run(_create(orch, file_id, path.name))
    t0 = time.perf_counter()
    out = subprocess.run(
        ["curl", "-sS", "-X", "PATCH", "-T", str(path), "-o", "/dev/null", "-w", "%{http_code}",
         "-H", "Tus-Resumable: 1.0.0", "-H", f"X-API-Key: {orch.api_key}", "-H", "Upload-Offset: 0",
         "-H", "Content-Type: application/offset+octet-stream", "-H", "Expect:", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    elapsed = time.perf_counter() - t0
    assert out == "204", out
    return elapsed


async def _daemon_download(orch: Orchestrator, file_id: str, sha: str, target: Path) -> float:
    downloader = BlobDownloader(orch.url, orch.api_key)
    t0 = time.perf_counter()
    fetched = await downloader.fetch(file_id, target, GIB, sha)
    elapsed = time.perf_counter() - t0
    assert fetched.sha256 == sha and fetched.received == GIB
    return elapsed


def curl_download(orch: Orchestrator, file_id: str, target: Path) -> tuple[float, float]:
    """Seconds for curl alone, and for curl plus an fsync of what it wrote."""
    t0 = time.perf_counter()
    out = subprocess.run(
        ["curl", "-sS", "-o", str(target), "-w", "%{http_code} %{size_download}",
         "-H", f"X-API-Key: {orch.api_key}", "-H", "Range: bytes=0-", f"{orch.url}/blobs/{file_id}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    elapsed = time.perf_counter() - t0
    assert out == f"206 {GIB}", out
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return elapsed, time.perf_counter() - t0


def _drop(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.sync()  # the next run does not pay for this one's writeback


@pytest.mark.timeout(1200)
def test_daemon_moves_one_gib_each_way_vs_curl(orchestrator: Orchestrator, work_dir: Path) -> None:
    source = work_dir / "big.mov"
    sha = write_random(source, GIB)
    files = [report(orchestrator, f"big-{n}.mov", sha) for n in range(2 * RUNS)]

    up: dict[str, list[float]] = {"daemon": [], "curl": []}
    for n in range(RUNS):
        order = ["curl", "daemon"] if n % 2 == 0 else ["daemon", "curl"]
        for k, who in enumerate(order):
            file_id = files[2 * n + k]
            if who == "daemon":
                up[who].append(asyncio.run(_daemon_upload(orchestrator, file_id, source)))
            else:
                up[who].append(curl_upload(orchestrator, file_id, source))

    operator = Operator.create(orchestrator)
    try:
        operator.queue(files[0])
    finally:
        operator.close()
    down: dict[str, list[float]] = {"daemon": [], "curl": [], "curl_fsync": []}
    target = work_dir / "down.part"
    for n in range(RUNS):
        for who in ["curl", "daemon"] if n % 2 == 0 else ["daemon", "curl"]:
            _drop(target)
            if who == "daemon":
                down[who].append(asyncio.run(_daemon_download(orchestrator, files[0], sha, target)))
            else:
                plain, durable = curl_download(orchestrator, files[0], target)
                down["curl"].append(plain)
                down["curl_fsync"].append(durable)
                assert sha256_of(target) == sha
    _drop(target)

    for direction, times in (("upload", up), ("download", down)):
        ours, theirs = mb_s(min(times["daemon"])), mb_s(min(times["curl"]))
        durable: dict[str, str] = {}
        if "curl_fsync" in times:
            synced = mb_s(min(times["curl_fsync"]))
            durable = {"baseline_curl_fsync": f"{synced:.1f}", "ratio_fsync": f"{ours / synced:.2f}"}
        bench(
            f"daemon_{direction}_1gib",
            ours,
            "MB/s",
            baseline_curl=f"{theirs:.1f}",
            ratio=f"{ours / theirs:.2f}",
            **durable,
            goal=GOAL,
            runs=",".join(f"{mb_s(s):.0f}" for s in times["daemon"]),
            curl_runs=",".join(f"{mb_s(s):.0f}" for s in times["curl"]),
        )
