"""Routing rules drive files with no human action, and every automatic step names its rule."""

from __future__ import annotations

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, file_in_state, make_user, random_sha, report

RULE = """
mutation($i: RoutingRuleInput!){ createRoutingRule(input:$i){ id name priority sourceSite { code }
  destinationSite { code } autoAssign } }
"""
TOWARD_NASHVILLE = {
    "name": "tustin-mov-to-nashville",
    "priority": 10,
    "sourceSite": "tustin",
    "pattern": "*.mov",
    "destinationSite": "nashville",
    "autoValidate": True,
    "autoQueue": True,
    "autoAssign": "LEAST_LOADED",
}


async def _busy(db: SessionFactory, colorist_id: int, n: int) -> None:
    """Give a colorist n files in COLORIST_ASSIGNED, the honest way (through the lifecycle)."""
    for _ in range(n):
        await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=colorist_id, site="dallas")


async def test_rule_takes_a_tustin_mov_to_the_least_loaded_nashville_colorist(
    server: Server, db: SessionFactory
) -> None:
    await make_user(db, "eng", Role.ENGINEER)
    busy = await make_user(db, "busy", Role.COLORIST, "nashville")
    await make_user(db, "idle", Role.COLORIST, "nashville")
    await make_user(db, "elsewhere", Role.COLORIST, "dallas")
    await _busy(db, busy, 2)
    async with Api(server.url) as eng, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await eng.login("eng")
        created = await eng.gql(RULE, {"i": TOWARD_NASHVILLE})
        assert created["createRoutingRule"]["destinationSite"] == {"code": "nashville"}
        sim = await eng.gql(
            '{ simulateRouting(site:"tustin", path:"A/x.MOV"){ matched ruleName destinationSite '
            "wouldAssignTo { username } } }"
        )
        assert sim["simulateRouting"] == {
            "matched": True,
            "ruleName": "tustin-mov-to-nashville",
            "destinationSite": "nashville",
            "wouldAssignTo": {"username": "idle"},
        }

        sha = random_sha()
        file = await report(daemon, path="A001/A001_C001.mov", sha=sha)
        assert file["state"] == "QUEUED"  # validated and queued by the rule, no human involved
        # The destination's agent moves the bytes (here: the same calls the transfer agent makes).
        await daemon.gql("mutation($id:ID!){ startTransfer(id:$id){ id } }", {"id": file["id"]})
        done = await daemon.gql(
            "mutation($id:ID!,$s:String){ completeTransfer(id:$id, sha256:$s){ state colorist { username } } }",
            {"id": file["id"], "s": sha},
        )
        assert done["completeTransfer"] == {"state": "COLORIST_ASSIGNED", "colorist": {"username": "idle"}}
        trail = await eng.gql("query($id:ID!){ file(id:$id){ auditTrail { action actor } } }", {"id": file["id"]})
    steps = {(a["action"], a["actor"]) for a in trail["file"]["auditTrail"]}
    rule_actor = "routing:tustin-mov-to-nashville"
    assert {("VALIDATE", rule_actor), ("QUEUE", rule_actor), ("ASSIGN", rule_actor)} <= steps


async def test_files_no_rule_matches_wait_for_a_human(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eng", Role.ENGINEER)
    async with Api(server.url) as eng, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await eng.login("eng")
        await eng.gql(RULE, {"i": TOWARD_NASHVILLE})
        mxf = await report(daemon, path="A/clip.mxf")
        dallas = await report(daemon, path="A/clip.mov", site="dallas")
        assert mxf["state"] == dallas["state"] == "DETECTED"
        # queueFile without a destination uses the rules; with none matching it says so.
        await eng.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": mxf["id"]})
        with pytest.raises(GraphQLFailure) as info:
            await eng.gql("mutation($id:ID!){ queueFile(id:$id){ id } }", {"id": mxf["id"]})
        assert info.value.code == "BAD_USER_INPUT"


async def test_queue_without_destination_uses_the_rule(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eng", Role.ENGINEER)
    async with Api(server.url) as eng, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await eng.login("eng")
        await eng.gql(RULE, {"i": {**TOWARD_NASHVILLE, "autoValidate": False, "autoQueue": False}})
        f = await report(daemon, path="B/clip.mov")
        assert f["state"] == "DETECTED"
        await eng.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": f["id"]})
        q = await eng.gql("mutation($id:ID!){ queueFile(id:$id){ state destinationSite { code } } }", {"id": f["id"]})
        assert q["queueFile"] == {"state": "QUEUED", "destinationSite": {"code": "nashville"}}


async def test_rule_administration(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eng", Role.ENGINEER)
    await make_user(db, "ro", Role.READONLY)
    async with Api(server.url) as eng, Api(server.url) as ro:
        await eng.login("eng")
        await ro.login("ro")
        a = (await eng.gql(RULE, {"i": {**TOWARD_NASHVILLE, "name": "a"}}))["createRoutingRule"]
        b = (await eng.gql(RULE, {"i": {**TOWARD_NASHVILLE, "name": "b", "priority": 5}}))["createRoutingRule"]
        names = [r["name"] for r in (await eng.gql("{ routingRules { name } }"))["routingRules"]]
        assert names == ["b", "a"]
        await eng.gql("mutation($ids:[ID!]!){ reorderRoutingRules(ids:$ids){ id } }", {"ids": [a["id"], b["id"]]})
        names = [r["name"] for r in (await eng.gql("{ routingRules { name priority } }"))["routingRules"]]
        assert names == ["a", "b"]
        await eng.gql(
            "mutation($id:ID!,$i:RoutingRuleInput!){ updateRoutingRule(id:$id, input:$i){ enabled } }",
            {"id": a["id"], "i": {**TOWARD_NASHVILLE, "name": "a", "enabled": False}},
        )
        sim = await eng.gql('{ simulateRouting(site:"tustin", path:"x.mov"){ ruleName } }')
        assert sim["simulateRouting"]["ruleName"] == "b"
        for bad in (
            {"autoQueue": True, "destinationSite": None},
            {"sourceSite": "nashville"},
            {"destinationSite": "atlantis"},
        ):
            with pytest.raises(GraphQLFailure) as info:
                await eng.gql(RULE, {"i": {**TOWARD_NASHVILLE, "name": "bad", **bad}})
            assert info.value.code == "BAD_USER_INPUT"
        with pytest.raises(GraphQLFailure) as info:
            await ro.gql(RULE, {"i": {**TOWARD_NASHVILLE, "name": "ro-rule"}})
        assert info.value.code == "FORBIDDEN"
        assert (await eng.gql("mutation($id:ID!){ deleteRoutingRule(id:$id) }", {"id": b["id"]}))["deleteRoutingRule"]
        assert [r["name"] for r in (await eng.gql("{ routingRules { name } }"))["routingRules"]] == ["a"]
