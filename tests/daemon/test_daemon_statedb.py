"""The state file's schema version: a file written by a daemon from before versioning (user_version 0) is
migrated with every row kept, a file from a newer daemon is refused before anything is written, and
migrations run in order, once, all or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from daemon.config import ConfigError
from daemon.outbox import Detection, MemberStat, Outbox, PackageInfo
from daemon.statedb import MIGRATIONS, migrate
from daemon.transferstate import AgentJob, TransferState

# The layout as the daemon created it before the file was versioned — copied verbatim from daemon/outbox.py
# and daemon/transferstate.py at that time. Never edit: it stands for the files already on site hosts.
V0_OUTBOX = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
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
);
CREATE INDEX IF NOT EXISTS reports_by_stat ON reports (path, size_bytes, mtime_ns);
CREATE INDEX IF NOT EXISTS reports_pending ON reports (status) WHERE status = 'pending';
"""
V0_TRANSFERS = """
CREATE TABLE IF NOT EXISTS uploads (
    report_id       TEXT PRIMARY KEY,
    file_id         TEXT NOT NULL,
    url             TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'done', 'stale', 'skipped', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at REAL,
    updated_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS agent_jobs (
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
);
CREATE TABLE IF NOT EXISTS agent_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
SHA = ["a" * 64, "b" * 64]
T0 = "2026-01-05T10:00:00+00:00"


def write_v0(path: Path, *, with_transfers: bool = True) -> None:
    """What the unversioned daemon left on disk: its tables, its meta rows, a pending and a sent report, an
    upload with its resume URL, an agent job and the transferEvents cursor."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(V0_OUTBOX)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)", [("site", "tustin"), ("watch", "/watch"), ("schema", "1")]
    )
    conn.executemany(
        "INSERT INTO reports (report_id, path, size_bytes, mtime_ns, sha256, status, attempts, file_id,"
        " detected_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("r-pending", "day1/A.mov", 10, 111, SHA[0], "pending", 2, None, T0, T0),
            ("r-sent", "day1/B.mov", 20, 222, SHA[1], "sent", 1, "41", T0, T0),
        ],
    )
    if with_transfers:
        conn.executescript(V0_TRANSFERS)
        conn.execute(
            "INSERT INTO uploads (report_id, file_id, url, status, attempts, updated_at)"
            " VALUES ('r-sent', '41', 'http://hub/uploads/u1', 'pending', 1, ?)",
            (T0,),
        )
        conn.execute(
            "INSERT INTO agent_jobs (file_id, transfer_id, path, sha256, size_bytes, status, attempts, updated_at)"
            " VALUES ('7', '70', 'day1/C.mov', ?, 123, 'running', 1, ?)",
            (SHA[0], T0),
        )
        conn.execute("INSERT INTO agent_meta (key, value) VALUES ('transfer_events_cursor', '991')")
    conn.close()


