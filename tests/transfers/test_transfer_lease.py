"""The transfer lease: a RUNNING hub job whose bytes stopped moving (its destination site's heartbeat does not
count) is failed like any failed transfer, exactly once even with several replicas sweeping, and the agent that
comes back late gets clear errors instead of a second life for its old job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app.config import Settings
from app.db.engine import SessionFactory, make_engine, make_session_factory
from app.db.models import AuditLog, Event, TransferJob
from app.db.models import File as FileRow
from app.domain.permissions import SYSTEM
from app.services import transfers
from app.services.reporting import Heartbeat, heartbeat
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, destination_agent, file_in_state

STALL = 2.0  # the server's lease in these tests: its sweep runs every STALL / 4 seconds

JOB = "query($id: ID!) { transfer(id: $id) { id status error attempts transport file { id state } } }"
PROGRESS = """mutation($id: ID!, $b: BigInt!) {
  reportTransferProgress(transferId: $id, bytesTransferred: $b) { id status } }"""
COMPLETE = "mutation($id: ID!, $sha: String!) { completeTransfer(id: $id, sha256: $sha) { id state } }"
FAIL = 'mutation($id: ID!) { failTransfer(transferId: $id, error: "late") { id } }'
JOB_PROGRESS = """query($id: ID!) { transfer(id: $id) {
  id status error lastProgressAt stalled file { id state } } }"""
START = "mutation($id: ID!) { startTransfer(id: $id) { id state transfers { id status attempts } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"transfer_stall_seconds": STALL})


@pytest.fixture
async def replica(db_url: str) -> AsyncIterator[SessionFactory]:
    """A second engine on the same database: another orchestrator replica's connections."""
    engine = make_engine(db_url, pool_size=5)
    yield make_session_factory(engine)
    await engine.dispose()


async def _running(db: SessionFactory) -> tuple[str, TransferJob]:
    fid = await file_in_state(db, "TRANSFERRING")
    async with db() as session:
        job = await session.scalar(select(TransferJob).where(TransferJob.file_id == int(fid)))
    assert job is not None and job.status == "RUNNING"
    return fid, job


async def _job(db: SessionFactory, transfer_id: int) -> TransferJob:
    async with db() as session:
        job = await session.get(TransferJob, transfer_id)
    assert job is not None
    return job


async def _until_failed(db: SessionFactory, transfer_id: int) -> None:
    for _ in range(300):  # generous: the sweep runs every STALL / 4 seconds on a shared machine
        if (await _job(db, transfer_id)).status == "FAILED":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the lease did not fail transfer {transfer_id}")


async def test_a_silent_agents_job_fails_through_the_service_path_and_can_be_retried(
    server: Server, db: SessionFactory
) -> None:
    fid, job = await _running(db)
    await _until_failed(db, job.id)
    row = await _job(db, job.id)
    assert row.error is not None and row.error.startswith("no progress for ") and row.error.endswith(" s")
    assert int(row.error.split()[3]) >= STALL
    async with db() as session:
        file = await session.get(FileRow, int(fid))
        trail = (await session.scalars(select(AuditLog).where(AuditLog.file_id == int(fid)))).all()
        events = (await session.scalars(select(Event).where(Event.topic == "transfer"))).all()
    assert file is not None and file.state == "QUEUED"
    [entry] = [e for e in trail if e.action == "FAIL_TRANSFER"]
    assert (entry.actor, entry.from_state, entry.to_state) == ("system:transfer-lease", "TRANSFERRING", "QUEUED")
    assert entry.details is not None and entry.details["reason"] == "NO_PROGRESS"
    assert entry.details["transferId"] == str(job.id) and entry.details["silentSeconds"] >= STALL
    assert [e.payload["transferId"] for e in events].count(job.id) >= 3  # queued, started, failed

    retried = await transfers.retry_transfer(db, SYSTEM, str(job.id))
    assert retried.status == "PENDING" and retried.transport == "HUB"
    assert (await _job(db, job.id)).status == "FAILED", "the failed job is kept"


async def test_progress_keeps_the_lease_a_heartbeat_does_not_and_only_hub_jobs_are_swept(db: SessionFactory) -> None:
    # Silence is made by back-dating rows an hour, not by sleeping past a short stall: progress reported
    # after that is a minute inside the lease however slow the machine.
    stall = timedelta(minutes=1)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    _, beating = await _running(db)  # destination nashville
    _, progressing = await _running(db)
    _, repeating = await _running(db)
    _, external = await _running(db)
    async with db() as session, session.begin():
        (await session.get(TransferJob, external.id)).transport = "EXTERNAL"  # type: ignore[union-attr]
    agent = destination_agent("nashville")
    await transfers.report_progress(db, agent, str(repeating.id), 100)
    async with db() as session, session.begin():
        ids = [beating.id, progressing.id, repeating.id, external.id]
        silent = {"updated_at": long_ago, "started_at": long_ago, "last_progress_at": long_ago}
        await session.execute(update(TransferJob).where(TransferJob.id.in_(ids)).values(**silent))
    await heartbeat(db, SYSTEM, Heartbeat(site="nashville"))
    await transfers.report_progress(db, agent, str(progressing.id), 100)
    await transfers.report_progress(db, agent, str(repeating.id), 100)  # the same bytes again: no progress
    failed = await transfers.fail_silent_transfers(db, stall)
    assert sorted(j.id for j in failed) == sorted([beating.id, repeating.id]), "the site beats; only bytes count"
    assert (await _job(db, progressing.id)).status == "RUNNING"
    assert (await _job(db, external.id)).status == "RUNNING", "an EXTERNAL job is its mover's to fail"


