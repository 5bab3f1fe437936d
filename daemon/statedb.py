"""The daemon's state file (``STATE_DIR/outbox.sqlite3``): its connection settings and its schema version.

The outbox and the transfer state keep their tables in this one file, each through its own connection. Its
layout is numbered with ``PRAGMA user_version`` and brought up to date by :data:`MIGRATIONS`, in order, in one
transaction with the version bump, so an upgraded daemon keeps its outbox and state, a crash mid-upgrade leaves
the old layout whole, and a daemon never writes to a layout newer than it knows.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from daemon.config import ConfigError
from daemon.logs import event

T = TypeVar("T")

#: One migration: the statements that take the file from the previous version to this one.
Migration = Sequence[str]

#: Version N is reached by running ``MIGRATIONS[N - 1]``. Append; never edit a migration that has shipped.
MIGRATIONS: tuple[Migration, ...] = (
    # 1 — the layout daemons created before the file was versioned (they left user_version at 0). ``IF NOT
    # EXISTS`` adopts such a file as it is, and creates the transfer tables a daemon older than them lacks.
    (
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS reports (
            report_id       TEXT PRIMARY KEY,
            path            TEXT NOT NULL,
            size_bytes      INTEGER NOT NULL,
            mtime_ns        INTEGER NOT NULL,
            sha256          TEXT NOT NULL,
            status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed_permanent')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT,
            next_attempt_at REAL,
            file_id         TEXT,
            detected_at     TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            UNIQUE (path, sha256)
        )""",
        "CREATE INDEX IF NOT EXISTS reports_by_stat ON reports (path, size_bytes, mtime_ns)",
        "CREATE INDEX IF NOT EXISTS reports_pending ON reports (status) WHERE status = 'pending'",
        """CREATE TABLE IF NOT EXISTS uploads (
            report_id       TEXT PRIMARY KEY,
            file_id         TEXT NOT NULL,
            url             TEXT,
            status          TEXT NOT NULL CHECK (status IN ('pending', 'done', 'stale', 'skipped', 'failed')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT,
            next_attempt_at REAL,
            updated_at      TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS agent_jobs (
            file_id         TEXT PRIMARY KEY,
            transfer_id     TEXT,
            path            TEXT NOT NULL,
            sha256          TEXT NOT NULL,
            size_bytes      INTEGER NOT NULL,
            status          TEXT NOT NULL CHECK (status IN ('claiming', 'running', 'delivered', 'retry')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL,
            last_error      TEXT,
            updated_at      TEXT NOT NULL
        )""",
        "CREATE TABLE IF NOT EXISTS agent_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    # 2 — the version lives in user_version alone: unversioned daemons also wrote meta.schema = '1'.
    ("DELETE FROM meta WHERE key = 'schema'",),
    # 3 — packages: a report may be a frame sequence or clip folder; its members (watch-relative path and stat,
    # so a rescan does not hash them again, plus the path inside the package) are kept beside it.
    (
        "ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'FILE'",
        "ALTER TABLE reports ADD COLUMN filename TEXT",
        "ALTER TABLE reports ADD COLUMN frame_range TEXT",
        "ALTER TABLE reports ADD COLUMN missing_frames TEXT",
        "ALTER TABLE reports ADD COLUMN member_count INTEGER NOT NULL DEFAULT 1",
        """CREATE TABLE report_members (
            report_id       TEXT NOT NULL REFERENCES reports (report_id),
            path            TEXT NOT NULL,
            member_path     TEXT NOT NULL,
            size_bytes      INTEGER NOT NULL,
            mtime_ns        INTEGER NOT NULL,
            sha256          TEXT NOT NULL,
            PRIMARY KEY (report_id, member_path)
        )""",
        "CREATE INDEX report_members_by_stat ON report_members (path, size_bytes, mtime_ns)",
    ),
    # 4 — media probing (daemon.mediastate): one row per report once it has been looked at.
    (
        """CREATE TABLE IF NOT EXISTS media (
            report_id       TEXT PRIMARY KEY,
            status          TEXT NOT NULL CHECK (status IN ('none', 'stale', 'probed', 'sent', 'failed')),
            info            TEXT,
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT,
            next_attempt_at REAL,
            updated_at      TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS media_probed ON media (status) WHERE status = 'probed'",
    ),
    # 5 — chain of custody (daemon.custody): a card's custody records and integrity error, as JSON, reported with it.
    ("ALTER TABLE reports ADD COLUMN custody TEXT",),
    # 6 — packages through the hub: the members of a package download already verified (and synced) in the
    # agent's staging folder, so a restarted agent resumes at the first one not yet verified.
    (
        """CREATE TABLE agent_members (
            file_id         TEXT NOT NULL,
            sha256          TEXT NOT NULL,
            member_path     TEXT NOT NULL,
            PRIMARY KEY (file_id, member_path)
        )""",
        "ALTER TABLE agent_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'FILE'",
    ),
    # 7 — a file reported alone carries an ASC MHL hash (xxh64) read in the same pass as its SHA-256, so the
    # orchestrator can export it as an ASC MHL manifest; NULL for packages and rows hashed without one.
    (
        "ALTER TABLE reports ADD COLUMN hash_format TEXT",
        "ALTER TABLE reports ADD COLUMN hash TEXT",
    ),
    # 8 — a package member keeps the ASC MHL hash read with its SHA-256 (a sequence's frame or a clip folder's file
    # its xxh64), staged with it, so the package exports as an ASC MHL manifest; NULL when hashed without one.
    (
        "ALTER TABLE report_members ADD COLUMN hash_format TEXT",
        "ALTER TABLE report_members ADD COLUMN hash TEXT",
    ),
    # 9 — the custody records a card's delivery reports (JSON, daemon.destcustody), kept with the agent's job from
    # before the rename: a restart re-sends them even when the delivered history holds none of ours (FAILED).
    ("ALTER TABLE agent_jobs ADD COLUMN custody TEXT",),
)


def open_state_db(path: Path, *, busy_timeout_ms: int) -> sqlite3.Connection:
    """A durable connection (WAL, ``synchronous=FULL``) to a state file at the current schema version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the file to ``len(migrations)``; returns the version found. All pending steps commit together, and
    the version is read inside the write lock, so two connections opening at once migrate once."""
    known = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found > known:
            raise ConfigError(
                f"state file {path} has schema version {found}, but this daemon knows versions up to {known}: "
                "it was written by a newer colorroute-daemon; run that version (or give this one another --state-dir)"
            )
        for number in range(found + 1, known + 1):
            for statement in migrations[number - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if found < known:
        event("state.migrated", logging.INFO, path=str(path), from_version=found, to_version=known)
    return found


class StateConnection:
    """Base of the state façades (outbox, transfer state, media state): one SQLite connection used from one
    thread of its own, because commits fsync and fsync must not stall the event loop."""

    def __init__(self, conn: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
        self._conn = conn
        self._executor = executor

    @staticmethod
    async def _on_own_thread(name: str, opener: Callable[..., T], *args: object) -> tuple[T, ThreadPoolExecutor]:
        """``opener(*args)`` on a new thread, which from then on is the connection's; shut down if it fails."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        try:
            opened = await asyncio.get_running_loop().run_in_executor(executor, opener, *args)
        except BaseException:
            executor.shutdown(wait=True)
            raise
        return opened, executor

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(self._conn)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return result

    async def close(self) -> None:
        await self._run(self._conn.close)
        self._executor.shutdown(wait=True)
