"""tus uploads with unmodified tuspy against the real server: whole, cut halfway and resumed, resumed after an
orchestrator restart, with per-request checksums; the blob lands verified and the file says so."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from tusclient import client
from tusclient.exceptions import TusCommunicationError, TusUploadFailed

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import AuditLog, File, Upload
from app.transfers.blobstore import BlobStore
from tests.conftest import Server
from tests.transfers.conftest import TUS, Content, create_upload, metadata, patch, reported, running_server

MIB = 1024 * 1024


def blob_path(settings: Settings, sha256: str) -> Path:
    return BlobStore(settings.blob_dir).path_for(sha256)


async def file_row(db: SessionFactory, file_id: str) -> File:
    async with db() as session:
        row = await session.get(File, int(file_id))
        assert row is not None
        return row


async def audit_actions(db: SessionFactory, file_id: str) -> list[AuditLog]:
    async with db() as session:
        rows = await session.scalars(select(AuditLog).where(AuditLog.file_id == int(file_id)).order_by(AuditLog.id))
        return list(rows)


def tus_uploader(base_url: str, key: str, content: Content, **kw: Any) -> Any:
    tus = client.TusClient(f"{base_url}/uploads/", headers={"X-API-Key": key})
    return tus.uploader(str(content.path), metadata={"fileId": content.file_id, "filename": content.path.name}, **kw)


async def assert_stored(settings: Settings, db: SessionFactory, content: Content) -> None:
    stored = blob_path(settings, content.sha256)
    assert stored.read_bytes() == content.data
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == content.sha256
    row = await file_row(db, content.file_id)
    assert row.content_available is True
    assert not any((settings.blob_dir / "partial").iterdir())


async def test_tuspy_uploads_a_file_and_the_blob_verifies(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 3 * MIB + 17)
    before = await file_row(db, content.file_id)
    uploader = tus_uploader(server.url, keys["tustin"], content)
    await asyncio.to_thread(uploader.upload)
    assert uploader.url.startswith(f"{server.url}/uploads/")
    await assert_stored(settings, db, content)
    row = await file_row(db, content.file_id)
    assert (row.state, row.version) == (before.state, before.version)  # content is not a lifecycle step
    completed = [a for a in await audit_actions(db, content.file_id) if a.action == "UPLOAD_COMPLETED"]
    assert len(completed) == 1
    assert completed[0].details == {
        "uploadId": uploader.url.rsplit("/", 1)[1],
        "sizeBytes": len(content.data),
        "sha256": content.sha256,
    }
    assert completed[0].actor == "site:tustin"
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        head = await http.head(uploader.url, headers=TUS)
        assert head.status_code == 200
        assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(content.data))
        again = await create_upload(http, content.file_id, len(content.data))
        assert again.status_code == 409  # already available: uploaders treat this as done
        assert again.json()["reason"] == "CONTENT_AVAILABLE"


async def test_graphql_shows_content_available(server: Server, keys: dict[str, str], tmp_path: Path) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 1000)
    query = "query($id: ID!){ file(id: $id){ contentAvailable } }"
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:

        async def available() -> bool:
            from tests.support import GLOBAL_KEY

            r = await http.post(
                "/graphql",
                json={"query": query, "variables": {"id": content.file_id}},
                headers={"X-API-Key": GLOBAL_KEY},
            )
            return bool(r.json()["data"]["file"]["contentAvailable"])

        assert await available() is False
        await asyncio.to_thread(tus_uploader(server.url, keys["tustin"], content).upload)
        assert await available() is True


async def test_connection_cut_halfway_then_tuspy_resumes_from_the_server_offset(
    server: Server,
    db: SessionFactory,
    settings: Settings,
    keys: dict[str, str],
    tmp_path: Path,
    proxy_factory: Any,
) -> None:
    size = 8 * MIB
    content = await reported(server, keys["tustin"], tmp_path, size)
    port = int(server.url.rsplit(":", 1)[1])
    # The creation request goes through whole; the PATCH connection dies about halfway through the body.
    cutting = await proxy_factory(port, cut_after=size // 2)
    first = tus_uploader(cutting.url, keys["tustin"], content)
    with pytest.raises((TusUploadFailed, TusCommunicationError)):
        await asyncio.to_thread(first.upload)
    assert first.url is not None
    upload_url = first.url.replace(cutting.url, server.url)

    counting = await proxy_factory(port)
    resumed = await asyncio.to_thread(tus_uploader, counting.url, keys["tustin"], content, url=upload_url)
    # tuspy asked the server (HEAD) where to continue: about half, certainly not zero.
    assert size // 4 < resumed.offset < size
    await asyncio.to_thread(resumed.upload)
    sent = sum(counting.upstream_bytes)
    assert sent < size - resumed.offset + 16 * 1024, "the resume re-sent bytes the server already had"
    await assert_stored(settings, db, content)


async def test_raw_partial_patch_then_tuspy_finishes(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    """A client whose socket closes mid-body: the server keeps what arrived and says so on HEAD."""
    size = 2 * MIB
    content = await reported(server, keys["tustin"], tmp_path, size)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        created = await create_upload(http, content.file_id, size)
        assert created.status_code == 201, created.text
        location = created.headers["Location"]
        assert location.startswith("/uploads/")
    host, port = server.url.removeprefix("http://").split(":")
    sent = size // 3
    with socket.create_connection((host, int(port))) as sock:
        head = (
            f"PATCH {location} HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {keys['tustin']}\r\nTus-Resumable: 1.0.0\r\n"
            f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {size}\r\n\r\n"
        )
        await asyncio.to_thread(sock.sendall, head.encode() + content.data[:sent])
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        for _ in range(600):  # a minute and more: generous for a loaded machine
            r = await http.head(location, headers=TUS)
            if r.headers.get("Upload-Offset") == str(sent):
                break
            await asyncio.sleep(0.1)
        assert r.headers["Upload-Offset"] == str(sent)
        assert r.headers["Cache-Control"] == "no-store"
    resumed = await asyncio.to_thread(tus_uploader, server.url, keys["tustin"], content, url=server.url + location)
    assert resumed.offset == sent
    await asyncio.to_thread(resumed.upload)
    await assert_stored(settings, db, content)


async def test_offset_and_hash_survive_an_orchestrator_restart(
    settings: Settings, db_url: str, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    size = 3 * MIB + 5
    async with running_server(settings, db_url) as first:
        content = await reported(first, keys["tustin"], tmp_path, size)
        async with httpx.AsyncClient(base_url=first.url, headers={"X-API-Key": keys["tustin"]}) as http:
            created = await create_upload(http, content.file_id, size)
            location = created.headers["Location"]
            part = await patch(http, location, 0, content.data[: MIB + 3])
            assert part.status_code == 204, part.text
            assert part.headers["Upload-Offset"] == str(MIB + 3)
    # Bytes written after the last recorded offset (a process killed mid-request) are not trusted.
    upload_id = location.rsplit("/", 1)[1]
    partial = settings.blob_dir / "partial" / upload_id
    with partial.open("ab") as f:
        f.write(b"\0garbage that was never acknowledged")
    async with db() as session:
        row = await session.get(Upload, upload_id)
        assert row is not None and row.offset == MIB + 3

    async with running_server(settings, db_url) as second:  # a new process: no hash state in memory
        resumed = await asyncio.to_thread(tus_uploader, second.url, keys["tustin"], content, url=second.url + location)
        assert resumed.offset == MIB + 3
        await asyncio.to_thread(resumed.upload)
        await assert_stored(settings, db, content)


async def test_tuspy_with_upload_checksums(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 3 * MIB)
    uploader = tus_uploader(server.url, keys["tustin"], content, chunk_size=MIB, upload_checksum=True)
    await asyncio.to_thread(uploader.upload)
    await assert_stored(settings, db, content)


async def test_options_advertises_the_protocol(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        r = await http.options("/uploads/")
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert r.headers["Tus-Resumable"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {"creation", "termination", "checksum"}
    assert int(r.headers["Tus-Max-Size"]) >= 1 << 40
    assert "sha1" in r.headers["Tus-Checksum-Algorithm"]


async def test_termination_forgets_the_upload(
    server: Server, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 4096)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        location = (await create_upload(http, content.file_id, 4096)).headers["Location"]
        assert (await patch(http, location, 0, content.data[:100])).status_code == 204
        other = await http.delete(location, headers={**TUS, "X-API-Key": keys["dallas"]})
        assert other.status_code == 403
        gone = await http.delete(location, headers=TUS)
        assert gone.status_code == 204
        assert gone.headers["Tus-Resumable"] == "1.0.0"
        assert (await http.head(location, headers=TUS)).status_code == 404
        assert not (settings.blob_dir / "partial" / location.rsplit("/", 1)[1]).exists()


async def test_method_override_header(server: Server, keys: dict[str, str], tmp_path: Path) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 10)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        location = (await create_upload(http, content.file_id, 10)).headers["Location"]
        r = await http.post(
            location,
            content=content.data,
            headers={
                **TUS,
                "X-HTTP-Method-Override": "PATCH",
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert r.status_code == 204
        assert r.headers["Upload-Offset"] == "10"


async def test_empty_file_completes_at_creation(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 0, data=b"")
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        r = await create_upload(http, content.file_id, 0, **{"Upload-Metadata": metadata(fileId=content.file_id)})
    assert r.status_code == 201
    assert (await file_row(db, content.file_id)).content_available is True
    assert blob_path(settings, content.sha256).read_bytes() == b""


async def test_long_patch_checkpoints_its_offset_while_running(
    server: Server,
    db: SessionFactory,
    settings: Settings,
    keys: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long PATCH records a durable offset as it goes (here every 1 MiB), so a server killed mid-request
    would resume close to where it was rather than at the request's start."""
    from app.transfers import tus

    monkeypatch.setattr(tus, "WRITE_BATCH", 256 * 1024)
    monkeypatch.setattr(tus, "CHECKPOINT_BYTES", 1024 * 1024)
    size = 8 * MIB
    content = await reported(server, keys["tustin"], tmp_path, size)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        location = (await create_upload(http, content.file_id, size)).headers["Location"]
    upload_id = location.rsplit("/", 1)[1]
    host, port = server.url.removeprefix("http://").split(":")
    _, writer = await asyncio.open_connection(host, int(port))
    head = (
        f"PATCH {location} HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {keys['tustin']}\r\nTus-Resumable: 1.0.0\r\n"
        f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {size}\r\n\r\n"
    )
    writer.write(head.encode() + content.data[: 5 * MIB])
    await writer.drain()
    recorded = 0
    for _ in range(1200):  # a minute and more: generous for a loaded machine
        async with db() as session:
            row = await session.get(Upload, upload_id)
            assert row is not None
            recorded = row.offset
        if recorded >= 2 * MIB:
            break
        await asyncio.sleep(0.05)
    assert 2 * MIB <= recorded < size  # durable mid-request, before the request ended
    writer.close()  # the connection dies; what arrived is kept
    await writer.wait_closed()
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        r = await http.head(location, headers=TUS)
    assert r.headers["Upload-Offset"] == str(5 * MIB)
    resumed = await asyncio.to_thread(tus_uploader, server.url, keys["tustin"], content, url=server.url + location)
    await asyncio.to_thread(resumed.upload)
    await assert_stored(settings, db, content)
