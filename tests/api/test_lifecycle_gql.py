"""A file's whole life through the real API with the real ``gql`` client, audit trail included."""

from __future__ import annotations

from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user, random_sha

FILE_FIELDS = "id state version destinationSite { code } colorist { username } transfers { status attempts }"


async def _run(session: Any, query: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = await session.execute(GraphQLRequest(query, variable_values=variables))
    return result


async def test_file_walks_the_whole_lifecycle(server: Server, db: SessionFactory) -> None:
    colorist_id = await make_user(db, "carla", Role.COLORIST, "nashville")
    sha = random_sha()
    daemon = Client(transport=AIOHTTPTransport(url=server.url + "/graphql", headers={"X-API-Key": GLOBAL_KEY}))
    async with daemon as d:
        reported = await _run(
            d,
            "mutation($i: ReportFileInput!){ reportFile(input:$i){ id state sha256 sizeBytes } }",
            i={"site": "tustin", "path": "A001/A001_C001.mov", "sizeBytes": 5_000_000_000, "sha256": sha},
        )
    file = reported["reportFile"]
    assert file["state"] == "DETECTED" and file["sha256"] == sha and file["sizeBytes"] == 5_000_000_000
    fid = file["id"]

    async with Api(server.url) as eng, Api(server.url, api_key=GLOBAL_KEY) as agent:
        await make_user(db, "eddie", Role.ENGINEER)
        await eng.login("eddie")
        # The engineer routes; the destination's agent (here the global daemon key) moves and verifies the bytes.
        steps = [
            (eng, "validateFile(id:$id)", "VALIDATED"),
            (eng, 'queueFile(id:$id, destinationSite:"nashville")', "QUEUED"),
            (agent, "startTransfer(id:$id)", "TRANSFERRING"),
            (agent, f'completeTransfer(id:$id, sha256:"{sha}")', "TRANSFERRED"),
            (eng, f'assignColorist(id:$id, coloristId:"{colorist_id}")', "COLORIST_ASSIGNED"),
        ]
        for api, call, state in steps:
            data = await api.gql(f"mutation($id: ID!){{ r: {call} {{ {FILE_FIELDS} }} }}", {"id": fid})
            assert data["r"]["state"] == state, call

    async with Api(server.url) as carla:
        await carla.login("carla")
        for call, state in [("startWork(id:$id)", "IN_PROGRESS"), ("deliverToMam(id:$id)", "DELIVERED_TO_MAM")]:
            data = await carla.gql(f"mutation($id: ID!){{ r: {call} {{ {FILE_FIELDS} }} }}", {"id": fid})
            assert data["r"]["state"] == state

    async with Api(server.url) as eng:
        await eng.login("eddie")
        data = await eng.gql(f"mutation($id: ID!){{ r: archiveFile(id:$id) {{ {FILE_FIELDS} }} }}", {"id": fid})
        assert data["r"]["state"] == "ARCHIVED"
        assert data["r"]["version"] == 9
        assert data["r"]["transfers"] == [{"status": "COMPLETED", "attempts": 1}]
        trail = await eng.gql(
            "query($id: ID!){ file(id:$id){ allowedActions auditTrail { action actor fromState toState } } }",
            {"id": fid},
        )
    audit = trail["file"]["auditTrail"]
    assert [a["action"] for a in audit] == [
        "REPORT",
        "VALIDATE",
        "QUEUE",
        "START_TRANSFER",
        "COMPLETE_TRANSFER",
        "ASSIGN",
        "START",
        "DELIVER",
        "ARCHIVE",
    ]
    assert [a["actor"] for a in audit][:5] == [
        "daemon:global-key",
        "eddie",
        "eddie",
        "daemon:global-key",
        "daemon:global-key",
    ]
    assert audit[6]["actor"] == "carla"
    # The audit trail replays to the current state.
    assert all(a["fromState"] == b["toState"] for a, b in zip(audit[1:], audit, strict=False))
    assert audit[-1]["toState"] == "ARCHIVED"
    assert trail["file"]["allowedActions"] == []


async def test_hash_mismatch_fails_the_transfer_and_requeues(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as eng:
        await eng.login("eddie")
        sha = random_sha()
        data = await daemon.gql(
            "mutation($i: ReportFileInput!){ reportFile(input:$i){ id } }",
            {"i": {"site": "tustin", "path": "x.mov", "sizeBytes": 10, "sha256": sha}},
        )
        fid = data["reportFile"]["id"]
        await eng.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": fid})
        await eng.gql('mutation($id:ID!){ queueFile(id:$id, destinationSite:"dallas"){ id } }', {"id": fid})
        await daemon.gql("mutation($id:ID!){ startTransfer(id:$id){ id } }", {"id": fid})
        wrong = random_sha()
        data = await daemon.gql(
            "mutation($id:ID!,$s:String){ completeTransfer(id:$id, sha256:$s){ state transfers { status error } } }",
            {"id": fid, "s": wrong},
        )
        assert data["completeTransfer"]["state"] == "QUEUED"
        job = data["completeTransfer"]["transfers"][0]
        assert job["status"] == "FAILED" and "hash mismatch" in job["error"]
        trail = await eng.gql("query($id:ID!){ file(id:$id){ auditTrail { action details } } }", {"id": fid})
        last = trail["file"]["auditTrail"][-1]
        assert last["action"] == "FAIL_TRANSFER"
        assert last["details"]["expected"] == sha and last["details"]["received"] == wrong
        # The next start is a fresh attempt of a new job; the failed one is kept.
        data = await daemon.gql(
            "mutation($id:ID!){ startTransfer(id:$id){ transfers { status attempts } } }", {"id": fid}
        )
        assert data["startTransfer"]["transfers"] == [
            {"status": "FAILED", "attempts": 1},
            {"status": "RUNNING", "attempts": 2},
        ]
