"""Outgoing integrator webhooks against a real receiver on 127.0.0.1: signed, in order, retried, logged."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.integrations.signing import SIGNATURE_HEADER, verify
from app.services.webhooks import dispatch_once
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, make_user, on_loopback, random_sha, report

SECRET = "integrator-secret-123456"


class Receiver:
    def __init__(self) -> None:
        self.got: list[dict[str, Any]] = []
        self.down = False

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if self.down:
            return JSONResponse({}, status_code=503)
        assert verify(SECRET, body, request.headers.get(SIGNATURE_HEADER))
        self.got.append(json.loads(body))
        return JSONResponse({"ok": True})


async def test_webhooks_deliver_chosen_topics_in_order_and_catch_up(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    receiver = Receiver()
    settings = server.settings.model_copy(update={"mam_backoff_seconds": 0.01, "mam_retries": 1})
    async with on_loopback(Starlette(routes=[Route("/hook", receiver.endpoint, methods=["POST"])])) as url:
        async with Api(server.url) as admin, Api(server.url, api_key=GLOBAL_KEY) as daemon:
            await admin.login("admin")
            for bad in ({"url": "ftp://x", "topics": ["site.offline"]}, {"url": url, "topics": ["nope"]}):
                with pytest.raises(GraphQLFailure) as info:
                    await admin.gql(
                        "mutation($i:WebhookSubscriptionInput!){ createWebhookSubscription(input:$i){ id } }",
                        {"i": {"secret": SECRET, **bad}},
                    )
                assert info.value.code == "BAD_USER_INPUT"
            sub = await admin.gql(
                "mutation($i:WebhookSubscriptionInput!){ createWebhookSubscription(input:$i){ id topics } }",
                {"i": {"url": url + "/hook", "secret": SECRET, "topics": ["file.state_changed", "transfer.failed"]}},
            )
            sid = sub["createWebhookSubscription"]["id"]
            f = await report(daemon, path="A/hook.mov")
            await admin.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": f["id"]})
            await daemon.gql('mutation { heartbeat(input:{site:"tustin"}){ id } }')  # site.online: not subscribed
            assert await dispatch_once(server.app.state.db, settings) == 2  # type: ignore[attr-defined]
            assert [(g["topic"], g["data"]["action"]) for g in receiver.got] == [
                ("file.state_changed", "REPORT"),
                ("file.state_changed", "VALIDATE"),
            ]

            # The receiver goes down: nothing is lost, the failure is logged, delivery resumes in order.
            receiver.down = True
            await admin.gql('mutation($id:ID!){ queueFile(id:$id, destinationSite:"dallas"){ id } }', {"id": f["id"]})
            await daemon.gql("mutation($id:ID!){ startTransfer(id:$id){ id } }", {"id": f["id"]})
            await daemon.gql(
                "mutation($id:ID!,$s:String){ completeTransfer(id:$id, sha256:$s){ id } }",
                {"id": f["id"], "s": random_sha()},
            )
            assert await dispatch_once(server.app.state.db, settings) == 0  # type: ignore[attr-defined]
            receiver.down = False
            await asyncio.sleep(0)
            assert await dispatch_once(server.app.state.db, settings) == 4  # type: ignore[attr-defined]
            log = await admin.gql(
                "query($id:ID!){ webhookDeliveries(subscriptionId:$id){ delivered statusCode topic } }", {"id": sid}
            )
    topics = [(g["topic"], g["data"]["action"]) for g in receiver.got[2:]]
    assert topics == [
        ("file.state_changed", "QUEUE"),
        ("file.state_changed", "START_TRANSFER"),
        ("file.state_changed", "FAIL_TRANSFER"),
        ("transfer.failed", "FAIL_TRANSFER"),
    ]
    failures = [d for d in log["webhookDeliveries"] if not d["delivered"]]
    assert failures and failures[0]["statusCode"] == 503
