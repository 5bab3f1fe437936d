import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from daemon.fileinfo import FileStat, Problem
from daemon.settle import Dropped, ReadyFile, Settler


class Harness:
    def __init__(self, root: Path, window: float, known: set[str] | None = None) -> None:
        self.ready: list[tuple[float, ReadyFile]] = []
        self.dropped: list[tuple[str, Dropped]] = []
        self.known = known or set()

        async def filter_new(items: list[tuple[str, FileStat]]) -> list[bool]:
            return [rel not in self.known for rel, _ in items]

        self.settler = Settler(
            root,
            window,
            filter_new=filter_new,
            on_ready=lambda r: self.ready.append((time.monotonic(), r)),
            on_drop=lambda rel, why: self.dropped.append((rel, why)),
        )


@contextlib.asynccontextmanager
async def running(h: Harness) -> AsyncIterator[Harness]:
    task = asyncio.create_task(h.settler.run())
    try:
        yield h
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def wait_for(predicate: Callable[[], object], within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_slowly_written_file_is_ready_once_after_it_stops_growing(tmp_path: Path) -> None:
    path = tmp_path / "slow.mov"
    path.write_bytes(b"")
    # Writes every 0.1 s against a 1 s window: generous, so a loaded CI machine cannot fake a pause.
    async with running(Harness(tmp_path, window=1.0)) as h:
        h.settler.add("slow.mov")
        h.settler.add("slow.mov")  # a second event while settling changes nothing
        with path.open("ab") as f:
            for _ in range(8):
                f.write(os.urandom(1000))
                f.flush()
                await asyncio.sleep(0.1)
        last_write = time.monotonic()
        await wait_for(lambda: h.ready)
        await asyncio.sleep(0.3)
    assert len(h.ready) == 1
    at, ready = h.ready[0]
    assert at - last_write >= 0.8
    assert ready.stat == FileStat.of(path.stat())
    assert ready.stat.size == 8000
    assert "unchanged for" in ready.reason and "change(s)" in ready.reason


async def test_a_quiet_file_waits_one_window(tmp_path: Path) -> None:
    (tmp_path / "a.mov").write_bytes(b"abc")
    async with running(Harness(tmp_path, window=0.3)) as h:
        t0 = time.monotonic()
        h.settler.add("a.mov")
        await wait_for(lambda: h.ready)
    assert h.ready[0][0] - t0 >= 0.3
    assert len(h.settler) == 0


async def test_drops_known_vanished_directories_and_problems(tmp_path: Path) -> None:
    (tmp_path / "known.mov").write_bytes(b"k")
    (tmp_path / "dir.mov").mkdir()
    os.mkfifo(tmp_path / "pipe.mov")
    (tmp_path / "link.mov").symlink_to(tmp_path / "nowhere")
    async with running(Harness(tmp_path, window=0.1, known={"known.mov"})) as h:
        for rel in ["known.mov", "gone.mov", "dir.mov", "pipe.mov", "link.mov"]:
            h.settler.add(rel)
        await wait_for(lambda: len(h.dropped) == 5)
    why = dict(h.dropped)
    assert why["known.mov"] == "known"
    assert why["gone.mov"] == "vanished"
    assert why["dir.mov"] == "directory"
    assert why["pipe.mov"] == Problem("not a regular file (fifo)")
    assert why["link.mov"] == Problem("dangling symlink")
    assert h.ready == []


async def test_a_file_deleted_while_settling_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "a.mov"
    path.write_bytes(b"abc")
    async with running(Harness(tmp_path, window=1.0)) as h:
        h.settler.add("a.mov")
        await asyncio.sleep(0.1)
        path.unlink()
        await wait_for(lambda: h.dropped)
    assert h.dropped == [("a.mov", "vanished")]


@pytest.mark.parametrize("window", [0.0])
async def test_zero_window_still_needs_two_equal_looks(tmp_path: Path, window: float) -> None:
    (tmp_path / "a.mov").write_bytes(b"abc")
    async with running(Harness(tmp_path, window=window)) as h:
        h.settler.add("a.mov")
        await wait_for(lambda: h.ready)
    assert h.ready[0][1].rel == "a.mov"
