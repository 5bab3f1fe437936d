import asyncio
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from daemon.config import ConfigError
from daemon.outbox import Detection, MemberStat, Outbox, PackageInfo

SHA_A = "a" * 64
SHA_B = "b" * 64
XXH_A = "0123456789abcdef"
XXH_B = "fedcba9876543210"


async def open_outbox(path: Path, site: str = "tustin") -> Outbox:
    return await Outbox.open(path, site=site, watch="/watch")


async def test_detections_get_a_report_id_and_survive_reopen(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    ob = await open_outbox(db)
    fresh = await ob.record([Detection("a.mov", 10, 111, SHA_A), Detection("d/b.mov", 20, 222, SHA_B)])
    assert [e.path for e in fresh] == ["a.mov", "d/b.mov"]
    for e in fresh:
        assert uuid.UUID(e.report_id).version == 4
        assert e.status == "pending"
    await ob.close()

    ob = await open_outbox(db)
    try:
        again = await ob.entries()
        assert [(e.report_id, e.path, e.size, e.mtime_ns, e.sha256) for e in again] == [
            (e.report_id, e.path, e.size, e.mtime_ns, e.sha256) for e in fresh
        ]
        assert await ob.pending_count() == 2
    finally:
        await ob.close()


async def test_durable_pragmas(tmp_path: Path) -> None:
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        assert ob._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ob._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        await ob.close()


def test_a_committed_row_survives_sigkill(tmp_path: Path) -> None:
    """Commit in a child process that then dies without closing anything."""
    db = tmp_path / "o.sqlite3"
    code = f"""
import asyncio, os, signal
from pathlib import Path
from daemon.outbox import Outbox, Detection
async def main():
    ob = await Outbox.open(Path({str(db)!r}), site="tustin", watch="/w")
    await ob.record([Detection("x.mov", 1, 2, {SHA_A!r})])
    os.kill(os.getpid(), signal.SIGKILL)
asyncio.run(main())
"""
    r = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert r.returncode == -9

    async def check() -> None:
        ob = await open_outbox(db)
        try:
            assert [e.path for e in await ob.entries()] == ["x.mov"]
        finally:
            await ob.close()

    asyncio.run(check())


async def test_same_content_refreshes_stat_and_is_not_sent_again(tmp_path: Path) -> None:
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        (first,) = await ob.record([Detection("a.mov", 10, 111, SHA_A)])
        assert await ob.record([Detection("a.mov", 10, 999, SHA_A)]) == []  # touched, same bytes
        assert await ob.unknown([("a.mov", 10, 111), ("a.mov", 10, 999)]) == [0]
        (second,) = await ob.record([Detection("a.mov", 12, 1000, SHA_B)])  # new content, new report
        assert second.report_id != first.report_id
    finally:
        await ob.close()


async def test_unknown_lists_what_needs_hashing(tmp_path: Path) -> None:
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        await ob.record([Detection("a.mov", 10, 111, SHA_A)])
        items = [("a.mov", 10, 111), ("a.mov", 11, 111), ("a.mov", 10, 112), ("b.mov", 10, 111)]
        assert await ob.unknown(items) == [1, 2, 3]
    finally:
        await ob.close()


async def test_send_bookkeeping(tmp_path: Path) -> None:
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        a, b, c = await ob.record(
            [Detection("a.mov", 1, 1, SHA_A), Detection("b.mov", 1, 1, SHA_A), Detection("c.mov", 1, 1, SHA_A)]
        )
        assert [e.path for e in await ob.due(0, 10)] == ["a.mov", "b.mov", "c.mov"]
        assert [e.path for e in await ob.due(a.seq, 10)] == ["b.mov", "c.mov"]

        await ob.mark_sent([(a.report_id, "41")])
        later = time.time() + 60
        await ob.mark_failed(b.report_id, "INTERNAL_SERVER_ERROR: boom", permanent=False, retry_at=later)
        await ob.mark_failed(c.report_id, "BAD_USER_INPUT: path", permanent=True)
        assert await ob.due(0, 10) == []
        assert [e.path for e in await ob.due(0, 10, now=later + 1)] == ["b.mov"]
        assert await ob.next_retry_at(after=time.time()) == pytest.approx(later)
        assert await ob.counts() == {"pending": 1, "sent": 1, "failed_permanent": 1}

        assert await ob.retry_failed() == 1
        assert await ob.counts() == {"pending": 2, "sent": 1, "failed_permanent": 0}
    finally:
        await ob.close()


async def test_a_state_dir_belongs_to_one_site(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    await (await open_outbox(db, "tustin")).close()
    with pytest.raises(ConfigError, match="belongs to site 'tustin'"):
        await open_outbox(db, "dallas")


async def test_a_single_files_asc_mhl_hash_is_stored_with_it(tmp_path: Path) -> None:
    """The first ``others`` digest of a FILE is its ASC MHL hash, kept for the report (and across restarts)."""
    db = tmp_path / "o.sqlite3"
    ob = await open_outbox(db)
    try:
        (fresh, plain) = await ob.record(
            [Detection("a.mov", 10, 111, SHA_A, others=(("xxh64", XXH_A),)), Detection("b.mov", 10, 111, SHA_B)]
        )
        assert (fresh.hash_format, fresh.hash) == ("xxh64", XXH_A)
        assert (plain.hash_format, plain.hash) == (None, None), "hashed without one (--no-mhl)"
    finally:
        await ob.close()
    ob = await open_outbox(db)
    try:
        assert [(e.path, e.hash_format, e.hash) for e in await ob.due(0, 10)] == [
            ("a.mov", "xxh64", XXH_A),
            ("b.mov", None, None),
        ]
    finally:
        await ob.close()


async def test_recording_the_same_bytes_again_keeps_or_fills_the_hash(tmp_path: Path) -> None:
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        await ob.record(
            [Detection("a.mov", 10, 111, SHA_A, others=(("xxh64", XXH_A),)), Detection("b.mov", 10, 111, SHA_B)]
        )
        touched = [
            Detection("a.mov", 10, 222, SHA_A),  # hashed again without one: the stored hash stays
            Detection("b.mov", 10, 222, SHA_B, others=(("xxh64", XXH_B),)),  # a row from before gains one
        ]
        assert await ob.record(touched) == [], "the same bytes are not sent again"
        assert [(e.path, e.mtime_ns, e.hash_format, e.hash) for e in await ob.entries()] == [
            ("a.mov", 222, "xxh64", XXH_A),
            ("b.mov", 222, "xxh64", XXH_B),
        ]
        await ob.record([Detection("a.mov", 10, 333, SHA_A, others=(("xxh64", XXH_B),))])
        [a] = await ob.entries("a.mov")
        assert a.hash == XXH_A, "a stored hash is never replaced"
    finally:
        await ob.close()


async def test_a_package_row_carries_no_asc_mhl_hash(tmp_path: Path) -> None:
    """A package's members have their own hashes (a card's history): the row itself gets none."""
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        members = tuple(MemberStat(f"reel/s.{n:04d}.exr", f"s.{n:04d}.exr", 5, 1, SHA_A) for n in (1, 2, 3))
        package = PackageInfo("SEQUENCE", "s.####.exr", members, frame_range="1-3")
        [row] = await ob.record([Detection("reel/s.####.exr", 15, 1, SHA_B, package, (("xxh64", XXH_A),))])
        assert (row.kind, row.hash_format, row.hash) == ("SEQUENCE", None, None)
        [again] = await ob.entries()
        assert (again.hash_format, again.hash) == (None, None)
    finally:
        await ob.close()


def frames(*hashes: str | None, mtime_ns: int = 1) -> PackageInfo:
    """A three-frame sequence whose frames carry ``hashes`` (xxh64, or None: hashed without one)."""
    members = tuple(
        MemberStat(f"reel/s.{n:04d}.exr", f"s.{n:04d}.exr", 5, mtime_ns, SHA_A, *(("xxh64", h) if h else (None, None)))
        for n, h in enumerate(hashes, 1)
    )
    return PackageInfo("SEQUENCE", "s.####.exr", members, frame_range=f"1-{len(hashes)}")


async def test_a_package_members_asc_mhl_hashes_are_kept_beside_them(tmp_path: Path) -> None:
    """Each member keeps the xxh64 read with it, for the package's ASC MHL manifest; a re-recorded package (the
    same manifest: same members) keeps them, a member without one gains one, and a stored one is never replaced."""
    db = tmp_path / "o.sqlite3"
    ob = await open_outbox(db)
    try:
        [row] = await ob.record([Detection("reel/s.####.exr", 15, 1, SHA_B, frames(XXH_A, None, XXH_B))])
        assert await ob.members(row.report_id) == [
            ("s.0001.exr", 5, SHA_A, "xxh64", XXH_A),
            ("s.0002.exr", 5, SHA_A, None, None),
            ("s.0003.exr", 5, SHA_A, "xxh64", XXH_B),
        ]
        touched = frames(None, XXH_A, XXH_A, mtime_ns=2)  # hashed again (--no-mhl, or another pass)
        assert await ob.record([Detection("reel/s.####.exr", 15, 2, SHA_B, touched)]) == []
    finally:
        await ob.close()
    ob = await open_outbox(db)
    try:
        got = await ob.members(row.report_id)
        assert [(m.path, m.hash_format, m.hash) for m in got] == [
            ("s.0001.exr", "xxh64", XXH_A),
            ("s.0002.exr", "xxh64", XXH_A),
            ("s.0003.exr", "xxh64", XXH_B),
        ]
        assert await ob.known_members([("reel/s.0001.exr", 5, 1)]) == {}, "the members' stats were refreshed"
        assert set(await ob.known_members([(f"reel/s.{n:04d}.exr", 5, 2) for n in (1, 2, 3)])) == {
            "reel/s.0001.exr",
            "reel/s.0002.exr",
            "reel/s.0003.exr",
        }
    finally:
        await ob.close()


async def test_known_members_come_with_their_stored_asc_mhl_hash(tmp_path: Path) -> None:
    """What a new version re-uses: SHA-256 and the xxh64 stored with a member or a file reported alone, the row
    with a hash preferred when a path was recorded more than once with this stat; None when none has one."""
    ob = await open_outbox(tmp_path / "o.sqlite3")
    try:
        await ob.record(
            [
                Detection("reel/s.####.exr", 15, 1, SHA_B, frames(None, XXH_B, None)),
                Detection("reel/s.[1-3].exr", 15, 1, "c" * 64, frames(XXH_A, None, None)),  # the same frames again
                Detection("alone.mov", 10, 7, SHA_A, others=(("xxh64", XXH_B),)),
                Detection("plain.mov", 10, 7, SHA_B),
            ]
        )
        items = [(f"reel/s.{n:04d}.exr", 5, 1) for n in (1, 2, 3)]
        known = await ob.known_members([*items, ("alone.mov", 10, 7), ("plain.mov", 10, 7), ("alone.mov", 10, 8)])
        assert known == {
            "reel/s.0001.exr": (SHA_A, "xxh64", XXH_A),
            "reel/s.0002.exr": (SHA_A, "xxh64", XXH_B),
            "reel/s.0003.exr": (SHA_A, None, None),
            "alone.mov": (SHA_A, "xxh64", XXH_B),
            "plain.mov": (SHA_B, None, None),
        }
    finally:
        await ob.close()
