"""Re-routing a failed or queued file to another site, through the real API: audited, the old destination's job
ended and its agent refused, a fresh job for the new site that its agent can claim; refusals with precise codes
that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, file_in_state, make_user, random_sha

REROUTE = """mutation($id: ID!, $to: String!, $why: String!) {
  rerouteFile(id: $id, destinationSite: $to, reason: $why) {
    id state version destinationSite { code } transfers { id status error destinationSite { code } } } }"""
FILE = """query($id: ID!) { file(id: $id) { state version allowedActions destinationSite { code }
  transfers { id status destinationSite { code } allowedActions }
  auditTrail { action actor fromState toState details } } }"""
START = "mutation($id: ID!) { startTransfer(id: $id) { id state transfers { id status destinationSite { code } } } }"
PROGRESS = """mutation($id: ID!, $b: BigInt!) {
  reportTransferProgress(transferId: $id, bytesTransferred: $b) { id } }"""
FAIL = 'mutation($id: ID!) { failTransfer(transferId: $id, error: "wrong destination") { id status } }'


async def _person(server: Server, db: SessionFactory, role: Role) -> Api:
    name = f"{role.value.lower()}-{random_sha()[:6]}"
    await make_user(db, name, role, "nashville" if role is Role.COLORIST else None)
    api = Api(server.url)
    await api.login(name)
    return api


async def _file(api: Api, file_id: str) -> dict[str, Any]:
    return dict((await api.gql(FILE, {"id": file_id}))["file"])


async def _refused(api: Api, variables: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(GraphQLFailure) as refused:
        await api.gql(REROUTE, variables)
    return dict(refused.value.errors[0].get("extensions", {}))


async def _old_agent_is_refused(old: Api, file_id: str, old_job: str) -> None:
    """The old destination's agent can no longer act: not on the old job, not on the file."""
    with pytest.raises(GraphQLFailure) as progress:
        await old.gql(PROGRESS, {"id": old_job, "b": 10})
    assert progress.value.code == "INVALID_TRANSITION"
    with pytest.raises(GraphQLFailure) as fail:
        await old.gql(FAIL, {"id": old_job})
    assert fail.value.code == "INVALID_TRANSITION"
    with pytest.raises(GraphQLFailure) as start:
        await old.gql(START, {"id": file_id})
    assert start.value.code == "FORBIDDEN", "the file is no longer bound for its site"


