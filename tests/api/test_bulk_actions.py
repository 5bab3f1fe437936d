"""``bulkFileAction`` through the real API: per-file outcomes with codes, one audit row per changed file,
permission per file, ids XOR filter and the cap."""

from __future__ import annotations

from typing import Any

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.main import create_app
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, file_in_state, make_user, on_loopback

BULK = """
mutation($input: BulkFileActionInput!) {
  bulkFileAction(input: $input) {
    succeeded { id state version destinationSite { code } colorist { username } rejectionReason }
    failed { fileId code message }
  }
}"""
TRAIL = "query($id: ID!){ file(id:$id){ state version auditTrail { action actor fromState toState } } }"


async def _bulk(api: Api, **input: Any) -> dict[str, Any]:
    data = await api.gql(BULK, {"input": input})
    return dict(data["bulkFileAction"])


async def _engineer(server: Server, db: SessionFactory) -> Api:
    await make_user(db, "eddie", Role.ENGINEER)
    api = Api(server.url)
    await api.login("eddie")
    return api


async def test_partial_failures_are_listed_with_codes_and_the_rest_applied(server: Server, db: SessionFactory) -> None:
    fresh = [await file_in_state(db, "DETECTED", path=f"DAY1/A00{i}.mov") for i in range(3)]
    queued = await file_in_state(db, "QUEUED", path="DAY1/Q.mov")
    async with await _engineer(server, db) as eng:
        before = (await eng.gql(TRAIL, {"id": queued}))["file"]
        result = await _bulk(eng, action="VALIDATE", ids=[*fresh[:2], queued, "99999999", "abc", fresh[2], fresh[0]])

        assert sorted(f["id"] for f in result["succeeded"]) == sorted(fresh)
        assert {f["state"] for f in result["succeeded"]} == {"VALIDATED"}
        failed = {f["fileId"]: f["code"] for f in result["failed"]}
        assert failed == {queued: "INVALID_TRANSITION", "99999999": "NOT_FOUND", "abc": "NOT_FOUND"}
        assert all(f["message"] for f in result["failed"])

        for fid in fresh:  # one audited transition per file, even for an id named twice
            trail = (await eng.gql(TRAIL, {"id": fid}))["file"]["auditTrail"]
            assert [(a["action"], a["actor"]) for a in trail] == [("REPORT", "system"), ("VALIDATE", "eddie")]
        assert (await eng.gql(TRAIL, {"id": queued}))["file"] == before


async def test_a_filter_is_resolved_on_the_server_for_queue_assign_and_reject(
    server: Server, db: SessionFactory
) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    day1 = [await file_in_state(db, "VALIDATED", path=f"DAY1/B00{i}.mov") for i in range(3)]
    other = await file_in_state(db, "VALIDATED", path="DAY2/B001.mov")
    async with await _engineer(server, db) as eng:
        result = await _bulk(
            eng,
            action="QUEUE",
            filter={"search": "DAY1/", "states": ["VALIDATED"], "siteCode": "tustin"},
            destinationSite="nashville",
        )
        assert result["failed"] == []
        assert sorted(f["id"] for f in result["succeeded"]) == sorted(day1)
        assert {f["destinationSite"]["code"] for f in result["succeeded"]} == {"nashville"}
        assert (await eng.gql(TRAIL, {"id": other}))["file"]["state"] == "VALIDATED"

        # Assigning needs a TRANSFERRED file: the QUEUED ones are each refused by the state table.
        result = await _bulk(eng, action="ASSIGN", ids=day1, coloristId=str(carla))
        assert result["succeeded"] == []
        assert {f["code"] for f in result["failed"]} == {"INVALID_TRANSITION"}

        result = await _bulk(eng, action="REJECT", filter={"search": "DAY1/"}, reason="wrong shoot day")
        assert len(result["succeeded"]) == 3 and result["failed"] == []
        assert {(f["state"], f["rejectionReason"]) for f in result["succeeded"]} == {("REJECTED", "wrong shoot day")}
        trail = (await eng.gql(TRAIL, {"id": day1[0]}))["file"]["auditTrail"]
        assert [a["action"] for a in trail] == ["REPORT", "VALIDATE", "QUEUE", "REJECT"]


