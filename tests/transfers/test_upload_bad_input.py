"""Bad input at /uploads/: unknown or foreign files, wrong lengths and offsets, wrong bytes. Each is refused
with the status tus (or HTTP) gives it, and none of them leaves anything looking complete."""

from __future__ import annotations

import asyncio
import base64
import errno
import hashlib
import os
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import AuditLog, Upload
from app.domain.permissions import SYSTEM, Role
from app.services.lifecycle import reject_file
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user
from tests.transfers.conftest import TUS, create_upload, metadata, patch, reported
from tests.transfers.test_tus_upload import blob_path, file_row


def client(server: Server, key: str | None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": key} if key else {})


async def test_creation_refusals(server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 1000)
    async with client(server, keys["tustin"]) as c:
        assert (await create_upload(c, content.file_id, 999)).status_code == 400  # not the reported size
        assert (await create_upload(c, content.file_id, 1001)).status_code == 400
        assert (await create_upload(c, "424242", 1000)).status_code == 404  # unknown file
        assert (await create_upload(c, "nope", 1000)).status_code == 404
        assert (await create_upload(c, content.file_id, 1 << 50)).status_code == 413  # above Tus-Max-Size
        no_file = await c.post("/uploads/", headers={**TUS, "Upload-Length": "1000"})
        assert no_file.status_code == 400
        assert "fileId" in no_file.json()["message"]
        bad_meta = await c.post("/uploads/", headers={**TUS, "Upload-Length": "1000", "Upload-Metadata": "fileId %%"})
        assert bad_meta.status_code == 400
        no_length = await c.post("/uploads/", headers={**TUS, "Upload-Metadata": metadata(fileId=content.file_id)})
        assert no_length.status_code == 400
        no_version = await c.post(
            "/uploads/", headers={"Upload-Length": "1000", "Upload-Metadata": metadata(fileId=content.file_id)}
        )
        assert no_version.status_code == 412
        assert no_version.headers["Tus-Version"] == "1.0.0"
        old_version = await create_upload(c, content.file_id, 1000, **{"Tus-Resumable": "0.2.2"})
        assert old_version.status_code == 412
    async with client(server, keys["dallas"]) as c:
        foreign = await create_upload(c, content.file_id, 1000)
        assert foreign.status_code == 403  # another site's file
        assert foreign.headers["Tus-Resumable"] == "1.0.0"
    async with client(server, keys["nashville"]) as c:
        assert (await create_upload(c, content.file_id, 1000)).status_code == 403
    async with client(server, None) as c:
        assert (await create_upload(c, content.file_id, 1000)).status_code == 401
    async with client(server, "wrong-key") as c:
        assert (await create_upload(c, content.file_id, 1000)).status_code == 401
    async with client(server, GLOBAL_KEY) as c:
        assert (await create_upload(c, content.file_id, 1000)).status_code == 201
    await make_user(db, "ro", Role.READONLY)
    await make_user(db, "eng", Role.ENGINEER)
    for username, status in (("ro", 403), ("eng", 201)):
        async with Api(server.url) as api:
            await api.login(username)
            assert (await create_upload(api.http, content.file_id, 1000)).status_code == status
    async with db() as session:
        rows = (await session.scalars(select(Upload))).all()
        assert len(rows) == 2 and all(r.offset == 0 for r in rows)


async def test_rejected_file_takes_no_content(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 1000)
    await reject_file(db, SYSTEM, content.file_id, "bad clip")
    async with client(server, keys["tustin"]) as c:
        r = await create_upload(c, content.file_id, 1000)
        assert r.status_code == 409
        assert r.json()["reason"] == "FINAL_STATE"


async def test_patch_refusals(server: Server, keys: dict[str, str], tmp_path: Path) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 1000)
    async with client(server, keys["tustin"]) as c:
        url = (await create_upload(c, content.file_id, 1000)).headers["Location"]
        wrong = await patch(c, url, 10, content.data[10:20])
        assert wrong.status_code == 409  # tus: the offset must match the server's
        assert wrong.headers["Upload-Offset"] == "0"
        assert (await patch(c, url, 0, content.data[:100])).status_code == 204
        behind = await patch(c, url, 0, content.data[:100])
        assert behind.status_code == 409
        assert behind.headers["Upload-Offset"] == "100"
        media = await c.patch(
            url, content=b"x", headers={**TUS, "Upload-Offset": "100", "Content-Type": "application/octet-stream"}
        )
        assert media.status_code == 415
        too_long = await patch(c, url, 100, content.data[100:] + b"extra")
        assert too_long.status_code == 413
        no_version = await c.patch(
            url,
            content=b"x",
            headers={"Upload-Offset": "100", "Content-Type": "application/offset+octet-stream"},
        )
        assert no_version.status_code == 412
        assert (await c.head(url, headers=TUS)).headers["Upload-Offset"] == "100"  # none of it counted
        assert (await patch(c, url.replace(url.rsplit("/", 1)[1], "not-a-uuid"), 0, b"x")).status_code == 404
        missing = "00000000-0000-4000-8000-000000000000"
        assert (await patch(c, url.rsplit("/", 1)[0] + "/" + missing, 0, b"x")).status_code == 404
    async with client(server, keys["dallas"]) as c:
        assert (await patch(c, url, 100, content.data[100:200])).status_code == 403
        assert (await c.head(url, headers=TUS)).status_code == 403


