"""Webhook payloads say enough to act on without calling back: the file's name and path, its sites, and the
error text of a failed step — against a real signed receiver on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.integrations.signing import SIGNATURE_HEADER, verify
from app.services.webhooks import dispatch_once
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user, on_loopback, random_sha, report

SECRET = "integrator-secret-123456"
SUBSCRIBE = "mutation($i:WebhookSubscriptionInput!){ createWebhookSubscription(input:$i){ id } }"


async def test_payloads_carry_filename_path_sites_and_the_error(server: Server, db: SessionFactory) -> None:
    got: list[dict[str, Any]] = []

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        assert verify(SECRET, body, request.headers.get(SIGNATURE_HEADER))
        got.append(json.loads(body))
        return JSONResponse({"ok": True})

    await make_user(db, "admin", Role.ADMIN)
    topics = ["file.state_changed", "transfer.failed", "site.online"]
    async with on_loopback(Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])) as url:
        async with Api(server.url) as admin, Api(server.url, api_key=GLOBAL_KEY) as daemon:
            await admin.login("admin")
            await admin.gql(SUBSCRIBE, {"i": {"url": url + "/hook", "secret": SECRET, "topics": topics}})
            await daemon.gql('mutation { heartbeat(input:{site:"tustin"}){ id } }')
            f = await report(daemon, path="Day1/A001/hook.mov")
            await admin.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": f["id"]})
            await admin.gql('mutation($id:ID!){ queueFile(id:$id, destinationSite:"dallas"){ id } }', {"id": f["id"]})
            await daemon.gql("mutation($id:ID!){ startTransfer(id:$id){ id } }", {"id": f["id"]})
            wrong = random_sha()
            await daemon.gql(
                "mutation($id:ID!,$s:String){ completeTransfer(id:$id, sha256:$s){ id } }", {"id": f["id"], "s": wrong}
            )
            settings = server.settings.model_copy(update={"mam_backoff_seconds": 0.01, "mam_retries": 1})
            assert await dispatch_once(server.app.state.db, settings) >= 6  # type: ignore[attr-defined]

    [online] = [g["data"] for g in got if g["topic"] == "site.online"]
    assert online["site"] == "tustin"
    [failed] = [g["data"] for g in got if g["topic"] == "transfer.failed"]
    assert failed["action"] == "FAIL_TRANSFER" and failed["fileId"] == int(f["id"])
    assert (failed["filename"], failed["path"]) == ("hook.mov", "Day1/A001/hook.mov")
    assert (failed["site"], failed["destinationSite"]) == ("tustin", "dallas")
    assert failed["error"].startswith("hash mismatch: expected ") and failed["error"].endswith(wrong)
    validated = next(g["data"] for g in got if g["topic"] == "file.state_changed" and g["data"]["action"] == "VALIDATE")
    assert validated["filename"] == "hook.mov" and validated["site"] == "tustin"
    assert validated["destinationSite"] == "dallas"  # where it goes now (it was queued before the dispatch)
    assert "error" not in validated


async def test_a_package_event_says_its_kind_and_member_count(server: Server, db: SessionFactory) -> None:
    from app.domain.packages import FileKind, Member, manifest_sha256
    from app.domain.permissions import SYSTEM
    from app.services.reporting import FileReport, PackageReport, report_file, stage_members

    got: list[dict[str, Any]] = []

    async def endpoint(request: Request) -> Response:
        got.append(json.loads(await request.body()))
        return JSONResponse({"ok": True})

    await make_user(db, "admin2", Role.ADMIN)
    members = [Member(f"A005_C001_00{i}.R3D", 100 + i, f"{i:064x}") for i in (1, 2)]
    await stage_members(db, SYSTEM, "tustin", "pkg-hook-1", members)
    package = PackageReport(FileKind.FOLDER, 2, "A005_C001.RDC")
    given = FileReport(
        "tustin", "cards/A005_C001.RDC", 203, manifest_sha256(members), report_id="pkg-hook-1", package=package
    )
    f = await report_file(db, SYSTEM, given)
    async with on_loopback(Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])) as url:
        async with Api(server.url) as admin, Api(server.url, api_key=GLOBAL_KEY) as daemon:
            await admin.login("admin2")
            await admin.gql(
                SUBSCRIBE, {"i": {"url": url + "/hook", "secret": SECRET, "topics": ["file.state_changed"]}}
            )
            single = await report(daemon, path="Day1/A001/single.mov")
            for fid in (str(f.id), single["id"]):
                await admin.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": fid})
            assert await dispatch_once(server.app.state.db, server.settings) >= 2  # type: ignore[attr-defined]
    validated = {g["data"]["fileId"]: g["data"] for g in got if g["data"].get("action") == "VALIDATE"}
    assert (validated[f.id]["kind"], validated[f.id]["memberCount"]) == ("FOLDER", 2)
    assert (validated[int(single["id"])]["kind"], validated[int(single["id"])]["memberCount"]) == ("FILE", 1)
