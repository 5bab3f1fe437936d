"""Durable state of byte movement, in the outbox's SQLite file (own tables, own connection, own thread).

- ``uploads``: one row per reported file whose bytes the uploader has touched. The tus upload URL is the resume
  token: it is committed before the first byte is sent, so after any interruption a ``HEAD`` tells where to go on.
- ``agent_jobs``: the transfer agent's files in hand — the transfer it claimed (committed as ``claiming``
  *before* ``startTransfer``, so a claim whose answer was lost is still recognised as ours), how many automatic
  attempts it spent, when to try again, and ``delivered`` once the file is renamed into place but the
  orchestrator has not yet acknowledged ``completeTransfer``; a card's custody records to report ride along.
- ``agent_meta``: the ``transferEvents`` cursor.

The outbox's ``reports`` table is read here (which files are reported, with which stat), never written. Same
durability as the outbox: WAL, ``synchronous=FULL``; commits fsync on this module's thread, not the event loop.
The tables, and their schema version, are :mod:`daemon.statedb`'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from daemon.statedb import StateConnection, open_state_db

UploadStatus = Literal["pending", "done", "stale", "skipped", "failed"]
JobStatus = Literal["claiming", "running", "delivered", "retry"]

_CHUNK = 400  # report ids per IN (...) list

# A reported file needs its bytes sent when no upload row exists yet, when its row waits for a retry that is
# due, or when it was found changed on disk ("stale") but the outbox has since re-recorded the same content
# with the new stat (a touched file: ``reports.updated_at`` moved past ours).
# A package (kind SEQUENCE or FOLDER) goes up as one stream of its members (daemon.packagestream).
_WORK = """
SELECT r.rowid, r.report_id, r.file_id, r.path, r.size_bytes, r.mtime_ns, r.sha256, u.url, coalesce(u.attempts, 0),
  r.kind
FROM reports r LEFT JOIN uploads u ON u.report_id = r.report_id
WHERE r.status = 'sent' AND r.file_id IS NOT NULL AND {where}
  AND (u.report_id IS NULL
       OR (u.status = 'pending' AND (u.next_attempt_at IS NULL OR u.next_attempt_at <= ?))
       OR (u.status = 'stale' AND r.updated_at > u.updated_at))
