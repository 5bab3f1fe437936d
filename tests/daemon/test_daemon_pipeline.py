"""The detection pipeline against a real outbox and real files, with no orchestrator involved."""

import asyncio
import contextlib
import hashlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import xxhash

from daemon.fileinfo import FileStat
from daemon.filters import PathFilter
from daemon.hasher import Digest
from daemon.outbox import Outbox
from daemon.packages import PackageRules
from daemon.pipeline import Detector, _unchanged
from daemon.settle import ReadyFile


@contextlib.asynccontextmanager
async def running(
    root: Path,
    state: Path,
    settle: float = 0.2,
    *,
    mhl: bool = False,
    packages: PackageRules | None = None,
) -> AsyncIterator[tuple[Detector, Outbox]]:
    outbox = await Outbox.open(state / "outbox.sqlite3", site="tustin", watch=str(root))
    det = Detector(
        root,
        outbox,
        path_filter=PathFilter(),
        settle_seconds=settle,
        rescan_interval=300,
        hash_workers=2,
        mhl=mhl,
        packages=packages,
    )
    tasks = [asyncio.create_task(fn()) for fn in det.tasks().values()]  # type: ignore[misc]
    recorder = asyncio.create_task(det.recorder())
    try:
        yield det, outbox
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await det.stop()
        det.finish_recording()
        await recorder
        await outbox.close()


