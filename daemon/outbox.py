"""Durable outbox: every finished file is written here, with its ``reportId``, before the first send.

SQLite in WAL mode with ``synchronous=FULL``: a row that was committed survives a power cut, so a report is
never lost between hashing and the orchestrator's answer. One row per (path, sha256) — the same key the
orchestrator deduplicates on — so a file that is touched but not changed is not reported again. The stat
columns let a rescan skip files it has already hashed: a restart over 100,000 files costs 100,000 stats and
index look-ups, not 100,000 hashes.

All SQLite work happens on one dedicated thread: commits fsync, and fsync must not stall the event loop.
The tables, and their schema version, are :mod:`daemon.statedb`'s.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from daemon.config import ConfigError
from daemon.logs import event
from daemon.statedb import StateConnection, open_state_db

_UNKNOWN_CHUNK = 500  # 4 bound parameters each, well under SQLite's limit


@dataclass(frozen=True)
class MemberStat:
    """One hashed member of a package: its watch-relative path and stat, and its path inside the package."""

    path: str
    member_path: str
    size: int
    mtime_ns: int
    sha256: str
    #: its ASC MHL hash, read in the same pass as ``sha256`` (or kept from that pass), staged with it
    hash_format: str | None = None
    hash: str | None = None


class KnownMember(NamedTuple):
    """A file already hashed with a given stat: what a new version of its package re-uses instead of reading it."""

    sha256: str
    hash_format: str | None = None
    hash: str | None = None


class StoredMember(NamedTuple):
    """A package member as it is staged with its report (``daemon/client.py`` ``PackageReport.members``)."""

    path: str  # inside the package
    size: int
    sha256: str
    hash_format: str | None = None
    hash: str | None = None


@dataclass(frozen=True)
class PackageInfo:
    kind: str  # SEQUENCE or FOLDER
    filename: str
    members: tuple[MemberStat, ...]
    frame_range: str | None = None
    missing_frames: str | None = None
    custody: str | None = None  # JSON {"records": [...], "integrityError": ...} (daemon/custody.py)


@dataclass(frozen=True)
class Detection:
    """A file (or package) judged finished and hashed: what goes into the outbox."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    package: PackageInfo | None = None
    #: ``(format, digest)`` read in the same pass as ``sha256``: a card member's history formats, any other file
    #: its xxh64 (the first is stored with its row, or its member row, for an ASC MHL manifest of it)
    others: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OutboxEntry:
    """A row waiting to be (or already) reported."""

    seq: int
    report_id: str
    path: str
    size: int
    mtime_ns: int
    sha256: str
    status: str
    attempts: int
    kind: str = "FILE"
    filename: str | None = None
    frame_range: str | None = None
    missing_frames: str | None = None
    member_count: int = 1
    custody: str | None = None
    hash_format: str | None = None  # a FILE's ASC MHL hash (xxh64), when it was hashed with one
    hash: str | None = None

    @property
    def modified_at(self) -> str:
        return datetime.fromtimestamp(self.mtime_ns / 1e9, UTC).isoformat()


_ENTRY_COLUMNS = (
    "rowid, report_id, path, size_bytes, mtime_ns, sha256, status, attempts,"
    " kind, filename, frame_range, missing_frames, member_count, custody, hash_format, hash"
)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _entry(row: Sequence[object]) -> OutboxEntry:
    (seq, report_id, path, size, mtime_ns, sha256, status, attempts, kind, filename, frames, missing, count, custody,
     hash_format, hash_) = row  # fmt: skip
    return OutboxEntry(
        int(str(seq)),
        str(report_id),
        str(path),
        int(str(size)),
        int(str(mtime_ns)),
        str(sha256),
        str(status),
        int(str(attempts)),
        str(kind),
        None if filename is None else str(filename),
        None if frames is None else str(frames),
        None if missing is None else str(missing),
        int(str(count)),
        None if custody is None else str(custody),
        None if hash_format is None else str(hash_format),
        None if hash_ is None else str(hash_),
    )


