"""1 GiB up and down through a real orchestrator on loopback with the daemon's own classes — the uploader's
``TusClient`` and the transfer agent's ``BlobDownloader``, over the daemon's HTTP client — beside ``curl`` doing
the same tus PATCH and ranged GET against the same server in the same run (``make bench``; not ``make test``).

``tests/bench/test_transfer_bench.py`` measures the server with plain httpx; this one measures the daemon's code
paths. Both download into a file on the same disk (curl ``-o``); the daemon also hashes on the way and fsyncs
before it returns (the agent renames only durable bytes into place), which curl does not, so downloads carry a
second baseline, curl followed by an fsync of its file (``baseline_curl_fsync``, ``ratio_fsync``): like for like.
Best of two runs each, the order alternated, the page cache's writeback flushed between runs.

On a shared machine throughput swings with everyone else's load, so each row also carries CPU seconds per GiB,
which hardly depend on it: the orchestrator's (``server_cpu``) and the client's (``client_cpu``: this process's
threads for the daemon, the curl child for curl), least over the runs, ``daemon/curl``.

Prints ``BENCH name value unit baseline_curl=... ratio=... goal=...`` lines.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from daemon_harness import Orchestrator, free_port, orchestrator_on
from transfer_harness import Operator

from daemon.downloader import BlobDownloader
from daemon.fileinfo import FileStat, probe
from daemon.transfers import http_client
from daemon.uploader import TusClient
from tests.support import sha256_of, write_random

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


def _process_cpu(pid: int) -> float:
    """utime + stime of one process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> tuple[float, float]:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


class _Cpu:
    """CPU seconds of the orchestrator and of the client (this process or its curl child) over one run."""

    def __init__(self, orch: Orchestrator) -> None:
        assert orch.proc is not None
        self.pid = orch.proc.pid
        self.server: dict[str, list[float]] = {}
        self.client: dict[str, list[float]] = {}

    def run(self, who: str, fn: Callable[[], float]) -> float:
        server0, (self0, children0) = _process_cpu(self.pid), _own_cpu()
        seconds = fn()
        server1, (self1, children1) = _process_cpu(self.pid), _own_cpu()
        self.server.setdefault(who, []).append(server1 - server0)
        self.client.setdefault(who, []).append(children1 - children0 if who == "curl" else self1 - self0)
        return seconds

    def row(self) -> dict[str, str]:
        def pair(d: dict[str, list[float]]) -> str:
            return f"{min(d['daemon']):.2f}/{min(d['curl']):.2f}s"

        return {"server_cpu": pair(self.server), "client_cpu": pair(self.client)}


def _daemon_upload_sync(orch: Orchestrator, file_id: str, path: Path) -> float:
    return asyncio.run(_daemon_upload(orch, file_id, path))


def _daemon_download_sync(orch: Orchestrator, file_id: str, sha: str, target: Path) -> float:
    return asyncio.run(_daemon_download(orch, file_id, sha, target))


def _curl_download_into(into: list[tuple[float, float]], orch: Orchestrator, file_id: str, target: Path) -> float:
    into.append(curl_download(orch, file_id, target))
    return into[-1][0]


def _drop(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.sync()  # the next run does not pay for this one's writeback


@pytest.mark.timeout(1200)
def test_daemon_moves_one_gib_each_way_vs_curl(orchestrator: Orchestrator, work_dir: Path) -> None:
    source = work_dir / "big.mov"
    sha = write_random(source, GIB)
    files = [report(orchestrator, f"big-{n}.mov", sha) for n in range(2 * RUNS)]

    cpu = {"upload": _Cpu(orchestrator), "download": _Cpu(orchestrator)}
    up: dict[str, list[float]] = {"daemon": [], "curl": []}
    for n in range(RUNS):
        order = ["curl", "daemon"] if n % 2 == 0 else ["daemon", "curl"]
        for k, who in enumerate(order):
            file_id = files[2 * n + k]
            if who == "daemon":
                upload = partial(_daemon_upload_sync, orchestrator, file_id, source)
            else:
                upload = partial(curl_upload, orchestrator, file_id, source)
            up[who].append(cpu["upload"].run(who, upload))

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
                down[who].append(
                    cpu["download"].run(who, partial(_daemon_download_sync, orchestrator, files[0], sha, target))
                )
            else:
                timed: list[tuple[float, float]] = []
                cpu["download"].run(who, partial(_curl_download_into, timed, orchestrator, files[0], target))
                plain, durable = timed[0]
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
            **cpu[direction].row(),
            goal=GOAL,
            runs=",".join(f"{mb_s(s):.0f}" for s in times["daemon"]),
            curl_runs=",".join(f"{mb_s(s):.0f}" for s in times["curl"]),
            load_avg=f"{os.getloadavg()[0]:.1f}",
        )
