"""``/blobs/{fileId}``: the destination site (and admins/engineers) fetch verified content, whole or by range."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.observability.metrics import REGISTRY
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user
from tests.transfers.conftest import Content, queue_to, reported
from tests.transfers.test_tus_upload import tus_uploader

SIZE = 1024 * 1024 + 321


@pytest.fixture
async def stored(server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path) -> Content:
    """A file from Tustin, uploaded and queued to Nashville."""
    content = await reported(server, keys["tustin"], tmp_path, SIZE)
    await asyncio.to_thread(tus_uploader(server.url, keys["tustin"], content).upload)
    await queue_to(db, content.file_id, "nashville")
    return content


def http(server: Server, key: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": key} if key else {})


async def test_destination_downloads_whole_and_ranges(server: Server, keys: dict[str, str], stored: Content) -> None:
    url = f"/blobs/{stored.file_id}"
    async with http(server, keys["nashville"]) as c:
        whole = await c.get(url)
        assert whole.status_code == 200
        assert whole.content == stored.data
        assert whole.headers["ETag"] == f'"{stored.sha256}"'
        assert whole.headers["Accept-Ranges"] == "bytes"
        assert whole.headers["Content-Length"] == str(SIZE)

        part = await c.get(url, headers={"Range": "bytes=1000-200999"})
        assert part.status_code == 206
        assert part.content == stored.data[1000:201000]
        assert part.headers["Content-Range"] == f"bytes 1000-200999/{SIZE}"

        tail = await c.get(url, headers={"Range": "bytes=1048576-"})
        assert tail.status_code == 206
        assert tail.content == stored.data[1048576:]

        suffix = await c.get(url, headers={"Range": "bytes=-100"})
        assert suffix.status_code == 206
        assert suffix.content == stored.data[-100:]

        clamped = await c.get(url, headers={"Range": f"bytes={SIZE - 10}-{SIZE + 5000}"})
        assert clamped.status_code == 206
        assert clamped.content == stored.data[-10:]

        resumed = await c.get(url, headers={"Range": "bytes=500-", "If-Range": f'"{stored.sha256}"'})
        assert resumed.status_code == 206
        stale = await c.get(url, headers={"Range": "bytes=500-", "If-Range": '"something-else"'})
        assert stale.status_code == 200  # a changed validator: the whole content again
        assert stale.content == stored.data

        head = await c.head(url, headers={"Range": "bytes=0-9"})
        assert head.status_code == 206
        assert head.headers["Content-Length"] == "10"
        assert head.content == b""


async def test_range_outside_the_blob_is_416(server: Server, keys: dict[str, str], stored: Content) -> None:
    async with http(server, keys["nashville"]) as c:
        for wanted in (f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"):
            r = await c.get(f"/blobs/{stored.file_id}", headers={"Range": wanted})
            assert r.status_code == 416, wanted
            assert r.headers["Content-Range"] == f"bytes */{SIZE}"
        for wanted in ("bytes=0-1,5-9", "items=0-1", "bytes=9-1", "bytes=abc"):
            r = await c.get(f"/blobs/{stored.file_id}", headers={"Range": wanted})
            assert r.status_code == 400, wanted


async def test_who_may_download(
    server: Server, db: SessionFactory, keys: dict[str, str], stored: Content, tmp_path: Path
) -> None:
    url = f"/blobs/{stored.file_id}"
    expected = {
        keys["nashville"]: 200,  # destination
        GLOBAL_KEY: 200,  # the seed's global key acts for every site
        keys["tustin"]: 403,  # the source site does not fetch its own content back
        keys["dallas"]: 403,  # another site
    }
    for key, status in expected.items():
        async with http(server, key) as c:
            assert (await c.get(url)).status_code == status
    async with http(server) as c:
        assert (await c.get(url)).status_code == 401
    async with http(server, "not-a-key") as c:
        assert (await c.get(url)).status_code == 401
    for username, role, status in (("eng", Role.ENGINEER, 200), ("ro", Role.READONLY, 403)):
        await make_user(db, username, role)
        async with Api(server.url) as api:
            await api.login(username)
            r = await api.http.get(url)
            assert r.status_code == status, username
            if status == 200:
                assert r.content == stored.data


async def test_no_content_is_404(server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 100)
    await queue_to(db, content.file_id, "nashville")
    async with http(server, keys["nashville"]) as c:
        assert (await c.get(f"/blobs/{content.file_id}")).status_code == 404  # reported, never uploaded
        assert (await c.get("/blobs/999999")).status_code == 404
        assert (await c.get("/blobs/not-an-id")).status_code == 404


async def test_file_without_destination_refuses_site_keys(server: Server, keys: dict[str, str], tmp_path: Path) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 100)
    await asyncio.to_thread(tus_uploader(server.url, keys["tustin"], content).upload)
    async with http(server, keys["nashville"]) as c:
        assert (await c.get(f"/blobs/{content.file_id}")).status_code == 403
    async with http(server, GLOBAL_KEY) as c:
        assert (await c.get(f"/blobs/{content.file_id}")).status_code == 403


async def test_bytes_moved_counter(server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path) -> None:
    def moved(direction: str) -> float:
        return REGISTRY.get_sample_value("colorroute_bytes_moved_total", {"direction": direction}) or 0.0

    up, down = moved("upload"), moved("download")
    content = await reported(server, keys["tustin"], tmp_path, 5000)
    await asyncio.to_thread(tus_uploader(server.url, keys["tustin"], content).upload)
    await queue_to(db, content.file_id, "nashville")
    async with http(server, keys["nashville"]) as c:
        assert (await c.get(f"/blobs/{content.file_id}", headers={"Range": "bytes=1000-"})).status_code == 206
    assert moved("upload") - up == 5000
    assert moved("download") - down == 4000