class Outbox(StateConnection):
    """Async façade over one SQLite connection owned by one thread."""

    def __init__(self, conn: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
        super().__init__(conn, executor)
        self._sent_listeners: list[Callable[[Sequence[str]], None]] = []

    def on_sent(self, listener: Callable[[Sequence[str]], None]) -> None:
        """Call ``listener(report_ids)`` once acknowledgements are committed (the uploader starts on them)."""
        self._sent_listeners.append(listener)

    @classmethod
    async def open(cls, path: Path, *, site: str, watch: str) -> Outbox:
        (conn, previous_watch), executor = await cls._on_own_thread("outbox", cls._open_sync, path, site, watch)
        if previous_watch != watch:
            # Paths are stored relative to the watch folder; a new folder with the same layout would be
            # taken for the old one. Allowed (folders get remounted), but worth a line in the log.
            event("outbox.watch_changed", logging.WARNING, previous=previous_watch, watch=watch)
        return cls(conn, executor)

    @staticmethod
    def _open_sync(path: Path, site: str, watch: str) -> tuple[sqlite3.Connection, str]:
        conn = open_state_db(path, busy_timeout_ms=5000)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("site", site) != site:
                raise ConfigError(
                    f"state dir {path.parent} belongs to site {meta['site']!r}, not {site!r}; "
                    "give each site its own --state-dir"
                )
            conn.execute("BEGIN IMMEDIATE")
            for key, value in (("site", site), ("watch", watch)):
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn, str(meta.get("watch", watch))

    # -- detection side ---------------------------------------------------------------------------------

    async def unknown(self, items: Sequence[tuple[str, int, int]]) -> list[int]:
        """Indexes of ``(path, size, mtime_ns)`` items the outbox has never recorded with that stat."""

        def run() -> list[int]:
            missing: list[int] = []
            for start in range(0, len(items), _UNKNOWN_CHUNK):  # one statement per chunk, not per file
                chunk = items[start : start + _UNKNOWN_CHUNK]
                values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
                params = [x for i, (p, s, m) in enumerate(chunk, start) for x in (i, p, s, m)]
                rows = self._conn.execute(
                    f"WITH v(i, path, size_bytes, mtime_ns) AS (VALUES {values}) SELECT v.i FROM v"
                    " WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.path = v.path"
                    " AND r.size_bytes = v.size_bytes AND r.mtime_ns = v.mtime_ns)"
                    " AND NOT EXISTS (SELECT 1 FROM report_members m WHERE m.path = v.path"
                    " AND m.size_bytes = v.size_bytes AND m.mtime_ns = v.mtime_ns) ORDER BY v.i",
                    params,
                ).fetchall()
                missing += [int(r[0]) for r in rows]
            return missing

        return await self._run(run)

    async def record(self, detections: Iterable[Detection]) -> list[OutboxEntry]:
        """Persist detections in one transaction; return the rows that are new and must be sent.

        A (path, sha256) already present only gets its stat refreshed: it was reported (or is queued) already. A
        FILE keeps its first ``others`` digest as its ASC MHL hash; a row stored without one gains it. A package's
        members the same way: the same manifest hash means the same member paths and SHA-256s, so their rows are
        refreshed in place and a hash stored once is kept (a new one only fills a gap).
        """
        batch = list(detections)

        def run(conn: sqlite3.Connection) -> list[OutboxEntry]:
            now = _now()
            fresh: list[OutboxEntry] = []
            for d in batch:
                report_id = str(uuid.uuid4())
                p = d.package
                hash_format, hash_ = d.others[0] if p is None and d.others else (None, None)
                row = conn.execute(
                    "INSERT INTO reports (report_id, path, size_bytes, mtime_ns, sha256, status, detected_at,"
                    " updated_at, kind, filename, frame_range, missing_frames, member_count, custody, hash_format,"
                    " hash) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (path, sha256) DO UPDATE SET size_bytes = excluded.size_bytes,"
                    " mtime_ns = excluded.mtime_ns, updated_at = excluded.updated_at,"
                    " hash_format = COALESCE(reports.hash_format, excluded.hash_format),"
                    " hash = COALESCE(reports.hash, excluded.hash)"
                    f" RETURNING {_ENTRY_COLUMNS}",
                    (
                        report_id, d.path, d.size, d.mtime_ns, d.sha256, now, now,
                        p.kind if p else "FILE", p.filename if p else None, p.frame_range if p else None,
                        p.missing_frames if p else None, len(p.members) if p else 1, p.custody if p else None,
                        hash_format, hash_,
                    ),
                ).fetchone()  # fmt: skip
                entry = _entry(row)
                if p is not None:  # members' stats are refreshed with the row's (a touch is not a change)
                    conn.executemany(
                        "INSERT INTO report_members (report_id, path, member_path, size_bytes, mtime_ns, sha256,"
                        " hash_format, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (report_id, member_path) DO UPDATE SET path = excluded.path,"
                        " size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256,"
                        " hash_format = COALESCE(report_members.hash_format, excluded.hash_format),"
                        " hash = COALESCE(report_members.hash, excluded.hash)",
                        [
                            (entry.report_id, m.path, m.member_path, m.size, m.mtime_ns, m.sha256, m.hash_format,
                             m.hash)
                            for m in p.members
                        ],
                    )  # fmt: skip
                if entry.report_id == report_id:
                    fresh.append(entry)
            return fresh

        return await self._run(self._tx, run)

    async def known_members(self, items: Sequence[tuple[str, int, int]]) -> dict[str, KnownMember]:
        """``path → (sha256, ASC MHL hash)`` for files already hashed with this stat (members of earlier packages,
        files reported alone): a new version of a package re-uses them, and the xxh64 read with them, instead of
        hashing thousands of frames again. Of several rows for a path, one with an ASC MHL hash is preferred."""

        def run() -> dict[str, KnownMember]:
            found: dict[str, KnownMember] = {}
            for start in range(0, len(items), _UNKNOWN_CHUNK):
                chunk = items[start : start + _UNKNOWN_CHUNK]
                values = ", ".join(["(?, ?, ?)"] * len(chunk))
                rows = self._conn.execute(
                    f"WITH v(path, size_bytes, mtime_ns) AS (VALUES {values})"
                    " SELECT m.path, m.sha256, m.hash_format, m.hash FROM v"
                    " JOIN report_members m ON m.path = v.path AND m.size_bytes = v.size_bytes"
                    " AND m.mtime_ns = v.mtime_ns"
                    " UNION ALL SELECT r.path, r.sha256, r.hash_format, r.hash FROM v JOIN reports r"
                    " ON r.path = v.path AND r.size_bytes = v.size_bytes AND r.mtime_ns = v.mtime_ns"
                    " AND r.kind = 'FILE'",
                    [x for item in chunk for x in item],
                ).fetchall()
                for p, h, fmt, digest in rows:
                    known = KnownMember(str(h), _opt(fmt), _opt(digest))
                    previous = found.get(str(p))
                    if previous is None or (previous.hash is None and known.hash is not None):
                        found[str(p)] = known
            return found

        return await self._run(run)

    async def members(self, report_id: str) -> list[StoredMember]:
        """A package's members, with their ASC MHL hashes when they have one, in manifest order."""

        def run() -> list[StoredMember]:
            rows = self._conn.execute(
                "SELECT member_path, size_bytes, sha256, hash_format, hash FROM report_members WHERE report_id = ?",
                (report_id,),
            ).fetchall()
            members = [StoredMember(str(p), int(s), str(h), _opt(f), _opt(d)) for p, s, h, f, d in rows]
            return sorted(members, key=lambda m: m.path)

        return await self._run(run)

    # -- sending side -----------------------------------------------------------------------------------

    async def due(self, after_seq: int, limit: int, now: float | None = None) -> list[OutboxEntry]:
        """Pending rows in detection order whose retry time (if any) has come."""
        at = time.time() if now is None else now

        def run() -> list[OutboxEntry]:
            rows = self._conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM reports WHERE status = 'pending' AND rowid > ?"
                " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY rowid LIMIT ?",
                (after_seq, at, limit),
            ).fetchall()
            return [_entry(r) for r in rows]

        return await self._run(run)

    async def next_retry_at(self, after: float) -> float | None:
        """Earliest future retry time among deferred rows (rows already due are being dispatched)."""

        def run() -> float | None:
            row = self._conn.execute(
                "SELECT min(next_attempt_at) FROM reports WHERE status = 'pending' AND next_attempt_at > ?",
                (after,),
            ).fetchone()
            return None if row is None or row[0] is None else float(row[0])

        return await self._run(run)

    async def mark_sent(self, results: Sequence[tuple[str, str]]) -> None:
        """``(report_id, file_id)`` pairs the orchestrator acknowledged, committed together."""

        def run(conn: sqlite3.Connection) -> None:
            now = _now()
            conn.executemany(
                "UPDATE reports SET status = 'sent', file_id = ?, attempts = attempts + 1, last_error = NULL,"
                " next_attempt_at = NULL, updated_at = ? WHERE report_id = ?",
                [(file_id, now, report_id) for report_id, file_id in results],
            )

        await self._run(self._tx, run)
        for listener in self._sent_listeners:
            listener([report_id for report_id, _ in results])

    async def mark_failed(self, report_id: str, error: str, *, permanent: bool, retry_at: float | None = None) -> None:
        """Record a failed attempt: permanent ones stop being sent, others wait until ``retry_at``."""

        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE reports SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                " updated_at = ? WHERE report_id = ?",
                ("failed_permanent" if permanent else "pending", error, retry_at, _now(), report_id),
            )

        await self._run(self._tx, run)

    async def retry_failed(self) -> int:
        """Put permanently failed rows back in the queue (``--retry-failed``, after fixing the cause)."""

        def run(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "UPDATE reports SET status = 'pending', next_attempt_at = NULL, updated_at = ?"
                " WHERE status = 'failed_permanent'",
                (_now(),),
            )
            return cur.rowcount

        return await self._run(self._tx, run)

    # -- inspection -------------------------------------------------------------------------------------

    async def counts(self) -> dict[str, int]:
        def run() -> dict[str, int]:
            rows = self._conn.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall()
            counts = {"pending": 0, "sent": 0, "failed_permanent": 0}
            counts.update({str(s): int(n) for s, n in rows})
            return counts

        return await self._run(run)

    async def pending_count(self) -> int:
        def run() -> int:
            row = self._conn.execute("SELECT count(*) FROM reports WHERE status = 'pending'").fetchone()
            return int(row[0])

        return await self._run(run)

    async def entries(self, path: str | None = None) -> list[OutboxEntry]:
        def run() -> list[OutboxEntry]:
            if path is None:
                rows = self._conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM reports ORDER BY rowid").fetchall()
            else:
                rows = self._conn.execute(
                    f"SELECT {_ENTRY_COLUMNS} FROM reports WHERE path = ? ORDER BY rowid", (path,)
                ).fetchall()
            return [_entry(r) for r in rows]

        return await self._run(run)