async def test_checksum_header_mismatch_discards_the_request(
    server: Server, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 1000)
    good = base64.b64encode(hashlib.sha1(content.data[:500]).digest()).decode()
    bad = base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    async with client(server, keys["tustin"]) as c:
        url = (await create_upload(c, content.file_id, 1000)).headers["Location"]
        r = await patch(c, url, 0, content.data[:500], **{"Upload-Checksum": f"sha1 {bad}"})
        assert r.status_code == 460
        assert (await c.head(url, headers=TUS)).headers["Upload-Offset"] == "0"
        unknown = await patch(c, url, 0, content.data[:500], **{"Upload-Checksum": f"crc32 {good}"})
        assert unknown.status_code == 400
        ok = await patch(c, url, 0, content.data[:500], **{"Upload-Checksum": f"sha1 {good}"})
        assert ok.status_code == 204
        assert ok.headers["Upload-Offset"] == "500"


async def test_hash_mismatch_refuses_the_upload_and_leaves_the_file_as_it_was(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    claimed = hashlib.sha256(b"what the daemon said it was").hexdigest()
    content = await reported(server, keys["tustin"], tmp_path, 4096, sha256=claimed)
    before = await file_row(db, content.file_id)
    async with client(server, keys["tustin"]) as c:
        url = (await create_upload(c, content.file_id, 4096)).headers["Location"]
        assert (await patch(c, url, 0, content.data[:1000])).status_code == 204
        last = await patch(c, url, 1000, content.data[1000:])
        assert last.status_code == 460, last.text
        body = last.json()
        assert body["code"] == "CHECKSUM_MISMATCH"
        assert body["expected"] == claimed
        assert body["received"] == content.sha256
        assert (await c.head(url, headers=TUS)).status_code == 404  # the upload is gone; start a new one
    after = await file_row(db, content.file_id)
    assert (after.content_available, after.version, after.state, after.updated_at) == (
        False,
        before.version,
        before.state,
        before.updated_at,
    )
    assert not blob_path(settings, claimed).exists()
    assert not blob_path(settings, content.sha256).exists()
    assert list((settings.blob_dir / "partial").iterdir()) == []
    async with db() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.file_id == int(content.file_id)))).all()
    rejected = [a for a in audit if a.action == "UPLOAD_REJECTED"]
    assert len(rejected) == 1
    assert rejected[0].details is not None
    assert rejected[0].details["expected"] == claimed
    assert rejected[0].details["received"] == content.sha256
    assert rejected[0].actor == "site:tustin"
    assert not any(a.action == "UPLOAD_COMPLETED" for a in audit)


async def test_concurrent_patches_of_one_upload_do_not_interleave(
    server: Server, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    size = 4 * 1024 * 1024
    content = await reported(server, keys["tustin"], tmp_path, size)
    async with client(server, keys["tustin"]) as c:
        url = (await create_upload(c, content.file_id, size)).headers["Location"]
        results = await asyncio.gather(*(patch(c, url, 0, content.data) for _ in range(3)))
        statuses = sorted(r.status_code for r in results)
        assert statuses == [204, 409, 409], statuses
    assert blob_path(settings, content.sha256).read_bytes() == content.data


async def test_a_full_disk_is_a_retryable_507_and_the_upload_resumes_once_there_is_room(
    server: Server, settings: Settings, keys: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hub's disk filling up mid-upload (the kernel answering the partial file's writes with ENOSPC) is a
    507 with Retry-After, not a 500; the upload keeps its recorded offset and completes byte for byte once there
    is room again."""
    content = await reported(server, keys["tustin"], tmp_path, 3000)
    real = os.pwritev

    def no_room(fd: int, buffers: list[memoryview], offset: int) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    async with client(server, keys["tustin"]) as c:
        url = (await create_upload(c, content.file_id, 3000)).headers["Location"]
        assert (await patch(c, url, 0, content.data[:1000])).status_code == 204
        monkeypatch.setattr("app.transfers.blobstore.os.pwritev", no_room)
        full = await patch(c, url, 1000, content.data[1000:])
        assert full.status_code == 507, full.text
        assert full.json()["code"] == "INSUFFICIENT_STORAGE" and "disk is full" in full.json()["message"]
        assert int(full.headers["Retry-After"]) > 0
        assert (await c.head(url, headers=TUS)).headers["Upload-Offset"] == "1000", "nothing recorded is lost"
        monkeypatch.setattr("app.transfers.blobstore.os.pwritev", real)  # space freed
        assert (await patch(c, url, 1000, content.data[1000:])).status_code == 204
    assert blob_path(settings, content.sha256).read_bytes() == content.data
