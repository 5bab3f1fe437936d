"""Bytes through the hub with real processes: an orchestrator, a Tustin daemon uploading what it reports, a
Nashville daemon running the transfer agent into its incoming folder, and an operator queueing files.

Transfers are throttled (``--transfer-rate-limit``) where a test must interrupt one halfway, so the interruption
lands mid-transfer on any machine without gigabyte files. Every test keeps its files under its own folder.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until
from transfer_harness import MIB, Operator, blob_path, recording, state_rows, subscriptions

from tests.support import sha256_of, write_random

DaemonFactory = Callable[..., DaemonProcess]
LIFECYCLE = ["DETECTED", "VALIDATED", "QUEUED", "TRANSFERRING", "TRANSFERRED"]
TRANSPORTS = "query($id: ID!) { file(id: $id) { transfers { id status transport attempts error } } }"
START = "mutation($id: ID!) { startTransfer(id: $id) { id } }"
COMPLETE = "mutation($id: ID!, $sha: String) { completeTransfer(id: $id, sha256: $sha) { id } }"


@pytest.fixture(scope="module")
def operator(orchestrator: Orchestrator) -> Iterator[Operator]:
    op = Operator.create(orchestrator)
    yield op
    op.close()


def reported_id(orch: Orchestrator, path: str, timeout: float = 30) -> str:
    files = wait_until(lambda: orch.files(path, site="tustin"), timeout, what=f"the report of {path}")
    return str(files[0]["id"])


def server_offset(orch: Orchestrator, upload_url: str) -> int:
    """How much of a tus upload the orchestrator holds (its ``Upload-Offset``; waits for a PATCH in flight)."""
    head = httpx.head(upload_url, headers={"Tus-Resumable": "1.0.0", "X-API-Key": orch.api_key}, timeout=30)
    return int(head.headers["Upload-Offset"])


def uploaded(orch: Orchestrator) -> int:
    """Bytes the orchestrator has received by uploads so far (``colorroute_bytes_moved_total``), counted as
    they arrive, unlike the offset a HEAD reports."""
    for line in httpx.get(f"{orch.url}/metrics", timeout=30).text.splitlines():
        if line.startswith('colorroute_bytes_moved_total{direction="upload"} '):
            return int(float(line.split()[1]))
    return 0


def tustin(factory: DaemonFactory, orch: Orchestrator, watch: Path, *extra: str) -> DaemonProcess:
    watch.mkdir(parents=True, exist_ok=True)
    return factory("tustin", watch, orch.url, *extra, state="tustin-state")


def nashville(
    factory: DaemonFactory, orch: Orchestrator, tmp_path: Path, *extra: str, name: str = "nashville"
) -> DaemonProcess:
    watch = tmp_path / f"{name}-watch"
    watch.mkdir(exist_ok=True)
    incoming = tmp_path / ("incoming" if name == "nashville" else f"{name}-incoming")
    return factory("nashville", watch, orch.url, "--incoming", str(incoming), *extra, state=f"{name}-state")


def test_a_file_dropped_in_tustin_arrives_in_nashville_verified_with_live_progress(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    source = tustin(daemon_factory, orchestrator, tmp_path / "watch", "--transfer-rate-limit", "24").start()
    agent = nashville(daemon_factory, orchestrator, tmp_path, "--transfer-rate-limit", "8").start()
    source.wait_event("heartbeat.ok")
    agent.wait_event("heartbeat.ok")
    with recording(orchestrator, others=1) as subscriber:
        digest = write_random(tmp_path / "watch" / "arrive" / "day1" / "A001.MOV", 16 * MIB)
        file_id = reported_id(orchestrator, "arrive/")
        operator.queue(file_id)  # as soon as it is reported: the bytes are most likely still on their way up

        arrived = tmp_path / "incoming" / "arrive" / "day1" / "A001.MOV"
        wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 60, what="TRANSFERRED")
        events = wait_until(  # the query can see the commit before its event has reached the subscriber
            lambda: (got := subscriber.for_file(file_id)) and got[-1]["status"] == "COMPLETED" and got,
            60,
            what="the COMPLETED event",
        )

    assert sha256_of(arrived) == digest
    node = operator.file(file_id)
    assert node["sha256"] == digest and node["contentAvailable"] is True
    assert [a["toState"] for a in node["auditTrail"] if a["toState"]] == LIFECYCLE
    assert [j["status"] for j in node["transfers"]] == ["COMPLETED"]
    # The agent said where it put the file: what a colorist's queue shows.
    assert node["deliveredPath"] == node["transfers"][0]["deliveredPath"] == str(arrived.absolute())
    assert not list((tmp_path / "incoming" / ".colorroute-partial").iterdir()), "no partial left behind"

    progress = [e for e in events if e["status"] == "RUNNING" and 0 < int(e["bytesTransferred"]) < 16 * MIB]
    assert len(progress) >= 2, events
    assert all(e["rateBytesPerSecond"] and e["eventCursor"] is None for e in progress)
    statuses = [e["status"] for e in events if e["eventCursor"] is not None]
    assert statuses[0] == "PENDING" and statuses[-1] == "COMPLETED" and "RUNNING" in statuses
    # The rate limit says ~8 MB/s: the agent's own report never says more (a busy machine may make it less; how
    # fast is for the benchmarks).
    assert 0 < max(float(e["rateBytesPerSecond"]) for e in progress) < 16e6

    [done] = agent.events("transfer.completed")
    assert done["sha256"] == digest and done["resumed_from"] == 0
    [upload] = source.events("upload.done")
    assert upload["file_id"] == file_id and upload["resumed_from"] == 0
    assert source.stop() == 0 and agent.stop() == 0


def test_a_corrupted_blob_fails_verification_and_the_file_waits_in_queued_after_the_last_attempt(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    source = tustin(daemon_factory, orchestrator, tmp_path / "watch").start()
    digest = write_random(tmp_path / "watch" / "flip" / "B001.MOV", 3 * MIB + 11)
    file_id = reported_id(orchestrator, "flip/")
    wait_until(lambda: operator.file(file_id)["contentAvailable"], 30, what="the upload")
    assert source.stop() == 0

    blob = blob_path(orchestrator, digest)
    data = bytearray(blob.read_bytes())
    data[1_000_000] ^= 0x01
    blob.write_bytes(data)

    operator.queue(file_id)
    agent = nashville(daemon_factory, orchestrator, tmp_path, "--max-transfer-attempts", "2").start()
    agent.wait_event("transfer.gave_up", timeout=60)

    node = operator.file(file_id)
    assert node["state"] == "QUEUED"
    jobs = sorted(node["transfers"], key=lambda j: int(j["id"]))
    assert [j["status"] for j in jobs] == ["FAILED", "FAILED"]
    assert jobs[-1]["attempts"] == 2
    assert all(j["error"].startswith(f"hash mismatch: expected {digest}, received ") for j in jobs)
    failures = [a for a in node["auditTrail"] if a["action"] == "FAIL_TRANSFER"]
    assert len(failures) == 2
    assert all(a["fromState"] == "TRANSFERRING" and a["toState"] == "QUEUED" for a in failures)
    assert all(a["details"]["expected"] == digest and a["details"]["received"] != digest for a in failures)
    assert len(agent.events("transfer.hash_mismatch")) == 2
    assert not (tmp_path / "incoming" / "flip").exists(), "a file that failed verification never lands"
    assert not list((tmp_path / "incoming" / ".colorroute-partial").iterdir())

    # A bounded negative window: nothing marks "the agent decided not to retry", and the backoff before a third
    # attempt would be well under this.
    time.sleep(4)  # past any backoff: no third attempt
    assert operator.file(file_id)["state"] == "QUEUED"
    assert len(operator.file(file_id)["transfers"]) == 2

    # The operator repairs the store and retries: a fresh PENDING job, claimed with a fresh set of attempts.
    data[1_000_000] ^= 0x01
    blob.write_bytes(data)
    operator.gql("mutation($id: ID!) { retryTransfer(transferId: $id) { id status } }", {"id": jobs[-1]["id"]})
    wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 30, what="TRANSFERRED after the retry")
    assert sha256_of(tmp_path / "incoming" / "flip" / "B001.MOV") == digest
    assert operator.latest_job(file_id)["status"] == "COMPLETED"
    assert agent.stop() == 0


def test_the_destination_killed_mid_download_resumes_where_it_was(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    size = 48 * MIB
    source = tustin(daemon_factory, orchestrator, tmp_path / "watch").start()
    digest = write_random(tmp_path / "watch" / "resume" / "C001.MOV", size)
    file_id = reported_id(orchestrator, "resume/")
    wait_until(lambda: operator.file(file_id)["contentAvailable"], 60, what="the upload")
    assert source.stop() == 0

    partial = tmp_path / "incoming" / ".colorroute-partial" / f"{file_id}.part"
    agent = nashville(daemon_factory, orchestrator, tmp_path, "--transfer-rate-limit", "12").start()
    operator.queue(file_id)
    wait_until(lambda: partial.exists() and partial.stat().st_size >= 12 * MIB, 30, interval=0.05, what="half")
    agent.stop(signal.SIGKILL)
    had = partial.stat().st_size
    assert 0 < had < size
    assert operator.file(file_id)["state"] == "TRANSFERRING"

    again = nashville(daemon_factory, orchestrator, tmp_path).start()
    wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 60, what="TRANSFERRED after the restart")
    [started] = again.events("transfer.download_started")
    assert started["offset"] == had, "the restarted agent asks for the rest (Range from the partial's length)"
    [done] = again.events("transfer.completed")
    assert done["resumed_from"] == had
    assert sha256_of(tmp_path / "incoming" / "resume" / "C001.MOV") == digest
    jobs = operator.file(file_id)["transfers"]
    assert [(j["status"], j["attempts"]) for j in jobs] == [("COMPLETED", 1)], "resumed, not a new attempt"
    assert again.stop() == 0


def test_the_source_killed_mid_upload_resumes_from_the_servers_offset(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    size = 48 * MIB
    watch = tmp_path / "watch"
    digest = write_random(watch / "upload" / "D001.MOV", size)
    before = uploaded(orchestrator)
    source = tustin(daemon_factory, orchestrator, watch, "--transfer-rate-limit", "12").start()
    file_id = reported_id(orchestrator, "upload/")
    wait_until(lambda: uploaded(orchestrator) > before, 60, interval=0.05, what="bytes on the server")
    source.stop(signal.SIGKILL)

    [(url,)] = state_rows(source.state_dir, "SELECT url FROM uploads")
    offset = server_offset(orchestrator, url)
    assert 0 < offset < size, "the server kept what arrived before the kill"
    assert operator.file(file_id)["contentAvailable"] is False

    again = tustin(daemon_factory, orchestrator, watch).start()
    [done] = again.wait_event("upload.done", timeout=60)
    assert done["resumed_from"] == offset and done["file_id"] == file_id
    assert operator.file(file_id)["contentAvailable"] is True
    assert sha256_of(blob_path(orchestrator, digest)) == digest
    assert again.stop() == 0


def test_metadata_only_uploads_nothing_and_its_files_move_externally_not_by_the_agent(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    digest = write_random(watch / "meta" / "E001.MOV", 2 * MIB)
    source = tustin(daemon_factory, orchestrator, watch, "--metadata-only").start()
    agent = nashville(daemon_factory, orchestrator, tmp_path).start()
    file_id = reported_id(orchestrator, "meta/")
    operator.queue(file_id)
    agent.wait_event("heartbeat.ok")
    # A bounded negative window: nothing marks "decided not to upload"; the agent's catch-up runs 1 s after it
    # subscribes, and an upload starts as soon as the report is sent.
    time.sleep(4)  # an upload or a claim would have happened by now

    [started] = source.events("daemon.started")
    assert started["uploads"] == "off (--metadata-only)"
    assert source.events("upload.started") == [] and source.events("upload.done") == []
    assert state_rows(source.state_dir, "SELECT * FROM uploads") == []
    node = operator.file(file_id)
    assert node["contentAvailable"] is False
    assert node["state"] == "QUEUED" and [j["status"] for j in node["transfers"]] == ["PENDING"]
    assert agent.events("transfer.claimed") == []
    assert not (tmp_path / "incoming" / "meta").exists()
    # The heartbeat told the orchestrator, so the job is EXTERNAL: RaySync (here: us, with the site's key)
    # moves the bytes and drives the job through the API.
    sites = {s["code"]: s["metadataOnly"] for s in operator.gql("{ sites { code metadataOnly } }")["sites"]}
    assert sites["tustin"] is True and sites["nashville"] is False
    [job] = operator.gql(TRANSPORTS, {"id": file_id})["file"]["transfers"]
    assert job["transport"] == "EXTERNAL"
    orchestrator.query(START, {"id": file_id})
    orchestrator.query(COMPLETE, {"id": file_id, "sha": digest})
    assert operator.file(file_id)["state"] == "TRANSFERRED"
    assert source.stop() == 0 and agent.stop() == 0
    # The orchestrator is shared: leave Tustin uploading for the tests after this one.
    orchestrator.query('mutation { heartbeat(input: {site: "tustin", metadataOnly: false}) { id } }')


def test_two_agents_of_one_site_race_for_a_job_and_exactly_one_takes_it(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    source = tustin(daemon_factory, orchestrator, tmp_path / "watch").start()
    digest = write_random(tmp_path / "watch" / "race" / "F001.MOV", 1 * MIB)
    file_id = reported_id(orchestrator, "race/")
    wait_until(lambda: operator.file(file_id)["contentAvailable"], 30, what="the upload")
    agents = [nashville(daemon_factory, orchestrator, tmp_path, name=n).start() for n in ("agent-a", "agent-b")]
    for agent in agents:
        agent.wait_event("heartbeat.ok")
    # Both subscribed, so both see the job at once (if one is late, its catch-up makes it race all the same).
    wait_until(lambda: subscriptions(orchestrator.url) >= 2, 60, interval=0.1, what="both agents subscribed")
    operator.queue(file_id)
    wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 30, what="TRANSFERRED")
    stopped = [a.stop() for a in agents]  # whatever the loser was doing is over and in its log

    claimed = [len(a.events("transfer.claimed")) for a in agents]
    assert sorted(claimed) == [0, 1]
    loser = agents[1] if claimed[0] else agents[0]
    lost = loser.events("transfer.not_claimed")
    assert [e["code"] for e in lost] in ([], ["INVALID_TRANSITION"])  # it may never have tried: it saw RUNNING
    arrived = [tmp_path / d / "race" / "F001.MOV" for d in ("agent-a-incoming", "agent-b-incoming")]
    assert sorted(p.exists() for p in arrived) == [False, True]
    assert sha256_of(next(p for p in arrived if p.exists())) == digest
    assert [j["status"] for j in operator.file(file_id)["transfers"]] == ["COMPLETED"]
    assert stopped == [0, 0] and source.stop() == 0


def test_uploads_and_the_agent_ride_out_an_orchestrator_killed_mid_upload(
    daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    with orchestrator_on(free_port()) as orch:
        operator = Operator.create(orch)
        try:
            source = tustin(daemon_factory, orch, watch, "--transfer-rate-limit", "12").start()
            agent = nashville(daemon_factory, orch, tmp_path).start()
            digest = write_random(watch / "restart" / "G001.MOV", 32 * MIB)
            file_id = reported_id(orch, "restart/")
            source.wait_event("upload.started")
            wait_until(lambda: uploaded(orch) > 0, 60, interval=0.05, what="bytes on the server")
            assert orch.proc is not None
            orch.proc.kill()  # no graceful end for the PATCH in flight (its embedded PostgreSQL lives on)
            orch.proc.wait(timeout=10)
            time.sleep(1)
            orch.start()
            operator.close()
            operator = Operator.create(orch)
            [done] = source.wait_event("upload.done", timeout=60)
            assert done["file_id"] == file_id
            started = source.events("upload.started")
            assert len(started) == 2, "the same upload continued (HEAD, then PATCH from the server's offset)"
            assert started[1]["offset"] == done["resumed_from"]
            assert operator.file(file_id)["contentAvailable"] is True
            assert sha256_of(blob_path(orch, digest)) == digest

            operator.queue(file_id)  # the agent followed the restart: it re-subscribed and catches this
            wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 60, what="TRANSFERRED")
            assert sha256_of(tmp_path / "incoming" / "restart" / "G001.MOV") == digest
            assert source.stop() == 0 and agent.stop() == 0
        finally:
            operator.close()


def test_an_agent_frozen_mid_download_loses_its_job_to_the_lease_and_copes_when_it_wakes(
    daemon_factory: DaemonFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLORROUTE_TRANSFER_STALL_SECONDS", "6")  # this orchestrator's lease
    watch = tmp_path / "watch"
    with orchestrator_on(free_port()) as orch:
        operator = Operator.create(orch)
        try:
            source = tustin(daemon_factory, orch, watch).start()
            digest = write_random(watch / "lease" / "H001.MOV", 24 * MIB)
            file_id = reported_id(orch, "lease/")
            wait_until(lambda: operator.file(file_id)["contentAvailable"], 60, what="the upload")
            assert source.stop() == 0
            agent = nashville(daemon_factory, orch, tmp_path, "--transfer-rate-limit", "4").start()
            operator.queue(file_id)
            partial = tmp_path / "incoming" / ".colorroute-partial" / f"{file_id}.part"
            wait_until(lambda: partial.exists() and partial.stat().st_size >= 2 * MIB, 60, interval=0.05, what="2 MiB")
            assert agent.proc is not None
            agent.proc.send_signal(signal.SIGSTOP)  # frozen: no progress, no heartbeat, like a dead host
            try:
                failed = wait_until(
                    lambda: (job := operator.latest_job(file_id))["status"] == "FAILED" and job, 60, what="the lease"
                )
                assert failed["error"].startswith("no progress for ")
                assert operator.file(file_id)["state"] == "QUEUED"
            finally:
                agent.proc.send_signal(signal.SIGCONT)
            # Awake again: its progress or completion is refused, so it lets the old job go.
            wait_until(
                lambda: agent.events("transfer.abandoned") or agent.events("transfer.complete_refused"),
                60,
                what="the agent to let its failed job go",
            )
            assert operator.file(file_id)["state"] == "QUEUED"
            operator.gql("mutation($id: ID!) { retryTransfer(transferId: $id) { id } }", {"id": failed["id"]})
            wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 90, what="TRANSFERRED after retry")
            assert sha256_of(tmp_path / "incoming" / "lease" / "H001.MOV") == digest
            jobs = sorted(operator.file(file_id)["transfers"], key=lambda j: int(j["id"]))
            assert [j["status"] for j in jobs] == ["FAILED", "COMPLETED"]
            assert agent.stop() == 0
        finally:
            operator.close()
