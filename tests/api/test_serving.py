"""How the server is served (app/serving.py), through real servers: forwarded headers believed only from
``COLORROUTE_TRUSTED_PROXIES``; and, on a real ``colorroute serve``, connections that never finish their headers
or stall inside a body are closed within their deadlines, while WebSockets and ordinary requests are untouched."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import websockets

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.main import create_app
from tests.conftest import Server
from tests.support import GLOBAL_KEY, PASSWORD, Api, make_user, on_loopback, spawned_server

FORGED = "203.0.113.7"


async def _login_addresses(url: str, admin: Api) -> list[str | None]:
    async with Api(url) as eve:
        await eve.gql(
            'mutation($p: String!) { login(username: "eve", password: $p) { id } }',
            {"p": PASSWORD},
            headers={"X-Forwarded-For": FORGED},
        )
    data = await admin.gql('{ audit(first: 20, action: "LOGIN") { edges { node { actor clientAddr } } } }')
    return [e["node"]["clientAddr"] for e in data["audit"]["edges"] if e["node"]["actor"] == "eve"]


async def test_forwarded_for_is_believed_only_from_trusted_proxies(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eve", Role.COLORIST, "nashville")
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as admin:
        await admin.login("admin")
        # Default (no trusted proxies): a local client cannot choose the address the audit and limiter see.
        assert await _login_addresses(server.url, admin) == ["127.0.0.1"]

        proxied = server.settings.model_copy(update={"trusted_proxies": ("127.0.0.0/8",)})
        app = create_app(proxied, server.db_url)
        async with on_loopback(app, proxied) as url:
            assert await _login_addresses(url, admin) == [FORGED, "127.0.0.1"]


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> float:
    """Seconds until the server closes the connection (reading and dropping anything it says first)."""
    start = time.monotonic()

    async def until_eof() -> None:
        while await reader.read(65536):
            pass

    await asyncio.wait_for(until_eof(), seconds)
    return time.monotonic() - start


async def test_serve_closes_connections_that_stall_in_headers_or_body(db_url: str, tmp_path: Path) -> None:
    env = {"COLORROUTE_HEADER_TIMEOUT_SECONDS": "1", "COLORROUTE_BODY_TIMEOUT_SECONDS": "1"}
    async with spawned_server(db_url, str(tmp_path / "srv"), **env) as url:
        port = int(url.rsplit(":", 1)[1])

        # Partial headers, then nothing.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
        await writer.drain()
        assert await _closed_within(reader, 20) < 10
        writer.close()

        # Headers trickled a byte at a time: bytes arriving do not extend the deadline.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)

        async def trickle() -> None:
            for byte in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 200:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.1)

        sender = asyncio.create_task(trickle())
        assert await _closed_within(reader, 20) < 10
        assert not sender.done(), "the server waited for the whole trickle"
        sender.cancel()
        writer.close()

        # Complete headers, then a body that stops halfway.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"query": "{ me'
        )
        await writer.drain()
        assert await _closed_within(reader, 20) < 10
        writer.close()

        # Ordinary requests on a kept-alive connection, and a WebSocket outliving both deadlines.
        async with httpx.AsyncClient(base_url=url) as http:
            for _ in range(2):
                assert (await http.get("/healthz")).status_code == 200
                await asyncio.sleep(1.5)
        ws_url = url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {"apiKey": GLOBAL_KEY}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await asyncio.sleep(2.5)
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "pong"


async def test_an_answer_before_the_end_of_the_body_leaves_the_client_time_to_send_the_rest(
    db_url: str, tmp_path: Path
) -> None:
    """A tus PATCH refused early (a package's bad member; here an upload that does not exist) is answered before
    its body ends. A client that reads the answer only after sending everything (the daemon's) must get it: the
    rest of the body is held to the body's idle limit, not to the header deadline of a next request."""
    env = {"COLORROUTE_HEADER_TIMEOUT_SECONDS": "1", "COLORROUTE_BODY_TIMEOUT_SECONDS": "30"}
    async with spawned_server(db_url, str(tmp_path / "srv"), **env) as url:
        reader, writer = await asyncio.open_connection("127.0.0.1", int(url.rsplit(":", 1)[1]))
        rest = 8 * 1024 * 1024
        writer.write(
            b"PATCH /uploads/00000000-0000-4000-8000-000000000000 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
            + f"X-API-Key: {GLOBAL_KEY}\r\nContent-Length: {rest + 10}\r\n\r\n".encode()
            + b"x" * 10
        )
        await writer.drain()
        await asyncio.sleep(2.5)  # past the header deadline: the answer is waiting, unread
        writer.write(b"x" * rest)
        await writer.drain()  # before the fix: the connection was closed after 1 s, and this fails
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        assert head.startswith(b"HTTP/1.1 404"), head
        writer.close()
