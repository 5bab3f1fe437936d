"""Real processes for the daemon fault tests, and the probes they need to aim a fault.

* :func:`daemon` — a ``python -m daemon`` process (``tests/daemon/daemon_harness.py``) with the global key;
* :class:`Operator` — an admin logged in over HTTP (the daemons' key may not validate or queue);
* :func:`bytes_moved` — the orchestrator's own count of bytes received by uploads / sent by downloads
  (``colorroute_bytes_moved_total`` on ``/metrics``), to prove a resumed transfer did not start over;
* :func:`read_position` — how far a process has read a file (``/proc/<pid>/fdinfo``), to land a kill mid-hash;
* :func:`freeze` — SIGSTOP, so what a test observes is the state the following SIGKILL lands in;
* :func:`wait_for` — poll a condition (sync or async) with a generous deadline; no timing assertions.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app.db.engine import make_engine, make_session_factory
from app.domain.permissions import Role
from tests.daemon.daemon_harness import DaemonProcess
from tests.support import GLOBAL_KEY, WAIT, eventually, make_user

MIB = 1024 * 1024
ADMIN = "fault-admin"
ADMIN_PASSWORD = "fault admin password 0123"


async def wait_for(what: str, check: Callable[[], Any], within: float, interval: float = 0.1) -> Any:
    """The first truthy value of ``check()`` (awaited if it is a coroutine). ``within`` is what it should take
    at most on a quiet machine; the wait allows at least ``WAIT`` (tests.support) before it fails."""
    return await eventually(check, what, max(within, WAIT), interval)


def tails(*logs: Path, lines: int = 40) -> str:
    """The last lines of each log, for a failure's report (pytest shows what a failing test printed)."""
    out = []
    for log in logs:
        text = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else ["(no log)"]
        out.append(f"--- {log} ---\n" + "\n".join(line[:400] for line in text))
    return "\n".join(out)


def daemon(
    site: str, work: Path, name: str, orchestrator_url: str, *extra: str, watch: Path | None = None
) -> DaemonProcess:
    """A daemon for ``site`` with its watch folder ``work/<name>-watch`` (unless given), state dir
    ``work/<name>-state`` and JSON log ``work/<name>.log``; a second one with the same ``name`` continues
    from the same state dir (pass a distinct log via :func:`restart`)."""
    watch = watch if watch is not None else work / f"{name}-watch"
    watch.mkdir(parents=True, exist_ok=True)
    return DaemonProcess(
        site=site,
        watch=watch,
        state_dir=work / f"{name}-state",
        orchestrator_url=orchestrator_url,
        log_path=work / f"{name}.log",
        api_key=GLOBAL_KEY,
        extra=list(extra),
    )


def restart(previous: DaemonProcess, log_path: Path, *extra: str) -> DaemonProcess:
    """The same daemon (site, watch folder, state dir, orchestrator) started again, logging to ``log_path``."""
    return DaemonProcess(
        site=previous.site,
        watch=previous.watch,
        state_dir=previous.state_dir,
        orchestrator_url=previous.orchestrator_url,
        log_path=log_path,
        api_key=previous.api_key,
        extra=list(extra),
    ).start()


def freeze(proc: DaemonProcess, within: float = 10) -> int:
    """SIGSTOP the process and wait until the kernel says it is stopped; returns its pid."""
    assert proc.proc is not None and proc.proc.poll() is None, "the process is not running"
    pid = proc.proc.pid
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + within
    while Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("T", "t"):
        assert time.monotonic() < deadline, f"process {pid} did not stop"
        time.sleep(0.005)
    return pid


def sigkill(proc: DaemonProcess) -> None:
    """SIGKILL (works on a stopped process too) and reap it."""
    assert proc.proc is not None
    proc.proc.kill()
    proc.proc.wait(timeout=10)


def read_position(pid: int, path: Path) -> int | None:
    """The file offset of ``pid``'s open descriptor on ``path`` (``None`` when it has no such descriptor)."""
    target = os.fspath(path.resolve())
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return None
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != target:
                continue
            for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
                if line.startswith("pos:"):
                    return int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return None


def bytes_moved(url: str, direction: str) -> int:
    """``colorroute_bytes_moved_total{direction=...}`` of the orchestrator at ``url`` (0 before the first byte)."""
    text = httpx.get(f"{url}/metrics", timeout=30).text
    prefix = f'colorroute_bytes_moved_total{{direction="{direction}"}} '
    for line in text.splitlines():
        if line.startswith(prefix):
            return int(float(line.removeprefix(prefix)))
    return 0


def state_rows(state_dir: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows from the daemon's state database (outbox and transfer tables), read-only; [] before it exists."""
    path = state_dir / "outbox.sqlite3"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.execute(sql, params).fetchall())
    except sqlite3.OperationalError:  # the table does not exist yet
        return []
    finally:
        conn.close()


class Operator:
    """An admin logged in with a session cookie: validates and queues files, reads them back."""

    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=30)

    @classmethod
    async def create(cls, db_url: str, url: str) -> Operator:
        engine = make_engine(db_url, pool_size=1)
        try:
            await make_user(make_session_factory(engine), ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
        finally:
            await engine.dispose()
        operator = cls(url)
        await operator.gql(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { id } }",
            {"u": ADMIN, "p": ADMIN_PASSWORD},
        )
        return operator

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        r = await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        body = r.json()
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    async def queue(self, file_id: str, destination: str = "nashville") -> None:
        await self.gql("mutation($id: ID!) { validateFile(id: $id) { id } }", {"id": file_id})
        await self.gql(
            "mutation($id: ID!, $d: String!) { queueFile(id: $id, destinationSite: $d) { id } }",
            {"id": file_id, "d": destination},
        )

    async def file(self, file_id: str) -> dict[str, Any]:
        data = await self.gql(
            "query($id: ID!) { file(id: $id) { id path state sha256 contentAvailable"
            " transfers { id status attempts } } }",
            {"id": file_id},
        )
        node: dict[str, Any] = data["file"]
        return node

    async def close(self) -> None:
        await self.http.aclose()


async def db_files(db_url: str, prefix: str) -> dict[str, dict[str, Any]]:
    """Path -> row (``id`` as text, ``state``, ``sha256``, ``content_available``) for files under ``prefix``."""
    conn = await asyncpg.connect(db_url, timeout=30)
    try:
        rows = await conn.fetch(
            "SELECT id::text AS id, path, state, sha256, size_bytes, content_available FROM files"
            " WHERE left(path, length($1)) = $1 ORDER BY id",
            prefix,
        )
    finally:
        await conn.close()
    return {str(r["path"]): dict(r) for r in rows}
