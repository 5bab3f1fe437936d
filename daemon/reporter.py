"""Sending side of the daemon: outbox → ``reportFile``, plus the heartbeat.

A dispatcher reads due rows from the outbox (never from memory, so a restart resumes exactly where the
last run stopped) and feeds a few concurrent senders over the one gql session. Rows go out in batches
(aliased ``reportFile`` fields in one operation) because the orchestrator's per-operation overhead, not
the daemon, limits throughput. While the link is down all senders wait on one :class:`LinkGate`; a
server-side error defers just that row; an error retrying cannot fix marks it failed. Acknowledgements are
committed in batches, and a row stays "sending" until its acknowledgement is durable, so it is never handed
out twice in one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from daemon import __version__
from daemon.backoff import Backoff, LinkGate
from daemon.client import (
    AuthRejectedError,
    FileReport,
    OrchestratorClient,
    OrchestratorUnavailableError,
    PackageReport,
    ReportedFile,
    ReportOutcome,
    ReportRejectedError,
)
from daemon.logs import event
from daemon.outbox import Outbox, OutboxEntry

T = TypeVar("T")

_DISPATCH_BATCH = 256
_MARK_BATCH = 500
_MAX_ROW_DELAY = 300.0


class SiteRejectedError(Exception):
    """The orchestrator answered the first heartbeat with "no such site" or "not your site"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Reporter:
    def __init__(
        self,
        outbox: Outbox,
        client: OrchestratorClient,
        *,
        site: str,
        watch: Path,
        concurrency: int,
        heartbeat_interval: float,
        metadata_only: bool = False,
        batch: int = 16,
        in_pipeline: Callable[[], int] = lambda: 0,
    ) -> None:
        self._outbox = outbox
        self._client = client
        self._site = site
        self._watch = watch
        self._concurrency = concurrency
        self._batch = batch
        self._heartbeat_interval = heartbeat_interval
        self._metadata_only = metadata_only
        self._in_pipeline = in_pipeline
        self._gate = LinkGate()
        self._changed = asyncio.Event()
        self._changed.set()
        self._queue: asyncio.Queue[OutboxEntry] = asyncio.Queue(maxsize=2 * concurrency * batch)
        self._marks: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
        self._sending: set[str] = set()
        self.verified = asyncio.Event()  # set by the first accepted heartbeat
        self.fatal: BaseException | None = None
        self.fatal_event = asyncio.Event()
        self.reported = 0

    def outbox_changed(self) -> None:
        self._changed.set()

    @property
    def busy(self) -> bool:
        """Reports are in flight (background work such as media info waits for them)."""
        return bool(self._sending)

    def tasks(self) -> dict[str, Callable[[], object]]:
        named: dict[str, Callable[[], object]] = {"dispatch": self._dispatch, "heartbeat": self._heartbeat_loop}
        for i in range(self._concurrency):
            named[f"send-{i}"] = self._sender
        return named

    def _die(self, exc: BaseException) -> None:
        if self.fatal is None:
            self.fatal = exc
        self.fatal_event.set()

    # -- dispatch ---------------------------------------------------------------------------------------

    async def _dispatch(self) -> None:
        # Nothing is sent before the orchestrator has accepted a heartbeat for this site and key: a wrong
        # --site must not turn the whole outbox into permanently failed rows.
        await self.verified.wait()
        cursor = 0
        while True:
            self._changed.clear()
            rows = await self._outbox.due(cursor, _DISPATCH_BATCH)
            if rows:
                cursor = rows[-1].seq
                for row in rows:
                    if row.report_id not in self._sending:
                        self._sending.add(row.report_id)
                        await self._queue.put(row)
                continue
            retry_at = await self._outbox.next_retry_at(after=time.time())
            timeout = 60.0 if retry_at is None else min(60.0, max(0.0, retry_at - time.time()))
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait()
            except TimeoutError:
                cursor = 0  # deferred rows may be due now; they sit below the cursor

    # -- sending ----------------------------------------------------------------------------------------

    async def _sender(self) -> None:
        while True:
            rows = [await self._queue.get()]
            while len(rows) < self._batch and not self._queue.empty():
                rows.append(self._queue.get_nowait())
            await self._send(rows)

    def _report(self, row: OutboxEntry, package: PackageReport | None = None) -> FileReport:
        return FileReport(
            site=self._site,
            path=row.path,
            size_bytes=row.size,
            sha256=row.sha256,
            modified_at=row.modified_at,
            report_id=row.report_id,
            package=package,
            hash_format=row.hash_format,
            hash=row.hash,
        )

    async def _send_package(self, row: OutboxEntry) -> None:
        """A package goes alone: its members are staged first (daemon/client.py ``report_package``), each with
        the ASC MHL hash kept beside it in the outbox, read in one query however many members there are."""
        members = await self._outbox.members(row.report_id)
        custody = json.loads(row.custody) if row.custody else None
        package = PackageReport(
            row.kind, row.filename or row.path, members, row.frame_range, row.missing_frames, custody
        )
        report = self._report(row, package)
        outcome = await self._until_heard(lambda: self._client.report_package(report))
        if outcome is not None:
            await self._settle_row(row, outcome)

    async def _send(self, rows: list[OutboxEntry]) -> None:
        for row in [r for r in rows if r.kind != "FILE"]:
            await self._send_package(row)
        rows = [r for r in rows if r.kind == "FILE"]
        if not rows:
            return
        reports = [self._report(row) for row in rows]
        outcomes = await self._until_heard(lambda: self._client.report_files(reports))
        if outcomes is None:
            return
        for row, outcome in zip(rows, outcomes, strict=True):
            await self._settle_row(row, outcome)

    async def _until_heard(self, send: Callable[[], Awaitable[T]]) -> T | None:
        """``send()``'s answer, resent through link failures; None when the key was refused (the daemon stops, the
        rows stay pending for the next run)."""
        while True:
            generation = await self._gate.wait()
            try:
                answer = await send()
            except OrchestratorUnavailableError as exc:
                # Only link failures get here: wait with every other sender, then resend the same rows.
                delay = self._gate.failed(generation)
                if delay:
                    event("report.waiting", logging.DEBUG, error=str(exc), retry_in=round(delay, 2))
                continue
            except AuthRejectedError as exc:
                self._die(exc)
                return None
            self._gate.succeeded()
            return answer

    async def _settle_row(self, row: OutboxEntry, outcome: ReportOutcome) -> None:
        if isinstance(outcome, ReportedFile):
            if outcome.sha256 != row.sha256:
                event("report.hash_differs", logging.WARNING, path=row.path, ours=row.sha256, theirs=outcome.sha256)
            event(
                "file.reported",
                path=row.path,
                file_id=outcome.id,
                state=outcome.state,
                report_id=row.report_id,
                sha256=row.sha256,
            )
            self.reported += 1
            self._marks.put_nowait((row.report_id, outcome.id))
            return  # stays "sending" until the acknowledgement is committed
        if isinstance(outcome, ReportRejectedError):
            await self._outbox.mark_failed(row.report_id, str(outcome), permanent=True)
            event("report.rejected", logging.ERROR, path=row.path, code=outcome.code, error=str(outcome), retry="never")
        else:
            delay = Backoff(base=1.0, cap=_MAX_ROW_DELAY, attempt=row.attempts).next_delay()
            await self._outbox.mark_failed(row.report_id, str(outcome), permanent=False, retry_at=time.time() + delay)
            event("report.retry_later", logging.WARNING, path=row.path, error=str(outcome), retry_in=round(delay, 1))
        self._sending.discard(row.report_id)
        self._changed.set()

    async def marker(self) -> None:
        """Commit acknowledgements in batches; ends at a ``None`` sentinel."""
        while True:
            batch = [await self._marks.get()]
            while len(batch) < _MARK_BATCH and not self._marks.empty():
                batch.append(self._marks.get_nowait())
            acks = [m for m in batch if m is not None]
            if acks:
                await self._outbox.mark_sent(acks)
                for report_id, _ in acks:
                    self._sending.discard(report_id)
            if None in batch:
                return

    def finish_marking(self) -> None:
        self._marks.put_nowait(None)

    def close(self) -> None:
        self._gate.close()

    # -- heartbeat --------------------------------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        backoff = Backoff(base=0.5, cap=min(5.0, self._heartbeat_interval))
        while True:
            delay = self._heartbeat_interval
            try:
                site = await self._heartbeat()
            except OrchestratorUnavailableError as exc:
                delay = min(delay, backoff.next_delay())
                event("heartbeat.failed", logging.DEBUG, error=str(exc), retry_in=round(delay, 2))
                if exc.link:
                    # Try again as soon as the link is back, so reports resume without waiting a full delay.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(delay):
                            await self._client.link_up.wait()
                    continue
            except ReportRejectedError as exc:
                if not self.verified.is_set():
                    self._die(SiteRejectedError(exc.code, str(exc)))
                    return
                event("heartbeat.rejected", logging.ERROR, code=exc.code, error=str(exc))
            except AuthRejectedError as exc:
                self._die(exc)
                return
            else:
                backoff.reset()
                first = not self.verified.is_set()
                self.verified.set()
                self._gate.succeeded()
                event("heartbeat.ok", logging.INFO if first else logging.DEBUG, online=site.get("online"))
            await asyncio.sleep(delay)

    async def _heartbeat(self) -> dict[str, object]:
        depth = await self._outbox.pending_count() + self._in_pipeline()
        free: int | None = None
        with contextlib.suppress(OSError):
            free = (await asyncio.to_thread(shutil.disk_usage, self._watch)).free
        return await self._client.heartbeat(
            site=self._site,
            version=__version__,
            watch_path=str(self._watch),
            queue_depth=depth,
            disk_free=free,
            metadata_only=self._metadata_only,
        )
