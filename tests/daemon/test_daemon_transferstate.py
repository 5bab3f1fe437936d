"""The state tables beside the outbox: which reported files still need uploading, the agent's jobs, its cursor."""

from __future__ import annotations

import asyncio
from pathlib import Path

from daemon.custody import Record
from daemon.destcustody import records_from_json, records_to_json
from daemon.outbox import Detection, Outbox
from daemon.transferstate import AgentJob, TransferState

SHA = ["a" * 64, "b" * 64, "c" * 64]


async def test_reported_files_are_due_until_uploaded_and_a_touched_file_comes_back(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    outbox = await Outbox.open(db, site="tustin", watch="/watch")
    state = await TransferState.open(db)
    try:
        rows = await outbox.record([Detection(f"{i}.mov", 10 + i, 100 + i, SHA[i]) for i in range(3)])
        assert await state.upload_work() == [], "nothing is uploaded before the orchestrator knows the file"
        await outbox.mark_sent([(rows[0].report_id, "41"), (rows[1].report_id, "42")])

        due = await state.upload_work()
        assert [(w.path, w.file_id, w.url) for w in due] == [("0.mov", "41", None), ("1.mov", "42", None)]
        assert [w.path for w in await state.upload_work([rows[1].report_id, rows[2].report_id])] == ["1.mov"]
        [page] = await state.upload_work(limit=1)
        assert [w.path for w in await state.upload_work(after_seq=page.seq, limit=1)] == ["1.mov"]

        first, second = due
        await state.set_upload(first, "pending", url="http://hub/uploads/u1")
        await state.set_upload(second, "stale", url=None, error="changed")
        [again] = await state.upload_work()
        assert again.url == "http://hub/uploads/u1", "the resume token survives"
        await state.set_upload(again, "done", url=again.url)
        assert await state.upload_work() == []

        await asyncio.sleep(0.01)  # the outbox re-records the touched file (same hash, new stat) later
        await outbox.record([Detection("1.mov", 11, 999, SHA[1])])
        [back] = await state.upload_work()
        assert (back.path, back.mtime_ns) == ("1.mov", 999)

        await state.set_upload(back, "pending", url=None, attempts=1, retry_at=10**10)
        assert await state.upload_work(now=1.0) == []
        assert await state.next_upload_retry(after=0) == 10**10
        assert await state.upload_counts() == {"done": 1, "pending": 1}
    finally:
        await state.close()
        await outbox.close()


async def test_agent_jobs_and_cursor_survive_a_reopen(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    state = await TransferState.open(db)
    job = AgentJob("7", None, "day1/A.mov", SHA[0], 123, "claiming")
    await state.put_job(job)
    await state.put_job(AgentJob("7", "70", "day1/A.mov", SHA[0], 123, "running", attempts=1))
    await state.put_job(AgentJob("8", None, "B.mov", SHA[1], 5, "retry", 2, 1234.5, "hash mismatch"))
    await state.save_cursor("991")
    await state.close()

    state = await TransferState.open(db)
    try:
        assert await state.cursor() == "991"
        jobs = await state.jobs()
        assert [(j.file_id, j.transfer_id, j.status, j.attempts) for j in jobs] == [
            ("7", "70", "running", 1),
            ("8", None, "retry", 2),
        ]
        assert (await state.job("8")) == AgentJob("8", None, "B.mov", SHA[1], 5, "retry", 2, 1234.5, "hash mismatch")
        await state.drop_job("7")
        assert await state.job("7") is None
    finally:
        await state.close()


async def test_a_cards_custody_records_survive_with_its_job(tmp_path: Path) -> None:
    """The records a delivered card reports are kept with its job, so a restart re-sends the very same ones."""
    db = tmp_path / "outbox.sqlite3"
    failed = Record("2026-12-06T10:00:00+00:00", "FAILED", "xxh64", "nashville", "agent",
                    "colorroute-daemon 1.0 (no generation written)", "nashville")  # fmt: skip
    stored = records_to_json([failed])
    state = await TransferState.open(db)
    await state.put_job(AgentJob("9", "90", "cards/C003", SHA[2], 77, "delivered", 1, kind="FOLDER", custody=stored))
    await state.put_job(AgentJob("10", "100", "cards/A001", SHA[0], 5, "delivered", kind="FOLDER"))
    await state.close()

    state = await TransferState.open(db)
    try:
        job = await state.job("9")
        assert job is not None and job.custody == stored and records_from_json(job.custody) == [failed]
        assert (await state.job("10")) == AgentJob("10", "100", "cards/A001", SHA[0], 5, "delivered", kind="FOLDER")
    finally:
        await state.close()
