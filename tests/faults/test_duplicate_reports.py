"""Duplicate reports sent ten at once: a daemon resending after a lost answer, two daemons on one share, a
retry storm. Each must record the file exactly once: one ``files`` row, one REPORT audit row, one ``file``
event, and every one of the ten answers names that same file (no error, no second row, no CONFLICT).

Four kinds of duplicates, five rounds each (a fresh file per round), all against the real app on uvicorn:

* the same ``reportId`` (and file) ten times at once, as ten concurrent HTTP requests;
* the same site, path and SHA-256 with ten different ``reportId`` values at once, over HTTP;
* the same ``reportId`` ten times at once through the daemon's own gql client (``daemon.client``, one
  graphql-transport-ws session, ten operations multiplexed on it);
* ten aliased ``reportFile`` fields for the same file with different ``reportId`` values in one operation
  (the daemon's batch), sent twice at once through that client.

Then the files reconcile (audit replays, every transition announced once).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx

from daemon.client import FileReport, OrchestratorClient, ReportedFile
from tests.conftest import Server
from tests.faults.reconcile import reconcile
from tests.support import GLOBAL_KEY, REPORT, random_sha

AT_ONCE = 10
ROUNDS = 5
SIZE = 4096


def _input(path: str, sha: str, report_id: str) -> dict[str, Any]:
    return {"site": "tustin", "path": path, "sizeBytes": SIZE, "sha256": sha, "reportId": report_id}


async def _http_reports(http: httpx.AsyncClient, inputs: list[dict[str, Any]]) -> list[str]:
    """All at once over HTTP; the file id each answer names (an error fails the test)."""

    async def one(variables: dict[str, Any]) -> str:
        r = await http.post("/graphql", json={"query": REPORT, "variables": {"input": variables}})
        assert r.status_code == 200, r.text
        body = r.json()
        assert not body.get("errors"), body["errors"]
        return str(body["data"]["reportFile"]["id"])

    return list(await asyncio.gather(*(one(v) for v in inputs)))


def _report(path: str, sha: str, report_id: str) -> FileReport:
    return FileReport("tustin", path, SIZE, sha, "2024-01-01T00:00:00+00:00", report_id)


async def _gql_same_report_id(client: OrchestratorClient, path: str, sha: str) -> list[str]:
    report = _report(path, sha, str(uuid.uuid4()))
    answers = await asyncio.gather(*(client.report_file(report) for _ in range(AT_ONCE)))
    return [a.id for a in answers]


async def _gql_batches(client: OrchestratorClient, path: str, sha: str) -> list[str]:
    batches = [[_report(path, sha, str(uuid.uuid4())) for _ in range(AT_ONCE)] for _ in range(2)]
    outcomes = [o for batch in await asyncio.gather(*(client.report_files(b) for b in batches)) for o in batch]
    assert all(isinstance(o, ReportedFile) for o in outcomes), outcomes
    return [o.id for o in outcomes if isinstance(o, ReportedFile)]


async def _recorded(db_url: str, path: str) -> tuple[list[int], list[str], list[int]]:
    """(file ids at ``path``, audit actions of those files, ``file`` events naming them)."""
    conn = await asyncpg.connect(db_url, timeout=30)
    try:
        ids = [int(r["id"]) for r in await conn.fetch("SELECT id FROM files WHERE path = $1", path)]
        actions = [
            str(r["action"])
            for r in await conn.fetch("SELECT action FROM audit_logs WHERE file_id = ANY($1::bigint[])", ids)
        ]
        events = [
            int(r["id"])
            for r in await conn.fetch(
                "SELECT id FROM events WHERE topic = 'file' AND (payload->>'fileId')::bigint = ANY($1::bigint[])", ids
            )
        ]
    finally:
        await conn.close()
    return ids, actions, events


async def test_duplicate_reports_ten_at_once_record_one_file(server: Server) -> None:
    client = OrchestratorClient(server.ws_url, GLOBAL_KEY)
    await client.start()
    async with httpx.AsyncClient(
        base_url=server.url, headers={"X-API-Key": GLOBAL_KEY}, timeout=30, limits=httpx.Limits(max_connections=50)
    ) as http:
        await asyncio.wait_for(client.link_up.wait(), 30)

        async def same_report_id(path: str, sha: str) -> list[str]:
            return await _http_reports(http, [_input(path, sha, f"same-{path}")] * AT_ONCE)

        async def different_report_ids(path: str, sha: str) -> list[str]:
            return await _http_reports(http, [_input(path, sha, str(uuid.uuid4())) for _ in range(AT_ONCE)])

        kinds: dict[str, Callable[[str, str], Awaitable[list[str]]]] = {
            "http-same-id": same_report_id,
            "http-other-ids": different_report_ids,
            "gql-same-id": lambda p, s: _gql_same_report_id(client, p, s),
            "gql-batches": lambda p, s: _gql_batches(client, p, s),
        }
        try:
            for kind, send in kinds.items():
                for round_ in range(ROUNDS):
                    path = f"dup/{kind}/{round_}.mov"
                    answers = await send(path, random_sha())
                    assert len(answers) >= AT_ONCE and len(set(answers)) == 1, f"{path}: answers {answers}"
                    ids, actions, events = await _recorded(server.db_url, path)
                    assert ids == [int(answers[0])], f"{path}: files {ids}, answers {answers}"
                    assert actions == ["REPORT"], f"{path}: audit {actions}"
                    assert len(events) == 1, f"{path}: {len(events)} file events"
        finally:
            await client.close()

    total = len(kinds) * ROUNDS
    checked = await reconcile(server.db_url, site="tustin", prefix="dup/", expect_files=total)
    assert checked.files == checked.events == total and checked.transitions == 0
