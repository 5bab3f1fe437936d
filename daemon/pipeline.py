"""Detection side of the daemon: events and scans → settle → stat/hash/stat → outbox.

Every candidate path is "in flight" from the moment it is submitted until the outbox holds it (or it is
dropped). A path submitted again while in flight is only marked dirty and looked at once more when its
current pass ends, so a burst of events for one file never hashes it twice at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from daemon.assembler import Assembler
from daemon.cards import CardKeeper
from daemon.fileinfo import FileStat, Problem, probe, to_rel, utf8_ok
from daemon.filters import PathFilter
from daemon.hasher import Digest, HashCancelledError, sha256_file
from daemon.logs import event, hash_progress
from daemon.mhlformats import DEFAULT_FORMAT
from daemon.outbox import Detection, Outbox
from daemon.packages import PackageRules
from daemon.scanner import dir_ids, iter_scan
from daemon.settle import Dropped, ReadyFile, Settler
from daemon.watcher import WatchItem

PROGRESS_MIN_BYTES = 256 * 1024 * 1024
_RECORD_BATCH = 500


class Detector:
    def __init__(
        self,
        root: Path,
        outbox: Outbox,
        *,
        path_filter: PathFilter,
        settle_seconds: float,
        rescan_interval: float,
        hash_workers: int,
        skip_dirs: tuple[Path, ...] = (),
        on_recorded: Callable[[], None] = lambda: None,
        packages: PackageRules | None = None,
        cards: CardKeeper | None = None,
        mhl: bool = False,
    ) -> None:
        self.root = root
        self._mhl = mhl  # config.mhl: a file outside a card also gets an xxh64, so it can be exported as ASC MHL
        self._outbox = outbox
        self._filter = path_filter
        self._skip_prefixes = tuple(os.fspath(d) + os.sep for d in skip_dirs)
        self._skip_dirs = skip_dirs
        self._on_recorded = on_recorded
        self.events: asyncio.Queue[WatchItem] = asyncio.Queue()
        self._in_flight: dict[str, bool] = {}
        self._problems: dict[str, str] = {}
        self._settler = Settler(
            root, settle_seconds, filter_new=self._filter_new, on_ready=self._ready, on_drop=self._dropped
        )
        self._hash_queue: asyncio.Queue[ReadyFile] = asyncio.Queue()
        self._record_queue: asyncio.Queue[Detection | None] = asyncio.Queue()
        self._hash_workers = hash_workers
        self._hash_pool = ThreadPoolExecutor(max_workers=hash_workers, thread_name_prefix="hash")
        self._cancel = threading.Event()
        self._dir_scans: set[str] = set()
        self._dir_scan_wake = asyncio.Event()
        self._rescan_wake = asyncio.Event()
        self._rescan_reason = "start"
        self._rescan_interval = rescan_interval
        self.scans_completed = 0
        self.assembler = Assembler(
            root,
            outbox,
            packages or PackageRules(enabled=False),
            quiet_seconds=settle_seconds,
            path_filter=path_filter,
            in_flight=lambda: self._in_flight,
            submit=self.submit,
            on_recorded=on_recorded,
            cards=cards,
        )

    # -- bookkeeping ------------------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        return len(self._in_flight) + self.assembler.held

    def submit(self, rel: str) -> None:
        if rel in self._in_flight:
            self._in_flight[rel] = True
            return
        self._in_flight[rel] = False
        self._settler.add(rel)

    def _finish(self, rel: str) -> None:
        if self._in_flight.pop(rel, False):
            self.submit(rel)

    def _problem(self, rel: str, problem: Problem) -> None:
        # Logged once per path and reason, not at every rescan.
        if self._problems.get(rel) != problem.reason:
            self._problems[rel] = problem.reason
            event("file.unreadable", logging.ERROR, path=rel, reason=problem.reason)

    def request_rescan(self, reason: str) -> None:
        self._rescan_reason = reason
        self._rescan_wake.set()

    def _request_dir_scan(self, path: str) -> None:
        self._dir_scans.add(path)
        self._dir_scan_wake.set()

    def _skipped(self, path: str) -> bool:
        return any((path + os.sep).startswith(prefix) for prefix in self._skip_prefixes)

    # -- tasks ------------------------------------------------------------------------------------------

    def tasks(self) -> dict[str, Callable[[], object]]:
        """Long-running coroutines keyed by name; the service starts and stops them."""
        named: dict[str, Callable[[], object]] = {
            "events": self._consume_events,
            "settle": self._settler.run,
            "rescan": self._rescan_loop,
            "dir-scan": self._dir_scan_loop,
            "packages": self.assembler.run,
        }
        for i in range(self._hash_workers):
            named[f"hash-{i}"] = self._hash_worker
        return named

    async def _consume_events(self) -> None:
        while True:
            path, is_dir = await self.events.get()
            if self._skipped(path):
                continue
            rel = to_rel(self.root, path)
            if rel is None:
                continue
            if is_dir:
                if self._filter.accepts_dir(rel):
                    self._request_dir_scan(path)
            elif self._filter.accepts_file(rel):
                if utf8_ok(rel):
                    self.submit(rel)
                else:
                    self._problem(rel, Problem("file name is not valid UTF-8"))

    async def _rescan_loop(self) -> None:
        """Full scan at start, then every ``rescan_interval`` or sooner when events may have been lost."""
        while True:
            reason, self._rescan_reason = self._rescan_reason, "periodic"
            self._rescan_wake.clear()
            await self.scan(None, reason)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._rescan_interval):
                    await self._rescan_wake.wait()

    async def _dir_scan_loop(self) -> None:
        while True:
            await self._dir_scan_wake.wait()
            self._dir_scan_wake.clear()
            pending, self._dir_scans = sorted(self._dir_scans), set()
            done: list[str] = []
            for path in pending:
                if any(path.startswith(d + os.sep) for d in done):
                    continue  # an ancestor was just scanned
                await self.scan(Path(path), "new folder")
                done.append(path)

    async def scan(self, start: Path | None, reason: str) -> None:
        """Walk the tree (or one folder) and submit every file the outbox does not know with this stat."""
        t0 = time.monotonic()
        skip = await asyncio.to_thread(dir_ids, self._skip_dirs)
        batches = iter_scan(self.root, self._filter, start=start, skip=skip)
        seen = submitted = problems = 0
        while (batch := await asyncio.to_thread(next, batches, None)) is not None:
            for rel, problem in batch.problems:
                self._problem(rel, problem)
            problems += len(batch.problems)
            seen += len(batch.files)
            todo = [(rel, st) for rel, st in batch.files if rel not in self._in_flight]
            for i in await self._outbox.unknown([(rel, st.size, st.mtime_ns) for rel, st in todo]):
                self.submit(todo[i][0])
                submitted += 1
        if start is None:
            self.scans_completed += 1
        level = logging.INFO if start is None or submitted else logging.DEBUG
        event(
            "scan.done",
            level,
            reason=reason,
            folder=to_rel(self.root, start) if start is not None else ".",
            files=seen,
            new_or_changed=submitted,
            problems=problems,
            seconds=round(time.monotonic() - t0, 3),
        )

    # -- settle callbacks -------------------------------------------------------------------------------

    async def _filter_new(self, items: list[tuple[str, FileStat]]) -> list[bool]:
        unknown = set(await self._outbox.unknown([(rel, st.size, st.mtime_ns) for rel, st in items]))
        # A member held for its package is not in the outbox yet, but it is hashed: a late event is no change.
        return [
            i in unknown and not self.assembler.holds(rel, st.size, st.mtime_ns) for i, (rel, st) in enumerate(items)
        ]

    def _ready(self, ready: ReadyFile) -> None:
        event("file.ready", path=ready.rel, size=ready.stat.size, reason=ready.reason)
        self._hash_queue.put_nowait(ready)

    def _dropped(self, rel: str, why: Dropped) -> None:
        if isinstance(why, Problem):
            self._problem(rel, why)
        elif why == "directory":
            self._request_dir_scan(os.fspath(self.root / rel))
        elif why == "vanished":
            event("file.vanished", logging.DEBUG, path=rel)
        self._finish(rel)

    # -- hashing ----------------------------------------------------------------------------------------

    async def _hash_worker(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            ready = await self._hash_queue.get()
            path = self.root / ready.rel
            t0 = time.monotonic()
            try:
                formats = await self._mhl_formats(ready.rel)
                with self._progress(ready) as advance:
                    fn = partial(sha256_file, path, on_progress=advance, cancel=self._cancel, formats=formats)
                    digest = await loop.run_in_executor(self._hash_pool, fn)
                now = await asyncio.to_thread(probe, path)
            except HashCancelledError:
                self._finish(ready.rel)
                return
            except FileNotFoundError:
                event("file.vanished", logging.WARNING, path=ready.rel, stage="hash")
                self._finish(ready.rel)
                continue
            except OSError as exc:
                self._problem(ready.rel, Problem(f"cannot read: {exc.strerror or exc}"))
                self._finish(ready.rel)
                continue
            seconds = time.monotonic() - t0
            if not _unchanged(ready.stat, digest, now):
                event("file.changed_while_hashing", logging.INFO, path=ready.rel, action="settling again")
                self._settler.add(ready.rel)
                continue
            event(
                "file.hashed",
                path=ready.rel,
                size=digest.nbytes,
                sha256=digest.sha256,
                seconds=round(seconds, 3),
                mib_per_s=round(digest.nbytes / 1048576 / seconds, 1) if seconds > 0 else None,
            )
            self._problems.pop(ready.rel, None)
            st = digest.before
            self._record_queue.put_nowait(
                Detection(ready.rel, st.size, st.mtime_ns, digest.sha256, None, digest.others)
            )

    async def _mhl_formats(self, rel: str) -> tuple[str, ...]:
        """The ASC MHL formats to digest ``rel`` in, in the same pass as SHA-256: a card member its history's; any
        other file (reported alone, a sequence's frame, a clip folder's file) xxh64 with ``mhl``, so the file or
        its package is exported as an ASC MHL manifest without reading the bytes again."""
        return await self.assembler.mhl_formats(rel, (DEFAULT_FORMAT,) if self._mhl else ())

    @contextmanager
    def _progress(self, ready: ReadyFile) -> Iterator[Callable[[int], None] | None]:
        if ready.stat.size < PROGRESS_MIN_BYTES:
            yield None
            return
        with hash_progress(ready.rel, ready.stat.size) as bar:
            yield None if bar is None else bar.advance

    # -- recording --------------------------------------------------------------------------------------

    async def recorder(self) -> None:
        """Commit hashed files to the outbox in batches (one fsync each); ends at a ``None`` sentinel."""
        while True:
            batch = [await self._record_queue.get()]
            while len(batch) < _RECORD_BATCH and not self._record_queue.empty():
                batch.append(self._record_queue.get_nowait())
            detections = [d for d in batch if d is not None]
            detections, held = self.assembler.take(detections)
            for d in held:
                self._finish(d.path)  # its package is recorded when it is whole (daemon/assembler.py)
            if detections:
                fresh = {e.path: e for e in await self._outbox.record(detections)}
                for d in detections:
                    entry = fresh.get(d.path)
                    if entry is not None:
                        event("file.queued", path=d.path, report_id=entry.report_id, sha256=d.sha256)
                    else:
                        event("file.unchanged", logging.DEBUG, path=d.path, sha256=d.sha256)
                    self._finish(d.path)
                if fresh:
                    self._on_recorded()
            if None in batch:
                return

    async def stop(self) -> None:
        """Called once the tasks are cancelled: stop hash threads, then flush what was already hashed."""
        self._cancel.set()
        await asyncio.to_thread(self._hash_pool.shutdown, wait=True, cancel_futures=True)

    def finish_recording(self) -> None:
        self._record_queue.put_nowait(None)


def _unchanged(ready: FileStat, digest: Digest, now: object) -> bool:
    """stat → hash → stat: the bytes we hashed are the file that settled and is still there."""
    return (
        digest.before == ready
        and digest.after == digest.before
        and now == digest.after
        and digest.nbytes == digest.before.size
    )
