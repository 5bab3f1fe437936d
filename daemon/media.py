"""Media info, after the report: probe each recorded file in a worker process, then attach what was found to
the reported file with ``reportMediaInfo``.

Probing never holds a report back: it reads the outbox (never the detector's queues), runs beside hashing and
reporting, and sends only for files the orchestrator has already acknowledged — so the file appears first and
its media info follows. A probe that fails, times out or crashes still sends a ``probeError`` (the colorist
learns the clip is suspect); a file that is not media (by extension) sends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from gql import GraphQLRequest

from daemon.backoff import Backoff
from daemon.client import AuthRejectedError, OrchestratorClient, OrchestratorUnavailableError, ReportRejectedError
from daemon.logs import event
from daemon.mediainfo import MediaInfo, kind_of
from daemon.mediastate import MediaState, MediaToSend, ProbeWork
from daemon.probeworker import ProbePool

REPORT_MEDIA = GraphQLRequest(
    "mutation ReportMediaInfo($input: MediaInfoReportInput!) { reportMediaInfo(input: $input) { id } }"
)
_SEND_BATCH = 16  # files per operation, like the reports: the orchestrator's per-operation cost is paid once
_PAGE = 64
_MAX_DELAY = 300.0
_YIELD_AT_MOST = 15.0  # background work waits for the foreground, but not forever during a long burst


class MediaReporter:
    def __init__(
        self,
        state: MediaState,
        client: OrchestratorClient,
        root: Path,
        *,
        site: str,
        pool: ProbePool,
        workers: int,
        ready: asyncio.Event,
        busy: Callable[[], bool] = lambda: False,
    ) -> None:
        self._busy = busy
        self._state = state
        self._client = client
        self._root = root
        self._site = site
        self._pool = pool
        self._workers = workers
        self._ready = ready
        self._probe_wake = asyncio.Event()
        self._probe_wake.set()
        self._send_wake = asyncio.Event()
        self._send_wake.set()
        self.probed = 0
        self.sent = 0

    @classmethod
    async def open(
        cls,
        outbox_path: Path,
        client: OrchestratorClient,
        root: Path,
        *,
        site: str,
        workers: int,
        probe_seconds: float,
        ready: asyncio.Event,
        busy: Callable[[], bool] = lambda: False,
    ) -> MediaReporter:
        state = await MediaState.open(outbox_path)
        pool = ProbePool(workers, probe_seconds)
        return cls(state, client, root, site=site, pool=pool, workers=workers, ready=ready, busy=busy)

    def recorded(self) -> None:
        """The outbox has new rows: there may be something to probe."""
        self._probe_wake.set()

    def reported(self, _report_ids: object = None) -> None:
        """Reports were acknowledged: probed info for them may go out now."""
        self._send_wake.set()

    def tasks(self) -> dict[str, Callable[[], object]]:
        return {"media-probe": self._probe_loop, "media-send": self._send_loop}

    async def close(self) -> None:
        await self._pool.close()
        await self._state.close()

    async def _yield_to_foreground(self) -> None:
        """Hashing and reporting come first: while files are in flight, wait (15 s at most)."""
        deadline = time.monotonic() + _YIELD_AT_MOST
        while self._busy() and time.monotonic() < deadline:  # noqa: ASYNC110 -- polls a callable, no event
            await asyncio.sleep(0.1)

    # -- probing ----------------------------------------------------------------------------------------

    async def _probe_loop(self) -> None:
        cursor = 0
        while True:
            self._probe_wake.clear()
            rows = await self._state.unprobed(cursor, _PAGE)
            if not rows:
                cursor = 0
                await self._probe_wake.wait()
                continue
            cursor = rows[-1].seq
            await self._yield_to_foreground()
            not_media = [(w.report_id, "none", None) for w in rows if kind_of(w.path) is None]
            media = [w for w in rows if kind_of(w.path) is not None]
            if not_media:
                await self._state.record(not_media)
            results: list[tuple[str, str, MediaInfo | None]] = []
            for start in range(0, len(media), self._workers):  # the pool has this many workers
                results += await asyncio.gather(*(self._probe(w) for w in media[start : start + self._workers]))
            if results:
                await self._state.record(results)
                self._send_wake.set()

    async def _probe(self, work: ProbeWork) -> tuple[str, str, MediaInfo | None]:
        path = self._root / work.path
        try:
            st = await asyncio.to_thread(os.stat, path)
        except OSError:
            return work.report_id, "stale", None
        if (st.st_size, st.st_mtime_ns) != (work.size, work.mtime_ns):
            return work.report_id, "stale", None  # a newer version is the outbox's business
        t0 = time.monotonic()
        info = await self._pool.probe(os.fspath(path))
        self.probed += 1
        if info is None:
            return work.report_id, "none", None
        event(
            "media.probed",
            logging.WARNING if info.probe_error else logging.INFO,
            path=work.path,
            codec=info.codec,
            profile=info.profile,
            size=f"{info.width}x{info.height}" if info.width else None,
            fps=info.frame_rate_exact,
            timecode=info.start_timecode,
            error=info.probe_error,
            seconds=round(time.monotonic() - t0, 3),
        )
        return work.report_id, "probed", info

    # -- sending ----------------------------------------------------------------------------------------

    async def _send_loop(self) -> None:
        await self._ready.wait()
        while True:
            self._send_wake.clear()
            rows = await self._state.sendable(time.time(), _PAGE)
            for start in range(0, len(rows), _SEND_BATCH):
                await self._yield_to_foreground()
                await self._send_batch(rows[start : start + _SEND_BATCH])
            if rows:
                continue
            retry_at = await self._state.next_retry_at()
            timeout = 60.0 if retry_at is None else min(60.0, max(0.05, retry_at - time.time()))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._send_wake.wait()

    def _input(self, row: MediaToSend) -> dict[str, object]:
        return {"site": self._site, "fileId": row.file_id, "sha256": row.sha256, **row.info.as_input()}

    async def _send_batch(self, rows: list[MediaToSend]) -> None:
        """One operation for the batch; a whole-operation failure (one refused field nulls the rest) falls back
        to one by one, which the orchestrator's idempotence makes harmless."""
        if len(rows) == 1:
            await self._send(rows[0])
            return
        params = ", ".join(f"$i{k}: MediaInfoReportInput!" for k in range(len(rows)))
        fields = " ".join(f"m{k}: reportMediaInfo(input: $i{k}) {{ id }}" for k in range(len(rows)))
        request = GraphQLRequest(f"mutation ReportMediaInfos({params}) {{ {fields} }}")
        while True:
            try:
                data, errors = await self._client.call_batch(
                    request, {f"i{k}": self._input(r) for k, r in enumerate(rows)}
                )
            except OrchestratorUnavailableError:
                await self._client.link_up.wait()
                await asyncio.sleep(0.2)
                continue
            except AuthRejectedError:
                await asyncio.Event().wait()  # the service stops the daemon (client.auth_rejected)
            break
        if data is None or errors:
            for row in rows:
                await self._send(row)
            return
        await self._state.mark([r.report_id for r in rows], "sent")
        self.sent += len(rows)
        for row in rows:
            event("media.reported", path=row.path, file_id=row.file_id, error=row.info.probe_error, batch=len(rows))

    async def _send(self, row: MediaToSend) -> None:
        variables = {"input": self._input(row)}
        while True:
            try:
                await self._client.call(REPORT_MEDIA, variables, "reportMediaInfo")
            except OrchestratorUnavailableError as exc:
                if exc.link:
                    await self._client.link_up.wait()
                    await asyncio.sleep(0.2)
                    continue
                delay = Backoff(base=1.0, cap=_MAX_DELAY, attempt=row.attempts).next_delay()
                await self._state.defer(row.report_id, str(exc), time.time() + delay)
                event("media.retry_later", logging.WARNING, path=row.path, error=str(exc), retry_in=round(delay, 1))
                return
            except ReportRejectedError as exc:
                await self._state.mark([row.report_id], "failed", str(exc))
                event("media.rejected", logging.ERROR, path=row.path, code=exc.code, error=str(exc), retry="never")
                return
            except AuthRejectedError:
                await asyncio.Event().wait()  # the service stops the daemon (client.auth_rejected)
            break
        await self._state.mark([row.report_id], "sent")
        self.sent += 1
        event("media.reported", path=row.path, file_id=row.file_id, error=row.info.probe_error)
