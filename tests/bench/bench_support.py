"""Shared pieces for benchmarks: fresh databases seeded with plain SQL, a closed-loop load generator, and
``BENCH`` lines that ``make bench`` collects into one table."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from app.db.engine import plain_url
from tests.support import with_database


def bench(name: str, value: float, unit: str, **extra: object) -> None:
    tail = " ".join(f"{k}={v}" for k, v in extra.items())
    print(f"BENCH {name} {value:.3f} {unit} {tail}".rstrip(), flush=True)


async def fresh_database(pg_root: str) -> str:
    name = f"b_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(with_database(pg_root, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "colorroute"')
    finally:
        await admin.close()
    return with_database(pg_root, name)


async def drop_database(pg_root: str, url: str) -> None:
    name = plain_url(url).split("?")[0].rsplit("/", 1)[1]
    admin = await asyncpg.connect(with_database(pg_root, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


SEED_FILES = """
INSERT INTO files (site_id, path, filename, size_bytes, sha256, state, version, colorist_id, destination_site_id,
                   detected_at, updated_at, content_available)
SELECT 1 + (g % 3), 'bench/' || g || '.mov', g || '.mov', 1000000 + g,
       encode(sha256(convert_to('bench-' || g || '-' || $3::text, 'UTF8')), 'hex'),
       (ARRAY['DETECTED','VALIDATED','QUEUED','TRANSFERRING','TRANSFERRED','COLORIST_ASSIGNED','IN_PROGRESS',
              'DELIVERED_TO_MAM','ARCHIVED','REJECTED'])[1 + (g % $2)],
       1, CASE WHEN g % 3 = 0 THEN $4::int END, CASE WHEN g % 2 = 0 THEN 1 + ((g + 1) % 3) END, now(), now(), false
FROM generate_series(1, $1) AS g
"""


async def seed_files(url: str, n: int, *, states: int = 10, colorist_id: int | None = None, tag: str = "x") -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(SEED_FILES, n, states, tag, colorist_id)
        await conn.execute(
            "INSERT INTO transfer_jobs (file_id, source_site_id, destination_site_id, status, bytes_total, "
            "bytes_transferred, attempts, created_at, updated_at) "
            "SELECT id, site_id, destination_site_id, 'COMPLETED', size_bytes, size_bytes, 1, now(), now() "
            "FROM files WHERE destination_site_id IS NOT NULL"
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


async def closed_loop(worker: Callable[[int], Awaitable[None]], concurrency: int, seconds: float) -> Load:
    """``concurrency`` workers call ``worker`` back to back for ``seconds``; every call is timed."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    counter = 0

    async def run() -> None:
        nonlocal counter
        while time.perf_counter() < deadline:
            counter += 1
            n = counter
            t0 = time.perf_counter()
            await worker(n)
            latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(run() for _ in range(concurrency)))
    return Load(len(latencies), time.perf_counter() - start, latencies)
