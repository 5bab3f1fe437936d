import asyncio
import errno
import logging
import os
import time
from pathlib import Path

import pytest
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from daemon.watcher import Mode, Watcher, WatchItem, default_observer
from tests.support import eventually


async def collect(queue: asyncio.Queue[WatchItem], want: set[str], within: float = 60) -> set[str]:
    """Paths seen until every path in ``want`` has shown up."""
    seen: set[str] = set()
    deadline = time.monotonic() + within
    while not want <= seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"missing events for {want - seen}"
        try:
            path, _ = await asyncio.wait_for(queue.get(), remaining)
        except TimeoutError:
            continue
        seen.add(path)
    return seen


def make_watcher(root: Path, queue: asyncio.Queue[WatchItem], **kw: object) -> tuple[Watcher, list[str]]:
    rescans: list[str] = []
    w = Watcher(root, asyncio.get_running_loop(), queue, request_rescan=rescans.append, **kw)  # type: ignore[arg-type]
    return w, rescans


@pytest.mark.parametrize("poll", [False, True])
async def test_created_closed_and_moved_in_files_are_enqueued(tmp_path: Path, poll: bool) -> None:
    root = tmp_path / "watch"
    (root / "day1").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    queue: asyncio.Queue[WatchItem] = asyncio.Queue()
    watcher, _ = make_watcher(root, queue, poll=poll, poll_interval=0.2)
    await asyncio.to_thread(watcher.start)
    try:
        assert watcher.mode == ("polling" if poll else "inotify")
        assert watcher.alive()
        (root / "day1" / "new.mov").write_bytes(b"new")
        (outside / "moved.mov").write_bytes(b"moved")
        os.rename(outside / "moved.mov", root / "moved.mov")
        (root / "clip.mov.part").write_bytes(b"p")
        os.rename(root / "clip.mov.part", root / "clip.mov")
        want = {str(root / "day1" / "new.mov"), str(root / "moved.mov"), str(root / "clip.mov")}
        await collect(queue, want)
    finally:
        await asyncio.to_thread(watcher.stop)
    assert not watcher.alive()


async def test_a_folder_moved_in_is_reported_as_a_directory(tmp_path: Path) -> None:
    root = tmp_path / "watch"
    root.mkdir()
    card = tmp_path / "card"
    card.mkdir()
    (card / "A001.MOV").write_bytes(b"a")
    queue: asyncio.Queue[WatchItem] = asyncio.Queue()
    watcher, _ = make_watcher(root, queue)
    await asyncio.to_thread(watcher.start)
    try:
        os.rename(card, root / "card")
        deadline = time.monotonic() + 60
        while True:
            path, is_dir = await asyncio.wait_for(queue.get(), max(0.01, deadline - time.monotonic()))
            if path == str(root / "card"):
                assert is_dir
                break
    finally:
        await asyncio.to_thread(watcher.stop)


async def test_falls_back_to_polling_when_inotify_runs_out_of_watches(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def factory(mode: Mode, interval: float) -> BaseObserver:
        if mode == "inotify":
            raise OSError(errno.ENOSPC, "inotify watch limit reached")
        return PollingObserver(timeout=interval)

    queue: asyncio.Queue[WatchItem] = asyncio.Queue()
    watcher, _ = make_watcher(tmp_path, queue, poll_interval=0.2, observer_factory=factory)
    with caplog.at_level(logging.WARNING, logger="colorroute.daemon"):
        await asyncio.to_thread(watcher.start)
    try:
        assert watcher.mode == "polling"
        assert any(getattr(r, "event", "") == "watch.fallback_polling" for r in caplog.records)
        (tmp_path / "x.mov").write_bytes(b"x")
        await collect(queue, {str(tmp_path / "x.mov")})
    finally:
        await asyncio.to_thread(watcher.stop)


async def test_other_observer_errors_are_not_swallowed(tmp_path: Path) -> None:
    def factory(mode: Mode, interval: float) -> BaseObserver:
        raise OSError(errno.EACCES, "denied")

    watcher, _ = make_watcher(tmp_path, asyncio.Queue(), observer_factory=factory)
    with pytest.raises(OSError, match="denied"):
        watcher.start()


async def test_an_inotify_overflow_requests_a_rescan(tmp_path: Path) -> None:
    watcher, rescans = make_watcher(tmp_path, asyncio.Queue(), observer_factory=default_observer)
    await asyncio.to_thread(watcher.start)
    try:
        logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; events were lost")
        await eventually(lambda: rescans, "a rescan request")
    finally:
        await asyncio.to_thread(watcher.stop)
    assert rescans == ["inotify queue overflow"]


async def test_restart_replaces_a_dead_observer(tmp_path: Path) -> None:
    watcher, _ = make_watcher(tmp_path, asyncio.Queue())
    await asyncio.to_thread(watcher.start)
    try:
        watcher._observer.stop()  # type: ignore[union-attr]
        watcher._observer.join()  # type: ignore[union-attr]
        assert not watcher.alive()
        await asyncio.to_thread(watcher.restart)
        assert watcher.alive()
    finally:
        await asyncio.to_thread(watcher.stop)
