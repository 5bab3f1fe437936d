"""Sessions, cookies, login limits and the CSRF rules, through the real server."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from sqlalchemy import text

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, PASSWORD, WAIT, Api, GraphQLFailure, make_user, on_loopback, subscribed

ME = "{ me { username role } }"


async def test_login_sets_a_hardened_cookie_and_logout_ends_it(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url) as api:
        r = await api.http.post(
            "/graphql",
            json={
                "query": 'mutation($p:String!){ login(username:"eddie", password:$p){ id } }',
                "variables": {"p": PASSWORD},
            },
        )
        cookie = r.headers["set-cookie"].lower()
        assert "colorroute_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert "path=/" in cookie and "secure" not in cookie  # Secure only when COLORROUTE_ENV=production
        assert (await api.gql(ME))["me"] == {"username": "eddie", "role": "ENGINEER"}
        assert (await api.gql("mutation{ logout }"))["logout"] is True
        assert (await api.gql(ME))["me"] is None
        with pytest.raises(GraphQLFailure) as info:
            await api.gql("{ files { totalCount } }")
        assert info.value.code == "UNAUTHENTICATED"


async def test_wrong_password_and_unknown_user_read_the_same(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url) as api:
        errors = []
        for user in ("eddie", "nobody"):
            with pytest.raises(GraphQLFailure) as info:
                await api.login(user, "wrong password!")
            errors.append((info.value.code, info.value.errors[0]["message"]))
    assert errors[0] == errors[1] == ("UNAUTHENTICATED", "invalid username or password")


async def test_fifty_aliased_logins_cannot_buy_extra_attempts(server: Server, db: SessionFactory) -> None:
    """Attempts are counted inside the resolver, one per call. ``login`` returns ``User!`` and mutations run
    serially, so the first wrong password ends the request: fifty aliases buy exactly one attempt, and the
    limit trips after ``login_max_attempts`` requests like any others."""
    await make_user(db, "eddie", Role.ENGINEER)
    aliases = " ".join(f'a{i}: login(username:"eddie", password:"wrong-{i}-guess"){{ id }}' for i in range(50))
    limit = server.settings.login_max_attempts
    async with Api(server.url) as api:
        codes = []
        for _ in range(limit + 1):
            body = await api.raw(f"mutation {{ {aliases} }}")
            assert body["data"] is None and len(body["errors"]) == 1
            codes.append(body["errors"][0]["extensions"]["code"])
        assert codes == ["UNAUTHENTICATED"] * limit + ["RATE_LIMITED"]
        assert body["errors"][0]["extensions"]["retryAfter"] > 0
        # The right password is refused too until the window passes.
        with pytest.raises(GraphQLFailure) as info:
            await api.login("eddie")
        assert info.value.code == "RATE_LIMITED"
        assert (await api.gql(ME))["me"] is None
    async with db() as s:
        failed = await s.scalar(text("SELECT count(*) FROM audit_logs WHERE action = 'LOGIN_FAILED'"))
        limited = await s.scalar(text("SELECT count(*) FROM audit_logs WHERE action = 'LOGIN_RATE_LIMITED'"))
    assert (failed, limited) == (limit, 2)


async def test_a_hundred_character_password_works(server: Server, db: SessionFactory) -> None:
    long_password = "p" * 60 + "q" * 40
    await make_user(db, "longpw", Role.READONLY, password=long_password)
    async with Api(server.url) as api:
        with pytest.raises(GraphQLFailure):
            await api.login("longpw", "p" * 60 + "x" * 40)  # differs after byte 72: no silent truncation
        await api.login("longpw", long_password)
        assert (await api.gql(ME))["me"]["username"] == "longpw"


@pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
async def test_absolute_and_idle_expiry_end_access(server: Server, db: SessionFactory, column: str) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url) as api:
        await api.login("eddie")
        assert (await api.gql(ME))["me"] is not None
        async with db() as s, s.begin():
            await s.execute(text(f"UPDATE sessions SET {column} = now() - interval '8 days'"))
        assert (await api.gql(ME))["me"] is None


async def test_password_change_and_deactivation_end_sessions(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    uid = await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url) as admin, Api(server.url) as eddie, Api(server.url) as eddie2:
        await admin.login("admin")
        await eddie.login("eddie")
        await eddie2.login("eddie")
        await eddie.gql(
            'mutation($o:String!){ changePassword(oldPassword:$o, newPassword:"a brand new one") }', {"o": PASSWORD}
        )
        assert (await eddie2.gql(ME))["me"] is None
        await eddie2.login("eddie", "a brand new one")
        assert (await eddie2.gql(ME))["me"] is not None
        await admin.gql("mutation($id:ID!){ updateUser(id:$id, input:{active:false}){ active } }", {"id": str(uid)})
        assert (await eddie2.gql(ME))["me"] is None
        with pytest.raises(GraphQLFailure):
            await eddie2.login("eddie", "a brand new one")
        audit = await admin.gql("{ audit(first: 50) { edges { node { action actor clientAddr } } } }")
    actions = [e["node"]["action"] for e in audit["audit"]["edges"]]
    for expected in ("LOGIN", "PASSWORD_CHANGED", "USER_UPDATED", "LOGIN_FAILED"):
        assert expected in actions
    assert all(
        e["node"]["clientAddr"] == "127.0.0.1" for e in audit["audit"]["edges"] if e["node"]["action"] == "LOGIN"
    )


async def test_passwords_outside_8_to_256_are_refused(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as admin:
        await admin.login("admin")
        for pw in ("short", "x" * 257):
            with pytest.raises(GraphQLFailure) as info:
                await admin.gql(
                    'mutation($p:String!){ createUser(input:{username:"newbie", password:$p, role:READONLY}){ id } }',
                    {"p": pw},
                )
            assert info.value.code == "BAD_USER_INPUT"
        assert all(u["username"] != "newbie" for u in (await admin.gql("{ users { username } }"))["users"])


async def test_cross_origin_websocket_is_refused(server: Server) -> None:
    with pytest.raises((websockets.exceptions.InvalidStatus, websockets.exceptions.ConnectionClosed)):
        async with websockets.connect(
            server.ws_url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            origin="https://evil.example",
        ) as ws:  # type: ignore[arg-type]
            await ws.send('{"type":"connection_init","payload":{}}')
            await asyncio.wait_for(ws.recv(), WAIT)
    async with websockets.connect(
        server.ws_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=server.url,
    ) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"apiKey": GLOBAL_KEY}}))
        assert "connection_ack" in await asyncio.wait_for(ws.recv(), WAIT)


async def test_revoked_site_key_is_refused(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as admin:
        await admin.login("admin")
        issued = await admin.gql('mutation{ createApiKey(site:"dallas"){ secret apiKey { id siteCode } } }')
        secret = issued["createApiKey"]["secret"]
        async with Api(server.url, api_key=secret) as daemon:
            assert (await daemon.gql('mutation{ heartbeat(input:{site:"dallas"}){ online } }'))["heartbeat"]["online"]
            await admin.gql(
                "mutation($id:ID!){ revokeApiKey(id:$id){ revokedAt } }", {"id": issued["createApiKey"]["apiKey"]["id"]}
            )
            r = await daemon.http.post("/graphql", json={"query": "{ sites { code } }"})
            assert r.status_code == 401
            assert r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_introspection_only_for_authenticated_callers(server: Server) -> None:
    async with Api(server.url) as anonymous, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        body = await anonymous.raw("{ __schema { types { name } } }")
        assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "GRAPHQL_VALIDATION_FAILED")
        body = await anonymous.raw("{ filez { id } }")
        assert "Did you mean" not in body["errors"][0]["message"]
        data = await daemon.gql("{ __schema { queryType { name } } }")
        assert data["__schema"]["queryType"]["name"] == "Query"
        body = await daemon.raw("{ filez { id } }")
        assert "Did you mean" in body["errors"][0]["message"]


async def test_subscription_ends_when_its_session_is_revoked(
    settings: Settings, db_url: str, db: SessionFactory
) -> None:
    from app.main import create_app

    fast = settings.model_copy(update={"session_recheck_seconds": 0.5})
    app = create_app(fast, db_url)
    await make_user(db, "eddie", Role.ENGINEER)
    async with on_loopback(app) as url, Api(url) as api:
        await api.login("eddie")
        cookie = api.http.cookies.get("colorroute_session")
        ws_url = url.replace("http", "ws") + "/graphql"
        async with websockets.connect(
            ws_url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers={"Cookie": f"colorroute_session={cookie}"},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert "connection_ack" in await asyncio.wait_for(ws.recv(), WAIT)
            await ws.send(
                json.dumps(
                    {"id": "1", "type": "subscribe", "payload": {"query": "subscription { siteEvents { code } }"}}
                )
            )
            await subscribed(app)  # running, not refused at the start
            async with db() as s, s.begin():
                await s.execute(text("DELETE FROM sessions"))  # revoked, e.g. by an admin deactivating eddie
            message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
