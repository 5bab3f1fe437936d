"""A colorist's own queue through the real API: ``myQueue`` read from the session (never from an argument), the
agent's ``deliveredPath``, and ``handBackFile`` — refusals with their codes over HTTP and over a WebSocket, the
audit entry with its reason, the event and the webhook a step back fires like any transition."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Role
from app.services import lifecycle
from app.services.webhooks import dispatch_once
from tests.api.test_revocation import socket
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, file_in_state, make_user, on_loopback

QUEUE = """
query MyQueue { myQueue { totalCount edges { node { id state filename deliveredPath colorist { username }
  media { codec } kind } } } }
"""
HAND_BACK = """
mutation($id: ID!, $reason: String!, $v: Int) { handBackFile(id: $id, reason: $reason, expectedVersion: $v) {
  id state version colorist { username } allowedActions } }
"""
FILE = """
query($id: ID!) { file(id: $id) { state version colorist { username } allowedActions deliveredPath
  transfers { status deliveredPath } auditTrail { action actor fromState toState details } } }
"""
COMPLETE = """
mutation($id: ID!, $sha: String, $path: String) { completeTransfer(id: $id, sha256: $sha, deliveredPath: $path) {
  id state deliveredPath } }
"""
PLACED = "/mnt/nashville/incoming/A001/placed.mov"


async def _signed_in(server: Server, username: str) -> Api:
    api = Api(server.url)
    await api.login(username)
    return api


def _ids(data: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in data["myQueue"]["edges"]]


async def test_each_colorist_sees_only_their_own_queue(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    dora = await make_user(db, "dora", Role.COLORIST, "nashville")
    await make_user(db, "eddie", Role.ENGINEER)
    assigned = await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=carla)
    grading = await file_in_state(db, "IN_PROGRESS", colorist_id=carla)
    doras = await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=dora)
    await file_in_state(db, "TRANSFERRED")  # nobody's yet
    async with (
        await _signed_in(server, "carla") as c,
        await _signed_in(server, "dora") as d,
        await _signed_in(server, "eddie") as eng,
    ):
        mine = await c.gql(QUEUE)
        assert _ids(mine) == [grading, assigned] and mine["myQueue"]["totalCount"] == 2
        assert {e["node"]["colorist"]["username"] for e in mine["myQueue"]["edges"]} == {"carla"}
        assert _ids(await d.gql(QUEUE)) == [doras]
        # Nothing is ever assigned to an engineer; they see a colorist's queue through the files filter.
        assert _ids(await eng.gql(QUEUE)) == []
        theirs = await eng.gql(
            "query($c: ID!) { files(filter: {coloristId: $c, states: [COLORIST_ASSIGNED, IN_PROGRESS]}) {"
            " edges { node { id } } } }",
            {"c": str(carla)},
        )
        assert [e["node"]["id"] for e in theirs["files"]["edges"]] == [grading, assigned]
        # There is no argument to name somebody else's queue: a forged one does not validate.
        with pytest.raises(GraphQLFailure) as forged:
            await c.gql("query($c: ID!) { myQueue(coloristId: $c) { totalCount } }", {"c": str(dora)})
        assert forged.value.code == "GRAPHQL_VALIDATION_FAILED"
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        with pytest.raises(GraphQLFailure) as keyed:
            await daemon.gql(QUEUE)
        assert keyed.value.code == "FORBIDDEN"
    async with Api(server.url) as anonymous:
        with pytest.raises(GraphQLFailure) as nobody:
            await anonymous.gql(QUEUE)
        assert nobody.value.code == "UNAUTHENTICATED"


async def test_the_agents_delivered_path_is_where_the_queue_says_the_file_is(
    server: Server, db: SessionFactory
) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "TRANSFERRING")
    async with Api(server.url, api_key=GLOBAL_KEY) as agent, await _signed_in(server, "carla") as c:
        sha = (await agent.gql("query($id: ID!) { file(id: $id) { sha256 } }", {"id": fid}))["file"]["sha256"]
        for bad in ("   ", "/mnt/x\n.mov", "/" + "a" * 4096):
            with pytest.raises(GraphQLFailure) as refused:
                await agent.gql(COMPLETE, {"id": fid, "sha": sha, "path": bad})
            assert refused.value.code == "BAD_USER_INPUT"
            assert refused.value.errors[0]["extensions"]["field"] == "deliveredPath"
        assert (await c.gql(FILE, {"id": fid}))["file"]["state"] == "TRANSFERRING"  # nothing half-applied

        done = (await agent.gql(COMPLETE, {"id": fid, "sha": sha, "path": PLACED}))["completeTransfer"]
        assert (done["state"], done["deliveredPath"]) == ("TRANSFERRED", PLACED)
        await lifecycle.assign_colorist(db, SYSTEM, fid, str(carla))
        file = (await c.gql(FILE, {"id": fid}))["file"]
        assert file["transfers"] == [{"status": "COMPLETED", "deliveredPath": PLACED}]
        assert file["auditTrail"][-2]["details"]["deliveredPath"] == PLACED
        [node] = [e["node"] for e in (await c.gql(QUEUE))["myQueue"]["edges"]]
        assert (node["id"], node["deliveredPath"], node["state"]) == (fid, PLACED, "COLORIST_ASSIGNED")


async def test_hand_back_needs_the_assigned_colorist_and_a_reason(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    await make_user(db, "dora", Role.COLORIST, "nashville")
    await make_user(db, "rita", Role.READONLY)
    fid = await file_in_state(db, "IN_PROGRESS", colorist_id=carla)
    async with (
        await _signed_in(server, "carla") as c,
        await _signed_in(server, "dora") as d,
        await _signed_in(server, "rita") as r,
    ):
        before = (await c.gql(FILE, {"id": fid}))["file"]
        assert "HAND_BACK" in before["allowedActions"]
        assert "HAND_BACK" not in (await d.gql(FILE, {"id": fid}))["file"]["allowedActions"]
        for api, reason, code in [(d, "not mine", "FORBIDDEN"), (r, "no", "FORBIDDEN"), (c, "  ", "BAD_USER_INPUT")]:
            with pytest.raises(GraphQLFailure) as refused:
                await api.gql(HAND_BACK, {"id": fid, "reason": reason})
            assert refused.value.code == code
        assert (await c.gql(FILE, {"id": fid}))["file"] == before  # every refusal changed nothing

        with pytest.raises(GraphQLFailure) as stale:
            await c.gql(HAND_BACK, {"id": fid, "reason": "wrong grade", "v": before["version"] - 1})
        assert stale.value.code == "CONFLICT"

        back = (await c.gql(HAND_BACK, {"id": fid, "reason": "  LUT missing for this camera  "}))["handBackFile"]
        assert (back["state"], back["colorist"], back["version"]) == ("TRANSFERRED", None, before["version"] + 1)
        assert back["allowedActions"] == []  # no longer hers to act on
        assert (await c.gql(QUEUE))["myQueue"]["totalCount"] == 0
        entry = (await c.gql(FILE, {"id": fid}))["file"]["auditTrail"][-1]
        assert (entry["action"], entry["actor"], entry["fromState"], entry["toState"]) == (
            "HAND_BACK",
            "carla",
            "IN_PROGRESS",
            "TRANSFERRED",
        )
        assert entry["details"] == {
            "reason": "LUT missing for this camera",
            "previousColoristId": carla,
            "colorist": "carla",
        }

        # Handed back is not final: it can be assigned again, and handing back a TRANSFERRED file is refused.
        with pytest.raises(GraphQLFailure) as again:
            await c.gql(HAND_BACK, {"id": fid, "reason": "twice"})
        assert again.value.code == "FORBIDDEN"  # she is no longer its colorist


async def test_engineers_may_hand_back_and_a_transferred_file_cannot_be(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    await make_user(db, "eddie", Role.ENGINEER)
    assigned = await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=carla)
    waiting = await file_in_state(db, "TRANSFERRED")
    async with await _signed_in(server, "eddie") as eng:
        back = (await eng.gql(HAND_BACK, {"id": assigned, "reason": "carla is out sick"}))["handBackFile"]
        assert (back["state"], back["colorist"]) == ("TRANSFERRED", None)
        assert "ASSIGN" in back["allowedActions"]
        with pytest.raises(GraphQLFailure) as refused:
            await eng.gql(HAND_BACK, {"id": waiting, "reason": "nothing to give back"})
        assert refused.value.code == "INVALID_TRANSITION"
        assert refused.value.errors[0]["extensions"]["currentState"] == "TRANSFERRED"
        with pytest.raises(GraphQLFailure) as missing:
            await eng.gql(HAND_BACK, {"id": "99999999", "reason": "gone"})
        assert missing.value.code == "NOT_FOUND"


async def test_hand_back_refusals_over_a_websocket(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    await make_user(db, "dora", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "COLORIST_ASSIGNED", colorist_id=carla)
    async with await _signed_in(server, "carla") as c, await _signed_in(server, "dora") as d:
        async with (
            socket(server.url, cookie=c.http.cookies.get("colorroute_session")) as mine,
            socket(server.url, cookie=d.http.cookies.get("colorroute_session")) as theirs,
        ):
            await theirs.send("forbidden", HAND_BACK, {"id": fid, "reason": "not mine"})
            answer = await theirs.result("forbidden")
            assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN" and not answer.get("data")
            await mine.send("blank", HAND_BACK, {"id": fid, "reason": ""})
            answer = await mine.result("blank")
            assert answer["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "reason"}
            await mine.send("ok", HAND_BACK, {"id": fid, "reason": "needs a conform first"})
            back = (await mine.result("ok"))["data"]["handBackFile"]
            assert (back["state"], back["colorist"]) == ("TRANSFERRED", None)
            await theirs.send("queue", QUEUE)
            assert (await theirs.result("queue"))["data"]["myQueue"]["totalCount"] == 0


async def test_a_hand_back_fires_the_state_changed_webhook(server: Server, db: SessionFactory) -> None:
    got: list[dict[str, Any]] = []

    async def endpoint(request: Request) -> Response:
        got.append(json.loads(await request.body()))
        return JSONResponse({"ok": True})

    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    await make_user(db, "root", Role.ADMIN)
    fid = await file_in_state(db, "IN_PROGRESS", colorist_id=carla)
    async with on_loopback(Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])) as url:
        async with await _signed_in(server, "root") as admin, await _signed_in(server, "carla") as c:
            await admin.gql(
                "mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id } }",
                {"i": {"url": url + "/hook", "secret": "integrator-secret-123456", "topics": ["file.state_changed"]}},
            )
            await c.gql(HAND_BACK, {"id": fid, "reason": "wrong reel"})
            settings = server.settings.model_copy(update={"mam_backoff_seconds": 0.01, "mam_retries": 1})
            assert await dispatch_once(server.app.state.db, settings) >= 1  # type: ignore[attr-defined]
    [hook] = [g["data"] for g in got if g["data"]["action"] == "HAND_BACK"]
    assert hook["fileId"] == int(fid) and (hook["fromState"], hook["toState"]) == ("IN_PROGRESS", "TRANSFERRED")
    assert hook["actor"] == "carla" and hook["destinationSite"] == "nashville"
