"""One file of a claimed job, from the hub into the incoming folder (:class:`FileFetcher`): downloaded into
``<incoming>/.colorroute-partial/<fileId>.part`` with ``Range`` resume through every cut, hashed while
downloading, checked against the reported SHA-256, then placed under its final name (``daemon.placement``) and
completed (``daemon.jobreports``). A package's members go through ``daemon.packagefetch`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from daemon.backoff import Backoff
from daemon.client import OrchestratorClient, ReportRejectedError
from daemon.downloader import BlobDownloader, DownloadError, DownloadLinkError, Fetched
from daemon.jobreports import JobProgress, JobReports
from daemon.logs import event, progress_bar
from daemon.placement import destination_for, place
from daemon.transferjobs import COMPLETE, FileToFetch, Outcome
from daemon.transferstate import TransferState


class FileFetcher:
    """Downloads, verifies and places one file; says how the attempt ended (:data:`Outcome`) and why."""

    def __init__(
        self,
        client: OrchestratorClient,
        state: TransferState,
        downloader: BlobDownloader,
        reports: JobReports,
        *,
        incoming: Path,
        partials: Path,
        progress_interval: float,
    ) -> None:
        self._client = client
        self._state = state
        self._downloader = downloader
        self._reports = reports
        self._incoming = incoming
        self._partials = partials
        self._progress_interval = progress_interval

    def partial(self, file_id: str) -> Path:
        """Where a file's bytes gather until they are verified."""
        return self._partials / f"{file_id}.part"

    async def attempt(self, f: FileToFetch, transfer_id: str, attempts: int) -> tuple[Outcome, str]:
        dest = destination_for(self._incoming, f.path)
        if dest is None:
            error = f"refused to write {f.path!r}: it would land outside the incoming folder"
            await self._reports.fail(transfer_id, error)
            return "fatal", error
        partial = self.partial(f.file_id)
        have = await asyncio.to_thread(lambda: partial.stat().st_size if partial.exists() else 0)
        event("transfer.download_started", file_id=f.file_id, transfer_id=transfer_id, path=f.path, offset=have)
        t0 = time.monotonic()
        progress = JobProgress(self._client, transfer_id, self._progress_interval, min(have, f.size))
        reporter = asyncio.create_task(progress.run(), name=f"progress-{transfer_id}")
        try:
            fetched = await self._download(f, partial, progress)
        except (DownloadError, OSError) as exc:
            error = f"download failed: {exc}"
            event("transfer.download_failed", logging.ERROR, file_id=f.file_id, transfer_id=transfer_id, error=error)
            await self._reports.fail(transfer_id, error)
            return "failed", error
        finally:
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
        if fetched is None:
            await self._state.drop_job(f.file_id)
            await asyncio.to_thread(partial.unlink, missing_ok=True)
            event(
                "transfer.abandoned",
                logging.WARNING,
                file_id=f.file_id,
                transfer_id=transfer_id,
                reason=f"the orchestrator stopped the job: {progress.gone_reason}",
            )
            return "dropped", ""
        if fetched.sha256 != f.sha256:
            await asyncio.to_thread(partial.unlink, missing_ok=True)
            error = f"hash mismatch: expected {f.sha256}, received {fetched.sha256}"
            event("transfer.hash_mismatch", logging.ERROR, file_id=f.file_id, transfer_id=transfer_id, error=error)
            # completeTransfer with the hash we computed: the orchestrator records the mismatch (job FAILED with
            # both hashes in the audit, file back in QUEUED). failTransfer only if that did not happen.
            try:
                await self._reports.call_until_answered(
                    COMPLETE, {"id": f.file_id, "sha256": fetched.sha256}, "completeTransfer"
                )
            except ReportRejectedError:
                await self._reports.fail(transfer_id, error)
            return "failed", error
        try:
            await asyncio.to_thread(place, partial, dest)
        except OSError as exc:
            error = f"cannot place the file at {dest}: {exc}"
            event("transfer.place_failed", logging.ERROR, file_id=f.file_id, error=error)
            await self._reports.fail(transfer_id, error)
            return "failed", error
        await self._state.put_job(f.as_job(transfer_id, "delivered", attempts))
        return await self._reports.finish(f, transfer_id, t0, fetched), ""

    async def _download(self, f: FileToFetch, partial: Path, progress: JobProgress) -> Fetched | None:
        """Fetch until complete, resuming after every cut; ``None`` when the orchestrator stopped the job."""
        with progress_bar(f"download {PurePosixPath(f.path).name}", f.size) as bar:

            def moved(position: int) -> None:
                progress.update(position)
                if bar is not None:  # the terminal's bar, beside the orchestrator's progress
                    bar.to(position)

            return await self._fetch_until_done(f, partial, progress, moved)

    async def _fetch_until_done(
        self, f: FileToFetch, partial: Path, progress: JobProgress, moved: Callable[[int], None]
    ) -> Fetched | None:
        backoff = Backoff(base=1.0, cap=30.0)
        while True:
            fetch = asyncio.create_task(self._downloader.fetch(f.file_id, partial, f.size, f.sha256, on_progress=moved))
            gone = asyncio.create_task(progress.gone.wait())
            try:
                await asyncio.wait({fetch, gone}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (fetch, gone):
                    task.cancel()
                await asyncio.gather(fetch, gone, return_exceptions=True)  # writes in flight reach the disk
            if not fetch.done() or fetch.cancelled():
                return None
            try:
                return fetch.result()
            except DownloadLinkError as exc:
                if progress.gone.is_set():
                    return None
                delay = backoff.next_delay()
                have = await asyncio.to_thread(lambda: partial.stat().st_size if partial.exists() else 0)
                event(
                    "transfer.download_interrupted",
                    logging.WARNING,
                    file_id=f.file_id,
                    have=have,
                    error=str(exc),
                    retry_in=round(delay, 1),
                )
                await asyncio.sleep(delay)
