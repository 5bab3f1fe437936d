"""Transfer agent (``--incoming DIR``): brings the files queued to this site from the hub into the incoming folder.

It follows ``transferEvents(siteCode: <site>, after: <cursor>)`` on the daemon's one gql session (the cursor is
kept in the state dir, so a restart replays what it missed), and catches up with ``transfers(status: ...)`` at
start, after every re-subscription and once a minute, so a lost event costs a delay, never a file. A PENDING job
for this site whose content is on the hub is claimed with ``startTransfer`` (two agents racing: the loser gets
INVALID_TRANSITION and lets it go), downloaded into ``<incoming>/.colorroute-partial/<fileId>.part`` with
``Range`` resume, hashed while downloading, fsynced and renamed into ``<incoming>/<file path>`` — nothing partial
ever appears under a final name — and completed with the hash it computed and the path it placed the file at
(``deliveredPath``: where a colorist finds it). Progress goes out at most every half
second, with the measured rate.

What the agent holds is written down before it acts (``daemon.transferstate``): a claim as ``claiming`` before
``startTransfer``, so a claim whose answer was lost is recognised as ours; ``delivered`` after the rename, so a
restart completes instead of downloading again; failed attempts with their retry time, so automatic retries
(exponential backoff, up to ``--max-transfer-attempts``) survive a restart too. After the last attempt the file
stays QUEUED with its failed job for an operator's ``retryTransfer``, which gives it a fresh set of attempts.

Only jobs whose bytes move through the hub are the agent's: a file from a ``--metadata-only`` site never has
content on the hub, and an EXTERNAL job is driven through the API by whatever moves its bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from gql import GraphQLRequest

from daemon.backoff import Backoff
from daemon.client import AuthRejectedError, OrchestratorClient, OrchestratorUnavailableError, ReportRejectedError
from daemon.downloader import BlobDownloader, DownloadError, DownloadLinkError, Fetched
from daemon.logs import event, progress_bar
from daemon.transferstate import AgentJob, JobStatus, TransferState

PARTIAL_DIR = ".colorroute-partial"
HUB_TRANSPORT = "HUB"

_JOB_FIELDS = (
    "id status transport attempts error eventCursor destinationSite { code }"
    " file { id path sha256 sizeBytes contentAvailable kind }"
)
EVENTS = GraphQLRequest(
    f"subscription TransferJobs($site: String!, $after: String) {{"
    f" transferEvents(siteCode: $site, after: $after) {{ {_JOB_FIELDS} }} }}"
)
LIST = GraphQLRequest(
    f"query TransferJobs($status: TransferStatus!, $after: String) {{"
    f" transfers(status: $status, first: 200, after: $after) {{"
    f" pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {_JOB_FIELDS} }} }} }} }}"
)
START = GraphQLRequest(
    "mutation StartTransfer($id: ID!) { startTransfer(id: $id) { id state transfers { id status attempts } } }"
)
COMPLETE = GraphQLRequest(
    "mutation CompleteTransfer($id: ID!, $sha256: String!) { completeTransfer(id: $id, sha256: $sha256) { id state } }"
)
#: Completion of a placed file also says where it landed on this site's storage (the colorist's queue shows it).
COMPLETE_PLACED = GraphQLRequest(
    "mutation CompleteTransfer($id: ID!, $sha256: String!, $deliveredPath: String) {"
    " completeTransfer(id: $id, sha256: $sha256, deliveredPath: $deliveredPath) { id state } }"
)
FAIL = GraphQLRequest(
    "mutation FailTransfer($id: ID!, $error: String!) { failTransfer(transferId: $id, error: $error) { id status } }"
)
PROGRESS = GraphQLRequest(
    "mutation TransferProgress($id: ID!, $bytes: BigInt!, $rate: Float) {"
    " reportTransferProgress(transferId: $id, bytesTransferred: $bytes, rateBytesPerSecond: $rate) { id } }"
)

# The job is no longer there to run: cancelled, failed or finished by someone else, or the file moved on.
_JOB_GONE = frozenset({"INVALID_TRANSITION", "NOT_FOUND"})

Outcome = Literal["done", "failed", "fatal", "dropped"]


@dataclass(frozen=True)
class FileToFetch:
    file_id: str
    path: str  # relative, POSIX: where it lands below the incoming folder
    sha256: str
    size: int
    kind: str = "FILE"  # SEQUENCE or FOLDER: a package (daemon.packagefetch)

    def as_job(self, transfer_id: str | None, status: JobStatus, attempts: int) -> AgentJob:
        return AgentJob(self.file_id, transfer_id, self.path, self.sha256, self.size, status, attempts, kind=self.kind)


@dataclass(frozen=True)
class JobView:
    """One ``TransferJob`` as the agent sees it (from an event or a list)."""

    transfer_id: str
    status: str
    transport: str
    attempts: int
    error: str | None
    cursor: str | None
    destination: str
    content_available: bool
    file: FileToFetch

    @classmethod
    def parse(cls, node: dict[str, Any]) -> JobView:
        f = node["file"]
        return cls(
            transfer_id=str(node["id"]),
            status=str(node["status"]),
            transport=str(node.get("transport") or HUB_TRANSPORT),
            attempts=int(node["attempts"]),
            error=node.get("error"),
            cursor=node.get("eventCursor"),
            destination=str(node["destinationSite"]["code"]),
            content_available=bool(f["contentAvailable"]),
            file=FileToFetch(
                str(f["id"]), str(f["path"]), str(f["sha256"]), int(str(f["sizeBytes"])), str(f.get("kind") or "FILE")
            ),
        )


@dataclass(frozen=True)
class Work:
    kind: Literal["claim", "resume", "complete"]
    file: FileToFetch
    transfer_id: str | None = None
    attempts: int = 0  # automatic attempts already spent since the job was last queued


def destination_for(incoming: Path, rel: str) -> Path | None:
    """Where ``rel`` lands below ``incoming``; ``None`` for a path that would escape it (absolute, ``..``, a
    symlinked folder pointing elsewhere) or land in the agent's own partial folder."""
    pure = PurePosixPath(rel)
    if not rel or "\x00" in rel or pure.is_absolute():
        return None
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or parts[0] == PARTIAL_DIR:
        return None
    dest = incoming.joinpath(*parts)
    root = incoming.resolve()
    real = dest.resolve()
    if real == root or not real.is_relative_to(root):
        return None
    return dest