async def test_permission_is_checked_per_file(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    dora = await make_user(db, "dora", Role.COLORIST, "nashville")
    mine = await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=carla)
    theirs = await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=dora)
    async with Api(server.url) as api:
        await api.login("carla")
        result = await _bulk(api, action="REJECT", ids=[mine, theirs], reason="unusable")
        assert [f["id"] for f in result["succeeded"]] == [mine]
        assert [(f["fileId"], f["code"]) for f in result["failed"]] == [(theirs, "FORBIDDEN")]
        assert (await api.gql(TRAIL, {"id": theirs}))["file"]["state"] == "COLORIST_ASSIGNED"


async def test_a_role_that_may_never_take_the_step_is_refused_once(server: Server, db: SessionFactory) -> None:
    await make_user(db, "rita", Role.READONLY)
    await make_user(db, "carla", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "DETECTED")
    for username, action in [("rita", "VALIDATE"), ("carla", "QUEUE")]:
        async with Api(server.url) as api:
            await api.login(username)
            with pytest.raises(GraphQLFailure) as refused:
                await _bulk(api, action=action, ids=[fid], destinationSite="nashville")
            assert refused.value.code == "FORBIDDEN"
            assert (await api.gql(TRAIL, {"id": fid}))["file"]["version"] == 1


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"action": "VALIDATE"}, "ids"),
        ({"action": "VALIDATE", "ids": ["1"], "filter": {}}, "ids"),
        ({"action": "ARCHIVE", "ids": ["1"]}, "action"),
        ({"action": "REJECT", "ids": ["1"], "reason": "  "}, "reason"),
        ({"action": "ASSIGN", "ids": ["1"]}, "coloristId"),
    ],
)
async def test_malformed_requests_are_refused_before_any_file_changes(
    server: Server, db: SessionFactory, input: dict[str, Any], field: str
) -> None:
    fid = await file_in_state(db, "DETECTED")
    async with await _engineer(server, db) as eng:
        with pytest.raises(GraphQLFailure) as refused:
            await eng.gql(BULK, {"input": {**input, "ids": [fid]} if "ids" in input else input})
        assert refused.value.code == "BAD_USER_INPUT"
        assert refused.value.errors[0]["extensions"].get("field") == field
        assert (await eng.gql(TRAIL, {"id": fid}))["file"]["version"] == 1


async def test_more_ids_than_the_cap_are_refused_whole(server: Server, db: SessionFactory) -> None:
    fid = await file_in_state(db, "DETECTED")
    ids = [fid, *(str(n) for n in range(10_000_000, 10_010_000))]  # 10,001 distinct ids: one over
    async with await _engineer(server, db) as eng:
        with pytest.raises(GraphQLFailure) as refused:
            await _bulk(eng, action="VALIDATE", ids=ids)
        assert refused.value.code == "BAD_USER_INPUT"
        assert refused.value.errors[0]["extensions"]["limit"] == 10_000
        assert (await eng.gql(TRAIL, {"id": fid}))["file"]["version"] == 1


async def test_a_filter_matching_more_than_the_cap_is_refused_whole(server: Server, db: SessionFactory) -> None:
    fids = [await file_in_state(db, "DETECTED", path=f"CAP/{i}.mov") for i in range(3)]
    small = create_app(server.settings.model_copy(update={"bulk_max_files": 2}), server.db_url)
    await make_user(db, "eddie", Role.ENGINEER)
    async with on_loopback(small) as url, Api(url) as eng:
        await eng.login("eddie")
        with pytest.raises(GraphQLFailure) as refused:
            await _bulk(eng, action="VALIDATE", filter={"search": "CAP/"})
        assert refused.value.code == "BAD_USER_INPUT"
        assert {(await eng.gql(TRAIL, {"id": f}))["file"]["version"] for f in fids} == {1}
        result = await _bulk(eng, action="VALIDATE", filter={"search": "CAP/1"})
        assert [f["id"] for f in result["succeeded"]] == [fids[1]]
