"""Readiness: a file is finished when its size and mtime have not moved for the settle window.

One task settles every candidate: a heap ordered by the next time each file is due for a look, stats done in
batches on a worker thread. A file is stat'ed when it arrives and again when its window ends, so 10,000 files
dropped at once cost about 20,000 stats, not a poll loop per file. Writers that keep a file open without
writing for longer than the window defeat any settle rule; the hash step's stat → hash → stat check catches
the ones that move while being read.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from daemon.fileinfo import FileStat, Problem, probe
from daemon.logs import event

Dropped = Literal["vanished", "known", "directory"] | Problem


@dataclass(frozen=True)
class ReadyFile:
    rel: str
    stat: FileStat
    reason: str


@dataclass
class _Candidate:
    rel: str
    first_seen: float
    due: float
    obs: FileStat | None = None
    since: float = 0.0
    changes: int = 0


class Settler:
    """Hold candidates until they stop changing, then hand them to ``on_ready``."""

    def __init__(
        self,
        root: Path,
        window: float,
        *,
        filter_new: Callable[[list[tuple[str, FileStat]]], Awaitable[list[bool]]],
        on_ready: Callable[[ReadyFile], None],
        on_drop: Callable[[str, Dropped], None],
        batch_size: int = 2000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._root = root
        self._window = window
        self._filter_new = filter_new
        self._on_ready = on_ready
        self._on_drop = on_drop
        self._batch_size = batch_size
        self._clock = clock
        self._candidates: dict[str, _Candidate] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = 0
        self._wake = asyncio.Event()

    def __len__(self) -> int:
        return len(self._candidates)

    def __contains__(self, rel: object) -> bool:
        return rel in self._candidates

    def add(self, rel: str) -> None:
        """Start settling ``rel`` (no-op if it is already settling: its next look will see any change)."""
        if rel in self._candidates:
            return
        now = self._clock()
        self._candidates[rel] = _Candidate(rel, first_seen=now, due=now)
        self._push(now, rel)

    def _push(self, due: float, rel: str) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, rel))
        self._wake.set()

    def _pop_due(self) -> list[_Candidate]:
        now = self._clock()
        batch: list[_Candidate] = []
        while self._heap and self._heap[0][0] <= now and len(batch) < self._batch_size:
            due, _, rel = heapq.heappop(self._heap)
            cand = self._candidates.get(rel)
            if cand is not None and cand.due == due:
                batch.append(cand)
        return batch

    async def run(self) -> None:
        while True:
            batch = self._pop_due()
            if batch:
                await self._look(batch)
                continue
            self._wake.clear()
            timeout = max(0.0, self._heap[0][0] - self._clock()) if self._heap else None
            try:
                async with asyncio.timeout(timeout):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _look(self, batch: list[_Candidate]) -> None:
        root = self._root
        results = await asyncio.to_thread(lambda: [probe(root / c.rel) for c in batch])
        now = self._clock()
        fresh: list[tuple[_Candidate, FileStat]] = []
        for cand, result in zip(batch, results, strict=True):
            if result is None:
                self._drop(cand, "vanished")
            elif isinstance(result, Problem):
                self._drop(cand, result)
            elif not isinstance(result, FileStat):
                self._drop(cand, "directory")
            elif cand.obs is None:
                fresh.append((cand, result))
            elif result == cand.obs:
                self._ready(cand, result, now)
            else:
                cand.changes += 1
                if cand.changes == 1:  # once per file: it is still being written
                    event("file.growing", path=cand.rel, size=result.size, settle_seconds=self._window)
                self._observe(cand, result, now)
        if fresh:
            keep = await self._filter_new([(c.rel, st) for c, st in fresh])
            for (cand, st), wanted in zip(fresh, keep, strict=True):
                if wanted:
                    self._observe(cand, st, now)
                else:
                    self._drop(cand, "known")

    def _observe(self, cand: _Candidate, st: FileStat, now: float) -> None:
        cand.obs = st
        cand.since = now
        cand.due = now + self._window
        self._push(cand.due, cand.rel)

    def _drop(self, cand: _Candidate, why: Dropped) -> None:
        del self._candidates[cand.rel]
        self._on_drop(cand.rel, why)

    def _ready(self, cand: _Candidate, st: FileStat, now: float) -> None:
        del self._candidates[cand.rel]
        reason = (
            f"size {st.size} and mtime unchanged for {now - cand.since:.2f}s (settle window {self._window:g}s);"
            f" {cand.changes} change(s) seen over {now - cand.first_seen:.2f}s"
        )
        self._on_ready(ReadyFile(cand.rel, st, reason))
