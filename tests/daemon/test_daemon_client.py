"""The gql client against a real orchestrator: batching, idempotency, error classification."""

import asyncio
import dataclasses
import hashlib
import uuid

import pytest
from daemon_harness import API_KEY, Orchestrator

from daemon.client import (
    AuthRejectedError,
    FileReport,
    OrchestratorClient,
    OrchestratorUnavailableError,
    ReportedFile,
    ReportRejectedError,
)
from daemon.config import graphql_ws_url


def report(path: str, content: str, report_id: str | None = None) -> FileReport:
    return FileReport(
        site="nashville",
        path=path,
        size_bytes=len(content),
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        modified_at="2026-01-02T03:04:05+00:00",
        report_id=report_id or str(uuid.uuid4()),
    )


async def connected_client(orch: Orchestrator, key: str = API_KEY) -> OrchestratorClient:
    client = OrchestratorClient(graphql_ws_url(orch.url), key)
    await client.start()
    waits = [asyncio.create_task(client.link_up.wait()), asyncio.create_task(client.auth_rejected.wait())]
    await asyncio.wait(waits, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    for w in waits:
        w.cancel()
    return client


async def test_a_batch_reports_each_file_and_isolates_a_bad_one(orchestrator: Orchestrator) -> None:
    client = await connected_client(orchestrator)
    try:
        good1, bad, good2 = report("client/a.mov", "a"), report("client/b\x01.mov", "b"), report("client/c.mov", "c")
        outcomes = await client.report_files([good1, bad, good2])
        assert isinstance(outcomes[0], ReportedFile) and outcomes[0].sha256 == good1.sha256
        assert isinstance(outcomes[1], ReportRejectedError) and outcomes[1].code == "BAD_USER_INPUT"
        assert isinstance(outcomes[2], ReportedFile) and outcomes[2].state == "DETECTED"

        again = await client.report_files([good1, good2])  # gql or we may resend: same files come back
        assert [o.id for o in again if isinstance(o, ReportedFile)] == [outcomes[0].id, outcomes[2].id]

        reused = report("client/d.mov", "different content", report_id=good1.report_id)
        (conflict,) = await client.report_files([reused])
        assert isinstance(conflict, ReportRejectedError) and conflict.code == "CONFLICT"
    finally:
        await client.close()
    assert [f["path"] for f in orchestrator.files("client/")] == ["client/c.mov", "client/a.mov"]


async def test_a_wrong_key_is_refused_at_connection_init(orchestrator: Orchestrator) -> None:
    client = await connected_client(orchestrator, key="wrong")
    try:
        assert client.auth_rejected.is_set()
        assert isinstance(client.auth_error, AuthRejectedError)
        assert "4403" in str(client.auth_error)
    finally:
        await client.close()


def test_the_asc_mhl_hash_is_in_the_input_only_when_there_is_one() -> None:
    """A ``--no-mhl`` daemon sends exactly the input it sent before the field existed."""
    plain = report("clip.mov", "x")
    assert set(plain.as_input()) == {"site", "path", "sizeBytes", "sha256", "modifiedAt", "reportId"}
    hashed = dataclasses.replace(plain, hash_format="xxh64", hash="0123456789abcdef")
    assert hashed.as_input() == {**plain.as_input(), "hashFormat": "xxh64", "hash": "0123456789abcdef"}


async def test_nothing_is_sent_before_the_first_connection() -> None:
    client = OrchestratorClient("ws://127.0.0.1:9/graphql", API_KEY)
    await client.start()
    try:
        with pytest.raises(OrchestratorUnavailableError) as info:
            await client.report_files([report("x.mov", "x")])
        assert info.value.link
    finally:
        await client.close()