def layout(path: Path) -> dict[str, object]:
    """Columns (name, type, not null, default, pk) and indexes of every table: what the code relies on."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {
            t: (
                [tuple(c[1:]) for c in conn.execute(f"PRAGMA table_info({t})")],
                sorted((i[1], i[2], i[4]) for i in conn.execute(f"PRAGMA index_list({t})")),
            )
            for t in tables
        }
    finally:
        conn.close()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("with_transfers", [True, False], ids=["current", "before-transfers"])
async def test_an_unversioned_state_file_is_migrated_and_keeps_every_row(tmp_path: Path, with_transfers: bool) -> None:
    db = tmp_path / "outbox.sqlite3"
    write_v0(db, with_transfers=with_transfers)
    assert user_version(db) == 0

    outbox = await Outbox.open(db, site="tustin", watch="/watch")
    state = await TransferState.open(db)
    try:
        assert user_version(db) == len(MIGRATIONS)
        entries = await outbox.entries()
        assert [(e.report_id, e.path, e.status, e.attempts) for e in entries] == [
            ("r-pending", "day1/A.mov", "pending", 2),
            ("r-sent", "day1/B.mov", "sent", 1),
        ]
        assert [e.report_id for e in await outbox.due(0, 10)] == ["r-pending"]
        [work] = await state.upload_work()
        assert (work.report_id, work.file_id) == ("r-sent", "41")
        if with_transfers:
            assert work.url == "http://hub/uploads/u1", "the resume token survives the upgrade"
            assert await state.cursor() == "991"
            assert [(j.file_id, j.transfer_id, j.status) for j in await state.jobs()] == [("7", "70", "running")]
        # Both sides keep working on the upgraded file.
        [fresh] = await outbox.record([Detection("day1/D.mov", 5, 555, SHA[1])])
        assert fresh.status == "pending"
        await state.put_job(AgentJob("8", None, "E.mov", SHA[1], 5, "claiming"))
    finally:
        await state.close()
        await outbox.close()

    conn = sqlite3.connect(db)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    conn.close()
    assert meta == {"site": "tustin", "watch": "/watch"}, "the version lives in user_version alone"

    fresh_db = tmp_path / "fresh" / "outbox.sqlite3"
    await (await Outbox.open(fresh_db, site="tustin", watch="/watch")).close()
    assert layout(db) == layout(fresh_db), "an upgraded file has exactly the layout of a new one"


async def test_a_state_file_from_a_newer_daemon_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    await (await Outbox.open(db, site="tustin", watch="/watch")).close()
    newer = len(MIGRATIONS) + 1
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.execute("INSERT INTO meta (key, value) VALUES ('written_by', 'the future')")
    conn.close()
    before = layout(db)

    with pytest.raises(ConfigError, match=rf"schema version {newer}.*knows versions up to {len(MIGRATIONS)}"):
        await Outbox.open(db, site="tustin", watch="/elsewhere")
    with pytest.raises(ConfigError, match=rf"schema version {newer}"):
        await TransferState.open(db)

    assert user_version(db) == newer
    assert layout(db) == before
    conn = sqlite3.connect(db)
    assert dict(conn.execute("SELECT key, value FROM meta").fetchall())["watch"] == "/watch"
    conn.close()


def test_migrations_run_in_order_once_and_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        steps = [
            ("CREATE TABLE log (n INTEGER)", "INSERT INTO log VALUES (1)"),
            ("INSERT INTO log VALUES (2)",),
        ]
        assert migrate(conn, path, steps) == 0
        assert migrate(conn, path, steps) == 2, "an up-to-date file runs nothing"
        broken = [*steps, ("INSERT INTO log VALUES (3)",), ("INSERT INTO no_such_table VALUES (4)",)]
        with pytest.raises(sqlite3.OperationalError):
            migrate(conn, path, broken)
        assert [r[0] for r in conn.execute("SELECT n FROM log ORDER BY rowid")] == [1, 2]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2, "a failed upgrade leaves the old version whole"
        assert not conn.in_transaction
    finally:
        conn.close()


async def test_a_version_2_outbox_gains_packages_and_keeps_its_rows(tmp_path: Path) -> None:
    """Migration 3 (packages): rows a daemon wrote before packages are FILEs of one member, and stay sendable."""
    path = tmp_path / "outbox.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:2])
    conn.execute(
        "INSERT INTO reports (report_id, path, size_bytes, mtime_ns, sha256, status, detected_at, updated_at)"
        " VALUES ('r1', 'A001.MOV', 10, 1, ?, 'pending', 'now', 'now')",
        ("a" * 64,),
    )
    assert migrate(conn, path) == 2
    conn.close()
    outbox = await Outbox.open(path, site="tustin", watch="/watch")
    try:
        [entry] = await outbox.entries()
        assert (entry.report_id, entry.kind, entry.member_count, entry.status) == ("r1", "FILE", 1, "pending")
        assert await outbox.members("r1") == []
    finally:
        await outbox.close()


async def test_a_version_6_outbox_gains_the_asc_mhl_hash_and_keeps_its_rows(tmp_path: Path) -> None:
    """Migration 7: rows hashed before it have no ASC MHL hash (reported as before) and gain one when the same
    bytes are recorded again with it."""
    path = tmp_path / "outbox.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:6])
    conn.executemany(
        "INSERT INTO reports (report_id, path, size_bytes, mtime_ns, sha256, status, file_id, detected_at,"
        " updated_at, kind, custody) VALUES (?, ?, ?, ?, ?, ?, ?, 'now', 'now', ?, ?)",
        [
            ("r1", "A001.MOV", 10, 1, SHA[0], "pending", None, "FILE", None),
            ("r2", "A001.CARD", 20, 2, SHA[1], "sent", "41", "FOLDER", '{"records": []}'),
        ],
    )
    assert migrate(conn, path) == 6
    assert user_version(path) == len(MIGRATIONS)
    conn.close()
    outbox = await Outbox.open(path, site="tustin", watch="/watch")
    try:
        got = [(e.report_id, e.kind, e.status, e.custody, e.hash_format, e.hash) for e in await outbox.entries()]
        assert got == [
            ("r1", "FILE", "pending", None, None, None),
            ("r2", "FOLDER", "sent", '{"records": []}', None, None),
        ]
        assert await outbox.record([Detection("A001.MOV", 10, 1, SHA[0], others=(("xxh64", "0" * 16),))]) == []
        [entry] = await outbox.entries("A001.MOV")
        assert (entry.report_id, entry.hash_format, entry.hash) == ("r1", "xxh64", "0" * 16)
    finally:
        await outbox.close()


async def test_a_version_7_outbox_gains_member_asc_mhl_hashes_and_keeps_its_rows(tmp_path: Path) -> None:
    """Migration 8: members hashed before it keep their rows and stat (so a rescan re-uses them, nothing is read
    again), have no ASC MHL hash (staged as before), and gain one when the same package is recorded with it."""
    S = [c * 64 for c in "cde"]  # the package's manifest hash, then its frames'
    path = tmp_path / "outbox.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:7])
    conn.execute(
        "INSERT INTO reports (report_id, path, size_bytes, mtime_ns, sha256, status, file_id, detected_at,"
        " updated_at, kind, filename, frame_range, member_count, hash_format, hash)"
        " VALUES ('r1', 'reel/s.####.dpx', 20, 2, ?, 'sent', '41', 'now', 'now', 'SEQUENCE', 's.[1-2].dpx', '1-2',"
        " 2, NULL, NULL)",
        (S[0],),
    )
    conn.executemany(
        "INSERT INTO report_members (report_id, path, member_path, size_bytes, mtime_ns, sha256)"
        " VALUES ('r1', ?, ?, 10, ?, ?)",
        [("reel/s.0001.dpx", "s.0001.dpx", 1, S[1]), ("reel/s.0002.dpx", "s.0002.dpx", 2, S[2])],
    )
    assert migrate(conn, path) == 7
    assert user_version(path) == len(MIGRATIONS)
    conn.close()
    outbox = await Outbox.open(path, site="tustin", watch="/watch")
    try:
        [entry] = await outbox.entries()
        assert (entry.report_id, entry.kind, entry.status, entry.member_count) == ("r1", "SEQUENCE", "sent", 2)
        assert await outbox.members("r1") == [
            ("s.0001.dpx", 10, S[1], None, None),
            ("s.0002.dpx", 10, S[2], None, None),
        ]
        known = await outbox.known_members([("reel/s.0001.dpx", 10, 1), ("reel/s.0002.dpx", 10, 2)])
        assert known == {"reel/s.0001.dpx": (S[1], None, None), "reel/s.0002.dpx": (S[2], None, None)}
        hashed = tuple(
            MemberStat(f"reel/s.{n:04d}.dpx", f"s.{n:04d}.dpx", 10, n, S[n], "xxh64", f"{n:016x}") for n in (1, 2)
        )
        package = PackageInfo("SEQUENCE", "s.[1-2].dpx", hashed, frame_range="1-2")
        assert await outbox.record([Detection("reel/s.####.dpx", 20, 2, S[0], package)]) == []
        assert [(m.path, m.hash_format, m.hash) for m in await outbox.members("r1")] == [
            ("s.0001.dpx", "xxh64", "0000000000000001"),
            ("s.0002.dpx", "xxh64", "0000000000000002"),
        ]
    finally:
        await outbox.close()


async def test_a_version_8_state_file_keeps_the_agents_jobs_without_custody_records(tmp_path: Path) -> None:
    """Migration 9: a job written before it (say a card left "delivered") has no stored custody records, which
    tells a restart to read them back from the delivered history; a job stored after it keeps its records."""
    path = tmp_path / "outbox.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:8])
    conn.execute(
        "INSERT INTO agent_jobs (file_id, transfer_id, path, sha256, size_bytes, status, attempts, updated_at, kind)"
        " VALUES ('7', '70', 'cards/A001', ?, 20, 'delivered', 1, 'now', 'FOLDER')",
        (SHA[0],),
    )
    assert migrate(conn, path) == 8
    assert user_version(path) == len(MIGRATIONS) == 9
    conn.close()
    state = await TransferState.open(path)
    try:
        assert await state.jobs() == [AgentJob("7", "70", "cards/A001", SHA[0], 20, "delivered", 1, kind="FOLDER")]
        await state.put_job(AgentJob("8", "80", "cards/C003", SHA[1], 5, "running", kind="FOLDER", custody="[]"))
        assert [(j.file_id, j.custody) for j in await state.jobs()] == [("7", None), ("8", "[]")]
    finally:
        await state.close()