ORDER BY r.rowid
"""


def _now() -> str:
    return datetime.now(UTC).isoformat()  # the outbox's format: the two compare as text


@dataclass(frozen=True)
class UploadWork:
    """A reported file whose bytes the orchestrator does not have yet (as far as we know)."""

    seq: int
    report_id: str
    file_id: str
    path: str
    size: int
    mtime_ns: int
    sha256: str
    url: str | None
    attempts: int
    kind: str = "FILE"  # SEQUENCE or FOLDER: a package, whose members go up as one stream


@dataclass(frozen=True)
class PackageMemberStat:
    """A package member as the outbox recorded it: watch-relative path, path in the package, reported stat."""

    path: str
    member_path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class AgentJob:
    file_id: str
    transfer_id: str | None
    path: str
    sha256: str
    size: int
    status: JobStatus
    attempts: int = 0
    next_attempt_at: float | None = None
    last_error: str | None = None
    kind: str = "FILE"  # SEQUENCE or FOLDER: a package, fetched member by member (daemon.packagefetch)
    #: A card's custody records to report (JSON, daemon.destcustody), stored before its rename so a restart that
    #: finds it delivered sends them again; None: none stored (not a card, or a job from before this column).
    custody: str | None = None


def _work(row: Sequence[object]) -> UploadWork:
    seq, report_id, file_id, path, size, mtime_ns, sha256, url, attempts, kind = row
    return UploadWork(
        int(str(seq)),
        str(report_id),
        str(file_id),
        str(path),
        int(str(size)),
        int(str(mtime_ns)),
        str(sha256),
        None if url is None else str(url),
        int(str(attempts)),
        str(kind),
    )


_JOB_COLUMNS = (
    "file_id, transfer_id, path, sha256, size_bytes, status, attempts, next_attempt_at, last_error, kind, custody"
)


def _job(row: Sequence[object]) -> AgentJob:
    file_id, transfer_id, path, sha256, size, status, attempts, next_at, error, kind, custody = row
    assert status in ("claiming", "running", "delivered", "retry")
    return AgentJob(
        str(file_id),
        None if transfer_id is None else str(transfer_id),
        str(path),
        str(sha256),
        int(str(size)),
        status,
        int(str(attempts)),
        None if next_at is None else float(str(next_at)),
        None if error is None else str(error),
        str(kind),
        None if custody is None else str(custody),
    )


class TransferState(StateConnection):
    """Async façade over one SQLite connection owned by one thread (the outbox has its own)."""

    @classmethod
    async def open(cls, path: Path) -> TransferState:
        conn, executor = await cls._on_own_thread("transfer-state", cls._open_sync, path)
        return cls(conn, executor)

    @staticmethod
    def _open_sync(path: Path) -> sqlite3.Connection:
        return open_state_db(path, busy_timeout_ms=10000)

    # -- uploads ----------------------------------------------------------------------------------------

    async def upload_work(
        self, report_ids: Sequence[str] | None = None, now: float = 0.0, *, after_seq: int = 0, limit: int = -1
    ) -> list[UploadWork]:
        """Reported files to upload: a page of all of them (``None``: in detection order, after ``after_seq``)
        or just these report ids."""

        def run() -> list[UploadWork]:
            if report_ids is None:
                query = _WORK.format(where="r.rowid > ?") + " LIMIT ?"
                return [_work(r) for r in self._conn.execute(query, (after_seq, now, limit)).fetchall()]
            found: list[UploadWork] = []
            for start in range(0, len(report_ids), _CHUNK):
                chunk = list(report_ids[start : start + _CHUNK])
                where = f"r.report_id IN ({', '.join('?' * len(chunk))})"
                rows = self._conn.execute(_WORK.format(where=where), (*chunk, now)).fetchall()
                found += [_work(r) for r in rows]
            return found

        return await self._run(run)

    async def set_upload(
        self,
        work: UploadWork,
        status: UploadStatus,
        *,
        url: str | None,
        attempts: int | None = None,
        error: str | None = None,
        retry_at: float | None = None,
    ) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO uploads (report_id, file_id, url, status, attempts, last_error, next_attempt_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (report_id) DO UPDATE SET"
                " file_id = excluded.file_id, url = excluded.url, status = excluded.status,"
                " attempts = excluded.attempts, last_error = excluded.last_error,"
                " next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at",
                (
                    work.report_id,
                    work.file_id,
                    url,
                    status,
                    work.attempts if attempts is None else attempts,
                    error,
                    retry_at,
                    _now(),
                ),
            )

        await self._run(self._tx, run)

    async def next_upload_retry(self, after: float) -> float | None:
        def run() -> float | None:
            row = self._conn.execute(
                "SELECT min(next_attempt_at) FROM uploads WHERE status = 'pending' AND next_attempt_at > ?", (after,)
            ).fetchone()
            return None if row is None or row[0] is None else float(row[0])

        return await self._run(run)

    async def upload_counts(self) -> dict[str, int]:
        def run() -> dict[str, int]:
            rows = self._conn.execute("SELECT status, count(*) FROM uploads GROUP BY status").fetchall()
            return {str(s): int(n) for s, n in rows}

        return await self._run(run)

    async def upload_url(self, report_id: str) -> str | None:
        def run() -> str | None:
            row = self._conn.execute("SELECT url FROM uploads WHERE report_id = ?", (report_id,)).fetchone()
            return None if row is None or row[0] is None else str(row[0])

        return await self._run(run)

    async def package_members(self, report_id: str) -> list[PackageMemberStat]:
        """A reported package's members in stream order (manifest order: by path inside the package)."""

        def run() -> list[PackageMemberStat]:
            rows = self._conn.execute(
                "SELECT path, member_path, size_bytes, mtime_ns FROM report_members WHERE report_id = ?", (report_id,)
            ).fetchall()
            found = [PackageMemberStat(str(p), str(m), int(s), int(t)) for p, m, s, t in rows]
            return sorted(found, key=lambda m: m.member_path)

        return await self._run(run)

    # -- transfer agent ---------------------------------------------------------------------------------

    async def verified_members(self, file_id: str, sha256: str) -> set[str]:
        """Members of this package already verified in the staging folder (a package of another hash: none)."""

        def run() -> set[str]:
            rows = self._conn.execute(
                "SELECT member_path FROM agent_members WHERE file_id = ? AND sha256 = ?", (file_id, sha256)
            ).fetchall()
            return {str(r[0]) for r in rows}

        return await self._run(run)

    async def add_verified_members(self, file_id: str, sha256: str, member_paths: Sequence[str]) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM agent_members WHERE file_id = ? AND sha256 != ?", (file_id, sha256))
            conn.executemany(
                "INSERT OR REPLACE INTO agent_members (file_id, sha256, member_path) VALUES (?, ?, ?)",
                [(file_id, sha256, p) for p in member_paths],
            )

        await self._run(self._tx, run)

    async def forget_members(self, file_id: str) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM agent_members WHERE file_id = ?", (file_id,))

        await self._run(self._tx, run)

    async def put_job(self, job: AgentJob) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                f"INSERT OR REPLACE INTO agent_jobs ({_JOB_COLUMNS}, updated_at) VALUES ({', '.join('?' * 12)})",
                (
                    job.file_id,
                    job.transfer_id,
                    job.path,
                    job.sha256,
                    job.size,
                    job.status,
                    job.attempts,
                    job.next_attempt_at,
                    job.last_error,
                    job.kind,
                    job.custody,
                    _now(),
                ),
            )

        await self._run(self._tx, run)

    async def drop_job(self, file_id: str) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM agent_jobs WHERE file_id = ?", (file_id,))
            conn.execute("DELETE FROM agent_members WHERE file_id = ?", (file_id,))

        await self._run(self._tx, run)

    async def job(self, file_id: str) -> AgentJob | None:
        def run() -> AgentJob | None:
            row = self._conn.execute(f"SELECT {_JOB_COLUMNS} FROM agent_jobs WHERE file_id = ?", (file_id,)).fetchone()
            return None if row is None else _job(row)

        return await self._run(run)

    async def jobs(self) -> list[AgentJob]:
        def run() -> list[AgentJob]:
            rows = self._conn.execute(f"SELECT {_JOB_COLUMNS} FROM agent_jobs ORDER BY rowid").fetchall()
            return [_job(r) for r in rows]

        return await self._run(run)

    async def cursor(self) -> str | None:
        def run() -> str | None:
            row = self._conn.execute("SELECT value FROM agent_meta WHERE key = 'transfer_events_cursor'").fetchone()
            return None if row is None else str(row[0])

        return await self._run(run)

    async def save_cursor(self, cursor: str) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO agent_meta (key, value) VALUES ('transfer_events_cursor', ?)", (cursor,)
            )

        await self._run(self._tx, run)
