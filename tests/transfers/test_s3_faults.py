"""Faults around the S3 blob store, against a real SeaweedFS: a client that goes silent mid-PATCH, the store
paused (SIGSTOP) in the middle of a PATCH and in the middle of a download, and a missing bucket the keys may not
create. Each ends in a clear, bounded answer; the upload's offset never counts a byte the store (or PostgreSQL,
for a tail below S3's minimum part) did not acknowledge, and everything resumes afterwards."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File
from app.main import create_app
from app.transfers.s3store import StoreConfigError
from daemon.downloader import BlobDownloader
from tests.conftest import Server
from tests.faults.proxy import TcpProxy
from tests.transfers.conftest import TUS, create_upload, patch, queue_to, reported, running_server
from tests.transfers.s3_support import (
    MIB,
    bucket,
    open_multipart_uploads,
    prefix,
    s3_settings,
    stored_bytes,
    two_hosts,
)
from tests.transfers.seaweed import READER_KEY, READER_SECRET, Seaweed, seaweed

__all__ = ["bucket", "prefix", "s3_settings", "seaweed", "two_hosts"]  # fixtures, imported so pytest finds them

IDLE_SECONDS = 1.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The connection-level body timeout is far away: only the upload's own idle limit can end a silent PATCH.
    return settings.model_copy(update={"upload_idle_seconds": IDLE_SECONDS, "body_timeout_seconds": 600.0})


class RawPatch:
    """A PATCH on a plain socket: headers announcing ``length`` body bytes, then the body as the test sends it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, server: Server, key: str, location: str, offset: int, length: int) -> RawPatch:
        port = int(server.url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                f"PATCH {location} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nX-API-Key: {key}\r\n"
                f"Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\n"
                f"Content-Length: {length}\r\n\r\n"
            ).encode()
        )
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def answer(self, within: float) -> bytes:
        """The response, headers and body (by its Content-Length)."""

        async def read() -> bytes:
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.lower().split(b"\r\n")
            length = next((int(line[15:]) for line in lines if line.startswith(b"content-length:")), 0)
            return head + await self.reader.readexactly(length)

        return await asyncio.wait_for(read(), within)

    def close(self) -> None:
        self.writer.close()


async def offset_of(server: Server, key: str, location: str) -> int:
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": key}, timeout=30) as http:
        return int((await http.head(location, headers=TUS)).headers["upload-offset"])


