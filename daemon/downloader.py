"""Fetch a file's verified content from the orchestrator (``GET /blobs/{fileId}``) into a partial file, resuming.

The partial file's length is the resume point: a ranged GET asks for the rest (``Range: bytes=<have>-``, with
``If-Range`` on the content's SHA-256 so the server sends everything again should the content differ). The
SHA-256 is computed while downloading; for a resumed partial the bytes already on disk are hashed first.
Whatever arrived before an interruption is on disk when this returns or raises, so the next call continues
from there.

The bytes do not pass through the event loop. One thread per download receives into 4 MiB buffers
(``http.client``'s ``readinto``: no per-piece objects), and two more hash and write each filled buffer while
the next one arrives; all three release the GIL. Measured on loopback, 1 GiB: httpx's async stream tops out near
500 MB/s before any hashing (64 KiB pieces through the event loop), this path keeps up with the disk.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import ctypes
import ctypes.util
import hashlib
import http.client
import itertools
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import SplitResult, urljoin, urlsplit

from daemon import __version__

#: Bytes received into one buffer before it is hashed and written.
BUFFER = 4 * 1024 * 1024
#: Buffers in flight per download (receiving, hashing, writing).
BUFFERS = 4
_READ = 4 * 1024 * 1024
_TIMEOUT = 60.0
#: Redirects followed (the orchestrator sends at most one, to its object store).
_MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class DownloadLinkError(Exception):
    """The connection failed or was cut: resume later from the partial file's length."""


