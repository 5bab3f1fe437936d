"""The fast paths of uploads keep their guarantees: the partial file gets exactly the bytes in order whatever
pieces they come in (``pwritev``, short writes), writeback hints never move an offset, the durable offset is
only ever recorded over fsynced bytes, duplicate content keeps the stored blob, and the daemon's body goes out
byte for byte both with ``sendfile`` and the TLS-style copy path."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import socket
import stat
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import Upload
from app.transfers import blobstore, tus
from app.transfers.blobstore import BlobStore
from daemon import tuspatch
from daemon.fileinfo import FileStat, probe
from daemon.uploader import FileChangedError, TusClient
from tests.conftest import Server
from tests.transfers.conftest import TUS, create_upload, reported

MIB = 1024 * 1024
UID = "00000000-0000-4000-8000-000000000001"
UID2 = "00000000-0000-4000-8000-000000000002"


def _writer(tmp_path: Path, upload_id: str = UID) -> tuple[BlobStore, blobstore.PartialWriter]:
    store = BlobStore(tmp_path / "blobs")
    store.create_partial(upload_id)
    return store, store.open_partial(upload_id, 0)


def test_pieces_are_written_back_to_back_and_hashed_in_order(tmp_path: Path) -> None:
    store, writer = _writer(tmp_path)
    pieces: list[Any] = [b"abc", b"", bytearray(b"defg"), memoryview(b"xhijk")[1:], os.urandom(70_000)]
    try:
        writer.write(pieces)
        writer.write(b"tail")
        expected = b"abcdefghijk" + bytes(pieces[4]) + b"tail"
        assert writer.offset == len(expected)
        assert writer.hexdigest() == hashlib.sha256(expected).hexdigest()
    finally:
        writer.close()
    assert store.partial_path(UID).read_bytes() == expected


def test_short_pwritev_and_more_pieces_than_one_call_takes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.pwritev
    calls: list[int] = []

    def short(fd: int, buffers: list[memoryview], offset: int) -> int:
        calls.append(len(buffers))
        joined = b"".join(bytes(b) for b in buffers)
        return real(fd, [joined[:1001]], offset)  # never more than 1001 bytes at once

    monkeypatch.setattr(blobstore.os, "pwritev", short)
    monkeypatch.setattr(blobstore, "_IOV_BATCH", 7)
    pieces = [os.urandom(n) for n in (10, 3000, 1, 999, 1002, 5, 4096, 17, 2000, 1)]
    store, writer = _writer(tmp_path)
    try:
        writer.write(pieces)
    finally:
        writer.close()
    assert store.partial_path(UID).read_bytes() == b"".join(pieces)
    assert max(calls) <= 7


def test_writeback_hints_cover_each_range_once_and_restart_after_a_rollback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[int, int]] = []
    monkeypatch.setattr(blobstore, "_writeback", lambda fd, offset, n: started.append((offset, n)))
    monkeypatch.setattr(blobstore, "WRITEBACK_BYTES", 1000)
    store, writer = _writer(tmp_path)
    try:
        writer.write(b"a" * 600)
        assert started == []
        writer.write(b"b" * 600)
        assert started == [(0, 1200)]
        mark = writer.mark()
        writer.write(b"c" * 1500)
        assert started[-1] == (1200, 1500)
        writer.rollback(mark)
        writer.write(b"d" * 1000)
        assert started[-1] == (1200, 1000)
        assert writer.offset == 2200
    finally:
        writer.close()
    assert store.partial_path(UID).read_bytes() == b"a" * 600 + b"b" * 600 + b"d" * 1000


def test_duplicate_content_keeps_the_stored_blob_and_drops_the_partial(tmp_path: Path) -> None:
    data = os.urandom(100_000)
    sha = hashlib.sha256(data).hexdigest()
    store = BlobStore(tmp_path / "blobs")
    for upload_id in (UID, UID2):
        store.create_partial(upload_id)
        writer = store.open_partial(upload_id, 0)
        writer.write(data)
        writer.sync()
        writer.forget()
        writer.close()
    first = store.commit(UID, sha)
    inode = first.stat().st_ino
    again = store.commit(UID2, sha)
    assert again == first and first.stat().st_ino == inode and first.read_bytes() == data
    deadline = time.monotonic() + 60
    while any(store.partial_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(store.partial_dir.iterdir())


def test_partials_set_aside_before_a_crash_are_swept_once_per_process(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    store.partial_dir.mkdir(parents=True)
    left = store.partial_dir / f"{UID}.discard"
    left.write_bytes(b"x")
    store.create_partial(UID2)
    assert not left.exists()
    assert store.partial_path(UID2).exists()  # uploads in flight are left alone
    left.write_bytes(b"y")
    store.create_partial(UID)
    assert left.exists()  # only the first creation sweeps
    assert store.sweep_discarded() == 1


async def test_checkpointed_offsets_never_run_ahead_of_fsynced_bytes(
    server: Server,
    db: SessionFactory,
    settings: Settings,
    keys: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every offset recorded (mid-request checkpoints, the end of a cut request) is covered by an fsync of the
    partial file that came before it; after the cut, HEAD answers the recorded offset, whose bytes are exactly
    the upload's first bytes, and the upload completes from there."""
    monkeypatch.setattr(tus, "WRITE_BATCH", 128 * 1024)
    monkeypatch.setattr(tus, "CHECKPOINT_BYTES", 512 * 1024)
    synced: list[int] = []  # the partial file's size at each fsync of it
    recorded: list[tuple[int, int]] = []  # (offset recorded, largest fsynced size before it)
    real_fsync, real_record = os.fsync, tus.uploads.record_offset

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        real_fsync(fd)
        if stat.S_ISREG(st.st_mode):  # the partial file (directories are fsynced too)
            synced.append(st.st_size)

    async def record_offset(db_: SessionFactory, upload_id: str, expected: int, offset: int) -> None:
        recorded.append((offset, max(synced, default=0)))
        await real_record(db_, upload_id, expected, offset)

    monkeypatch.setattr(blobstore.os, "fsync", fsync)
    monkeypatch.setattr(tus.uploads, "record_offset", record_offset)
    size = 6 * MIB
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
    sent = 4 * MIB + 12345
    writer.write(head.encode() + content.data[:sent])
    await writer.drain()
    for _ in range(1200):  # at least one checkpoint while the request is still open (a minute, for a busy machine)
        if any(offset > 0 for offset, _ in recorded):
            break
        await asyncio.sleep(0.05)
    writer.close()
    await writer.wait_closed()
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        offset = int((await http.head(location, headers=TUS)).headers["Upload-Offset"])
        assert offset == sent
        assert recorded and all(offset <= durable for offset, durable in recorded), (recorded, synced)
        assert len(recorded) >= 2  # a checkpoint inside the request, then the end of it
        async with db() as session:
            row = await session.get(Upload, upload_id)
            assert row is not None and row.offset == sent
        partial = (settings.blob_dir / "partial" / upload_id).read_bytes()
        assert partial[:offset] == content.data[:offset]
        r = await http.patch(
            location,
            content=content.data[offset:],
            headers={**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
        )
        assert r.status_code == 204, r.text
    assert recorded[-1][0] <= recorded[-1][1]


class _Sink:
    """A one-shot HTTP server that reads a request's head and ``Content-Length`` bytes, then answers 204."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/uploads/x"
        self.body = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
            length, start = int(fields[b"Content-Length"]), int(fields[b"Upload-Offset"])
            chunks = [body]
            received = len(body)
            while received < length:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
            self.body = b"".join(chunks)
            with contextlib.suppress(OSError):  # the client may have given up
                conn.sendall(
                    b"HTTP/1.1 204 No Content\r\nUpload-Offset: %d\r\nContent-Length: 0\r\n\r\n" % (start + received)
                )
        self.listener.close()


@pytest.mark.parametrize("zero_copy", [True, False], ids=["sendfile", "copy"])
async def test_the_daemon_sends_the_exact_bytes_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zero_copy: bool
) -> None:
    path = tmp_path / "a.mov"
    data = os.urandom(3 * MIB + 7)
    path.write_bytes(data)
    st = probe(path)
    assert isinstance(st, FileStat)
    monkeypatch.setattr(tuspatch, "_zero_copy", lambda sock: zero_copy)
    sink = _Sink()
    progress: list[int] = []
    async with httpx.AsyncClient() as http:
        sent = await TusClient(http, "http://unused", chunk_size=MIB).send(
            sink.url, path, 1000, len(data), expect=st, on_progress=progress.append
        )
    await asyncio.to_thread(sink.thread.join, 5)
    assert sink.body == data[1000:]
    assert (sent.offset, sent.sent_bytes) == (len(data), len(data) - 1000)
    await asyncio.sleep(0)  # progress is delivered through the loop
    assert progress and progress[-1] == len(data)


async def test_sendfile_stops_when_the_file_is_shorter_than_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.mov"
    path.write_bytes(os.urandom(2 * MIB))
    sink = _Sink()
    async with httpx.AsyncClient() as http:
        with pytest.raises(FileChangedError):
            await TusClient(http, "http://unused", chunk_size=MIB).send(sink.url, path, 0, 3 * MIB)
