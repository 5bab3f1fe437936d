"""The uploader's tus client and its per-file decisions, against an in-process fake of ``/uploads/``."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from daemon.config import http_base_url
from daemon.fileinfo import FileStat, probe
from daemon.outbox import Detection, Outbox
from daemon.transferstate import TransferState
from daemon.uploader import FileChangedError, TusClient, Uploader, UploadRefusedError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://localhost:5000", "http://localhost:5000"),
        ("https://hub.example.com/crs/", "https://hub.example.com/crs"),
        ("http://10.0.0.5:5000/graphql", "http://10.0.0.5:5000"),
        ("wss://hub.example.com/graphql", "https://hub.example.com"),
    ],
)
def test_byte_endpoints_live_beside_graphql(given: str, expected: str) -> None:
    assert http_base_url(given) == expected


class FakeTus:
    """Just enough of the orchestrator's tus server, on a real socket (PATCH bodies go out on their own thread
    with ``http.client``): creation, HEAD, PATCH at the right offset."""

    def __init__(self, *, existing: bool = False, offset_jump: int | None = None) -> None:
        self.uploads: dict[str, bytearray] = {}
        self.requests: list[tuple[str, str, int]] = []  # method, path, Upload-Offset (or -1)
        self.existing = existing
        self.offset_jump = offset_jump  # the first PATCH is answered 409 at this offset
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def answer(
                self, status: int, headers: dict[str, str] | None = None, body: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                offset = int(self.headers.get("Upload-Offset", -1))
                fake.requests.append((self.command, self.path, offset))
                status, headers, reply = fake.respond(self.command, self.path, self.headers, body, offset)
                self.answer(status, headers, reply)

            do_POST = do_HEAD = do_PATCH = do_DELETE = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def respond(
        self, method: str, path: str, headers: Any, body: bytes, offset: int
    ) -> tuple[int, dict[str, str], dict[str, str] | None]:
        if method == "POST":
            if self.existing:
                return 409, {}, {"code": "CONFLICT", "message": "x", "reason": "CONTENT_AVAILABLE"}
            if int(headers["Upload-Length"]) == 0:
                return 400, {}, {"code": "BAD_USER_INPUT", "message": "length"}
            uid = f"u{len(self.uploads)}"
            self.uploads[uid] = bytearray()
            return 201, {"Location": f"/uploads/{uid}", "Upload-Offset": "0"}, None
        uid = path.rsplit("/", 1)[1]
        if uid not in self.uploads:
            return 404, {}, None
        data = self.uploads[uid]
        if method == "HEAD":
            return 200, {"Upload-Offset": str(len(data))}, None
        if self.offset_jump is not None:
            data += b"\0" * self.offset_jump  # stands for bytes another request delivered
            self.offset_jump = None
            return 409, {"Upload-Offset": str(len(data))}, {"code": "CONFLICT", "message": "offset"}
        assert offset == len(data)
        data += body
        return 204, {"Upload-Offset": str(len(data))}, None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fakes() -> Iterator[Callable[..., FakeTus]]:
    made: list[FakeTus] = []

    def make(**kw: Any) -> FakeTus:
        made.append(FakeTus(**kw))
        return made[-1]

    yield make
    for fake in made:
        fake.close()


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(headers={"X-API-Key": "k"})


async def test_create_send_and_the_answers_that_mean_done_or_never(
    tmp_path: Path, fakes: Callable[..., FakeTus]
) -> None:
    path = tmp_path / "a.mov"
    data = os.urandom(3 * 1024 * 1024 + 5)
    path.write_bytes(data)
    st = probe(path)
    assert isinstance(st, FileStat)
    fake = fakes()
    async with client() as http:
        tus = TusClient(http, fake.url, chunk_size=1024 * 1024)
        url = await tus.create("7", len(data), "a.mov")
        assert url == f"{fake.url}/uploads/u0"
        sent = await tus.send(url, path, 0, len(data), expect=st)
        assert sent.offset == len(data) == sent.sent_bytes
        assert bytes(fake.uploads["u0"]) == data
        assert await tus.offset(url) == len(data)
        assert await tus.offset(f"{fake.url}/uploads/nope") is None
        with pytest.raises(UploadRefusedError) as refused:
            await tus.create("7", 0, "a.mov")
        assert refused.value.status == 400
    async with client() as http:
        assert await TusClient(http, fakes(existing=True).url).create("7", len(data), "a.mov") is None


async def test_a_moved_offset_is_followed_and_a_changed_file_stops_the_upload(
    tmp_path: Path, fakes: Callable[..., FakeTus]
) -> None:
    path = tmp_path / "a.mov"
    data = os.urandom(2 * 1024 * 1024)
    path.write_bytes(data)
    st = probe(path)
    assert isinstance(st, FileStat)
    fake = fakes(offset_jump=1000)
    async with client() as http:
        tus = TusClient(http, fake.url, chunk_size=512 * 1024)
        url = await tus.create("7", len(data), "a.mov")
        assert url is not None
        await tus.send(url, path, 0, len(data), expect=st)
        assert [(m, o) for m, _, o in fake.requests if m == "PATCH"] == [("PATCH", 0), ("PATCH", 1000)]
        assert bytes(fake.uploads["u0"][1000:]) == data[1000:]

        url = await tus.create("8", len(data), "a.mov")
        assert url is not None
        with path.open("ab") as f:
            f.write(b"more")
        with pytest.raises(FileChangedError):
            await tus.send(url, path, 0, len(data), expect=st)


async def test_the_uploader_resumes_from_its_stored_url_and_skips_a_changed_file(
    tmp_path: Path, fakes: Callable[..., FakeTus]
) -> None:
    root = tmp_path / "watch"
    root.mkdir()
    db = tmp_path / "state" / "outbox.sqlite3"
    outbox = await Outbox.open(db, site="tustin", watch=str(root))
    state = await TransferState.open(db)
    data = os.urandom(1024 * 1024)
    files = {"keep.mov": data, "changed.mov": b"old bytes"}
    for name, content in files.items():
        (root / name).write_bytes(content)
    detections = []
    for name in files:
        st = probe(root / name)
        assert isinstance(st, FileStat)
        detections.append(Detection(name, st.size, st.mtime_ns, "0" * 64))
    rows = await outbox.record(detections)
    await outbox.mark_sent([(rows[0].report_id, "1"), (rows[1].report_id, "2")])
    (root / "changed.mov").write_bytes(b"new bytes, longer")

    fake = fakes()
    fake.uploads["u9"] = bytearray(data[:300_000])  # an earlier run got this far
    keep = (await state.upload_work([rows[0].report_id]))[0]
    await state.set_upload(keep, "pending", url=f"{fake.url}/uploads/u9")
    ready = asyncio.Event()
    ready.set()
    try:
        async with client() as http:
            uploader = Uploader(state, TusClient(http, fake.url), root, ready=ready)
            tasks = [asyncio.create_task(fn()) for fn in uploader.tasks().values()]  # type: ignore[misc]
            try:
                for _ in range(3000):  # 60 s and more: generous for a loaded machine
                    if await state.upload_counts() == {"done": 1, "stale": 1}:
                        break
                    await asyncio.sleep(0.02)
                else:
                    raise AssertionError(f"uploads not settled: {await state.upload_counts()}")
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        assert bytes(fake.uploads["u9"]) == data
        assert [(m, p, o) for m, p, o in fake.requests] == [
            ("HEAD", "/uploads/u9", -1),
            ("PATCH", "/uploads/u9", 300_000),
        ]
    finally:
        await state.close()
        await outbox.close()