async def wait_for(predicate: Callable[[], object], within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def idle(det: Detector) -> None:
    """Wait until every submitted path has been recorded or dropped. Exact: the consumer submits a path in the
    same step that takes it off ``events``, and a path leaves ``in_flight`` only once recorded or dropped."""
    await wait_for(lambda: det.events.empty() and det.in_flight == 0, within=60)


async def recorded(outbox: Outbox) -> dict[str, str]:
    return {e.path: e.sha256 for e in await outbox.entries()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", None) == name]


async def test_existing_and_new_files_are_recorded_with_their_hash(tmp_path: Path) -> None:
    root, state = tmp_path / "watch", tmp_path / "state"
    (root / "day1").mkdir(parents=True)
    (root / "old.mov").write_bytes(b"old")
    (root / "skip.part").write_bytes(b"partial")
    async with running(root, state) as (det, outbox):
        await wait_for(lambda: det.scans_completed)
        new = root / "day1" / "new.mov"
        new.write_bytes(b"new")
        det.events.put_nowait((str(new), False))
        det.events.put_nowait((str(root / "skip.part"), False))
        await idle(det)
        got = await recorded(outbox)
    assert got == {"old.mov": sha(b"old"), "day1/new.mov": sha(b"new")}


async def test_restart_does_not_rehash_known_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root, state = tmp_path / "watch", tmp_path / "state"
    for d in range(20):
        (root / f"d{d}").mkdir(parents=True)
        for i in range(100):
            (root / f"d{d}" / f"{i}.mov").write_bytes(f"{d}/{i}".encode())
    async with running(root, state, settle=0.05) as (det, outbox):
        await wait_for(lambda: det.scans_completed)
        await idle(det)
        assert (await outbox.counts())["pending"] == 2000

    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="colorroute.daemon"):
        async with running(root, state, settle=0.05) as (det, outbox):
            await wait_for(lambda: det.scans_completed)
            assert det.in_flight == 0
    assert events(caplog, "file.hashed") == []
    (done,) = events(caplog, "scan.done")
    assert done.fields["files"] == 2000 and done.fields["new_or_changed"] == 0  # type: ignore[attr-defined]


async def test_changed_content_is_a_new_report_and_a_touch_is_not(tmp_path: Path) -> None:
    root, state = tmp_path / "watch", tmp_path / "state"
    root.mkdir()
    clip = root / "clip.mov"
    clip.write_bytes(b"v1")
    async with running(root, state, settle=0.05) as (det, outbox):
        await wait_for(lambda: det.scans_completed)
        await idle(det)
        os.utime(clip, ns=(1_000_000_000, 1_000_000_000))  # same bytes, new mtime
        await det.scan(None, "test")
        await idle(det)
        assert len(await outbox.entries()) == 1
        (entry,) = await outbox.entries()
        assert entry.mtime_ns == 1_000_000_000  # stat refreshed, so the next scan skips it

        clip.write_bytes(b"v2")
        det.events.put_nowait((str(clip), False))
        await idle(det)
        shas = [e.sha256 for e in await outbox.entries()]
    assert shas == [sha(b"v1"), sha(b"v2")]


async def test_unreadable_entries_are_logged_and_the_rest_flow_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, state = tmp_path / "watch", tmp_path / "state"
    root.mkdir()
    os.mkfifo(root / "pipe.mov")
    (root / "dangling.mov").symlink_to(root / "nowhere")
    (root / "good.mov").write_bytes(b"good")
    async with running(root, state, settle=0.05) as (det, outbox):
        await wait_for(lambda: det.scans_completed)
        await idle(det)
        # vanished between "ready" and hashing
        det.submit("ghost.mov")  # keep the in-flight bookkeeping honest for the injected item
        det._settler._candidates.pop("ghost.mov", None)
        det._hash_queue.put_nowait(ReadyFile("ghost.mov", FileStat(1, 1, 1, 1), "test"))
        await idle(det)
        got = await recorded(outbox)
    assert got == {"good.mov": sha(b"good")}
    reasons = {r.fields["path"]: r.fields["reason"] for r in events(caplog, "file.unreadable")}  # type: ignore[attr-defined]
    assert reasons == {"pipe.mov": "not a regular file (fifo)", "dangling.mov": "dangling symlink"}
    assert [r.fields["path"] for r in events(caplog, "file.vanished")] == ["ghost.mov"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mhl", [True, False], ids=["mhl", "no-mhl"])
async def test_a_file_reported_alone_gets_its_xxh64_and_package_rows_do_not(tmp_path: Path, mhl: bool) -> None:
    """With ``mhl`` (the default config) a single file is digested in xxh64 too, for its ASC MHL manifest; the
    rows of a sequence and a clip folder carry none (they name a manifest, not bytes: their members carry theirs,
    below). ``--no-mhl`` changes nothing."""
    root, state = tmp_path / "watch", tmp_path / "state"
    (root / "reel").mkdir(parents=True)
    (root / "A001.RDC").mkdir()
    clip = os.urandom(300 * 1024)  # read ahead by the hasher
    (root / "clip.mov").write_bytes(clip)
    (root / "note.txt").write_bytes(b"small")
    for n in (1, 2, 3):
        (root / "reel" / f"s.{n:04d}.exr").write_bytes(b"frame %d" % n)
    (root / "A001.RDC" / "A001_001.R3D").write_bytes(b"segment")
    async with running(root, state, settle=0.05, mhl=mhl, packages=PackageRules()) as (det, outbox):
        await wait_for(lambda: det.scans_completed)
        await idle(det)
        got = {e.path: (e.kind, e.hash_format, e.hash) for e in await outbox.entries()}
    alone: dict[str, tuple[str, str | None, str | None]]
    if mhl:
        alone = {
            "clip.mov": ("FILE", "xxh64", xxhash.xxh64(clip).hexdigest()),
            "note.txt": ("FILE", "xxh64", xxhash.xxh64(b"small").hexdigest()),
        }
    else:
        alone = {"clip.mov": ("FILE", None, None), "note.txt": ("FILE", None, None)}
    assert got == {**alone, "reel/s.####.exr": ("SEQUENCE", None, None), "A001.RDC": ("FOLDER", None, None)}


async def member_hashes(outbox: Outbox, package: str) -> dict[str, tuple[str | None, str | None]]:
    """The latest version of ``package``'s members, watch-relative, with the ASC MHL hash kept beside each."""
    *_, latest = await outbox.entries(package)
    folder = package.rsplit("/", 1)[0] + "/" if latest.kind == "SEQUENCE" else package + "/"
    return {folder + m.path: (m.hash_format, m.hash) for m in await outbox.members(latest.report_id)}


def xxh64_of(files: dict[str, bytes]) -> dict[str, tuple[str | None, str | None]]:
    return {rel: ("xxh64", xxhash.xxh64(data).hexdigest()) for rel, data in files.items()}


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


@pytest.mark.parametrize("mhl", [True, False], ids=["mhl", "no-mhl"])
async def test_every_member_of_a_package_without_a_card_history_gets_its_xxh64(tmp_path: Path, mhl: bool) -> None:
    """A sequence's frames and a RED clip folder's files are digested in xxh64 in the same pass as their SHA-256
    and kept beside each member, so the package can be exported as an ASC MHL manifest; ``--no-mhl``: none."""
    root, state = tmp_path / "watch", tmp_path / "state"
    frames = {f"reel/s.{n:04d}.dpx": os.urandom(n * 150 * 1024 + n) for n in (1, 2, 3, 4)}
    clip = {
        "A001.RDC/A001_001.R3D": os.urandom(300 * 1024),
        "A001.RDC/A001_002.R3D": b"segment 2",
        "A001.RDC/meta/A001.RMD": b"<metadata/>",
    }
    write(root, {**frames, **clip})
    async with running(root, state, settle=0.05, mhl=mhl, packages=PackageRules()) as (det, outbox):
        await wait_for(lambda: det.scans_completed)
        await idle(det)
        got = {**await member_hashes(outbox, "reel/s.####.dpx"), **await member_hashes(outbox, "A001.RDC")}
    if mhl:
        assert got == xxh64_of({**frames, **clip})
    else:
        assert got == dict.fromkeys([*frames, *clip], (None, None))


async def test_a_new_version_reuses_the_members_xxh64_and_never_reads_a_member_for_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Frames hashed for an earlier version are re-used with the xxh64 stored beside them (one look-up for all,
    as before); frames hashed without one (``--no-mhl`` then) are staged without, not read again for it."""
    root, state = tmp_path / "watch", tmp_path / "state"
    frames = {f"reel/s.{n:04d}.exr": os.urandom(2048 + n) for n in range(1, 6)}
    first, fourth, fifth = (
        dict(list(frames.items())[:3]),
        dict([list(frames.items())[3]]),
        dict([list(frames.items())[4]]),
    )
    write(root, first)

    async def version(mhl: bool) -> tuple[dict[str, tuple[str | None, str | None]], list[str]]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="colorroute.daemon"):
            async with running(root, state, settle=0.05, mhl=mhl, packages=PackageRules()) as (det, outbox):
                await wait_for(lambda: det.scans_completed)
                await idle(det)
                got = await member_hashes(outbox, "reel/s.####.exr")
        return got, sorted(r.fields["path"] for r in events(caplog, "file.hashed"))  # type: ignore[attr-defined]

    got, hashed = await version(mhl=False)
    assert (got, hashed) == (dict.fromkeys(first, (None, None)), sorted(first))

    write(root, fourth)
    got, hashed = await version(mhl=True)
    assert got == {**dict.fromkeys(first, (None, None)), **xxh64_of(fourth)}
    assert hashed == sorted(fourth), "the first three frames were re-used, not read again for their xxh64"

    write(root, fifth)
    got, hashed = await version(mhl=True)
    assert got == {**dict.fromkeys(first, (None, None)), **xxh64_of({**fourth, **fifth})}
    assert hashed == sorted(fifth), "the fourth frame's stored xxh64 came with it"


def test_stat_hash_stat_detects_a_file_that_moved() -> None:
    st = FileStat(10, 100, 1, 1)
    grown = FileStat(12, 101, 1, 1)
    replaced = FileStat(10, 100, 2, 1)
    ok = Digest("x", 10, st, st)
    assert _unchanged(st, ok, st)
    assert not _unchanged(st, Digest("x", 12, st, grown), grown)  # grew while being read
    assert not _unchanged(st, ok, replaced)  # renamed over after we opened it
    assert not _unchanged(grown, ok, st)  # changed between settle and open
    assert not _unchanged(st, Digest("x", 9, st, st), st)  # short read
