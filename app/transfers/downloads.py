"""``GET``/``HEAD /blobs/{fileId}``: a file's verified content, whole or one byte range, for its destination.

``ETag`` is the quoted SHA-256 (the content address), so ``If-Range`` with it resumes safely. One range per
request (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``); a start at or past the end is ``416`` with
``Content-Range: bytes */size``. The body is read in bounded chunks in a worker thread, one chunk ahead of
the socket, and stops as soon as the client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.errors import DomainError
from app.observability.metrics import BYTES_MOVED
from app.services import uploads
from app.transfers.http import domain_error_response, error_response, request_actor
from app.transfers.stores import BlobStorage, LocalStorage

#: Bytes per read and per ASGI body message.
DOWNLOAD_CHUNK = 2 * 1024 * 1024


class RangeNotSatisfiable(Exception):
    pass


class MalformedRange(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int]:
    """One ``bytes=`` range -> ``(start, end)`` with ``end`` exclusive, clamped to ``size``."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec.strip():
        raise MalformedRange("only byte ranges are supported: Range: bytes=start-end")
    if "," in spec:
        raise MalformedRange("only a single byte range is supported")
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or first == last == "":
        raise MalformedRange(f"malformed Range: {header!r}")
    if first == "":  # the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(size - n, 0), size
    start = int(first)
    end = size if last == "" else int(last) + 1
    if last != "" and end <= start:
        raise MalformedRange("Range end before its start")
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(end, size)


class BlobResponse(Response):
    """Streams ``path[start:end]``: bounded reads in a thread, one chunk ahead of the socket."""

    def __init__(self, path: Path, start: int, end: int, status_code: int, headers: dict[str, str]) -> None:
        self.path = path
        self.start = start
        self.end = end
        self.status_code = status_code
        self.background = None
        self.init_headers({**headers, "content-length": str(end - start)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fd = await asyncio.to_thread(os.open, self.path, os.O_RDONLY)
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            if scope["method"] == "HEAD" or self.start == self.end:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await self._stream(fd, receive, send)
        finally:
            os.close(fd)

    async def _stream(self, fd: int, receive: Receive, send: Send) -> None:
        async def until_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        downloaded = BYTES_MOVED.labels("download")
        gone = asyncio.ensure_future(until_disconnect())
        position = self.start
        first = min(DOWNLOAD_CHUNK, self.end - position)
        ahead = asyncio.ensure_future(asyncio.to_thread(os.pread, fd, first, position))
        try:
            while True:
                chunk = await ahead
                if not chunk:
                    raise RuntimeError(f"{self.path} is shorter than expected")
                position += len(chunk)
                more = position < self.end
                if more:
                    size = min(DOWNLOAD_CHUNK, self.end - position)
                    ahead = asyncio.ensure_future(asyncio.to_thread(os.pread, fd, size, position))
                await send({"type": "http.response.body", "body": chunk, "more_body": more})
                downloaded.inc(len(chunk))
                if not more or gone.done():
                    break
        finally:
            gone.cancel()
            if not ahead.done():
                with contextlib.suppress(Exception):
                    await ahead


class BlobDownloads:
    """``endpoint`` is the handler behind ``Route("/blobs/{file_id}", ...)``, ``manifest`` behind
    ``/blobs/{file_id}/manifest``."""

    def __init__(self, settings: Settings, db: SessionFactory, storage: BlobStorage) -> None:
        self.settings = settings
        self.db = db
        self.storage = storage

    async def manifest(self, request: Request) -> Response:
        """A package's canonical manifest (text, one member a line, in stream order), for its destination: what the
        agent cuts the stream by, in one request (paging 14,400 members through GraphQL costs 29), and checkable on
        its own (its SHA-256 is the package's ``sha256``)."""
        try:
            actor = await request_actor(request, self.settings, self.db)
            body = await uploads.package_manifest(self.db, actor, request.path_params["file_id"])
        except DomainError as exc:
            return domain_error_response(exc)
        headers = {"cache-control": "private, no-store", "etag": f'"{hashlib.sha256(body).hexdigest()}"'}
        return Response(body, 200, headers, media_type="text/plain; charset=utf-8")

    async def endpoint(self, request: Request) -> Response:
        try:
            actor = await request_actor(request, self.settings, self.db)
            blob = await uploads.blob_for_download(self.db, actor, request.path_params["file_id"])
        except DomainError as exc:
            return domain_error_response(exc)
        if not isinstance(self.storage, LocalStorage):  # the object store serves the bytes itself
            from app.transfers.s3downloads import redirect_to_store
            from app.transfers.s3store import S3Storage

            assert isinstance(self.storage, S3Storage)
            return await redirect_to_store(request, self.db, self.storage, blob)
        path = self.storage.disk.path_for(blob.key)
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            return error_response(404, "NOT_FOUND", f"file {blob.file_id}: content missing from the store")
        etag = f'"{blob.sha256}"'
        headers = {
            "accept-ranges": "bytes",
            "etag": etag,
            "content-type": "application/octet-stream",
            "content-disposition": f"attachment; filename*=UTF-8''{quote(blob.filename)}",
            "cache-control": "private, no-transform",
        }
        wanted = request.headers.get("range")
        if_range = request.headers.get("if-range")
        if wanted is None or (if_range is not None and if_range.strip() != etag):
            return BlobResponse(path, 0, size, 200, headers)
        try:
            start, end = parse_range(wanted, size)
        except MalformedRange as exc:
            return error_response(400, "BAD_REQUEST", str(exc))
        except RangeNotSatisfiable:
            return error_response(
                416,
                "RANGE_NOT_SATISFIABLE",
                f"the range starts at or past the end of the content ({size} bytes)",
                headers={"content-range": f"bytes */{size}", "accept-ranges": "bytes", "etag": etag},
            )
        headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
        return BlobResponse(path, start, end, 206, headers)
