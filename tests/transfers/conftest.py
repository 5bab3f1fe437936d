"""Fixtures for the byte endpoints: site keys, reported files with real bytes, servers that can be restarted
on the same database and data directory, and a loopback TCP proxy that cuts a connection after N bytes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM
from app.domain.states import FileAction
from app.services import lifecycle
from app.services.users import create_api_key
from tests.conftest import Server
from tests.support import Api, on_loopback, report

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
async def keys(db: SessionFactory) -> dict[str, str]:
    return {site: (await create_api_key(db, SYSTEM, site)).secret for site in ("tustin", "dallas", "nashville")}


@dataclass
class Content:
    path: Path
    data: bytes
    file_id: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


async def reported(
    server: Server,
    key: str,
    tmp_path: Path,
    size: int,
    *,
    site: str = "tustin",
    name: str | None = None,
    sha256: str | None = None,
    data: bytes | None = None,
) -> Content:
    """Write real bytes to disk and report them (with their true hash unless ``sha256`` says otherwise)."""
    data = os.urandom(size) if data is None else data
    name = name or f"clip-{hashlib.md5(data).hexdigest()[:8]}.mov"
    path = tmp_path / name
    path.write_bytes(data)
    async with Api(server.url, api_key=key) as api:
        row = await report(
            api, path=f"A001/{name}", site=site, sha=sha256 or hashlib.sha256(data).hexdigest(), size=size
        )
    return Content(path=path, data=data, file_id=str(row["id"]))


async def queue_to(db: SessionFactory, file_id: str, destination: str) -> None:
    await lifecycle.act(db, SYSTEM, file_id, FileAction.VALIDATE)
    await lifecycle.queue_file(db, SYSTEM, file_id, destination)


def metadata(**pairs: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items())


async def create_upload(http: httpx.AsyncClient, file_id: str, length: int, **headers: str) -> httpx.Response:
    return await http.post(
        "/uploads/",
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": metadata(fileId=file_id), **headers},
    )


async def patch(http: httpx.AsyncClient, url: str, offset: int, body: bytes, **headers: str) -> httpx.Response:
    return await http.patch(
        url,
        content=body,
        headers={**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", **headers},
    )


@contextlib.asynccontextmanager
async def running_server(settings: Settings, db_url: str) -> AsyncIterator[Server]:
    """A fresh app instance on uvicorn (nothing in memory carried over), on the given database and data dir."""
    from app.main import create_app

    app = create_app(settings, db_url)
    async with on_loopback(app) as url:
        yield Server(url=url, app=app, settings=settings, db_url=db_url)


@dataclass
class CuttingProxy:
    """Forwards 127.0.0.1:port to the server; each connection is cut after ``cut_after`` client bytes
    (``None``: never). ``upstream_bytes`` counts what reached the server, per connection."""

    target_port: int
    cut_after: int | None = None
    port: int = 0
    upstream_bytes: list[int] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> CuttingProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        index = len(self.upstream_bytes)
        self.upstream_bytes.append(0)
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def up() -> None:
            while data := await client_r.read(65536):
                if self.cut_after is not None:
                    data = data[: max(0, self.cut_after - self.upstream_bytes[index])]
                server_w.write(data)
                await server_w.drain()
                self.upstream_bytes[index] += len(data)
                if self.cut_after is not None and self.upstream_bytes[index] >= self.cut_after:
                    return

        async def down() -> None:
            while data := await server_r.read(65536):
                client_w.write(data)
                await client_w.drain()

        try:
            pumps = [asyncio.create_task(up()), asyncio.create_task(down())]
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
        finally:
            for writer in (client_w, server_w):
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
            self._tasks.discard(task)


@pytest.fixture
async def proxy_factory() -> AsyncIterator[Callable[..., Any]]:
    proxies: list[CuttingProxy] = []

    async def make(target_port: int, cut_after: int | None = None) -> CuttingProxy:
        proxy = await CuttingProxy(target_port, cut_after).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        await proxy.stop()
