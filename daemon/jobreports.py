"""What the transfer agent tells the orchestrator about a job it holds: progress while bytes move
(:class:`JobProgress`, best effort, noticing a job stopped meanwhile), and the calls it must hear —
``completeTransfer`` with where the file was placed, ``failTransfer`` — retried through outages
(:class:`JobReports`), with what the agent writes down once they are answered: the job dropped, or its next
automatic attempt scheduled. Used by the single-file download (``daemon.filefetch``), the package fetch
(``daemon.packagefetch``) and the claim loop (``daemon.agent``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from pathlib import Path
from typing import Any

from gql import GraphQLRequest

from daemon.backoff import Backoff
from daemon.client import OrchestratorClient, OrchestratorUnavailableError, ReportRejectedError
from daemon.downloader import Fetched
from daemon.logs import event
from daemon.placement import destination_for
from daemon.transferjobs import COMPLETE, COMPLETE_PLACED, FAIL, JOB_GONE, PROGRESS, FileToFetch, Outcome
from daemon.transferstate import AgentJob, TransferState


class JobProgress:
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
                if exc.code in JOB_GONE:
                    self.gone_reason = str(exc)
                    self.gone.set()
                    return
                event("transfer.progress_refused", logging.DEBUG, transfer_id=self._transfer_id, error=str(exc))
            except OrchestratorUnavailableError:
                pass  # progress is best effort; the next one carries the total


class JobReports:
    """The calls about a job the orchestrator must hear, and the agent's record of their answers."""

    def __init__(
        self,
        client: OrchestratorClient,
        state: TransferState,
        incoming: Path,
        *,
        max_attempts: int,
        retry_base: float,
    ) -> None:
        self._client = client
        self._state = state
        self._incoming = incoming
        self._max_attempts = max_attempts
        self._retry_base = retry_base
        self.completed = 0

    async def complete_placed(self, f: FileToFetch) -> Any:
        """completeTransfer with where the file was placed. An orchestrator older than ``deliveredPath`` refuses
        the document (GRAPHQL_VALIDATION_FAILED): complete without it rather than leave the job to the lease."""
        dest = destination_for(self._incoming, f.path)
        variables = {"id": f.file_id, "sha256": f.sha256}
        if dest is None:
            return await self.call_until_answered(COMPLETE, variables, "completeTransfer")
        placed = {**variables, "deliveredPath": await asyncio.to_thread(os.path.abspath, dest)}
        backoff = Backoff(base=0.5, cap=30.0)
        while True:
            try:
                return await self._client.call(COMPLETE_PLACED, placed, "completeTransfer")
            except OrchestratorUnavailableError as exc:
                if exc.code == "GRAPHQL_VALIDATION_FAILED":
                    return await self.call_until_answered(COMPLETE, variables, "completeTransfer")
                delay = backoff.next_delay()
                event("transfer.call_waiting", logging.DEBUG, field="completeTransfer", error=str(exc), retry_in=delay)
                await asyncio.sleep(delay)

    async def finish(self, f: FileToFetch, transfer_id: str, t0: float, fetched: Fetched | None) -> Outcome:
        try:
            node = await self.complete_placed(f)
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

    async def fail(self, transfer_id: str, error: str) -> None:
        try:
            await self.call_until_answered(FAIL, {"id": transfer_id, "error": error[:2000]}, "failTransfer")
        except ReportRejectedError as exc:
            event("transfer.fail_refused", logging.DEBUG, transfer_id=transfer_id, error=str(exc))

    async def after_failure(self, f: FileToFetch, attempts: int, error: str) -> None:
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

    async def call_until_answered(self, request: GraphQLRequest, variables: dict[str, Any], field: str) -> Any:
        """A call the orchestrator must hear (complete, fail): retried through outages, until it answers."""
        backoff = Backoff(base=0.5, cap=30.0)
        while True:
            try:
                return await self._client.call(request, variables, field)
            except OrchestratorUnavailableError as exc:
                delay = backoff.next_delay()
                event("transfer.call_waiting", logging.DEBUG, field=field, error=str(exc), retry_in=round(delay, 2))
                await asyncio.sleep(delay)