async def test_two_replicas_sweeping_at_once_fail_each_job_exactly_once(
    db: SessionFactory, replica: SessionFactory
) -> None:
    jobs = [(await _running(db))[1].id for _ in range(12)]

    async def sweep(factory: SessionFactory) -> list[int]:
        mine: list[int] = []
        while batch := await transfers.fail_silent_transfers(factory, timedelta(0), limit=3):
            mine += [j.id for j in batch]
        return mine

    a, b, c = await asyncio.gather(sweep(db), sweep(replica), sweep(db))
    assert sorted(a + b + c) == sorted(jobs), "every job failed once, none twice"
    assert await transfers.fail_silent_transfers(replica, timedelta(0)) == []
    async with db() as session:
        fails = (await session.scalars(select(AuditLog.file_id).where(AuditLog.action == "FAIL_TRANSFER"))).all()
        states = set((await session.scalars(select(FileRow.state))).all())
    assert len(fails) == len(set(fails)) == len(jobs)
    assert states == {"QUEUED"}


async def test_the_agent_coming_back_late_gets_clear_errors_and_may_claim_afresh(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    fid, job = await _running(db)
    async with db() as session:
        sha = (await session.get(FileRow, int(fid))).sha256  # type: ignore[union-attr]
    await _until_failed(db, job.id)
    async with Api(server.url, api_key=keys["nashville"]) as agent:
        for query, variables in (
            (PROGRESS, {"id": str(job.id), "b": 10}),
            (COMPLETE, {"id": fid, "sha": sha}),
            (FAIL, {"id": str(job.id)}),
        ):
            with pytest.raises(GraphQLFailure) as refused:
                await agent.gql(query, variables)
            assert refused.value.code == "INVALID_TRANSITION", refused.value.errors
        # A claim now is a fresh attempt of the QUEUED file; the failed job stays as it was.
        node = (await agent.gql(START, {"id": fid}))["startTransfer"]
        assert node["state"] == "TRANSFERRING"
        assert [(t["status"], t["attempts"]) for t in node["transfers"]] == [("FAILED", 1), ("RUNNING", 2)]
        # ...and a second late claim loses to it.
        with pytest.raises(GraphQLFailure) as lost:
            await agent.gql(START, {"id": fid})
        assert lost.value.code == "INVALID_TRANSITION"
        assert (await agent.gql(JOB, {"id": str(job.id)}))["transfer"]["error"].startswith("no progress for ")


async def test_a_job_whose_site_keeps_beating_but_whose_bytes_stopped_is_failed_over_the_api(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    """The field report: the destination's daemon heartbeats on while nothing moves the job's bytes (an agent
    killed at 76 %, or one that never claimed it): the lease follows the job's progress, so it fails."""
    fid = await file_in_state(db, "QUEUED")
    async with Api(server.url, api_key=keys["nashville"]) as agent:
        tid = (await agent.gql(START, {"id": fid}))["startTransfer"]["transfers"][-1]["id"]
        await agent.gql(PROGRESS, {"id": tid, "b": 3100})
        beat = 'mutation { heartbeat(input: {site: "nashville"}) { lastHeartbeatAt } }'
        job: dict[str, Any] = {}
        for _ in range(300):  # the site stays alive throughout: a heartbeat every 0.1 s
            await agent.gql(beat)
            job = (await agent.gql(JOB_PROGRESS, {"id": tid}))["transfer"]
            if job["status"] == "FAILED":
                break
            await asyncio.sleep(0.1)
        last_beat = (await agent.gql(beat))["heartbeat"]["lastHeartbeatAt"]
    assert job["status"] == "FAILED", "the lease must fail a job whose bytes stopped, heartbeats or not"
    assert job["error"].startswith("no progress for ") and job["file"]["state"] == "QUEUED"
    assert job["lastProgressAt"] is not None and job["stalled"] is False
    assert datetime.fromisoformat(last_beat) - datetime.fromisoformat(job["lastProgressAt"]) > timedelta(seconds=STALL)
    async with db() as session:
        [entry] = (
            await session.scalars(
                select(AuditLog).where(AuditLog.file_id == int(fid), AuditLog.action == "FAIL_TRANSFER")
            )
        ).all()
    assert entry.actor == "system:transfer-lease" and entry.details is not None
    assert entry.details["reason"] == "NO_PROGRESS" and entry.details["lastProgressAt"] == job["lastProgressAt"]
