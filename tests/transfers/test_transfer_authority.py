"""Nothing reaches TRANSFERRED without verified bytes (issue 12 item 0), through the real API.

A HUB job is started and completed by its destination's agent alone (that site's key or the global daemon key),
over HTTP and over WebSockets alike; people may fail, cancel and retry it. An EXTERNAL completion carries the
file's SHA-256 and it must match. ``TransferJob.allowedActions`` and ``File.allowedActions`` offer each viewer
exactly what the server then accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, file_in_state, make_user, random_sha
from tests.transfers.conftest import queue_to, reported

START = "mutation($id: ID!) { startTransfer(id: $id) { id state version } }"
COMPLETE = "mutation($id: ID!, $sha: String) { completeTransfer(id: $id, sha256: $sha) { id state version } }"
PROGRESS = """mutation($id: ID!, $b: BigInt!) {
  reportTransferProgress(transferId: $id, bytesTransferred: $b) { id bytesTransferred } }"""
FAIL = 'mutation($id: ID!) { failTransfer(transferId: $id, error: "operator: link down") { id status } }'
CANCEL = 'mutation($id: ID!) { cancelTransfer(transferId: $id, reason: "wrong reel") { id status error } }'
RETRY = "mutation($id: ID!) { retryTransfer(transferId: $id) { id status } }"
FILE = """query($id: ID!) { file(id: $id) { state version sha256 allowedActions
  transfers { id status transport allowedActions } } }"""
BEAT = 'mutation($m: Boolean) { heartbeat(input: {site: "tustin", metadataOnly: $m}) { metadataOnly } }'
AGENT_REFUSAL = "the destination's agent (nashville site key) starts and completes HUB transfers"


class WsApi:
    """One operation per graphql-transport-ws connection, authenticated as the browser (cookie) or a daemon."""

    def __init__(self, server: Server, *, cookie: str | None = None, key: str | None = None) -> None:
        self.server, self.cookie, self.key = server, cookie, key

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        transport = WebsocketsTransport(
            url=self.server.ws_url,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"apiKey": self.key} if self.key else {},
            headers={"Cookie": f"colorroute_session={self.cookie}", "Origin": self.server.url} if self.cookie else None,
        )
        async with Client(transport=transport) as session:
            try:
                result: dict[str, Any] = await session.execute(GraphQLRequest(query, variable_values=variables))
            except TransportQueryError as failure:
                raise GraphQLFailure(list(failure.errors or [])) from None
        return result


async def _person(server: Server, db: SessionFactory, role: Role) -> Api:
    name = f"{role.value.lower()}-{random_sha()[:6]}"
    await make_user(db, name, role, "nashville" if role is Role.COLORIST else None)
    api = Api(server.url)
    await api.login(name)
    return api


def _over(server: Server, api: Api, transport: str) -> Api | WsApi:
    if transport == "http":
        return api
    return WsApi(server, cookie=api.http.cookies["colorroute_session"])


async def _refused(api: Api | WsApi, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(GraphQLFailure) as refused:
        await api.gql(query, variables)
    return dict(refused.value.errors[0])


async def _file(api: Api, file_id: str) -> dict[str, Any]:
    return dict((await api.gql(FILE, {"id": file_id}))["file"])


@pytest.mark.parametrize("transport", ["http", "ws"])
@pytest.mark.parametrize("role", [Role.ENGINEER, Role.ADMIN])
async def test_people_may_not_start_or_complete_a_hub_transfer(
    server: Server, db: SessionFactory, keys: dict[str, str], role: Role, transport: str
) -> None:
    """The probe's scenario: a file queued to Nashville whose bytes never reached the hub."""
    fid = await file_in_state(db, "QUEUED")
    person = await _person(server, db, role)
    async with person, Api(server.url, api_key=keys["nashville"]) as agent:
        caller = _over(server, person, transport)
        before = await _file(person, fid)
        error = await _refused(caller, START, {"id": fid})
        assert error["extensions"]["code"] == "FORBIDDEN", error
        assert AGENT_REFUSAL in error["message"], error
        after = await _file(person, fid)
        assert (after["state"], after["version"]) == ("QUEUED", before["version"]), "nothing half-applied"
        assert [t["status"] for t in after["transfers"]] == ["PENDING"]

        await agent.gql(START, {"id": fid})  # the agent claims it; people may still not finish it
        for sha in (None, before["sha256"]):
            error = await _refused(caller, COMPLETE, {"id": fid, "sha": sha})
            assert error["extensions"]["code"] == "FORBIDDEN", error
            assert AGENT_REFUSAL in error["message"], error
        after = await _file(person, fid)
        assert after["state"] == "TRANSFERRING" and [t["status"] for t in after["transfers"]] == ["RUNNING"]
        # Nor move its progress bar: a HUB job's bytes are its agent's to report.
        error = await _refused(caller, PROGRESS, {"id": after["transfers"][0]["id"], "b": 4096})
        assert error["extensions"]["code"] == "FORBIDDEN" and "report progress of" in error["message"], error

        # What people may do to it: fail it (the file waits in QUEUED again), then retry it.
        [job] = after["transfers"]
        assert (await caller.gql(FAIL, {"id": job["id"]}))["failTransfer"]["status"] == "FAILED"
        assert (await caller.gql(RETRY, {"id": job["id"]}))["retryTransfer"]["status"] == "PENDING"
        assert (await _file(person, fid))["state"] == "QUEUED"


