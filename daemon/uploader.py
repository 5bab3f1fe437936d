"""Upload side of the daemon: every reported file's bytes go to the orchestrator over tus 1.0 (``/uploads/``).

Work comes from the outbox, not from memory: a row the orchestrator acknowledged (``sent``, with its file id)
and without a finished upload is due, so a restart resumes exactly where the last run stopped. The tus upload
URL is committed to the state tables before the first byte leaves; after any interruption — this daemon
killed, the orchestrator restarted, the connection cut — a ``HEAD`` gives the server's durable offset and the
file continues from there. Each file goes up as one long streaming ``PATCH`` (the orchestrator checkpoints its
offset every 256 MiB inside it), sent from its own thread with ``sendfile`` (``daemon.tusclient``,
``daemon.tuspatch``). This module owns the scheduling (which rows are due, a few workers, retries) and what each
outcome means for a file's row.

A file that no longer has the size and mtime it was reported with is a new version (the detector reports
it separately): its old version is skipped, not uploaded with the new bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from daemon.backoff import Backoff, LinkGate
from daemon.fileinfo import FileStat, probe
from daemon.logs import event, progress_bar
from daemon.transferstate import TransferState, UploadStatus, UploadWork

# Re-exported (``X as X``): daemon.packagestream and the tests import these from here.
from daemon.tusclient import CHUNK_SIZE as CHUNK_SIZE
from daemon.tusclient import Sent as Sent
from daemon.tusclient import TusClient as TusClient
from daemon.tuspatch import _Patch as _Patch
from daemon.tuspatch import _Stopped as _Stopped
from daemon.uploaderrors import ContentMismatchError as ContentMismatchError
from daemon.uploaderrors import FileChangedError as FileChangedError
from daemon.uploaderrors import UploadGoneError as UploadGoneError
from daemon.uploaderrors import UploadLinkError as UploadLinkError
from daemon.uploaderrors import UploadRefusedError as UploadRefusedError
from daemon.uploaderrors import UploadServerError as UploadServerError

if TYPE_CHECKING:
    from daemon.packagestream import StreamMember

_FULL_PASS_SECONDS = 300.0
_MAX_ROW_DELAY = 600.0
_PAGE = 500


class Uploader:
    """Feeds reported files to a few upload workers; the outbox tells it which rows were just acknowledged."""

    def __init__(
        self,
        state: TransferState,
        tus: TusClient,
        root: Path,
        *,
        ready: asyncio.Event,
        concurrency: int = 2,
    ) -> None:
        self._state = state
        self._tus = tus
        self._root = root
        self._ready = ready
        self._concurrency = concurrency
        self._queue: asyncio.Queue[UploadWork] = asyncio.Queue(maxsize=4 * concurrency)
        self._busy: set[str] = set()
        self._notified: list[str] = []
        self._wake = asyncio.Event()
        self._gate = LinkGate(Backoff(base=0.5, cap=10.0))
        self._accepted: frozenset[str] | None = None
        self.uploaded = 0

    def reported(self, report_ids: Sequence[str]) -> None:
        """The outbox committed these acknowledgements: their files can go up now."""
        self._notified.extend(report_ids)
        self._wake.set()

    def tasks(self) -> dict[str, Callable[[], object]]:
        named: dict[str, Callable[[], object]] = {"upload-dispatch": self._dispatch}
        for i in range(self._concurrency):
            named[f"upload-{i}"] = self._worker
        return named

    def close(self) -> None:
        self._gate.close()

    # -- dispatch ---------------------------------------------------------------------------------------

    async def _dispatch(self) -> None:
        # Like reports, nothing moves before the orchestrator has accepted this site's heartbeat.
        await self._ready.wait()
        full = True
        seq = 0
        while True:
            self._wake.clear()
            if full:
                rows = await self._state.upload_work(None, now=time.time(), after_seq=seq, limit=_PAGE)
                seq = rows[-1].seq if len(rows) == _PAGE else 0
                full = seq > 0  # more pages to come
            else:
                notified, self._notified = self._notified, []
                rows = await self._state.upload_work(notified, now=time.time()) if notified else []
            for row in rows:
                if row.report_id not in self._busy:
                    self._busy.add(row.report_id)
                    await self._queue.put(row)
            if self._notified or full:
                continue
            retry_at = await self._state.next_upload_retry(after=time.time())
            timeout = _FULL_PASS_SECONDS if retry_at is None else min(_FULL_PASS_SECONDS, retry_at - time.time())
            try:
                async with asyncio.timeout(max(0.0, timeout)):
                    await self._wake.wait()
            except TimeoutError:
                full = True  # deferred rows are due, or it is time for the safety-net pass

    async def _worker(self) -> None:
        while True:
            work = await self._queue.get()
            try:
                await self._upload(work)
            finally:
                self._busy.discard(work.report_id)

    # -- one file ---------------------------------------------------------------------------------------

    async def _upload(self, work: UploadWork) -> None:
        while True:
            generation = await self._gate.wait()
            try:
                await self._attempt(work)
            except UploadLinkError as exc:
                delay = self._gate.failed(generation)
                if delay:
                    event("upload.waiting", logging.DEBUG, path=work.path, error=str(exc), retry_in=round(delay, 2))
                work = await self._refresh(work)
                continue
            self._gate.succeeded()
            return

    async def _refresh(self, work: UploadWork) -> UploadWork:
        """The same work with the upload URL as last committed (an interrupted attempt may have created one)."""
        return dataclasses.replace(work, url=await self._state.upload_url(work.report_id))

    async def _attempt(self, work: UploadWork) -> None:
        from daemon import packagestream  # it builds on this module's PATCH machinery

        path = self._root / work.path
        send: Callable[[str, int], Awaitable[None]]
        if work.kind != "FILE":  # a package: its members as one stream (daemon.packagestream)
            members = packagestream.stream_members(self._root, await self._state.package_members(work.report_id))
            try:
                await asyncio.to_thread(packagestream.check_members, members)
            except packagestream.MemberChangedError as exc:
                await self._stale(work, work.url, str(exc))
                return

            async def send(url: str, offset: int) -> None:
                await self._send_package(work, members, url, offset)
        else:
            now = await asyncio.to_thread(probe, path)
            if not isinstance(now, FileStat):
                await self._state.set_upload(work, "skipped", url=work.url, error="file gone")
                event("upload.skipped", logging.WARNING, path=work.path, file_id=work.file_id, reason="file gone")
                return
            if now.size != work.size or now.mtime_ns != work.mtime_ns:
                await self._stale(work, work.url, "changed since it was reported")
                return
            if work.url is None and not await self._accepts(work.path):
                # validateFile will reject it: its bytes would cross the link only to be deleted.
                why = f"extension {Path(work.path).suffix.lower() or '(none)'} is not accepted by the orchestrator"
                await self._state.set_upload(work, "skipped", url=None, error=why)
                event("upload.skipped", logging.WARNING, path=work.path, file_id=work.file_id, reason=why)
                return
            stat = now

            async def send(url: str, offset: int) -> None:
                await self._send(work, path, url, offset, stat)

        url = work.url
        try:
            for _ in range(2):  # a second round only when the upload vanished under us
                offset = await self._tus.offset(url) if url is not None else None
                if url is None or offset is None:
                    url = await self._tus.create(work.file_id, work.size, Path(work.path).name, work.kind)
                    if url is None:
                        await self._state.set_upload(work, "done", url=None)
                        event("upload.done", path=work.path, file_id=work.file_id, already_stored=True)
                        self.uploaded += 1
                        return
                    await self._state.set_upload(work, "pending", url=url)  # the resume token, before any byte
                    offset = 0
                try:
                    await send(url, offset)
                    return
                except UploadGoneError:
                    event("upload.vanished", logging.WARNING, path=work.path, url=url, action="new upload")
                    url = None
            raise UploadServerError("the upload vanished twice")
        except FileChangedError as exc:
            if url is not None:
                with contextlib.suppress(UploadLinkError, UploadServerError, UploadRefusedError):
                    await self._tus.terminate(url)  # its bytes belong to no version any more
            await self._stale(work, None, str(exc))
        except ContentMismatchError as exc:
            await self._mismatch(work, path, exc)
        except UploadRefusedError as exc:
            await self._refused(work, url, exc)
        except UploadServerError as exc:
            await self._later(work, url, exc)

    async def _accepts(self, path: str) -> bool:
        """Whether the orchestrator's validation takes this file's extension (asked once per run; unknown: yes)."""
        if self._accepted is None:
            self._accepted = await self._tus.accepted_extensions()
        return self._accepted is None or Path(path).suffix.lower() in self._accepted

    async def _send(self, work: UploadWork, path: Path, url: str, offset: int, stat: FileStat) -> None:
        event("upload.started", path=work.path, file_id=work.file_id, size=work.size, offset=offset)
        t0 = time.monotonic()
        with progress_bar(f"upload {Path(work.path).name}", work.size) as bar:
            if bar is not None:
                bar.to(offset)
            sent = await self._tus.send(
                url, path, offset, work.size, expect=stat, on_progress=bar.to if bar is not None else None
            )
        seconds = time.monotonic() - t0
        await self._state.set_upload(work, "done", url=url)
        self.uploaded += 1
        event(
            "upload.done",
            path=work.path,
            file_id=work.file_id,
            size=work.size,
            resumed_from=offset,
            seconds=round(seconds, 3),
            mb_per_s=round(sent.sent_bytes / 1e6 / seconds, 1) if seconds > 0 else None,
        )

    async def _stale(self, work: UploadWork, url: str | None, why: str) -> None:
        # A new version of the file: the detector reports it (and it gets its own upload). Should the content
        # turn out the same (a touched file), the outbox refreshes the row and this one becomes due again.
        await self._state.set_upload(work, "stale", url=url, error=why)
        event("upload.skipped", path=work.path, file_id=work.file_id, reason=f"a new version: {why}")

    async def _send_package(self, work: UploadWork, members: Sequence[StreamMember], url: str, offset: int) -> None:
        from daemon import packagestream

        event("upload.started", path=work.path, file_id=work.file_id, size=work.size, offset=offset,
              members=len(members))  # fmt: skip
        t0 = time.monotonic()
        with progress_bar(f"upload {Path(work.path).name}", work.size) as bar:
            if bar is not None:
                bar.to(offset)
            sent = await packagestream.send_package(
                self._tus,
                url,
                members,
                offset,
                chunk=self._tus.chunk_size,
                rate=self._tus.rate_limit,
                on_progress=bar.to if bar is not None else None,
            )
        seconds = time.monotonic() - t0
        await self._state.set_upload(work, "done", url=url)
        self.uploaded += 1
        event("upload.done", path=work.path, file_id=work.file_id, size=work.size, members=len(members),
              resumed_from=offset, seconds=round(seconds, 3),
              mb_per_s=round(sent.sent_bytes / 1e6 / seconds, 1) if seconds > 0 else None)  # fmt: skip

    async def _mismatch(self, work: UploadWork, path: Path, exc: ContentMismatchError) -> None:
        if work.kind != "FILE":  # the orchestrator named the member whose bytes differ
            from daemon import packagestream

            members = packagestream.stream_members(self._root, await self._state.package_members(work.report_id))
            try:
                await asyncio.to_thread(packagestream.check_members, members)
            except packagestream.MemberChangedError as changed:
                await self._stale(work, None, f"changed during the upload ({changed})")
                return
            await self._state.set_upload(work, "failed", url=None, error=str(exc))
            event("upload.refused", logging.ERROR, path=work.path, file_id=work.file_id, error=str(exc), retry="never")
            return
        now = await asyncio.to_thread(probe, path)
        if isinstance(now, FileStat) and (now.size, now.mtime_ns) == (work.size, work.mtime_ns):
            # Same stat, other bytes: rewritten in place within one mtime tick, or bad storage. A person looks.
            await self._state.set_upload(work, "failed", url=None, error=str(exc))
            event("upload.refused", logging.ERROR, path=work.path, file_id=work.file_id, error=str(exc), retry="never")
        else:
            await self._stale(work, None, f"changed during the upload ({exc})")

    async def _refused(self, work: UploadWork, url: str | None, exc: UploadRefusedError) -> None:
        if exc.status == 401:  # the gql link reports a refused key and stops the daemon; keep the row
            await self._later(work, url, exc)
            return
        status: UploadStatus = "skipped" if exc.reason == "FINAL_STATE" else "failed"
        await self._state.set_upload(work, status, url=None, error=str(exc))
        level = logging.INFO if status == "skipped" else logging.ERROR
        event("upload.refused", level, path=work.path, file_id=work.file_id, error=str(exc), retry="never")

    async def _later(self, work: UploadWork, url: str | None, exc: Exception) -> None:
        delay = Backoff(base=2.0, cap=_MAX_ROW_DELAY, attempt=work.attempts).next_delay()
        await self._state.set_upload(
            work, "pending", url=url, attempts=work.attempts + 1, error=str(exc), retry_at=time.time() + delay
        )
        event("upload.retry_later", logging.WARNING, path=work.path, error=str(exc), retry_in=round(delay, 1))
        self._wake.set()
