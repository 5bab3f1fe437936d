"""Durable state of probing, in the outbox's SQLite file (own table, own connection, own thread).

``media``: one row per outbox report once it has been looked at — ``none`` (not a media file), ``stale`` (the
file changed or vanished before it could be probed: the outbox will record its new version), ``probed`` (info
waiting to be sent), ``sent``, ``failed`` (the orchestrator refused it; never resent). The info is kept as JSON
so a restart sends what was probed without probing again (commits do not fsync: a result lost in a power cut is
probed again). The outbox's ``reports`` table is only read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from daemon.mediainfo import MediaInfo
from daemon.statedb import StateConnection, migrate

# Not yet looked at, or found changed but since re-recorded by the outbox with a new stat (a touched file).
_UNPROBED = """
SELECT r.rowid, r.report_id, r.path, r.size_bytes, r.mtime_ns FROM reports r
LEFT JOIN media m ON m.report_id = r.report_id
WHERE r.rowid > ? AND r.status != 'failed_permanent'
  AND (m.report_id IS NULL OR (m.status = 'stale' AND r.updated_at > m.updated_at))
ORDER BY r.rowid LIMIT ?
"""

_SENDABLE = """
SELECT m.report_id, r.file_id, r.path, r.sha256, m.info, m.attempts FROM media m
JOIN reports r ON r.report_id = m.report_id
WHERE m.status = 'probed' AND r.status = 'sent' AND r.file_id IS NOT NULL
  AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= ?)
ORDER BY r.rowid LIMIT ?
"""


def _now() -> str:
    return datetime.now(UTC).isoformat()  # the outbox's format: the two compare as text


@dataclass(frozen=True)
class ProbeWork:
    seq: int
    report_id: str
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class MediaToSend:
    report_id: str
    file_id: str
    path: str
    sha256: str
    info: MediaInfo
    attempts: int


class MediaState(StateConnection):
    @classmethod
    async def open(cls, path: Path) -> MediaState:
        conn, executor = await cls._on_own_thread("media-state", cls._open_sync, path)
        return cls(conn, executor)

    @staticmethod
    def _open_sync(path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL, not the outbox's FULL: a probe result lost in a power cut is simply probed again (no row
            # means "not looked at"), and not fsyncing here keeps the outbox's own commits from queueing behind ours.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            migrate(conn, path)  # the table is daemon.statedb's (version 4), like the outbox's
        except BaseException:
            conn.close()
            raise
        return conn

    async def unprobed(self, after_seq: int, limit: int) -> list[ProbeWork]:
        def run() -> list[ProbeWork]:
            rows = self._conn.execute(_UNPROBED, (after_seq, limit)).fetchall()
            return [ProbeWork(int(s), str(r), str(p), int(z), int(m)) for s, r, p, z, m in rows]

        return await self._run(run)

    async def record(self, results: Sequence[tuple[str, str, MediaInfo | None]]) -> None:
        """``(report_id, status, info)`` for files looked at, in one transaction."""

        def run(conn: sqlite3.Connection) -> None:
            now = _now()
            conn.executemany(
                "INSERT INTO media (report_id, status, info, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (report_id) DO UPDATE SET status = excluded.status, info = excluded.info,"
                " attempts = 0, last_error = NULL, next_attempt_at = NULL, updated_at = excluded.updated_at",
                [(rid, status, None if i is None else json.dumps(i.as_json()), now) for rid, status, i in results],
            )

        await self._run(self._tx, run)

    async def sendable(self, now: float, limit: int) -> list[MediaToSend]:
        def run() -> list[MediaToSend]:
            rows = self._conn.execute(_SENDABLE, (now, limit)).fetchall()
            return [
                MediaToSend(str(r), str(f), str(p), str(s), MediaInfo.from_json(json.loads(i)), int(a))
                for r, f, p, s, i, a in rows
            ]

        return await self._run(run)

    async def next_retry_at(self) -> float | None:
        def run() -> float | None:
            row = self._conn.execute("SELECT min(next_attempt_at) FROM media WHERE status = 'probed'").fetchone()
            return None if row is None or row[0] is None else float(row[0])

        return await self._run(run)

    async def mark(self, report_ids: Sequence[str], status: str, error: str | None = None) -> None:
        def run(conn: sqlite3.Connection) -> None:
            now = _now()
            conn.executemany(
                "UPDATE media SET status = ?, last_error = ?, attempts = attempts + 1, next_attempt_at = NULL,"
                " updated_at = ? WHERE report_id = ?",
                [(status, error, now, rid) for rid in report_ids],
            )

        await self._run(self._tx, run)

    async def defer(self, report_id: str, error: str, retry_at: float) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE media SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ?"
                " WHERE report_id = ?",
                (error, retry_at, _now(), report_id),
            )

        await self._run(self._tx, run)

    async def rows(self) -> list[tuple[str, str, str | None]]:
        """``(report_id, status, info JSON)`` of every row, for tests and inspection."""

        def run() -> list[tuple[str, str, str | None]]:
            return [(str(a), str(b), c) for a, b, c in self._conn.execute("SELECT report_id, status, info FROM media")]

        return await self._run(run)