class DownloadError(Exception):
    """The orchestrator answered with something a resume cannot fix now (no content, forbidden, 5xx, ...)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _Stopped(Exception):
    """The download was cancelled from the event loop."""


@dataclass(frozen=True)
class Fetched:
    sha256: str  # of the whole partial file, which now holds ``size`` bytes and is fsynced
    size: int
    resumed_from: int  # bytes already on disk when this call started (0: a fresh download)
    received: int  # bytes that came over the wire in this call


def _writeback_starter() -> Callable[[int, int, int], object] | None:
    """Linux ``sync_file_range(fd, offset, n, SYNC_FILE_RANGE_WRITE)``: start writing dirty pages back without
    waiting, so the fsync before the rename finds little left to do (measured: 1 GiB fsync 1 s -> 0.1-0.7 s)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    function = getattr(ctypes.CDLL(name, use_errno=True), "sync_file_range", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return lambda fd, offset, n: function(fd, offset, n, 2)


_start_writeback = _writeback_starter()
_WRITEBACK_EVERY = 32 * 1024 * 1024


class _Partial:
    """The partial file and the running SHA-256 of everything in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        self.length = os.fstat(self.fd).st_size
        self.digest = hashlib.sha256()
        self._clean = self.length  # below this offset, writeback has been started

    def hash_existing(self) -> None:
        self.digest = hashlib.sha256()
        position = 0
        while position < self.length:
            data = os.pread(self.fd, min(_READ, self.length - position), position)
            if not data:
                break
            self.digest.update(data)
            position += len(data)

    def truncate(self) -> None:
        os.ftruncate(self.fd, 0)
        self.length = self._clean = 0
        self.digest = hashlib.sha256()

    def write(self, data: memoryview, at: int) -> None:
        while data:
            n = os.pwrite(self.fd, data, at)
            data, at = data[n:], at + n
        if _start_writeback is not None and at - self._clean >= _WRITEBACK_EVERY:
            _start_writeback(self.fd, self._clean, at - self._clean)
            self._clean = at

    def close(self) -> None:
        os.close(self.fd)


class Sink(Protocol):
    """Where a GET's bytes go: the partial file of a file, or a package's members (daemon.packagefetch)."""

    length: int  # where the bytes continue (the resume point)

    @property
    def digest(self) -> Any: ...  # its ``update`` runs beside ``write``, on another thread
    def truncate(self) -> None: ...
    def write(self, data: memoryview, at: int) -> None: ...


class _Get:
    """One ranged GET into the partial file, run on its own thread; :meth:`stop` may be called from any thread."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        partial: Sink,
        size: int,
        rate: float,
        progress: Callable[[int], None],
    ) -> None:
        self._url = urlsplit(url)
        self._headers = headers
        self._partial = partial
        self._size = size
        self._rate = rate
        self._progress = progress
        self._stopped = threading.Event()
        self._conn: http.client.HTTPConnection | None = None

    def stop(self) -> None:
        self._stopped.set()
        sock = self._conn.sock if self._conn is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read

    def _connect(self, url: SplitResult) -> http.client.HTTPConnection:
        host, port = url.hostname or "localhost", url.port
        if url.scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=_TIMEOUT, context=ssl.create_default_context())
        return http.client.HTTPConnection(host, port, timeout=_TIMEOUT)

    def run(self) -> int:
        """Bytes received; raises :class:`DownloadLinkError`, :class:`DownloadError` or :class:`_Stopped`.

        A redirect (an orchestrator with an S3 store answers with a presigned URL) is followed with the Range
        only: the API key never goes to the store, and the store's ETag is not our SHA-256, so no If-Range (the
        object's key is its content address: it cannot change under us)."""
        url, headers = self._url, self._headers
        try:
            for _hop in range(_MAX_REDIRECTS + 1):
                self._conn = conn = self._connect(url)
                if self._stopped.is_set():
                    raise _Stopped
                conn.request("GET", url.path + (f"?{url.query}" if url.query else ""), headers=headers)
                response = conn.getresponse()
                try:
                    if response.status in _REDIRECTS:
                        location = response.getheader("Location")
                        if not location:
                            raise DownloadError(f"HTTP {response.status} without a Location", response.status)
                        url = urlsplit(urljoin(url.geturl(), location))
                        headers = {k: v for k, v in headers.items() if k.lower() in ("range", "user-agent")}
                        continue
                    self._check(response)
                    return self._receive(response)
                finally:
                    response.close()
                    conn.close()
            raise DownloadError(f"more than {_MAX_REDIRECTS} redirects from {self._url.geturl()}")
        except (OSError, http.client.HTTPException) as exc:
            if self._stopped.is_set():
                raise _Stopped from exc
            raise DownloadLinkError(f"GET {url.geturl()}: {exc!r}") from exc
        finally:
            if self._conn is not None:
                self._conn.close()

    def _check(self, response: http.client.HTTPResponse) -> None:
        partial = self._partial
        if response.status == 200:  # the whole content, not our range: start over
            partial.truncate()
        elif response.status == 206:
            content_range = response.getheader("Content-Range") or "bytes -1-"
            start = int(content_range.split()[1].split("-")[0])
            if start != partial.length:
                raise DownloadError(f"asked for bytes from {partial.length}, got {start}", 206)
        elif response.status == 416:
            raise DownloadError(f"the stored content is shorter than the file's {self._size} bytes", 416)
        else:
            body = response.read(300).decode("utf-8", "replace")
            raise DownloadError(f"HTTP {response.status}: {body}", response.status)

    def _receive(self, response: http.client.HTTPResponse) -> int:
        partial = self._partial
        buffers = [bytearray(BUFFER) for _ in range(BUFFERS)]
        in_flight: collections.deque[tuple[concurrent.futures.Future[None], concurrent.futures.Future[None], int]]
        in_flight = collections.deque()
        received = 0
        t0 = time.monotonic()

        def settle_one() -> None:
            hashed, written, end = in_flight.popleft()
            hashed.result()
            written.result()
            partial.length = end
            self._progress(end)

        with (
            ThreadPoolExecutor(1, thread_name_prefix="download-hash") as hasher,
            ThreadPoolExecutor(1, thread_name_prefix="download-write") as writer,
        ):
            try:
                position = partial.length
                for turn in itertools.count():
                    while in_flight and (len(in_flight) == BUFFERS or _finished(in_flight[0])):
                        settle_one()  # progress as soon as a buffer is on disk; a full ring waits for its oldest
                    view = memoryview(buffers[turn % BUFFERS])
                    filled = self._fill(response, view)
                    if filled:
                        data = view[:filled]
                        in_flight.append(
                            (hasher.submit(partial.digest.update, data), writer.submit(partial.write, data, position),
                             position + filled)
                        )  # fmt: skip
                        position += filled
                        received += filled
                        if self._rate > 0:
                            wait = received / self._rate - (time.monotonic() - t0)
                            if wait > 0:
                                time.sleep(wait)
                    if filled < BUFFER:
                        break
            finally:
                while in_flight:  # what arrived reaches the disk before anyone resumes from the length
                    settle_one()
        if partial.length != self._size:
            raise DownloadLinkError(f"the download ended at {partial.length} of {self._size} bytes")
        return received

    def _fill(self, response: http.client.HTTPResponse, view: memoryview) -> int:
        filled = 0
        while filled < len(view):
            if self._stopped.is_set():
                raise _Stopped
            n = response.readinto(view[filled:])
            if not n:
                break
            filled += n
        return filled