@pytest.mark.parametrize("transport", ["http", "ws"])
async def test_only_the_destination_agent_starts_and_completes_with_the_right_hash(
    server: Server, db: SessionFactory, keys: dict[str, str], transport: str
) -> None:
    fid = await file_in_state(db, "QUEUED")
    async with Api(server.url, api_key=keys["nashville"]) as http_agent, Api(server.url, keys["dallas"]) as other:
        agent: Api | WsApi = http_agent if transport == "http" else WsApi(server, key=keys["nashville"])
        sha = (await _file(http_agent, fid))["sha256"]
        for query, variables in ((START, {"id": fid}), (COMPLETE, {"id": fid, "sha": sha})):
            error = await _refused(other, query, variables)
            assert error["extensions"]["code"] == "FORBIDDEN" and "only that site's agent" in error["message"], error
        assert (await agent.gql(START, {"id": fid}))["startTransfer"]["state"] == "TRANSFERRING"
        error = await _refused(other, COMPLETE, {"id": fid, "sha": sha})
        assert error["extensions"]["code"] == "FORBIDDEN", error

        error = await _refused(agent, COMPLETE, {"id": fid, "sha": None})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "sha256"}, error
        assert (await _file(http_agent, fid))["state"] == "TRANSFERRING"
        done = (await agent.gql(COMPLETE, {"id": fid, "sha": sha.upper()}))["completeTransfer"]
        assert done["state"] == "TRANSFERRED"


async def test_the_global_daemon_key_is_every_sites_agent(server: Server, db: SessionFactory) -> None:
    fid = await file_in_state(db, "QUEUED", destination="dallas")
    async with Api(server.url, api_key=GLOBAL_KEY) as agent:
        sha = (await _file(agent, fid))["sha256"]
        await agent.gql(START, {"id": fid})
        assert (await agent.gql(COMPLETE, {"id": fid, "sha": sha}))["completeTransfer"]["state"] == "TRANSFERRED"