async def test_a_transfer_failed_for_the_wrong_destination_is_rerouted_and_the_new_site_claims_it(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    fid = await file_in_state(db, "QUEUED")  # bound for nashville
    engineer = await _person(server, db, Role.ENGINEER)
    async with (
        engineer,
        Api(server.url, api_key=keys["nashville"]) as nashville,
        Api(server.url, api_key=keys["dallas"]) as dallas,
    ):
        old_job = (await nashville.gql(START, {"id": fid}))["startTransfer"]["transfers"][-1]["id"]
        await nashville.gql(FAIL, {"id": old_job})
        before = await _file(engineer, fid)
        assert before["state"] == "QUEUED" and "REROUTE" in before["allowedActions"]
        assert [t["allowedActions"] for t in before["transfers"]] == [["RETRY"]]

        node = (await engineer.gql(REROUTE, {"id": fid, "to": "dallas", "why": "graded in Dallas"}))["rerouteFile"]
        assert node["state"] == "QUEUED" and node["version"] == before["version"] + 1
        assert node["destinationSite"]["code"] == "dallas"
        [old, new] = node["transfers"]
        assert (old["id"], old["status"], old["destinationSite"]["code"]) == (old_job, "FAILED", "nashville")
        assert old["error"] == "wrong destination", "the failed job is kept as it was"
        assert (new["status"], new["destinationSite"]["code"]) == ("PENDING", "dallas")

        after = await _file(engineer, fid)
        entry = after["auditTrail"][-1]
        assert (entry["action"], entry["fromState"], entry["toState"]) == ("REROUTE", "QUEUED", "QUEUED")
        assert entry["actor"].startswith("engineer-")
        assert entry["details"]["fromSite"] == "nashville" and entry["details"]["toSite"] == "dallas"
        assert entry["details"]["reason"] == "graded in Dallas"
        assert entry["details"]["previousTransferId"] == old_job and entry["details"]["cancelledTransferId"] is None
        assert entry["details"]["transferId"] == new["id"]
        assert [t["allowedActions"] for t in after["transfers"]] == [[], ["CANCEL"]], "only the latest is retryable"

        await _old_agent_is_refused(nashville, fid, old_job)
        claimed = (await dallas.gql(START, {"id": fid}))["startTransfer"]
        assert claimed["state"] == "TRANSFERRING"
        assert [(t["id"], t["status"]) for t in claimed["transfers"]] == [(old_job, "FAILED"), (new["id"], "RUNNING")]


async def test_a_queued_file_is_rerouted_its_waiting_job_cancelled(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    fid = await file_in_state(db, "QUEUED")
    admin = await _person(server, db, Role.ADMIN)
    async with admin, Api(server.url, api_key=keys["nashville"]) as nashville:
        [pending] = (await _file(admin, fid))["transfers"]
        node = (await admin.gql(REROUTE, {"id": fid, "to": "DALLAS", "why": "Nashville is full"}))["rerouteFile"]
        [old, new] = node["transfers"]
        assert (old["id"], old["status"]) == (pending["id"], "CANCELLED")
        assert old["error"].startswith("re-routed to dallas by admin-") and old["error"].endswith(": Nashville is full")
        assert (new["status"], new["destinationSite"]["code"]) == ("PENDING", "dallas")
        entry = (await _file(admin, fid))["auditTrail"][-1]
        assert entry["action"] == "REROUTE" and entry["details"]["cancelledTransferId"] == pending["id"]
        await _old_agent_is_refused(nashville, fid, pending["id"])
        # ...and back again is a re-route like any other.
        back = (await admin.gql(REROUTE, {"id": fid, "to": "nashville", "why": "space freed"}))["rerouteFile"]
        assert [t["status"] for t in back["transfers"]] == ["CANCELLED", "CANCELLED", "PENDING"]
        assert back["destinationSite"]["code"] == "nashville"


async def test_refusals_have_precise_codes_and_change_nothing(
    server: Server, db: SessionFactory, keys: dict[str, str]
) -> None:
    queued = await file_in_state(db, "QUEUED")
    running = await file_in_state(db, "TRANSFERRING")
    arrived = await file_in_state(db, "TRANSFERRED")
    validated = await file_in_state(db, "VALIDATED")
    engineer = await _person(server, db, Role.ENGINEER)
    colorist = await _person(server, db, Role.COLORIST)
    viewer = await _person(server, db, Role.READONLY)
    async with engineer, colorist, viewer, Api(server.url, api_key=keys["nashville"]) as agent:
        before = {f: await _file(engineer, f) for f in (queued, running, arrived, validated)}
        ok = {"id": queued, "to": "dallas", "why": "because"}
        cases: list[tuple[Api, dict[str, Any], str, str | None]] = [
            (engineer, {**ok, "to": "atlanta"}, "NOT_FOUND", "destinationSite"),
            (engineer, {**ok, "to": "nashville"}, "BAD_USER_INPUT", "destinationSite"),  # where it goes already
            (engineer, {**ok, "to": "tustin"}, "BAD_USER_INPUT", "destinationSite"),  # its own site
            (engineer, {**ok, "why": "  "}, "BAD_USER_INPUT", "reason"),
            (engineer, {**ok, "id": running}, "INVALID_TRANSITION", None),  # cancel the running transfer first
            (engineer, {**ok, "id": arrived}, "INVALID_TRANSITION", None),
            (engineer, {**ok, "id": validated}, "INVALID_TRANSITION", None),  # not queued yet: queueFile
            (engineer, {**ok, "id": "999999"}, "NOT_FOUND", None),
            (colorist, ok, "FORBIDDEN", None),
            (viewer, ok, "FORBIDDEN", None),
            (agent, ok, "FORBIDDEN", None),
        ]
        for api, variables, code, field in cases:
            extensions = await _refused(api, variables)
            assert extensions.get("code") == code, (variables, extensions)
            if field is not None:
                assert extensions.get("field") == field, (variables, extensions)
        for f, was in before.items():
            assert await _file(engineer, f) == was, "a refused re-route changes nothing"
        assert "REROUTE" not in (await _file(colorist, queued))["allowedActions"]
        assert "REROUTE" not in before[running]["allowedActions"]
