"""MAM delivery against a real HTTP server on 127.0.0.1 that checks the signature."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.integrations.signing import SIGNATURE_HEADER, verify
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, file_in_state, make_user, on_loopback

SECRET = "mam-shared-secret-0123456789"


@dataclass
class StubMam:
    """A MAM that answers from a script of status codes and records what it received."""

    secret: str
    script: list[int]
    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    idempotency_keys: list[str] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if not verify(self.secret, body, request.headers.get(SIGNATURE_HEADER)):
            self.bad_signatures += 1
            return JSONResponse({"error": "bad signature"}, status_code=401)
        self.idempotency_keys.append(request.headers.get("idempotency-key", ""))
        status = self.script.pop(0) if self.script else 200
        if status != 200:
            return JSONResponse({"error": "busy"}, status_code=status)
        payload = json.loads(body)
        self.received.append(payload)
        return JSONResponse({"assetId": f"MAM-{payload['fileId']}-{len(self.received)}"})


@pytest.fixture
async def stub_mam() -> AsyncIterator[tuple[StubMam, str]]:
    stub = StubMam(secret=SECRET, script=[])
    async with on_loopback(Starlette(routes=[Route("/assets", stub.endpoint, methods=["POST"])])) as url:
        yield stub, f"{url}/assets"


@pytest.fixture
def mam_settings(settings: Settings, stub_mam: tuple[StubMam, str], tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "mam_url": stub_mam[1],
            "mam_secret": SECRET,
            "mam_backoff_seconds": 0.05,
            "mam_retries": 3,
            "mam_timeout_seconds": 5,
        }
    )


@pytest.fixture
def settings_override(mam_settings: Settings) -> Settings:
    return mam_settings


DELIVER = "mutation($id:ID!){ deliverToMam(id:$id){ state mamAssetId mamError } }"


async def test_two_503s_then_200_delivers_exactly_once(
    mam_server: Server, db: SessionFactory, stub_mam: tuple[StubMam, str]
) -> None:
    stub, _ = stub_mam
    stub.script = [503, 503, 200]
    cid = await make_user(db, "alice", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "IN_PROGRESS", colorist_id=cid)
    async with Api(mam_server.url) as alice:
        await alice.login("alice")
        data = await alice.gql(DELIVER, {"id": fid})
        trail = await alice.gql("query($id:ID!){ file(id:$id){ auditTrail { action actor details } } }", {"id": fid})
    assert data["deliverToMam"] == {"state": "DELIVERED_TO_MAM", "mamAssetId": f"MAM-{fid}-1", "mamError": None}
    assert len(stub.received) == 1 and stub.bad_signatures == 0
    assert stub.received[0]["sha256"] and stub.received[0]["colorist"] == "alice"
    assert len(set(stub.idempotency_keys)) == 1 and len(stub.idempotency_keys) == 3
    last = trail["file"]["auditTrail"][-1]
    assert last["action"] == "DELIVER" and last["actor"] == "alice" and last["details"]["attempts"] == 3


async def test_always_500_leaves_the_file_in_progress_with_the_error(
    mam_server: Server, db: SessionFactory, stub_mam: tuple[StubMam, str]
) -> None:
    stub, _ = stub_mam
    stub.script = [500] * 10
    cid = await make_user(db, "alice", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "IN_PROGRESS", colorist_id=cid)
    async with Api(mam_server.url) as alice:
        await alice.login("alice")
        with pytest.raises(GraphQLFailure) as info:
            await alice.gql(DELIVER, {"id": fid})
        assert info.value.code == "MAM_DELIVERY_FAILED"
        data = await alice.gql(
            "query($id:ID!){ file(id:$id){ state mamError mamAssetId auditTrail { action } } }", {"id": fid}
        )
        assert data["file"]["state"] == "IN_PROGRESS"
        assert "HTTP 500" in data["file"]["mamError"] and data["file"]["mamAssetId"] is None
        assert data["file"]["auditTrail"][-1]["action"] == "DELIVERY_FAILED"
        # The MAM recovers: the retry delivers and clears the error.
        stub.script = []
        ok = await alice.gql(DELIVER, {"id": fid})
    assert ok["deliverToMam"]["state"] == "DELIVERED_TO_MAM" and ok["deliverToMam"]["mamError"] is None
    assert len(stub.received) == 1


async def test_a_wrong_secret_is_detected_by_the_receiver(
    mam_server: Server, db: SessionFactory, stub_mam: tuple[StubMam, str]
) -> None:
    stub, _ = stub_mam
    stub.secret = "the MAM expects another secret"
    cid = await make_user(db, "alice", Role.COLORIST, "nashville")
    fid = await file_in_state(db, "IN_PROGRESS", colorist_id=cid)
    async with Api(mam_server.url) as alice:
        await alice.login("alice")
        with pytest.raises(GraphQLFailure) as info:
            await alice.gql(DELIVER, {"id": fid})
    assert info.value.code == "MAM_DELIVERY_FAILED" and "401" in info.value.errors[0]["message"]
    assert stub.bad_signatures == 1 and stub.received == []  # 401 is not retried


async def test_a_package_is_delivered_with_its_members(
    mam_server: Server, db: SessionFactory, stub_mam: tuple[StubMam, str]
) -> None:
    """A clip folder goes through the lifecycle as one file (EXTERNAL from a --metadata-only site, the only way
    its bytes may move today) and the MAM receives its members, in manifest order."""
    from sqlalchemy import update

    from app.config import Settings as AppSettings
    from app.db.models import Site
    from app.domain.packages import FileKind, Member, manifest_sha256
    from app.domain.permissions import SYSTEM
    from app.domain.states import FileAction
    from app.services import lifecycle, transfers
    from app.services.reporting import FileReport, PackageReport, report_file, stage_members
    from tests.support import destination_agent

    stub, _ = stub_mam
    cid = await make_user(db, "alice", Role.COLORIST, "nashville")
    members = [Member(f"A004_C001_00{i}.R3D", 100 + i, f"{i:064x}") for i in (2, 1, 3)]
    async with db() as session, session.begin():
        await session.execute(update(Site).where(Site.code == "tustin").values(metadata_only=True))
    await stage_members(db, SYSTEM, "tustin", "pkg-mam-1", members)
    package = PackageReport(FileKind.FOLDER, 3, "A004_C001.RDC")
    sha = manifest_sha256(members)
    f = await report_file(
        db, SYSTEM, FileReport("tustin", "cards/A004_C001.RDC", 306, sha, report_id="pkg-mam-1", package=package)
    )
    fid = str(f.id)
    await lifecycle.validate_file(db, AppSettings(env="test"), SYSTEM, fid)
    await lifecycle.queue_file(db, SYSTEM, fid, "nashville")
    await transfers.start_transfer(db, destination_agent("nashville"), fid)
    await transfers.complete_transfer(db, destination_agent("nashville"), fid, sha)
    await lifecycle.assign_colorist(db, SYSTEM, fid, str(cid))
    await lifecycle.act(db, SYSTEM, fid, FileAction.START)
    async with Api(mam_server.url) as alice:
        await alice.login("alice")
        data = await alice.gql(DELIVER, {"id": fid})
    assert data["deliverToMam"]["state"] == "DELIVERED_TO_MAM"
    [payload] = stub.received
    assert (payload["kind"], payload["memberCount"], payload["sha256"]) == ("FOLDER", 3, sha)
    assert payload["folder"] == payload["location"] == "nashville:cards/A004_C001.RDC", "a clip folder is its root"
    assert payload["members"] == [
        {"path": m.path, "sizeBytes": m.size_bytes, "sha256": m.sha256} for m in sorted(members, key=lambda m: m.path)
    ]


async def test_a_sequence_payload_gives_the_folder_its_frames_sit_in(
    mam_server: Server, db: SessionFactory, stub_mam: tuple[StubMam, str]
) -> None:
    """``location`` of a sequence is its frame pattern; ``folder`` is the real folder its members' paths are
    relative to, where an integrator finds the frames."""
    from sqlalchemy import update

    from app.config import Settings as AppSettings
    from app.db.models import Site
    from app.domain.packages import FileKind, Member, manifest_sha256
    from app.domain.permissions import SYSTEM
    from app.domain.states import FileAction
    from app.services import lifecycle, transfers
    from app.services.reporting import FileReport, PackageReport, report_file, stage_members
    from tests.support import destination_agent

    stub, _ = stub_mam
    cid = await make_user(db, "bob", Role.COLORIST, "nashville")
    members = [Member(f"B003_C011.{n:07d}.dpx", 10, f"{n:064x}") for n in (86400, 86401, 86402)]
    async with db() as session, session.begin():
        await session.execute(update(Site).where(Site.code == "tustin").values(metadata_only=True))
    await stage_members(db, SYSTEM, "tustin", "seq-mam-1", members)
    package = PackageReport(FileKind.SEQUENCE, 3, "B003_C011.[86400-86402].dpx", frame_range="86400-86402")
    sha = manifest_sha256(members)
    path = "day1/reel1/B003_C011.#######.dpx"
    f = await report_file(db, SYSTEM, FileReport("tustin", path, 30, sha, report_id="seq-mam-1", package=package))
    fid = str(f.id)
    await lifecycle.validate_file(db, AppSettings(env="test"), SYSTEM, fid)
    await lifecycle.queue_file(db, SYSTEM, fid, "nashville")
    await transfers.start_transfer(db, destination_agent("nashville"), fid)
    await transfers.complete_transfer(db, destination_agent("nashville"), fid, sha)
    await lifecycle.assign_colorist(db, SYSTEM, fid, str(cid))
    await lifecycle.act(db, SYSTEM, fid, FileAction.START)
    async with Api(mam_server.url) as bob:
        await bob.login("bob")
        assert (await bob.gql(DELIVER, {"id": fid}))["deliverToMam"]["state"] == "DELIVERED_TO_MAM"
    [payload] = stub.received
    assert payload["location"] == f"nashville:{path}", "the existing field keeps its meaning"
    assert payload["folder"] == "nashville:day1/reel1"
    assert [m["path"] for m in payload["members"]] == [m.path for m in members]
