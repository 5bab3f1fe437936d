"""Fetch a file's verified content from the orchestrator (``GET /blobs/{fileId}``) into a partial file, resuming.

The partial file's length is the resume point: a ranged GET asks for the rest (``Range: bytes=<have>-``, with
``If-Range`` on the content's SHA-256 so the server sends everything again should the content differ). The
SHA-256 is computed while downloading; for a resumed partial the bytes already on disk are hashed first. The
socket's pieces are gathered into 4 MiB batches, each written and hashed on two worker threads at once (both
release the GIL) while the next batch arrives, so the event loop only moves bytes. Whatever arrived before an
interruption is on disk when this returns or raises, so the next call continues from there.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

#: Bytes gathered from the socket before one write + hash.
BATCH = 4 * 1024 * 1024
_READ = 4 * 1024 * 1024


class DownloadLinkError(Exception):
    """The connection failed or was cut: resume later from the partial file's length."""


class DownloadError(Exception):
    """The orchestrator answered with something a resume cannot fix now (no content, forbidden, 5xx, ...)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Fetched:
    sha256: str  # of the whole partial file, which now holds ``size`` bytes and is fsynced
    size: int
    resumed_from: int  # bytes already on disk when this call started (0: a fresh download)
    received: int  # bytes that came over the wire in this call


class _Partial:
    """The partial file: sequential writes at a known offset plus the running SHA-256 of everything in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        self.length = os.fstat(self.fd).st_size
        self.digest = hashlib.sha256()

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
        self.length = 0
        self.digest = hashlib.sha256()

    def write(self, data: bytes | bytearray, at: int) -> None:
        view = memoryview(data)
        while view:
            n = os.pwrite(self.fd, view, at)
            view, at = view[n:], at + n

    def close(self) -> None:
        os.close(self.fd)


class BlobDownloader:
    """Ranged, resumable downloads over one ``httpx.AsyncClient`` (keep-alive, ``X-API-Key`` set on it)."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, *, rate_limit: float = 0.0) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
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

    async def _get(
        self,
        file_id: str,
        partial: _Partial,
        size: int,
        sha256: str,
        on_progress: Callable[[int], None] | None,
    ) -> int:
        headers = {"Range": f"bytes={partial.length}-", "If-Range": f'"{sha256}"'}
        url = f"{self._base}/blobs/{file_id}"
        received = 0
        pending: asyncio.Future[None] | None = None
        try:
            async with self._http.stream("GET", url, headers=headers) as r:
                if r.status_code == 200:  # the whole content, not our range: start over
                    await asyncio.to_thread(partial.truncate)
                elif r.status_code == 206:
                    start = int(r.headers.get("Content-Range", "bytes -1-").split()[1].split("-")[0])
                    if start != partial.length:
                        raise DownloadError(f"asked for bytes from {partial.length}, got {start}", 206)
                elif r.status_code == 416:
                    raise DownloadError(f"the stored content is shorter than the file's {size} bytes", 416)
                else:
                    await r.aread()
                    raise DownloadError(f"HTTP {r.status_code}: {r.text[:300]}", r.status_code)
                position = partial.length
                t0 = time.monotonic()
                buffer = bytearray()
                # Pieces as httpx gives them (re-chunking inside httpx costs more than the transfer).
                async for piece in r.aiter_raw():
                    buffer += piece
                    received += len(piece)
                    if len(buffer) >= BATCH:
                        if pending is not None:
                            await pending
                        pending = asyncio.ensure_future(self._store(partial, buffer, position))
                        position += len(buffer)
                        buffer = bytearray()
                        if on_progress is not None:
                            on_progress(position)
                        if self._rate > 0:
                            wait = received / self._rate - (time.monotonic() - t0)
                            if wait > 0:
                                await asyncio.sleep(wait)
                if pending is not None:
                    await pending
                    pending = None
                if buffer:
                    await self._store(partial, buffer, position)
                    position += len(buffer)
                if on_progress is not None:
                    on_progress(position)
        except httpx.TransportError as exc:
            raise DownloadLinkError(f"GET {url}: {exc!r}") from exc
        finally:
            if pending is not None:
                await pending  # what arrived is on disk before anyone resumes from the length
        if partial.length != size:
            raise DownloadLinkError(f"the download ended at {partial.length} of {size} bytes")
        return received

    @staticmethod
    async def _store(partial: _Partial, data: bytearray, at: int) -> None:
        await asyncio.gather(asyncio.to_thread(partial.write, data, at), asyncio.to_thread(partial.digest.update, data))
        partial.length = at + len(data)
