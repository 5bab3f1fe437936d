"""A tus PATCH whose client goes silent mid-body (connection still open) ends after
``COLORROUTE_UPLOAD_IDLE_SECONDS``: the bytes that arrived are kept, the upload's lock is released, and the
upload resumes at that offset — while the stalled connection is still open."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File
from tests.conftest import Server
from tests.transfers.conftest import TUS, create_upload, patch, reported

KIB = 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The connection-level body timeout is far away: only the upload's own idle limit can free it here.
    return settings.model_copy(update={"upload_idle_seconds": 1.0, "body_timeout_seconds": 600.0})


async def test_a_stalled_patch_releases_its_upload_and_keeps_its_bytes(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    size, sent = 600 * KIB, 250 * KIB
    content = await reported(server, keys["tustin"], tmp_path, size)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}, timeout=30) as http:
        created = await create_upload(http, content.file_id, size)
        assert created.status_code == 201, created.text
        location = created.headers["Location"]

        # A PATCH that announces the whole file, sends part of it and then says nothing more.
        port = int(server.url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = (
            f"PATCH {location} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
            f"X-API-Key: {keys['tustin']}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Upload-Offset: 0\r\nContent-Length: {size}\r\n\r\n"
        )
        writer.write(head.encode() + content.data[:sent])
        await writer.drain()
        try:
            deadline = time.monotonic() + 30
            offset = 0
            while time.monotonic() < deadline:
                r = await http.head(location, headers=TUS)
                offset = int(r.headers["Upload-Offset"])
                if offset == sent:
                    break
                await asyncio.sleep(0.2)
            assert offset == sent, "the stalled PATCH still holds the upload"
            response = await asyncio.wait_for(reader.read(4096), 10)
            assert response.startswith(b"HTTP/1.1 408"), response

            done = await patch(http, location, sent, content.data[sent:])
            assert done.status_code == 204, done.text
            assert done.headers["Upload-Offset"] == str(size)
        finally:
            writer.close()
    async with db() as session:
        row = await session.get(File, int(content.file_id))
        assert row is not None and row.content_available