def _finished(entry: tuple[concurrent.futures.Future[None], concurrent.futures.Future[None], int]) -> bool:
    return entry[0].done() and entry[1].done()


class BlobDownloader:
    """Ranged, resumable downloads of ``/blobs/{fileId}`` with the daemon's key."""

    def __init__(self, base_url: str, api_key: str, *, rate_limit: float = 0.0) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"X-API-Key": api_key, "User-Agent": f"colorroute-daemon/{__version__}"}
        self._rate = rate_limit  # bytes per second; 0 = as fast as possible

    async def fetch(
        self,
        file_id: str,
        partial_path: Path,
        size: int,
        sha256: str,
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> Fetched:
        """Complete ``partial_path`` to ``size`` bytes of ``file_id``'s content; its hash is returned, not judged."""
        partial = await asyncio.to_thread(_Partial, partial_path)
        try:
            if partial.length > size:  # not this content: start over
                await asyncio.to_thread(partial.truncate)
            resumed_from = partial.length
            if resumed_from:
                await asyncio.to_thread(partial.hash_existing)
            received = 0
            if partial.length < size:
                received = await self._get(file_id, partial, size, sha256, on_progress)
            await asyncio.to_thread(os.fsync, partial.fd)
            return Fetched(partial.digest.hexdigest(), partial.length, resumed_from, received)
        finally:
            partial.close()

    async def manifest(self, file_id: str) -> bytes:
        """A package's canonical manifest (``GET /blobs/{fileId}/manifest``): its member list, in one request (on
        a thread with ``http.client``, like the downloads: no client to build per call)."""
        url = urlsplit(f"{self._base}/blobs/{file_id}/manifest")

        def get() -> tuple[int, bytes]:
            host, port = url.hostname or "localhost", url.port
            conn: http.client.HTTPConnection
            if url.scheme == "https":
                conn = http.client.HTTPSConnection(host, port, timeout=_TIMEOUT, context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(host, port, timeout=_TIMEOUT)
            try:
                conn.request("GET", url.path, headers=self._headers)
                response = conn.getresponse()
                return response.status, response.read()
            finally:
                conn.close()

        try:
            status, body = await asyncio.to_thread(get)
        except (OSError, http.client.HTTPException) as exc:
            raise DownloadLinkError(f"GET {url.geturl()}: {exc!r}") from exc
        if status != 200:
            raise DownloadError(f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}", status)
        return body

    async def get_into(
        self, file_id: str, sink: Sink, size: int, sha256: str, on_progress: Callable[[int], None] | None = None
    ) -> int:
        """One ranged GET of ``file_id``'s content from ``sink.length`` into ``sink``; bytes received. Raises like
        :meth:`fetch` (:class:`DownloadLinkError` on a cut: call again)."""
        return await self._get(file_id, sink, size, sha256, on_progress)

    async def _get(
        self, file_id: str, partial: Sink, size: int, sha256: str, on_progress: Callable[[int], None] | None
    ) -> int:
        loop = asyncio.get_running_loop()

        def progress(position: int) -> None:
            if on_progress is not None:
                with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening
                    loop.call_soon_threadsafe(on_progress, position)

        headers = {**self._headers, "Range": f"bytes={partial.length}-", "If-Range": f'"{sha256}"'}
        get = _Get(f"{self._base}/blobs/{file_id}", headers, partial, size, self._rate, progress)
        done: concurrent.futures.Future[int] = concurrent.futures.Future()

        def run() -> None:
            if done.set_running_or_notify_cancel():
                try:
                    done.set_result(get.run())
                except BaseException as exc:
                    done.set_exception(exc)

        threading.Thread(target=run, name=f"download-{file_id}", daemon=True).start()
        try:
            return await asyncio.wrap_future(done)
        except asyncio.CancelledError:
            get.stop()
            with contextlib.suppress(BaseException):
                await asyncio.wrap_future(done)  # the thread has flushed what it received
            raise