def _place(partial: Path, dest: Path) -> None:
    """Rename the verified (already fsynced) partial into place and make both directory entries durable."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.is_dir():
        raise IsADirectoryError(f"{dest} is a folder")
    os.replace(partial, dest)
    for folder in {dest.parent, partial.parent}:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _Progress:
    """Reports bytes and the rate over the last few seconds, at most once per ``interval``; notices a job that
    the orchestrator stopped (``gone``)."""

    def __init__(self, client: OrchestratorClient, transfer_id: str, interval: float, position: int) -> None:
        self._client = client
        self._transfer_id = transfer_id
        self._interval = interval
        self.position = position
        self._samples: deque[tuple[float, int]] = deque([(time.monotonic(), position)])
        self.gone = asyncio.Event()
        self.gone_reason = ""  # the orchestrator's words, e.g. a job the lease failed while we were silent

    def update(self, position: int) -> None:
        self.position = position

    async def run(self) -> None:
        reported = -1
        while True:
            await asyncio.sleep(self._interval)
            now, position = time.monotonic(), self.position
            self._samples.append((now, position))
            while len(self._samples) > 2 and now - self._samples[0][0] > 3.0:
                self._samples.popleft()
            if position == reported:
                continue
            t0, p0 = self._samples[0]
            rate = (position - p0) / (now - t0) if now > t0 else None
            try:
                await self._client.call(
                    PROGRESS, {"id": self._transfer_id, "bytes": position, "rate": rate}, "reportTransferProgress"
                )
                reported = position
            except ReportRejectedError as exc:
                if exc.code in _JOB_GONE:
                    self.gone_reason = str(exc)
                    self.gone.set()
                    return
                event("transfer.progress_refused", logging.DEBUG, transfer_id=self._transfer_id, error=str(exc))
            except OrchestratorUnavailableError:
                pass  # progress is best effort; the next one carries the total


class TransferAgent:
    def __init__(
        self,
        client: OrchestratorClient,
        state: TransferState,
        downloader: BlobDownloader,
        *,
        site: str,
        incoming: Path,
        max_attempts: int,
        ready: asyncio.Event,
        concurrency: int = 2,
        progress_interval: float = 0.5,
        catch_up_interval: float = 60.0,
        retry_base: float = 2.0,
    ) -> None:
        self._client = client
        self._state = state
        self._downloader = downloader
        self._site = site
        self._incoming = incoming
        self._partials = incoming / PARTIAL_DIR
        self._max_attempts = max_attempts
        self._ready = ready
        self._concurrency = concurrency
        self._progress_interval = progress_interval
        self._catch_up_interval = catch_up_interval
        self._retry_base = retry_base
        self._queue: asyncio.Queue[Work] = asyncio.Queue()
        self._held: set[str] = set()  # file ids queued or in a worker's hands
        self._cursor: str | None = None
        self._saved_cursor: str | None = None
        self._catch_up_now = asyncio.Event()
        self.completed = 0

    async def prepare(self) -> None:
        await asyncio.to_thread(self._partials.mkdir, parents=True, exist_ok=True)
        self._cursor = self._saved_cursor = await self._state.cursor()

    def tasks(self) -> dict[str, Callable[[], object]]:
        named: dict[str, Callable[[], object]] = {"agent-events": self._follow, "agent-sweep": self._sweep_loop}
        for i in range(self._concurrency):
            named[f"agent-{i}"] = self._worker
        return named

    async def flush(self) -> None:
        """Persist the cursor (called at stop, after the tasks ended)."""
        await self._save_cursor()

    def _partial(self, file_id: str) -> Path:
        return self._partials / f"{file_id}.part"

    def _offer(self, work: Work) -> None:
        if work.file.file_id not in self._held:
            self._held.add(work.file.file_id)
            self._queue.put_nowait(work)

    # -- following the jobs ---------------------------------------------------------------------------

    async def _follow(self) -> None:
        await self._ready.wait()
        backoff = Backoff(base=0.5, cap=5.0)
        loop = asyncio.get_running_loop()
        while True:
            # Whatever happened before this subscription took hold is found by a catch-up just after it.
            catch_up = loop.call_later(1.0, self._catch_up_now.set)
            try:
                variables = {"site": self._site, "after": self._cursor}
                async for result in self._client.subscribe(EVENTS, variables):
                    backoff.reset()
                    await self._on_event(JobView.parse(result["transferEvents"]))
                reason = "the orchestrator ended the subscription"
            except OrchestratorUnavailableError as exc:
                reason = str(exc)
            except ReportRejectedError as exc:
                reason = str(exc)
                if exc.code == "BAD_USER_INPUT" and self._cursor is not None:
                    # A cursor this orchestrator never issued (its database was replaced): follow from now on.
                    event("agent.cursor_dropped", logging.WARNING, cursor=self._cursor, error=str(exc))
                    self._cursor = None
            except AuthRejectedError:
                return  # the service stops the daemon
            finally:
                catch_up.cancel()
            delay = backoff.next_delay()
            event("agent.resubscribing", logging.DEBUG, reason=reason, retry_in=round(delay, 2))
            await asyncio.sleep(delay)

    async def _on_event(self, job: JobView) -> None:
        if job.destination != self._site:
            return
        if job.cursor is not None:
            self._cursor = job.cursor
        if job.status == "PENDING":
            self._consider(job)

    def _consider(self, job: JobView) -> None:
        """A PENDING job for this site: claim it once its bytes are on the hub (a fresh set of attempts)."""
        if job.transport != HUB_TRANSPORT:
            event("transfer.external", logging.DEBUG, file_id=job.file.file_id, transport=job.transport)
        elif not job.content_available:
            event("transfer.waiting_for_content", logging.DEBUG, file_id=job.file.file_id, path=job.file.path)
        else:
            self._offer(Work("claim", job.file))

    async def _sweep_loop(self) -> None:
        await self._ready.wait()
        next_catch_up = 0.0
        while True:
            if self._catch_up_now.is_set() or time.monotonic() >= next_catch_up:
                self._catch_up_now.clear()
                ok = await self._catch_up()
                next_catch_up = time.monotonic() + (self._catch_up_interval if ok else 5.0)
            await self._offer_due_retries()
            await self._save_cursor()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._catch_up_now.wait()

    async def _list(self, status: str) -> list[JobView]:
        jobs: list[JobView] = []
        after: str | None = None
        while True:
            page = await self._client.call(LIST, {"status": status, "after": after}, "transfers")
            jobs += [JobView.parse(edge["node"]) for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return [j for j in jobs if j.destination == self._site]
            after = page["pageInfo"]["endCursor"]

    async def _catch_up(self) -> bool:
        """Reconcile with the orchestrator: claim PENDING jobs, resume our RUNNING ones, forget what ended."""
        try:
            running = await self._list("RUNNING")
            pending = await self._list("PENDING")
        except (OrchestratorUnavailableError, ReportRejectedError) as exc:
            event("agent.catch_up_failed", logging.DEBUG, error=str(exc))
            return False
        local = {job.file_id: job for job in await self._state.jobs()}
        for job in running:
            mine = local.get(job.file.file_id)
            if mine is None or mine.status == "retry":
                continue  # another agent's, or one nobody here claimed
            kind: Literal["resume", "complete"] = "complete" if mine.status == "delivered" else "resume"
            self._offer(Work(kind, job.file, job.transfer_id, mine.attempts))
        for job in pending:
            self._consider(job)
        active = {j.file.file_id for j in (*running, *pending)}
        for mine in local.values():
            if mine.file_id in self._held or mine.file_id in active or mine.status == "retry":
                continue
            # The job ended without us (an operator failed or cancelled it, or our claim never went through).
            await self._state.drop_job(mine.file_id)
            await asyncio.to_thread(self._partial(mine.file_id).unlink, missing_ok=True)
            event("transfer.forgotten", file_id=mine.file_id, was=mine.status, reason="no longer running here")
        await self._tidy_partials(set(local) | self._held)
        return True

    async def _tidy_partials(self, keep: set[str]) -> None:
        def run() -> None:
            for entry in os.scandir(self._partials):
                if entry.name.endswith(".part") and entry.name.removesuffix(".part") not in keep:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                elif entry.name.endswith(".pkg") and entry.name.removesuffix(".pkg") not in keep:
                    shutil.rmtree(entry.path, ignore_errors=True)  # a package's staging folder

        await asyncio.to_thread(run)

    async def _offer_due_retries(self) -> None:
        now = time.time()
        for job in await self._state.jobs():
            if job.status == "retry" and (job.next_attempt_at or 0) <= now:
                f = FileToFetch(job.file_id, job.path, job.sha256, job.size, job.kind)
                self._offer(Work("claim", f, None, job.attempts))

    async def _save_cursor(self) -> None:
        cursor = self._cursor
        if cursor is not None and cursor != self._saved_cursor:
            await self._state.save_cursor(cursor)
            self._saved_cursor = cursor

    # -- one file -------------------------------------------------------------------------------------

    async def _worker(self) -> None:
        while True:
            work = await self._queue.get()
            try:
                await self._handle(work)
            finally:
                self._held.discard(work.file.file_id)

    async def _handle(self, work: Work) -> None:
        f = work.file
        transfer_id = work.transfer_id
        if work.kind == "claim":
            transfer_id = await self._claim(f, work.attempts)
        else:
            # Offered by a catch-up from a snapshot: a worker may have finished the job since.
            mine = await self._state.job(f.file_id)
            if mine is None or transfer_id is None:
                return
            if work.kind == "complete":
                if f.kind == "FOLDER":  # a card's custody record may not have been sent before the restart
                    from daemon.packagefetch import report_delivered_custody

                    await report_delivered_custody(self, f)
                await self._finish(f, transfer_id, time.monotonic(), None)
                return
            await self._state.put_job(f.as_job(transfer_id, "running", mine.attempts))
            event("transfer.resuming", file_id=f.file_id, transfer_id=transfer_id, was=mine.status)
        if transfer_id is None:
            return
        outcome, error = await self._attempt(f, transfer_id, work.attempts)
        if outcome in ("failed", "fatal"):
            attempts = self._max_attempts if outcome == "fatal" else work.attempts + 1
            await self._after_failure(f, attempts, error)

    async def _claim(self, f: FileToFetch, attempts: int) -> str | None:
        await self._state.put_job(f.as_job(None, "claiming", attempts))
        try:
            node = await self._client.call(START, {"id": f.file_id}, "startTransfer")
        except ReportRejectedError as exc:
            # Another agent won the race, or the file moved on (rejected, already transferred, ...).
            await self._state.drop_job(f.file_id)
            await asyncio.to_thread(self._partial(f.file_id).unlink, missing_ok=True)
            event("transfer.not_claimed", file_id=f.file_id, path=f.path, code=exc.code, reason=str(exc))
            return None
        except OrchestratorUnavailableError as exc:
            # It may have gone through: the "claiming" row stays, and the next catch-up finds the job RUNNING
            # (ours: resume it) or still PENDING (claim it again).
            event("transfer.claim_unanswered", logging.WARNING, file_id=f.file_id, error=str(exc))
            self._catch_up_now.set()
            return None
        running = [t for t in node["transfers"] if t["status"] == "RUNNING"]
        if not running:
            await self._state.drop_job(f.file_id)
            event("transfer.not_claimed", logging.WARNING, file_id=f.file_id, reason="no running job after start")
            return None
        job = max(running, key=lambda t: int(str(t["id"])))
        transfer_id = str(job["id"])
        await self._state.put_job(f.as_job(transfer_id, "running", attempts))
        event(
            "transfer.claimed",
            file_id=f.file_id,
            transfer_id=transfer_id,
            path=f.path,
            size=f.size,
            attempt=job["attempts"],
        )
        return transfer_id

    async def _attempt(self, f: FileToFetch, transfer_id: str, attempts: int) -> tuple[Outcome, str]:
        if f.kind != "FILE":
            from daemon.packagefetch import attempt_package  # it builds on this module

            return await attempt_package(self, f, transfer_id, attempts)
        dest = destination_for(self._incoming, f.path)
        if dest is None:
            error = f"refused to write {f.path!r}: it would land outside the incoming folder"
            await self._fail(transfer_id, error)
            return "fatal", error
        partial = self._partial(f.file_id)
        have = await asyncio.to_thread(lambda: partial.stat().st_size if partial.exists() else 0)
        event("transfer.download_started", file_id=f.file_id, transfer_id=transfer_id, path=f.path, offset=have)
        t0 = time.monotonic()
        progress = _Progress(self._client, transfer_id, self._progress_interval, min(have, f.size))
        reporter = asyncio.create_task(progress.run(), name=f"progress-{transfer_id}")
        try:
            fetched = await self._download(f, partial, progress)
        except (DownloadError, OSError) as exc:
            error = f"download failed: {exc}"
            event("transfer.download_failed", logging.ERROR, file_id=f.file_id, transfer_id=transfer_id, error=error)
            await self._fail(transfer_id, error)
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
                await self._call_until_answered(
                    COMPLETE, {"id": f.file_id, "sha256": fetched.sha256}, "completeTransfer"
                )
            except ReportRejectedError:
                await self._fail(transfer_id, error)
            return "failed", error
        try:
            await asyncio.to_thread(_place, partial, dest)
        except OSError as exc:
            error = f"cannot place the file at {dest}: {exc}"
            event("transfer.place_failed", logging.ERROR, file_id=f.file_id, error=error)
            await self._fail(transfer_id, error)
            return "failed", error
        await self._state.put_job(f.as_job(transfer_id, "delivered", attempts))
        return await self._finish(f, transfer_id, t0, fetched), ""

    async def _download(self, f: FileToFetch, partial: Path, progress: _Progress) -> Fetched | None:
        """Fetch until complete, resuming after every cut; ``None`` when the orchestrator stopped the job."""
        with progress_bar(f"download {PurePosixPath(f.path).name}", f.size) as bar:

            def moved(position: int) -> None:
                progress.update(position)
                if bar is not None:  # the terminal's bar, beside the orchestrator's progress
                    bar.to(position)

            return await self._fetch_until_done(f, partial, progress, moved)

    async def _fetch_until_done(
        self, f: FileToFetch, partial: Path, progress: _Progress, moved: Callable[[int], None]
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

    async def _complete_placed(self, f: FileToFetch) -> Any:
        """completeTransfer with where the file was placed. An orchestrator older than ``deliveredPath`` refuses
        the document (GRAPHQL_VALIDATION_FAILED): complete without it rather than leave the job to the lease."""
        dest = destination_for(self._incoming, f.path)
        variables = {"id": f.file_id, "sha256": f.sha256}
        if dest is None:
            return await self._call_until_answered(COMPLETE, variables, "completeTransfer")
        placed = {**variables, "deliveredPath": await asyncio.to_thread(os.path.abspath, dest)}
        backoff = Backoff(base=0.5, cap=30.0)
        while True:
            try:
                return await self._client.call(COMPLETE_PLACED, placed, "completeTransfer")
            except OrchestratorUnavailableError as exc:
                if exc.code == "GRAPHQL_VALIDATION_FAILED":
                    return await self._call_until_answered(COMPLETE, variables, "completeTransfer")
                delay = backoff.next_delay()
                event("transfer.call_waiting", logging.DEBUG, field="completeTransfer", error=str(exc), retry_in=delay)
                await asyncio.sleep(delay)

    async def _finish(self, f: FileToFetch, transfer_id: str, t0: float, fetched: Fetched | None) -> Outcome:
        try:
            node = await self._complete_placed(f)
        except ReportRejectedError as exc:
            # The job was stopped meanwhile; the verified file stays where it landed.
            await self._state.drop_job(f.file_id)
            event("transfer.complete_refused", logging.WARNING, file_id=f.file_id, code=exc.code, error=str(exc))
            return "dropped"
        await self._state.drop_job(f.file_id)
        self.completed += 1
        seconds = time.monotonic() - t0
        received = fetched.received if fetched else 0
        event(
            "transfer.completed",
            file_id=f.file_id,
            transfer_id=transfer_id,
            path=f.path,
            size=f.size,
            sha256=f.sha256,
            state=node["state"],
            resumed_from=fetched.resumed_from if fetched else None,
            seconds=round(seconds, 3),
            mb_per_s=round(received / 1e6 / seconds, 1) if fetched and seconds > 0 else None,
        )
        return "done"

    async def _fail(self, transfer_id: str, error: str) -> None:
        try:
            await self._call_until_answered(FAIL, {"id": transfer_id, "error": error[:2000]}, "failTransfer")
        except ReportRejectedError as exc:
            event("transfer.fail_refused", logging.DEBUG, transfer_id=transfer_id, error=str(exc))

    async def _after_failure(self, f: FileToFetch, attempts: int, error: str) -> None:
        if attempts >= self._max_attempts:
            await self._state.drop_job(f.file_id)
            event(
                "transfer.gave_up",
                logging.ERROR,
                file_id=f.file_id,
                path=f.path,
                attempts=attempts,
                error=error,
                action="the file waits in QUEUED for an operator's retryTransfer",
            )
            return
        delay = Backoff(base=self._retry_base, cap=300.0, attempt=attempts - 1).next_delay()
        await self._state.put_job(
            AgentJob(f.file_id, None, f.path, f.sha256, f.size, "retry", attempts, time.time() + delay, error, f.kind)
        )
        event(
            "transfer.retry_scheduled", logging.WARNING, file_id=f.file_id, attempt=attempts, retry_in=round(delay, 1)
        )

    async def _call_until_answered(self, request: GraphQLRequest, variables: dict[str, Any], field: str) -> Any:
        """A call the orchestrator must hear (complete, fail): retried through outages, until it answers."""
        backoff = Backoff(base=0.5, cap=30.0)
        while True:
            try:
                return await self._client.call(request, variables, field)
            except OrchestratorUnavailableError as exc:
                delay = backoff.next_delay()
                event("transfer.call_waiting", logging.DEBUG, field=field, error=str(exc), retry_in=round(delay, 2))
                await asyncio.sleep(delay)