async def wait_for_offset(server: Server, key: str, location: str, expected: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    offset = await offset_of(server, key, location)
    while offset != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        offset = await offset_of(server, key, location)
    return offset


async def test_a_silent_patch_into_the_store_ends_with_408_keeps_what_was_acknowledged_and_resumes(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    """7 MiB + 3 of 12 MiB arrive, then nothing (the connection stays open): after the idle limit the PATCH
    answers 408 with the offset it kept — one 5 MiB part in the store, the rest as the row's tail — and releases
    the upload, so a resume on the same host (same in-process lock) finishes it."""
    a, b = two_hosts
    size, sent = 12 * MIB, 7 * MIB + 3
    content = await reported(a, keys["tustin"], tmp_path, size)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as http:
        location = (await create_upload(http, content.file_id, size)).headers["location"]
        stalled = await RawPatch.open(a, keys["tustin"], location, 0, size)
        try:
            await stalled.send(content.data[:sent])
            # Asked on the other host: the row, not this process, says what was kept.
            assert await wait_for_offset(b, keys["tustin"], location, sent, 60) == sent, "the PATCH never ended"
            answer = await stalled.answer(30)
            assert answer.startswith(b"HTTP/1.1 408"), answer
            assert b'"REQUEST_TIMEOUT"' in answer and f"upload-offset: {sent}".encode() in answer.lower()

            done = await patch(http, location, sent, content.data[sent:])  # on A: its lock was released
            assert done.status_code == 204, done.text
            assert done.headers["upload-offset"] == str(size)
        finally:
            stalled.close()
    assert stored_bytes(seaweed, prefix, content.sha256) == content.data
    assert open_multipart_uploads(seaweed, prefix) == []
    async with db() as session:
        row = await session.get(File, int(content.file_id))
        assert row is not None and row.content_available


async def test_the_store_paused_mid_patch_is_a_bounded_503_and_the_upload_resumes(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    """A PATCH is streaming when the store stops (SIGSTOP): the part in flight is never acknowledged, so the
    PATCH answers 503 SERVICE_UNAVAILABLE with Retry-After within the store's deadline and the offset stays at
    the last acknowledged part; after SIGCONT the upload resumes from there and verifies."""
    a, b = two_hosts
    size = 14 * MIB
    content = await reported(a, keys["tustin"], tmp_path, size)
    key = keys["tustin"]
    async with httpx.AsyncClient(base_url=b.url, headers={"X-API-Key": key}, timeout=120) as on_b:
        location = (await create_upload(on_b, content.file_id, size)).headers["location"]
        streaming = await RawPatch.open(a, key, location, 0, size)
        try:
            await streaming.send(content.data[: 6 * MIB])
            assert await wait_for_offset(b, key, location, 5 * MIB, 60) == 5 * MIB  # the first part landed
            with seaweed.paused():
                started = time.monotonic()
                sender = asyncio.ensure_future(streaming.send(content.data[6 * MIB : 11 * MIB]))
                answer = await streaming.answer(120)
                elapsed = time.monotonic() - started
                sender.cancel()
                assert answer.startswith(b"HTTP/1.1 503"), answer
                assert b"retry-after: " in answer.lower() and b'"SERVICE_UNAVAILABLE"' in answer
                assert elapsed < 60, elapsed  # 5 s request timeouts, one retry, an overall deadline
                assert await offset_of(b, key, location) == 5 * MIB  # nothing the store did not acknowledge
        finally:
            streaming.close()
        again = await patch(on_b, location, 5 * MIB, content.data[5 * MIB :])
        assert again.status_code == 204, again.text
        assert again.headers["upload-offset"] == str(size)
    assert stored_bytes(seaweed, prefix, content.sha256) == content.data
    assert open_multipart_uploads(seaweed, prefix) == []


async def test_a_part_damaged_on_the_way_to_the_store_is_refused_by_the_store_and_sent_again(
    s3_settings: Callable[[str], Settings], db_url: str, db: SessionFactory, keys: dict[str, str], tmp_path: Path,
    seaweed: Seaweed, prefix: str, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Parts go to the store without a signed payload hash, each with its CRC32. The hub reaches the store through
    a proxy that flips one bit of one part: the store refuses that part (BadDigest), so the PATCH answers a
    retryable 503 with the offset at the last part the store took intact, and the resumed upload completes with
    exactly the reported bytes stored — never a damaged object under a verified content address."""
    upstream = urlsplit(seaweed.endpoint)
    async with TcpProxy(upstream.hostname or "127.0.0.1", upstream.port or 80) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{proxy.port}")  # read when the hub starts
        async with running_server(s3_settings("host-a"), db_url) as hub:
            size, key = 12 * MIB, keys["tustin"]
            content = await reported(hub, key, tmp_path, size)
            async with httpx.AsyncClient(base_url=hub.url, headers={"X-API-Key": key}, timeout=120) as http:
                location = (await create_upload(http, content.file_id, size)).headers["location"]
                proxy.damage_once()
                damaged = await patch(http, location, 0, content.data)
                assert proxy.damaged == 1
                assert damaged.status_code == 503, damaged.text
                assert damaged.json()["code"] == "SERVICE_UNAVAILABLE" and "damaged" in damaged.json()["message"]
                assert "retry-after" in damaged.headers
                kept = await offset_of(hub, key, location)
                assert kept < size and kept % (5 * MIB) == 0, kept  # only parts the store took intact
                again = await patch(http, location, kept, content.data[kept:])
                assert again.status_code == 204, again.text
                assert again.headers["upload-offset"] == str(size)
    assert stored_bytes(seaweed, prefix, content.sha256) == content.data
    assert open_multipart_uploads(seaweed, prefix) == []


async def test_the_store_paused_mid_download_is_a_bounded_503_for_new_requests_and_the_download_resumes(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
) -> None:  # fmt: skip
    """The agent's downloader is reading from the store (a presigned URL) when the store stops: a new request
    for the content gets a bounded 503 with Retry-After from the hub (it checks the object first); after SIGCONT
    the download in flight carries on and verifies."""
    a, b = two_hosts
    size = 16 * MIB
    content = await reported(a, keys["tustin"], tmp_path, size)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as http:
        created = await create_upload(http, content.file_id, size)
        assert (await patch(http, created.headers["location"], 0, content.data)).status_code == 204
    await queue_to(db, content.file_id, "nashville")

    target = tmp_path / "incoming.part"
    slow = BlobDownloader(b.url, keys["nashville"], rate_limit=4 * MIB)  # about four seconds
    download = asyncio.ensure_future(slow.fetch(content.file_id, target, size, content.sha256))
    deadline = time.monotonic() + 60
    while not (target.exists() and target.stat().st_size >= MIB):
        assert time.monotonic() < deadline and not download.done(), "the download did not start"
        await asyncio.sleep(0.05)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["nashville"]}, timeout=120) as http:
        with seaweed.paused():
            started = time.monotonic()
            paused = await http.get(f"/blobs/{content.file_id}")
            elapsed = time.monotonic() - started
            assert paused.status_code == 503 and paused.json()["code"] == "SERVICE_UNAVAILABLE", paused.text
            assert int(paused.headers["retry-after"]) > 0
            assert elapsed < 60, elapsed
            assert not download.done()  # still waiting on the paused store
    fetched = await asyncio.wait_for(download, 120)
    assert fetched.sha256 == content.sha256 and fetched.size == size


async def test_a_missing_bucket_the_keys_may_not_create_is_refused_at_start(
    s3_settings: Callable[[str], Settings], db_url: str, seaweed: Seaweed, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = f"cr-{uuid.uuid4().hex[:12]}"
    settings = s3_settings("host-a").model_copy(update={"blob_store": f"s3://{fresh}/hub"})
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", READER_KEY)  # may read and write objects, not create buckets
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", READER_SECRET)
    app = create_app(settings, db_url)
    with pytest.raises(StoreConfigError, match=f"the bucket '{fresh}' does not exist and could not be created"):
        async with app.router.lifespan_context(app):
            pass
    with pytest.raises(Exception, match=r"NoSuchBucket|Not Found|404"):
        seaweed.client().head_bucket(Bucket=fresh)


def test_serve_with_refused_credentials_stops_with_one_clear_sentence(seaweed: Seaweed, tmp_path: Path) -> None:
    """``colorroute serve`` names the store and the fix, exit code 2, no traceback (uvicorn's startup buried the
    sentence in one)."""
    env = {
        **os.environ,
        "COLORROUTE_DATA_DIR": str(tmp_path / "data"),
        "COLORROUTE_BLOB_STORE": f"s3://{uuid.uuid4().hex[:12]}/hub",
        "AWS_ENDPOINT_URL": seaweed.endpoint,
        "AWS_ACCESS_KEY_ID": READER_KEY,
        "AWS_SECRET_ACCESS_KEY": "not-the-secret",
        "AWS_REGION": "us-east-1",
    }
    env.pop("DATABASE_URL", None)
    serve = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", "1"]
    done = subprocess.run(serve, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "refused our credentials" in done.stderr and seaweed.endpoint in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