async def test_an_external_completion_must_carry_the_matching_hash(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    """Tustin runs --metadata-only: its files move outside the hub and a person may drive the job, but only
    with the file's SHA-256 in hand."""
    engineer = await _person(server, db, Role.ENGINEER)
    async with engineer, Api(server.url, api_key=keys["tustin"]) as tustin:
        await tustin.gql(BEAT, {"m": True})
        content = await reported(server, keys["tustin"], tmp_path, 4096)
        await queue_to(db, content.file_id, "nashville")
        fid = content.file_id
        queued = await _file(engineer, fid)
        assert [t["transport"] for t in queued["transfers"]] == ["EXTERNAL"]
        assert "START_TRANSFER" in queued["allowedActions"], queued
        await engineer.gql(START, {"id": fid})

        missing = await _refused(engineer, COMPLETE, {"id": fid, "sha": None})
        assert missing["extensions"] == {"code": "BAD_USER_INPUT", "field": "sha256"}, missing
        state = await _file(engineer, fid)
        assert state["state"] == "TRANSFERRING" and [t["status"] for t in state["transfers"]] == ["RUNNING"]

        wrong = random_sha()
        failed = (await engineer.gql(COMPLETE, {"id": fid, "sha": wrong}))["completeTransfer"]
        assert failed["state"] == "QUEUED"
        [job] = (
            await engineer.gql("query($id: ID!) { file(id: $id) { transfers { id status error } } }", {"id": fid})
        )["file"]["transfers"]
        assert job["status"] == "FAILED" and f"expected {content.sha256}, received {wrong}" in job["error"], job

        await engineer.gql(RETRY, {"id": job["id"]})
        await engineer.gql(START, {"id": fid})
        done = (await engineer.gql(COMPLETE, {"id": fid, "sha": content.sha256}))["completeTransfer"]
        assert done["state"] == "TRANSFERRED"
        trail = await engineer.gql("query($id: ID!) { file(id: $id) { auditTrail { action details } } }", {"id": fid})
        [completed] = [a for a in trail["file"]["auditTrail"] if a["action"] == "COMPLETE_TRANSFER"]
        assert completed["details"]["verified"] is True and completed["details"]["sha256"] == content.sha256


async def test_allowed_actions_of_a_transfer_per_viewer(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    fid = await file_in_state(db, "QUEUED")
    viewers = {role: await _person(server, db, role) for role in Role}
    agents = {"nashville": keys["nashville"], "global": GLOBAL_KEY}
    agent_apis = {name: Api(server.url, api_key=key) for name, key in agents.items()}

    async def seen() -> dict[str, tuple[list[str], list[str]]]:
        out: dict[str, tuple[list[str], list[str]]] = {}
        for name, api in [*((r.value, a) for r, a in viewers.items()), *agent_apis.items()]:
            file = await _file(api, fid)
            out[name] = (file["transfers"][-1]["allowedActions"], file["allowedActions"])
        return out

    try:
        assert await seen() == {
            "ADMIN": (["CANCEL"], ["REROUTE", "REJECT"]),
            "ENGINEER": (["CANCEL"], ["REROUTE", "REJECT"]),
            "COLORIST": ([], []),
            "READONLY": ([], []),
            "nashville": (["START"], ["START_TRANSFER"]),
            "global": (["START"], ["START_TRANSFER"]),
        }
        await agent_apis["nashville"].gql(START, {"id": fid})
        assert await seen() == {
            "ADMIN": (["FAIL", "CANCEL"], ["FAIL_TRANSFER", "CANCEL_TRANSFER", "REJECT"]),
            "ENGINEER": (["FAIL", "CANCEL"], ["FAIL_TRANSFER", "CANCEL_TRANSFER", "REJECT"]),
            "COLORIST": ([], []),
            "READONLY": ([], []),
            "nashville": (["COMPLETE", "FAIL"], ["COMPLETE_TRANSFER", "FAIL_TRANSFER"]),
            "global": (["COMPLETE", "FAIL"], ["COMPLETE_TRANSFER", "FAIL_TRANSFER"]),
        }
        job = (await _file(agent_apis["global"], fid))["transfers"][-1]
        await viewers[Role.ENGINEER].gql(FAIL, {"id": job["id"]})
        after = await seen()
        assert after["ENGINEER"][0] == after["ADMIN"][0] == ["RETRY"]
        assert after["nashville"][0] == after["global"][0] == after["COLORIST"][0] == []
    finally:
        for api in [*viewers.values(), *agent_apis.values()]:
            await api.http.aclose()


async def test_people_cancel_a_running_hub_transfer_and_its_agent_is_told(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    fid = await file_in_state(db, "QUEUED")
    engineer = await _person(server, db, Role.ENGINEER)
    colorist = await _person(server, db, Role.COLORIST)
    async with engineer, colorist, Api(server.url, api_key=keys["nashville"]) as agent:
        sha = (await _file(agent, fid))["sha256"]
        await agent.gql(START, {"id": fid})
        [job] = (await _file(agent, fid))["transfers"]
        for refused_caller in (agent, colorist):
            error = await _refused(refused_caller, CANCEL, {"id": job["id"]})
            assert error["extensions"]["code"] == "FORBIDDEN", error
        cancelled = (await engineer.gql(CANCEL, {"id": job["id"]}))["cancelTransfer"]
        assert cancelled["status"] == "CANCELLED" and cancelled["error"].endswith(": wrong reel"), cancelled
        file = await _file(engineer, fid)
        assert file["state"] == "QUEUED" and file["transfers"][-1]["allowedActions"] == ["RETRY"]
        # The agent's late calls are refused as stale, and it may not restart what a person stopped.
        for query, variables in ((COMPLETE, {"id": fid, "sha": sha}), (START, {"id": fid})):
            error = await _refused(agent, query, variables)
            assert error["extensions"]["code"] == "INVALID_TRANSITION", error
        trail = await engineer.gql("query($id: ID!) { file(id: $id) { auditTrail { action toState } } }", {"id": fid})
        assert trail["file"]["auditTrail"][-1] == {"action": "CANCEL_TRANSFER", "toState": "QUEUED"}
        await engineer.gql(RETRY, {"id": job["id"]})
        await agent.gql(START, {"id": fid})
        assert (await agent.gql(COMPLETE, {"id": fid, "sha": sha}))["completeTransfer"]["state"] == "TRANSFERRED"
