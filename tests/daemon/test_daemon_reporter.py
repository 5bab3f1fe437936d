"""Reporter logic (dispatch, batching, retries, failures) with a scripted stand-in for the gql client.

The real client and orchestrator are covered by the integration tests; here we need failures on cue.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from daemon.client import (
    FileReport,
    OrchestratorUnavailableError,
    ReportedFile,
    ReportOutcome,
    ReportRejectedError,
)
from daemon.outbox import Detection, Outbox
from daemon.reporter import Reporter, SiteRejectedError

SHA = "c" * 64


class ScriptedClient:
    """Answers like the orchestrator would, except where ``script`` says otherwise."""

    def __init__(self) -> None:
        self.link_down_calls = 0  # this many report_files calls fail as if the link were down
        self.per_path: dict[str, list[ReportOutcome]] = {}  # queued outcomes for a path, then success
        self.heartbeat_error: Exception | None = None
        self.calls: list[list[str]] = []
        self.reports: list[FileReport] = []
        self.link_up = asyncio.Event()
        self.link_up.set()

    async def report_files(self, reports: list[FileReport]) -> list[ReportOutcome]:
        self.calls.append([r.path for r in reports])
        self.reports += reports
        if self.link_down_calls:
            self.link_down_calls -= 1
            raise OrchestratorUnavailableError("connection refused", link=True)
        out: list[ReportOutcome] = []
        for r in reports:
            queued = self.per_path.get(r.path)
            out.append(queued.pop(0) if queued else ReportedFile(f"id-{r.path}", "DETECTED", r.sha256))
        return out

    async def heartbeat(self, **_: Any) -> dict[str, Any]:
        if self.heartbeat_error is not None:
            raise self.heartbeat_error
        return {"online": True}


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path, client: ScriptedClient, paths: list[str], detections: Sequence[Detection] = ()
) -> AsyncIterator[tuple[Reporter, Outbox]]:
    outbox = await Outbox.open(tmp_path / "o.sqlite3", site="tustin", watch="/w")
    await outbox.record([*(Detection(p, 1, 1, SHA) for p in paths), *detections])
    reporter = Reporter(
        outbox,
        client,
        site="tustin",
        watch=tmp_path,
        concurrency=2,
        heartbeat_interval=0.2,
        batch=4,  # type: ignore[arg-type]
    )
    tasks = [asyncio.create_task(fn()) for fn in reporter.tasks().values()]  # type: ignore[misc]
    marker = asyncio.create_task(reporter.marker())
    try:
        yield reporter, outbox
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        reporter.finish_marking()
        await marker
        reporter.close()
        await outbox.close()


async def until(predicate: Callable[[], Any], within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not await predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_everything_is_sent_once_in_batches(tmp_path: Path) -> None:
    client = ScriptedClient()
    paths = [f"{i}.mov" for i in range(10)]
    async with running(tmp_path, client, paths) as (_, outbox):
        await until(lambda: _counts_equal(outbox, {"sent": 10}))
    sent = [p for call in client.calls for p in call]
    assert sorted(sent) == sorted(paths)
    assert max(len(c) for c in client.calls) <= 4


async def test_a_link_outage_holds_the_rows_and_resends_them(tmp_path: Path) -> None:
    client = ScriptedClient()
    client.link_down_calls = 3
    async with running(tmp_path, client, ["a.mov", "b.mov"]) as (_, outbox):
        await until(lambda: _counts_equal(outbox, {"sent": 2}))
        entries = await outbox.entries()
    assert all(e.attempts == 1 for e in entries)  # link failures are not the row's fault


async def test_a_server_error_defers_only_that_row(tmp_path: Path) -> None:
    client = ScriptedClient()
    client.per_path["b.mov"] = [OrchestratorUnavailableError("INTERNAL_SERVER_ERROR: boom", link=False)]
    async with running(tmp_path, client, ["a.mov", "b.mov", "c.mov"]) as (_, outbox):
        await until(lambda: _counts_equal(outbox, {"pending": 1, "sent": 2}))
        await until(lambda: _counts_equal(outbox, {"sent": 3}))
        b = (await outbox.entries("b.mov"))[0]
    assert b.attempts == 2
    assert [p for call in client.calls for p in call].count("b.mov") == 2


async def test_a_rejected_report_is_recorded_and_never_resent(tmp_path: Path) -> None:
    client = ScriptedClient()
    client.per_path["bad.mov"] = [ReportRejectedError("BAD_USER_INPUT", "path contains control characters")]
    async with running(tmp_path, client, ["bad.mov", "ok.mov"]) as (_, outbox):
        await until(lambda: _counts_equal(outbox, {"sent": 1, "failed_permanent": 1}))
        await asyncio.sleep(0.5)  # a bounded negative window: nothing is pending, so nothing should be sent
    assert [p for call in client.calls for p in call].count("bad.mov") == 1


async def test_nothing_is_sent_when_the_first_heartbeat_names_an_unknown_site(tmp_path: Path) -> None:
    client = ScriptedClient()
    client.heartbeat_error = ReportRejectedError("BAD_USER_INPUT", "unknown site 'tustin'")
    async with running(tmp_path, client, ["a.mov"]) as (reporter, outbox):
        await asyncio.wait_for(reporter.fatal_event.wait(), 60)
        assert isinstance(reporter.fatal, SiteRejectedError)
        assert (await outbox.counts())["pending"] == 1
    assert client.calls == []


async def test_a_files_asc_mhl_hash_is_reported_with_it(tmp_path: Path) -> None:
    """The xxh64 stored with a single file goes out as ``hashFormat``/``hash``; a file without one sends neither."""
    client = ScriptedClient()
    hashed = Detection("a.mov", 1, 1, SHA, others=(("xxh64", "0123456789abcdef"),))
    async with running(tmp_path, client, ["b.mov"], [hashed]) as (_, outbox):
        await until(lambda: _counts_equal(outbox, {"sent": 2}))
    sent = {r.path: r.as_input() for r in client.reports}
    assert (sent["a.mov"]["hashFormat"], sent["a.mov"]["hash"]) == ("xxh64", "0123456789abcdef")
    assert "hashFormat" not in sent["b.mov"] and "hash" not in sent["b.mov"]


async def _counts_equal(outbox: Outbox, expected: dict[str, int]) -> bool:
    counts = {k: v for k, v in (await outbox.counts()).items() if v}
    return counts == expected
