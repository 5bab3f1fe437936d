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

This module owns following the jobs, claiming them and the workers; one file's download and placement is
``daemon.filefetch``'s (a package's, ``daemon.packagefetch``'s), the calls that report on a job
``daemon.jobreports``'s, and the documents and job views ``daemon.transferjobs``'.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from gql import GraphQLRequest

from daemon.backoff import Backoff
from daemon.client import AuthRejectedError, OrchestratorClient, OrchestratorUnavailableError, ReportRejectedError
from daemon.downloader import BlobDownloader, Fetched
from daemon.filefetch import FileFetcher
from daemon.jobreports import JobProgress, JobReports
from daemon.logs import event
from daemon.packagesink import ManifestMember
from daemon.placement import destination_for as destination_for
from daemon.transferjobs import COMPLETE as COMPLETE
from daemon.transferjobs import COMPLETE_PLACED as COMPLETE_PLACED
from daemon.transferjobs import EVENTS, HUB_TRANSPORT, LIST, START, JobView, Work
from daemon.transferjobs import FAIL as FAIL
from daemon.transferjobs import PARTIAL_DIR as PARTIAL_DIR
from daemon.transferjobs import PROGRESS as PROGRESS
from daemon.transferjobs import FileToFetch as FileToFetch
from daemon.transferjobs import Outcome as Outcome
from daemon.transferstate import TransferState

# The ``X as X`` imports above and this name are re-exports: daemon.packagefetch, the tests and the client-document
# checks import them from here.
_Progress = JobProgress


class TransferAgent:
    """Follows this site's transfer jobs, claims the ones whose bytes are on the hub and hands each to a worker."""

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
        self._queue: asyncio.Queue[Work] = asyncio.Queue()
        self._held: set[str] = set()  # file ids queued or in a worker's hands
        self._cursor: str | None = None
        self._saved_cursor: str | None = None
        self._catch_up_now = asyncio.Event()
        self._reports = JobReports(client, state, incoming, max_attempts=max_attempts, retry_base=retry_base)
        self._files = FileFetcher(
            client,
            state,
            downloader,
            self._reports,
            incoming=incoming,
            partials=self._partials,
            progress_interval=progress_interval,
        )

    @property
    def completed(self) -> int:
        """Jobs this agent completed since it started."""
        return self._reports.completed

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
        return self._files.partial(file_id)

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
        members_ahead: asyncio.Task[list[ManifestMember]] | None = None
        try:
            if work.kind == "claim" and f.kind != "FILE":
                from daemon.packagefetch import manifest_members  # it builds on this module

                # A reel's member list (14,400 lines) is fetched and parsed while the claim is answered, not after.
                members_ahead = asyncio.create_task(manifest_members(self, f), name=f"manifest-{f.file_id}")
            await self._handle_claimed(work, members_ahead)
        finally:
            if members_ahead is not None:  # unused when the claim failed; its error, if any, was handled
                members_ahead.cancel()
                await asyncio.gather(members_ahead, return_exceptions=True)

    async def _handle_claimed(self, work: Work, members_ahead: asyncio.Task[list[ManifestMember]] | None) -> None:
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
        outcome, error = await self._attempt(f, transfer_id, work.attempts, members_ahead)
        if outcome in ("failed", "fatal"):
            attempts = self._max_attempts if outcome == "fatal" else work.attempts + 1
            await self._reports.after_failure(f, attempts, error)

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

    async def _attempt(
        self,
        f: FileToFetch,
        transfer_id: str,
        attempts: int,
        members_ahead: asyncio.Task[list[ManifestMember]] | None = None,
    ) -> tuple[Outcome, str]:
        if f.kind != "FILE":
            from daemon.packagefetch import attempt_package  # it builds on this module

            return await attempt_package(self, f, transfer_id, attempts, members_ahead)
        return await self._files.attempt(f, transfer_id, attempts)

    # -- the reports, under the names daemon.packagefetch calls ------------------------------------------

    async def _finish(self, f: FileToFetch, transfer_id: str, t0: float, fetched: Fetched | None) -> Outcome:
        return await self._reports.finish(f, transfer_id, t0, fetched)

    async def _fail(self, transfer_id: str, error: str) -> None:
        await self._reports.fail(transfer_id, error)

    async def _complete_placed(self, f: FileToFetch) -> Any:
        return await self._reports.complete_placed(f)

    async def _call_until_answered(self, request: GraphQLRequest, variables: dict[str, Any], field: str) -> Any:
        return await self._reports.call_until_answered(request, variables, field)
