"""What the server gives away, through the real server: failed-login usernames (often a password typed in the
wrong box) only to admins, a deeply nested JSON body refused as a bad request, a ``__Host-`` session cookie in
production."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.main import create_app
from tests.conftest import Server
from tests.support import Api, make_user, on_loopback

SECRET = "Tr0ub4dor&3-typed-as-a-username"
FAILED = '{ audit(action: "LOGIN_FAILED") { edges { node { actor action details clientAddr } } } }'
AUDIT_EVENTS = 'subscription { auditEvents(after: "0") { action actor details } }'


async def _failed_logins_seen_by(api: Api) -> list[dict[str, Any]]:
    return [e["node"] for e in (await api.gql(FAILED))["audit"]["edges"]]


async def _first_live_failure(server: Server, cookie: str) -> dict[str, Any]:
    transport = WebsocketsTransport(
        url=server.ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        headers={"Cookie": f"colorroute_session={cookie}", "Origin": server.url},
    )
    async with Client(transport=transport) as session:
        gen = session.subscribe(GraphQLRequest(AUDIT_EVENTS))
        async with contextlib.aclosing(gen):
            async for result in gen:
                if result["auditEvents"]["action"] == "LOGIN_FAILED":
                    return dict(result["auditEvents"])
    raise AssertionError("the subscription ended without the failed login")


async def test_failed_login_usernames_are_for_admins_only(server: Server, db: SessionFactory) -> None:
    """Reproduced: any signed-in user read the typed username of every failed login through
    ``audit(action: LOGIN_FAILED)``. Colorists and read-only users now see that a login failed, not as whom."""
    await make_user(db, "admin", Role.ADMIN)
    await make_user(db, "alice", Role.COLORIST, site="nashville")
    await make_user(db, "viewer", Role.READONLY)
    async with Api(server.url) as anonymous:
        body = await anonymous.raw(
            'mutation($u:String!){ login(username:$u, password:"whatever it is"){ id } }', {"u": SECRET}
        )
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with Api(server.url) as admin, Api(server.url) as alice, Api(server.url) as viewer:
        await admin.login("admin")
        await alice.login("alice")
        await viewer.login("viewer")
        for reader in (alice, viewer):
            entries = await _failed_logins_seen_by(reader)
            assert [e["action"] for e in entries] == ["LOGIN_FAILED"]
            assert SECRET not in str(entries), entries
            assert entries[0]["actor"] == "anonymous" and entries[0]["details"] is None
        entries = await _failed_logins_seen_by(admin)
        assert entries[0]["actor"] == SECRET and entries[0]["details"] == {"username": SECRET}
        # The live feed tells the same story to each.
        cookies = [api.http.cookies["colorroute_session"] for api in (alice, admin)]
        seen_by_alice, seen_by_admin = await asyncio.wait_for(
            asyncio.gather(*(_first_live_failure(server, c) for c in cookies)), 20
        )
    assert SECRET not in str(seen_by_alice) and seen_by_alice["details"] is None
    assert seen_by_admin["details"] == {"username": SECRET}


async def test_a_deeply_nested_json_body_is_a_bad_request(server: Server) -> None:
    """Reproduced: a 100,000-deep JSON variable answered a masked 500 (the JSON parser's RecursionError)."""
    depth = 100_000
    body = '{"query": "{ __typename }", "variables": {"v": ' + "[" * depth + "]" * depth + "}}"
    async with Api(server.url) as api:
        r = await api.http.post("/graphql", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST" and "JSON" in error["message"]
        assert (await api.gql("{ __typename }"))["__typename"] == "Query"  # and the server is fine


async def test_production_uses_a_host_only_secure_session_cookie(
    settings: Settings, db_url: str, db: SessionFactory
) -> None:
    """``__Host-`` makes the browser refuse the cookie unless it is Secure, for Path=/ and without a Domain, so a
    sibling subdomain can neither plant nor overwrite a session. The server reads the same name back."""
    production = settings.model_copy(update={"env": "production"})
    await make_user(db, "eddie", Role.ENGINEER)
    async with on_loopback(create_app(production, db_url)) as url, Api(url) as api:
        r = await api.http.post(
            "/graphql",
            json={
                "query": 'mutation($p:String!){ login(username:"eddie", password:$p){ id } }',
                "variables": {"p": "correct horse battery"},
            },
        )
        cookie = r.headers["set-cookie"]
        name, _, rest = cookie.partition("=")
        assert name == "__Host-colorroute_session", cookie
        attributes = rest.lower()
        assert "secure" in attributes and "path=/" in attributes and "domain" not in attributes
        token = rest.split(";")[0]
        # httpx keeps Secure cookies for https only: send it as a browser behind TLS would.
        me = await api.http.post(
            "/graphql", json={"query": "{ me { username } }"}, headers={"Cookie": f"{name}={token}"}
        )
        assert me.json()["data"]["me"] == {"username": "eddie"}
        plain = await api.http.post(
            "/graphql", json={"query": "{ me { username } }"}, headers={"Cookie": f"colorroute_session={token}"}
        )
        assert plain.json()["data"]["me"] is None  # the development name means nothing in production
