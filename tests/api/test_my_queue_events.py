"""``myQueueEvents`` over real WebSockets: a colorist hears of work assigned to them (and taken away or handed
back), never of another colorist's; the stream resumes from a cursor, a daemon key has no queue, and like every
subscription it ends when the identity loses its standing."""

from __future__ import annotations

import time
from typing import Any

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.api.test_revocation import PROMPTLY, Socket, ended_unauthenticated, socket
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, file_in_state, make_user, subscribed

EVENTS = """
subscription MyQueueEvents($after: String) { myQueueEvents(after: $after) {
  cursor action fromState toState actor file { id state colorist { username } } } }
"""
ASSIGN = "mutation($id: ID!, $c: ID!) { assignColorist(id: $id, coloristId: $c) { id } }"
HAND_BACK = "mutation($id: ID!, $r: String!) { handBackFile(id: $id, reason: $r) { id } }"


def _events(sock: Socket, op_id: str) -> list[dict[str, Any]]:
    return [m["payload"]["data"]["myQueueEvents"] for m in sock.of(op_id) if m["type"] == "next"]


async def _until_events(sock: Socket, op_id: str, n: int) -> list[dict[str, Any]]:
    await sock.until(lambda: len(_events(sock, op_id)) >= n or sock.closed.is_set(), within=30)
    return _events(sock, op_id)


def _seen(events: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(e["action"], e["file"]["id"], (e["file"]["colorist"] or {}).get("username")) for e in events]


async def test_a_colorist_hears_of_her_own_assignments_only(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    dora = await make_user(db, "dora", Role.COLORIST, "nashville")
    await make_user(db, "eddie", Role.ENGINEER)
    others, reassigned, handed = [await file_in_state(db, "TRANSFERRED") for _ in range(3)]
    async with Api(server.url) as c, Api(server.url) as eng:
        await c.login("carla")
        await eng.login("eddie")
        async with socket(server.url, cookie=c.http.cookies.get("colorroute_session")) as sock:
            await sock.send("live", EVENTS)
            await subscribed(server.app, 1)
            await eng.gql(ASSIGN, {"id": others, "c": str(dora)})  # someone else's work: not a word
            steps = [
                (eng, ASSIGN, {"id": reassigned, "c": str(carla)}, ("ASSIGN", reassigned, "carla")),
                (eng, ASSIGN, {"id": reassigned, "c": str(dora)}, ("ASSIGN", reassigned, "dora")),  # taken away
                (eng, ASSIGN, {"id": handed, "c": str(carla)}, ("ASSIGN", handed, "carla")),
                (c, HAND_BACK, {"id": handed, "r": "needs a new LUT"}, ("HAND_BACK", handed, None)),
            ]
            for n, (api, mutation, variables, expected) in enumerate(steps, start=1):
                await api.gql(mutation, variables)
                events = await _until_events(sock, "live", n)
                assert _seen(events)[-1] == expected, _seen(events)
            assert len(events) == 4
            back = events[-1]
            assert (back["fromState"], back["toState"], back["actor"]) == ("COLORIST_ASSIGNED", "TRANSFERRED", "carla")
            cursors = [int(e["cursor"]) for e in events]
            assert cursors == sorted(cursors)

            # Resumed from the first cursor: exactly what came after it, in order (the replay filters the same way).
            await sock.send("resumed", EVENTS, {"after": events[0]["cursor"]})
            replayed = await _until_events(sock, "resumed", 3)
            assert [e["cursor"] for e in replayed] == [e["cursor"] for e in events[1:]]


async def test_a_daemon_key_has_no_queue_to_follow(server: Server) -> None:
    async with socket(server.url, api_key=GLOBAL_KEY) as sock:
        await sock.send("live", EVENTS)
        answer = await sock.result("live")
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_subscription_ends_when_the_colorist_is_deactivated(server: Server, db: SessionFactory) -> None:
    carla = await make_user(db, "carla", Role.COLORIST, "nashville")
    await make_user(db, "root", Role.ADMIN)
    fid = await file_in_state(db, "TRANSFERRED")
    async with Api(server.url) as c, Api(server.url) as admin:
        await c.login("carla")
        await admin.login("root")
        async with socket(server.url, cookie=c.http.cookies.get("colorroute_session")) as sock:
            await sock.send("live", EVENTS)
            await subscribed(server.app, 1)
            await admin.gql(ASSIGN, {"id": fid, "c": str(carla)})
            assert _seen(await _until_events(sock, "live", 1)) == [("ASSIGN", fid, "carla")]

            started = time.monotonic()
            await admin.gql("mutation($id: ID!) { updateUser(id: $id, input: {active: false}) { id } }", {"id": carla})
            await sock.until(lambda: ended_unauthenticated(sock) and sock.closed.is_set(), within=PROMPTLY + 5)
            assert time.monotonic() - started < PROMPTLY
            assert sock.closed_with == 4401
