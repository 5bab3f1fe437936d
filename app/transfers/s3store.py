"""Content in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, SeaweedFS), through aiobotocore.

Why aiobotocore: tus into S3 needs the multipart API itself (an UploadId kept in PostgreSQL, parts uploaded by
number from any replica, ETags listed at completion, aborts, listing orphans) and presigned GETs. aiobotocore is
botocore's own request model on aiohttp: every S3 operation, the AWS credential chain and endpoint variables, and
no thread per request. obstore is faster for whole-object puts but does not expose a multipart upload's id to
continue it from another process.

Objects are content-addressed: ``<prefix>sha256/ab/<sha256>`` (a package's stream: ``<prefix>packages/ab/<manifest
sha256>``). A tus upload is a multipart upload created at
its file's reported hash and completed only after the bytes were verified against it, so nothing unverified is
ever visible under a content address and nothing is copied. Should the content already be there (another file,
same bytes), the multipart upload is aborted instead: stored once.

Every call is bounded (botocore connect/read timeouts, one retry, and an overall deadline): a store that does
not answer becomes :class:`Unavailable` (HTTP 503 with Retry-After), never a hung request.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import re
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import aiobotocore.session
import aiohttp
import aiohttp.payload
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from zlib_ng import zlib_ng

from app.config import Settings
from app.domain.errors import NotFound, Unavailable
from app.transfers.stores import PartialRef

log = logging.getLogger("colorroute.s3")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
T = TypeVar("T")


class PartBody(bytearray):
    """One part's bytes on their way to the store: botocore takes it as the bytearray it is, and aiohttp sends it
    through :class:`_PartPayload` (registered for this type) without copying it."""


class _PartPayload(aiohttp.payload.BytesPayload):
    """aiohttp 3.14 on Python < 3.12.9 copies a bytearray body twice before the socket: sliced to its
    Content-Length, then joined to the request's headers (its writelines guard). memmove was a fifth of the hub's
    CPU while relaying parts (perf), these two copies among them, on the cores SeaweedFS and the agents need. Here
    only a small head is joined to the headers; the rest goes to the transport as a view of the part."""

    _HEAD = 64 * 1024

    async def write(self, writer: Any) -> None:
        await self.write_with_length(writer, None)

    async def write_with_length(self, writer: Any, content_length: int | None) -> None:
        view = memoryview(self._value)
        if content_length is not None:
            view = view[:content_length]
        await writer.write(view[: self._HEAD])
        if len(view) > self._HEAD:
            await writer.write(view[self._HEAD :])


aiohttp.payload.register_payload(_PartPayload, PartBody, order=aiohttp.payload.Order.try_first)


class StoreConfigError(RuntimeError):
    """The store cannot be used as configured (refused credentials, no such bucket, unreachable at start)."""


def parse_store_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix/")`` (an empty prefix stays empty)."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url!r}")
    bucket, _, prefix = url[5:].partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3Storage:
    def __init__(
        self,
        bucket: str,
        prefix: str,
        *,
        endpoint_url: str | None,
        region: str | None,
        access_key: str | None,
        secret_key: str | None,
        timeout_seconds: float,
        presign_seconds: int,
        part_bytes: int,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        self.region = region or "us-east-1"
        self._access_key = access_key
        self._secret_key = secret_key
        self.timeout = timeout_seconds
        self.presign_seconds = presign_seconds
        self.part_bytes = part_bytes
        self._stack = contextlib.AsyncExitStack()
        self._client: Any = None

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        bucket, prefix = parse_store_url(settings.blob_store)
        env = os.environ
        return cls(
            bucket,
            prefix,
            endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
            access_key=env.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            timeout_seconds=settings.s3_timeout_seconds,
            presign_seconds=settings.s3_presign_seconds,
            part_bytes=settings.s3_part_bytes,
        )

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" + (f" at {self.endpoint_url}" if self.endpoint_url else "")

    def key(self, sha256: str) -> str:
        """A content key's object: a file's ``sha256/ab/<sha256>``, a package stream's (``package/<sha256>``)
        ``packages/ab/<sha256>``."""
        space, digest = ("packages", sha256[8:]) if sha256.startswith("package/") else ("sha256", sha256)
        if not _SHA256.match(digest):
            raise ValueError(f"not a content key: {sha256!r}")
        return f"{self.prefix}{space}/{digest[:2]}/{digest}"

    def part_size(self, length: int) -> int:
        """Parts of ``part_bytes``, grown (whole MiB) so any file fits in 9,000 parts: S3 allows 10,000 and
        part numbers are never reused (a retried part takes a new one)."""
        mib = 1 << 20
        needed = -(-length // 9000)
        return max(self.part_bytes, -(-needed // mib) * mib)

    # -- lifecycle ------------------------------------------------------------------------------------
    async def start(self) -> None:
        session = aiobotocore.session.get_session()
        # Parts go UNSIGNED-PAYLOAD, each with its CRC32 (``x-amz-checksum-crc32``, zlib-ng's vectorised one)
        # for the store to check: a part damaged on the way is refused (BadDigest), over http as over https.
        # botocore would otherwise SHA-256 every part body to sign it, synchronously on the event loop (16 MiB:
        # ~30 ms; measured 0.45-0.61 s against 0.33 s of loop CPU per 128 MiB), a second full hash of each upload
        # at a twentieth of CRC32's speed. The whole file's SHA-256 is still judged before the upload completes.
        config = Config(
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            retries={"max_attempts": 2, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": "path" if self.endpoint_url else "auto", "payload_signing_enabled": False},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            max_pool_connections=50,
        )
        self._client = await self._stack.enter_async_context(
            session.create_client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.region,
                aws_access_key_id=self._access_key,
                aws_secret_access_key=self._secret_key,
                config=config,
            )
        )
        try:
            await self._check_bucket()
        except BaseException:
            await self.close()
            raise
        log.info("blob store: %s", self.describe())

    async def _check_bucket(self) -> None:
        where = self.describe()
        try:
            await self._bounded(self._client.head_bucket(Bucket=self.bucket))
            return
        except Unavailable as exc:
            raise StoreConfigError(f"the blob store {where} does not answer: {exc.message}") from None
        except BotoCoreError as exc:  # no credentials at all, a malformed endpoint
            raise StoreConfigError(f"the blob store {where} cannot be used: {exc}") from None
        except ClientError as exc:
            status = _status(exc)
            if status in (401, 403):
                raise StoreConfigError(
                    f"the blob store {where} refused our credentials (HTTP {status}): check AWS_ACCESS_KEY_ID "
                    "and AWS_SECRET_ACCESS_KEY, and that they may use this bucket"
                ) from None
            if status != 404:
                raise StoreConfigError(f"the blob store {where} answered HTTP {status} ({_code(exc)})") from None
        try:  # no such bucket: create it (a store that refuses says why)
            await self._bounded(self._client.create_bucket(Bucket=self.bucket))
            log.warning("blob store: created bucket %s", self.bucket)
        except (ClientError, BotoCoreError, Unavailable) as exc:
            raise StoreConfigError(
                f"the bucket {self.bucket!r} does not exist and could not be created: {exc}"
            ) from None

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None

    # -- calls ----------------------------------------------------------------------------------------
    async def _bounded(self, call: Awaitable[T], nbytes: int = 0) -> T:
        """One store call within a deadline (two attempts' timeouts plus 1 MiB/s for the body); a store that
        does not answer, or answers 5xx, is ``Unavailable``."""
        deadline = self.timeout * 2 + nbytes / (1 << 20) + 1
        try:
            return await asyncio.wait_for(call, deadline)
        except ClientError as exc:
            if _status(exc) >= 500:
                raise Unavailable(f"the blob store failed: HTTP {_status(exc)} {_code(exc)}") from exc
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise Unavailable(f"the blob store did not answer: {type(exc).__name__}") from exc
        except BotoCoreError as exc:
            raise Unavailable(f"the blob store did not answer: {exc}") from exc

    async def begin(self, sha256: str) -> str:
        """A multipart upload at the content's address; its UploadId."""
        answer = await self._bounded(self._client.create_multipart_upload(Bucket=self.bucket, Key=self.key(sha256)))
        return str(answer["UploadId"])

    async def upload_part(self, sha256: str, store_upload_id: str, number: int, body: bytes | bytearray) -> str:
        """Store one part, checked by the store against its CRC32; its ETag once the store acknowledged it.
        ``NotFound`` when the multipart upload ended meanwhile (another request completed, refused or terminated
        it); ``Unavailable`` when the store received other bytes than were sent (damaged on the way: send again)."""
        crc32 = zlib_ng.crc32(body)  # zlib-ng's: ~25 GB/s here (a 16 MiB part: under 1 ms), against zlib's 1.9
        try:
            answer = await self._bounded(
                self._client.upload_part(
                    Bucket=self.bucket,
                    Key=self.key(sha256),
                    UploadId=store_upload_id,
                    PartNumber=number,
                    Body=body,
                    ChecksumCRC32=base64.b64encode(crc32.to_bytes(4, "big")).decode(),
                ),
                len(body),
            )
        except ClientError as exc:
            if _code(exc) in ("BadDigest", "InvalidDigest"):
                raise Unavailable(
                    f"the blob store received part {number} damaged ({_code(exc)}): send it again"
                ) from None
            if _code(exc) == "NoSuchUpload" or _status(exc) == 404:
                raise NotFound(
                    "the upload ended meanwhile (completed, refused or terminated by another request)",
                    reason="UPLOAD_ENDED",
                ) from None
            raise
        return str(answer["ETag"])

    async def size(self, sha256: str) -> int | None:
        """The stored object's size, or None when there is none."""
        try:
            answer = await self._bounded(self._client.head_object(Bucket=self.bucket, Key=self.key(sha256)))
        except ClientError as exc:
            if _status(exc) == 404:
                return None
            raise
        return int(answer["ContentLength"])

    async def exists(self, sha256: str) -> bool:
        return await self.size(sha256) is not None

    async def commit(self, partial: PartialRef) -> None:
        if await self.exists(partial.sha256):
            await self.discard(partial)  # the same content is already stored: keep one copy
            return
        if not partial.parts:  # an empty file: no multipart upload can be completed without a part
            await self._bounded(self._client.put_object(Bucket=self.bucket, Key=self.key(partial.sha256), Body=b""))
            await self.discard(partial)
            return
        assert partial.store_upload_id is not None
        await self._bounded(
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key(partial.sha256),
                UploadId=partial.store_upload_id,
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag in partial.parts]},
            )
        )

    async def discard(self, partial: PartialRef) -> None:
        if partial.store_upload_id is None:
            return
        try:
            await self._bounded(
                self._client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.key(partial.sha256), UploadId=partial.store_upload_id
                )
            )
        except ClientError as exc:
            if _status(exc) != 404:  # NoSuchUpload: already gone
                raise

    async def delete(self, sha256: str) -> bool:
        if not await self.exists(sha256):
            return False
        await self._bounded(self._client.delete_object(Bucket=self.bucket, Key=self.key(sha256)))
        return True

    async def presigned_get(self, sha256: str) -> str:
        """A short-lived URL for the content; the store honours Range on it."""
        url = await self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self.key(sha256)}, ExpiresIn=self.presign_seconds
        )
        return str(url)

    async def sweep_orphans(self, live: set[str], older_than: timedelta) -> int:
        cutoff = datetime.now(UTC) - older_than
        aborted = 0
        for space in ("sha256/", "packages/"):
            aborted += await self._sweep(f"{self.prefix}{space}", live, cutoff)
        return aborted

    async def _sweep(self, prefix: str, live: set[str], cutoff: datetime) -> int:
        aborted = 0
        params: dict[str, str] = {"Bucket": self.bucket, "Prefix": prefix}
        while True:
            page = await self._bounded(self._client.list_multipart_uploads(**params))
            for upload in page.get("Uploads", []):
                if upload["UploadId"] in live or upload["Initiated"] > cutoff:
                    continue
                with contextlib.suppress(ClientError):
                    await self._bounded(
                        self._client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                    )
                    aborted += 1
            if not page.get("IsTruncated"):
                return aborted
            params["KeyMarker"] = page.get("NextKeyMarker", "")
            params["UploadIdMarker"] = page.get("NextUploadIdMarker", "")
