"""Issue 18 item 8, through the real API: a colorist always has a site (createUser and updateUser refuse one
without, changing nothing), and a per-site key's "last used" follows its daemon's heartbeats on a long-lived
WebSocket (authenticated once, at connection_init)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import update

from app.db.engine import SessionFactory
from app.db.models import ApiKey
from app.domain.permissions import SYSTEM, Role
from app.services.users import create_api_key
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, make_user

CREATE = """mutation($i: CreateUserInput!) { createUser(input: $i) { id role site { code } } }"""
UPDATE = """mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id role site { code } } }"""
USER = "{ users { id username role site { code } } }"
BEAT = 'mutation { heartbeat(input: {site: "tustin", daemonVersion: "t"}) { id } }'


async def _refused(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(GraphQLFailure) as refused:
        await api.gql(query, variables)
    return dict(refused.value.errors[0].get("extensions", {}))


async def _user(api: Api, username: str) -> dict[str, Any]:
    return next(u for u in (await api.gql(USER))["users"] if u["username"] == username)


async def test_a_colorist_must_have_a_site(server: Server, db: SessionFactory) -> None:
    await make_user(db, "boss", Role.ADMIN)
    async with Api(server.url) as admin:
        await admin.login("boss")
        base = {"password": "a-long-password", "role": "COLORIST"}
        for site in (None, "", "  "):
            ext = await _refused(admin, CREATE, {"i": {**base, "username": "nosite", "siteCode": site}})
            assert (ext["code"], ext["field"]) == ("BAD_USER_INPUT", "siteCode"), ext
        assert not [u for u in (await admin.gql(USER))["users"] if u["username"] == "nosite"], "nothing created"
        made = (await admin.gql(CREATE, {"i": {**base, "username": "carla", "siteCode": "dallas"}}))["createUser"]
        assert made["site"]["code"] == "dallas"

        # Clearing a colorist's site, or making someone without a site a colorist, is refused the same way.
        ext = await _refused(admin, UPDATE, {"id": made["id"], "i": {"siteCode": "", "displayName": "Carla D"}})
        assert (ext["code"], ext["field"]) == ("BAD_USER_INPUT", "siteCode")
        viewer_id = str(await make_user(db, "vic", Role.READONLY))
        ext = await _refused(admin, UPDATE, {"id": viewer_id, "i": {"role": "COLORIST"}})
        assert (ext["code"], ext["field"]) == ("BAD_USER_INPUT", "siteCode")
        assert (await _user(admin, "carla"))["site"] == {"code": "dallas"}, "the refused change left nothing"
        assert (await _user(admin, "vic"))["role"] == "READONLY"

        both = {"role": "COLORIST", "siteCode": "nashville"}
        promoted = (await admin.gql(UPDATE, {"id": viewer_id, "i": both}))["updateUser"]
        assert promoted["role"] == "COLORIST" and promoted["site"]["code"] == "nashville"
        # Another role may be without a site: demote and clear in one step.
        demoted = await admin.gql(UPDATE, {"id": made["id"], "i": {"role": "READONLY", "siteCode": ""}})
        assert demoted["updateUser"]["site"] is None


async def test_a_keys_last_use_follows_heartbeats_on_one_websocket(server: Server, db: SessionFactory) -> None:
    issued = await create_api_key(db, SYSTEM, "tustin")
    await make_user(db, "boss", Role.ADMIN)
    transport = WebsocketsTransport(
        url=server.ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"apiKey": issued.secret},
    )
    long_ago = datetime.now(UTC) - timedelta(hours=6)
    async with Client(transport=transport) as daemon, Api(server.url) as admin:
        await admin.login("boss")
        await daemon.execute(GraphQLRequest(BEAT))
        async with db() as session, session.begin():  # as if the socket had been open, beating, for six hours
            await session.execute(update(ApiKey).where(ApiKey.id == issued.key.id).values(last_used_at=long_ago))
        await daemon.execute(GraphQLRequest(BEAT))
        keys = (await admin.gql("{ apiKeys { id lastUsedAt } }"))["apiKeys"]
    [key] = [k for k in keys if k["id"] == str(issued.key.id)]
    assert datetime.fromisoformat(key["lastUsedAt"]) > datetime.now(UTC) - timedelta(minutes=5)
