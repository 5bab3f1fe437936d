"""Webhook targets (SSRF): loopback in any spelling, link-local, private, shared and other non-public addresses
are refused at creation, and again after resolving at delivery time (a name that resolves to loopback is not
contacted); only COLORROUTE_WEBHOOK_ALLOW_PRIVATE lets them through. The delivery log never echoes what the
endpoint answered. Real loopback receivers throughout."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.services.webhooks import dispatch_once
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, make_user, on_loopback, report

SECRET = "integrator-secret-123456"
CREATE = "mutation($i: WebhookSubscriptionInput!){ createWebhookSubscription(input: $i){ id url } }"
DELIVERIES = "query($id: ID!){ webhookDeliveries(subscriptionId: $id){ delivered statusCode error } }"
NOT_PUBLIC = [
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://2130706433/hook",
    "http://0x7f.1/hook",
    "http://017700000001/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost/hook",
    "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/hook",
    "http://10.0.0.5/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.10/hook",
    "http://[fc00::1]/hook",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://240.0.0.1/hook",
    "http://[64:ff9b::7f00:1]/hook",
    "http://[2002:7f00:1::]/hook",
    "https://user@127.0.0.1:8443/hook",
]


class Receiver:
    def __init__(self, status: int = 200) -> None:
        self.got: list[dict[str, Any]] = []
        self.status = status

    async def endpoint(self, request: Request) -> Response:
        self.got.append(json.loads(await request.body()))
        if self.status != 200:
            return PlainTextResponse("internal detail: db password hunter2 at 10.1.2.3", self.status)
        return PlainTextResponse("ok")

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hook", self.endpoint, methods=["POST"])])


class TestCreation:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"webhook_allow_private": ()})

    async def test_non_public_targets_are_refused_in_every_spelling(self, server: Server, db: SessionFactory) -> None:
        await make_user(db, "admin", Role.ADMIN)
        async with Api(server.url) as admin:
            await admin.login("admin")
            for url in NOT_PUBLIC:
                with pytest.raises(GraphQLFailure) as info:
                    await admin.gql(CREATE, {"i": {"url": url, "secret": SECRET, "topics": ["site.offline"]}})
                assert info.value.code == "BAD_USER_INPUT", url
                assert info.value.errors[0]["extensions"]["field"] == "url", url
            assert (await admin.gql("{ webhookSubscriptions { id } }"))["webhookSubscriptions"] == []
            # A public address is accepted (an address literal: no DNS needed).
            made = await admin.gql(CREATE, {"i": {"url": "https://93.184.215.14/hook", "secret": SECRET,
                                                   "topics": ["site.offline"]}})  # fmt: skip
            assert made["createWebhookSubscription"]["url"] == "https://93.184.215.14/hook"


async def test_delivery_checks_the_resolved_address_every_time(server: Server, db: SessionFactory) -> None:
    """Created while the allowlist admitted loopback (as a rebinding name would pass a check once); delivered
    after it no longer does: nothing reaches the receiver, in any spelling, ``localhost`` included."""
    await make_user(db, "admin", Role.ADMIN)
    receiver = Receiver()
    async with on_loopback(receiver.app()) as base, Api(server.url) as admin:
        port = base.rsplit(":", 1)[1]
        await admin.login("admin")
        spellings = [f"http://{host}:{port}/hook" for host in ("127.1", "2130706433", "[::ffff:127.0.0.1]")]
        spellings.append(f"http://localhost:{port}/hook")
        ids = []
        for url in spellings:
            made = await admin.gql(CREATE, {"i": {"url": url, "secret": SECRET, "topics": ["file.state_changed"]}})
            ids.append(made["createWebhookSubscription"]["id"])
        async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
            await report(daemon, path="A/ssrf.mov")

        strict = server.settings.model_copy(update={"webhook_allow_private": (), "mam_retries": 0})
        assert await dispatch_once(db, strict) == 0
        assert receiver.got == []
        for sid in ids:
            log = (await admin.gql(DELIVERIES, {"id": sid}))["webhookDeliveries"]
            assert [(d["delivered"], d["statusCode"]) for d in log] == [(False, None)]
            assert log[0]["error"].startswith("refused:") and len(log[0]["error"]) <= 200

        # The same subscriptions with loopback allowed: every spelling did lead to the receiver.
        allowed = server.settings.model_copy(update={"mam_retries": 0})
        assert await dispatch_once(db, allowed) == len(spellings)
        assert len(receiver.got) == len(spellings)


async def test_the_delivery_log_does_not_echo_the_endpoint(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    receiver = Receiver(status=500)
    async with on_loopback(receiver.app()) as base, Api(server.url) as admin:
        await admin.login("admin")
        made = await admin.gql(
            CREATE, {"i": {"url": base + "/hook", "secret": SECRET, "topics": ["file.state_changed"]}}
        )
        async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
            await report(daemon, path="A/echo.mov")
        settings = server.settings.model_copy(update={"mam_retries": 0})
        assert await dispatch_once(db, settings) == 0
        assert len(receiver.got) == 1
        log = (await admin.gql(DELIVERIES, {"id": made["createWebhookSubscription"]["id"]}))["webhookDeliveries"]
    assert [(d["delivered"], d["statusCode"], d["error"]) for d in log] == [(False, 500, "HTTP 500")]
