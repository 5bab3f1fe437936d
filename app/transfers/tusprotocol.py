"""The tus 1.0 wire: its constants, the headers a request carries (``Upload-Metadata``, ``Upload-Checksum``,
integers), the responses every tus answer is built from, and the per-upload locks that serialise one upload's
requests in this process. Shared by the local-disk server (``tus``) and the S3 one (``s3tus``)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from app.transfers.http import error_response

#: Seconds a client is asked to wait after 507 (space is freed by people or retention, not in seconds).
DISK_FULL_RETRY_SECONDS = 60

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,checksum"
#: Largest upload accepted (``Tus-Max-Size``): 16 TiB, far above any camera file.
MAX_UPLOAD_BYTES = 1 << 44
#: Status for a checksum that does not match (the checksum extension's code), used for ``Upload-Checksum``
#: and for the whole file's SHA-256 on the last byte.
CHECKSUM_MISMATCH = 460
CHECKSUM_ALGORITHMS: dict[str, Callable[[], Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "md5": lambda: hashlib.md5(usedforsecurity=False),
}

_TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}


def tus(response: Response) -> Response:
    response.headers.update(_TUS_HEADERS)
    return response


def empty(status: int, **headers: str) -> Response:
    return tus(Response(status_code=status, headers=headers))


def error(status: int, code: str, message: str, **extra: object) -> Response:
    return tus(error_response(status, code, message, extra=extra))


class Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def nonnegative_int(value: str | None, header: str) -> int:
    if value is None or not value.isascii() or not value.isdigit():
        raise Refused(error(400, "BAD_REQUEST", f"{header} must be a non-negative integer"))
    return int(value)


def parse_metadata(header: str) -> dict[str, str]:
    """``key base64,key base64,key`` -> dict (values decoded as UTF-8, a bare key means an empty value)."""
    result: dict[str, str] = {}
    for pair in header.split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, encoded = pair.partition(" ")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise Refused(error(400, "BAD_REQUEST", f"Upload-Metadata value for {key!r} is not base64")) from None
        if key in result:
            raise Refused(error(400, "BAD_REQUEST", f"Upload-Metadata repeats {key!r}"))
        result[key] = value
    return result


@dataclass(frozen=True)
class Checksum:
    algorithm: str
    digest: bytes


def parse_checksum(header: str | None) -> Checksum | None:
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    algorithm = algorithm.lower()
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise Refused(error(400, "BAD_REQUEST", f"unsupported checksum algorithm {algorithm!r}"))
    try:
        return Checksum(algorithm, base64.b64decode(encoded.strip(), validate=True))
    except binascii.Error:
        raise Refused(error(400, "BAD_REQUEST", "Upload-Checksum digest is not base64")) from None


class KeyedLocks:
    """One asyncio lock per upload id, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str, wait_seconds: float) -> AsyncIterator[bool]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        acquired = False
        try:
            try:
                await asyncio.wait_for(lock.acquire(), wait_seconds)
                acquired = True
            except TimeoutError:
                pass
            yield acquired
        finally:
            if acquired:
                lock.release()
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


def disk_full() -> Response:
    """507 with Retry-After: nothing is lost (the upload keeps its recorded offset; HEAD says where to resume) and
    a client that retries later continues once space is freed, rather than a 500 that says nothing."""
    message = "the hub's disk is full: the upload keeps its recorded offset (HEAD); retry when space is freed"
    headers = {"Retry-After": str(DISK_FULL_RETRY_SECONDS)}
    return tus(error_response(507, "INSUFFICIENT_STORAGE", message, headers))


def stalled(idle_seconds: float, offset: int) -> Response:
    """408 with the offset kept: the client resumes there with a new PATCH."""
    message = f"no bytes received for {idle_seconds:g} s; resume at Upload-Offset {offset}"
    return tus(error_response(408, "REQUEST_TIMEOUT", message, {"Upload-Offset": str(offset)}, {"offset": offset}))


def offset_conflict(sent: int, current: int) -> Response:
    """tus: a PATCH at the wrong offset is 409; the current offset rides along so a client can resume."""
    message = f"Upload-Offset {sent} does not match the upload's offset {current}"
    return tus(error_response(409, "CONFLICT", message, {"Upload-Offset": str(current)}, {"offset": current}))
