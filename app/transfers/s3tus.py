"""tus PATCH bodies into an S3 multipart upload, from whichever replica receives them.

The body is cut into parts of :meth:`S3Storage.part_size`; several upload at once (``S3_PARTS_IN_FLIGHT``) while
the next bytes arrive, hashed in order meanwhile (the running SHA-256 is OpenSSL's, its state saved with the
offset), and each is recorded in the upload's row once the store acknowledged it and every part before it: the
offset never counts a byte the store (or PostgreSQL, for the tail) does not hold. At the end of a request, bytes
short of a part stay in the row as its ``tail`` when below S3's 5 MiB minimum (tusd keeps them as an "incomplete
part" object), else become a part. The next PATCH, on any replica, starts from the row. The last part may be
short; it is uploaded, the hash compared with the file's reported SHA-256, and only then is the multipart upload
completed at the content's address.

A package's members are judged as each part is hashed, and at once when the client pauses with a member's last
byte in the buffer: the first bad member refuses the stream (nothing kept) before the rest is sent.

A request with ``Upload-Checksum``, or a chunked body, records only at its end (it may still be refused).
A client that goes silent mid-body for ``COLORROUTE_UPLOAD_IDLE_SECONDS`` gets 408, like on the local store: what
arrived is kept as above (parts, then the tail in the row), the parts in flight finish first, and the upload's
lock is released for a resume.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.domain.errors import Conflict
from app.domain.permissions import Actor
from app.observability.metrics import BYTES_MOVED
from app.services import multipart, uploads
from app.transfers import tusprotocol as wire
from app.transfers.idle import PAUSED, IdleWatch
from app.transfers.packagestream import MemberEnds, MemberVerifier, judged_by, refuse_package
from app.transfers.s3store import PartBody, S3Storage
from app.transfers.sha256state import ResumableSha256
from app.transfers.stores import PartialRef
from app.transfers.tus import JUDGE_WAIT_SECONDS, TusApp

log = logging.getLogger("colorroute.tus.s3")

#: S3's smallest part (except the last).
MIN_PART = 5 * 1024 * 1024
#: With ``COLORROUTE_S3_PARTS_IN_FLIGHT`` = n, one PATCH holds at most n times this in parts uploading (fewer
#: parts at once when parts are larger; always one).
IN_FLIGHT_UNIT = 16 * 1024 * 1024


class S3TusApp(TusApp):
    """``TusApp`` whose bytes go to an :class:`S3Storage` instead of a partial file on this host."""

    storage: S3Storage

    async def _begin(self, view: uploads.UploadView) -> None:
        return None  # the multipart upload begins with the first PATCH that carries bytes

    async def _write(
        self,
        request: Request,
        actor: Actor,
        view: uploads.UploadView,
        checksum: wire.Checksum | None,
        declared: int | None,
    ) -> Response:
        """The checked PATCH's body into the upload's S3 multipart upload (begun by the first PATCH with bytes)."""
        state = await multipart.load(self.db, view.id)
        store_upload_id = state.store_upload_id
        if store_upload_id is None:
            begun = await self.storage.begin(view.key)
            store_upload_id = await multipart.attach(self.db, view.id, begun)
            if store_upload_id != begun:  # another replica began one first: ours goes
                await self.storage.discard(PartialRef(view.id, view.key, begun))
        receiver = _Receiver(self, view, state, store_upload_id, checksum, declared)
        return await receiver.run(request, actor)


def _running_hash(view: uploads.UploadView, saved: bytes | None) -> ResumableSha256 | MemberVerifier:
    """The hash carried in the upload's row: a file's SHA-256, or a package's member verifier (whose member
    hashes are resumable SHA-256s too)."""
    if view.members is None:
        return ResumableSha256(saved) if saved is not None else ResumableSha256()
    if saved is None:
        return MemberVerifier(view.members, ResumableSha256)
    return MemberVerifier.from_state(view.members, saved, ResumableSha256, ResumableSha256.from_state)


class _Pending:
    """Bytes received and not shipped yet, kept as the chunks they arrived in: a part is joined from them with one
    copy (appending to one bytearray and slicing parts off it copied every byte twice, plus its reallocations)."""

    def __init__(self, tail: bytes) -> None:
        self.chunks: collections.deque[bytes] = collections.deque([tail] if tail else ())
        self.size = len(tail)

    def __len__(self) -> int:
        return self.size

    def append(self, chunk: bytes) -> None:
        self.chunks.append(chunk)
        self.size += len(chunk)

    def take(self, n: int) -> PartBody:
        """The first ``n`` bytes, removed, as one writable buffer (hashed in place and sent as is)."""
        part = PartBody(n)
        into = memoryview(part)
        filled = 0
        while filled < n:
            chunk = self.chunks.popleft()
            if len(chunk) > n - filled:
                self.chunks.appendleft(chunk[n - filled :])
                chunk = chunk[: n - filled]
            into[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        into.release()
        self.size -= n
        return part

    def copy_from(self, start: int) -> bytearray:
        """A copy of the bytes from ``start`` to the end, left in place."""
        out = bytearray()
        for chunk in self.chunks:
            if start >= len(chunk):
                start -= len(chunk)
                continue
            out += memoryview(chunk)[start:]
            start = 0
        return out


class _Receiver:
    """One PATCH: its pending bytes, the parts in flight, and what to record."""

    def __init__(
        self,
        app: S3TusApp,
        view: uploads.UploadView,
        state: multipart.MultipartState,
        store_upload_id: str,
        checksum: wire.Checksum | None,
        declared: int | None,
    ) -> None:
        self.app = app
        self.view = view
        self.store_upload_id = store_upload_id
        self.checksum = checksum
        self.part_size = app.storage.part_size(view.length)
        self.sha = _running_hash(view, state.sha256_state)
        if state.sha256_state is None and state.offset:  # begun under the local store, before a switch to S3
            raise Conflict(
                f"upload {view.id} was begun with another blob store: create a new upload", reason="STORE_CHANGED"
            )
        self.buffer = _Pending(state.tail)
        self.hashed = len(state.tail)  # leading buffer bytes already in ``sha`` (the tail from the row)
        self.base = state.offset - len(state.tail)  # upload offset of the buffer's first byte
        self.durable = state.offset
        self.unrecorded: list[multipart.Part] = []
        # Record as each part lands only when nothing may undo this request.
        self.record_each = checksum is None and declared is not None
        wanted = app.settings.s3_parts_in_flight
        self.limit = max(1, min(wanted, wanted * IN_FLIGHT_UNIT // self.part_size))
        self.landings: collections.deque[asyncio.Task[None]] = collections.deque()  # in part order
        self.hashing: asyncio.Task[bytes] | None = None  # the last part's hash; each waits for the one before
        self.workers: list[asyncio.Future[Any]] = []  # uploads and hashes, ended before the request ends

    async def _ship(self, size: int) -> None:
        """Start uploading the buffer's first ``size`` bytes as one part, once fewer than ``limit`` are in flight.
        Parts upload side by side; they are hashed in order and recorded in order, each once the store acknowledged
        it and every part before it, so the recorded offset and hash state always match."""
        while len(self.landings) >= self.limit:
            await self.landings.popleft()
        part = self.buffer.take(size)
        skip = min(self.hashed, size)
        self.hashed -= skip
        self.base += size
        number = await multipart.claim_part(self.app.db, self.view.id)
        hashed = asyncio.ensure_future(self._hash(self.hashing, part, skip))
        upload = asyncio.ensure_future(self.app.storage.upload_part(self.view.key, self.store_upload_id, number, part))
        self.hashing = hashed
        self.workers = [w for w in self.workers if not w.done()] + [hashed, upload]
        previous = self.landings[-1] if self.landings else None
        self.landings.append(asyncio.ensure_future(self._land(previous, hashed, upload, number, size, self.base)))

    async def _hash(self, previous: asyncio.Task[bytes] | None, part: bytearray, skip: int) -> bytes:
        if previous is not None:
            await previous
        await asyncio.to_thread(self.sha.update, memoryview(part)[skip:])
        return self.sha.state()  # before the next part's hash begins: it waits for this task

    async def _land(
        self,
        previous: asyncio.Task[None] | None,
        hashed: asyncio.Task[bytes],
        upload: asyncio.Future[str],
        number: int,
        size: int,
        end: int,
    ) -> None:
        if previous is not None:
            await previous
        etag = await upload
        state = await hashed
        self.unrecorded.append((number, etag, size))
        if self.record_each and end < self.view.length:
            await self._record(end, b"", state)

    async def _settle(self) -> None:
        """Every part in flight has landed, or none is left running and the first failure is raised."""
        landings = list(self.landings)
        self.landings.clear()
        outcomes = await asyncio.gather(*landings, return_exceptions=True)
        failure = next((o for o in outcomes if isinstance(o, BaseException)), None)
        if failure is not None:
            for worker in self.workers:
                worker.cancel()
            await asyncio.gather(*self.workers, return_exceptions=True)
        self.workers = []
        if failure is not None:
            raise failure

    async def _record(self, offset: int, tail: bytes, sha_state: bytes) -> None:
        await multipart.record(self.app.db, self.view.id, self.durable, offset, self.unrecorded, tail, sha_state)
        self.durable = offset
        self.unrecorded = []

    async def _hash_ahead(self) -> None:
        """Hash the buffer's bytes not hashed yet, now, in order after the parts in flight (a member's last byte is
        among them and the client paused: judge the member without waiting for a part to fill)."""
        part = self.buffer.copy_from(self.hashed)  # a copy: the buffer changes while it is hashed
        self.hashed = len(self.buffer)
        hashed = asyncio.ensure_future(self._hash(self.hashing, part, 0))
        self.hashing = hashed
        self.workers.append(hashed)
        await hashed

    def _failed(self) -> MemberVerifier | None:
        """The package's verifier once one of its members did not match (set while a part is hashed)."""
        verifier = judged_by(self.sha)
        return verifier if verifier is not None and verifier.failure is not None else None

    async def run(self, request: Request, actor: Actor) -> Response:
        view = self.view
        body_digest = wire.CHECKSUM_ALGORITHMS[self.checksum.algorithm]() if self.checksum else None
        room = view.length - self.durable
        uploaded = BYTES_MOVED.labels("upload")
        received = 0
        disconnected = overrun = stalled = refused = False
        # Members are judged as they complete, unless a body checksum may still show the damage was in transit.
        verifier = judged_by(self.sha) if self.checksum is None else None
        ends = MemberEnds(verifier.members) if verifier is not None else None
        due_at = ends.after(self.base + self.hashed) if ends is not None else -1
        watch = IdleWatch(self.app.settings.upload_idle_seconds)
        try:
            while True:
                unjudged = len(self.buffer) > self.hashed and self.base + len(self.buffer) >= due_at
                message = await watch.receive(request, JUDGE_WAIT_SECONDS if ends is not None and unjudged else None)
                if message is PAUSED:  # a member's last byte is here and the client paused: judge it now
                    assert ends is not None
                    await self._hash_ahead()
                    due_at = ends.after(self.base + self.hashed)
                    if self._failed() is not None:
                        refused = True
                        break
                    continue
                if message is None:  # the client stopped sending: keep what came, free the upload
                    disconnected = stalled = True
                    break
                if message["type"] == "http.disconnect":
                    disconnected = True
                    break
                chunk: bytes = message.get("body", b"")
                if chunk:
                    received += len(chunk)
                    if received > room:
                        overrun = True
                        break
                    if body_digest is not None:
                        body_digest.update(chunk)
                    self.buffer.append(chunk)
                    uploaded.inc(len(chunk))
                    # Never the last part here: the upload completes only after its hash was checked.
                    if len(self.buffer) >= self.part_size and self.base + len(self.buffer) < view.length:
                        await self._ship(self.part_size)
                        if ends is not None:
                            due_at = ends.after(self.base + self.hashed)
                    if verifier is not None and self._failed() is not None:  # found while a part was hashed
                        refused = True
                        break
                if not message.get("more_body", False):
                    break
        finally:
            watch.close()
            await self._settle()

        if overrun:
            return wire.error(413, "PAYLOAD_TOO_LARGE", f"body runs past Upload-Length ({view.length})")
        idle = self.app.settings.upload_idle_seconds
        if disconnected and self.checksum is not None:  # nothing of this request is kept
            return wire.stalled(idle, self.durable) if stalled else wire.empty(400)
        if self.checksum is not None and body_digest is not None and body_digest.digest() != self.checksum.digest:
            return wire.error(
                wire.CHECKSUM_MISMATCH,
                "CHECKSUM_MISMATCH",
                f"Upload-Checksum ({self.checksum.algorithm}) does not match",
            )
        failed = self._failed()
        if refused and failed is not None:
            return await refuse_package(self.app.db, actor, self.app.storage, view, failed)
        end = self.base + len(self.buffer)
        if end == view.length:
            return await self._finish(actor)
        if len(self.buffer) >= MIN_PART:
            await self._ship(len(self.buffer))
            await self._settle()
        tail = bytes(self.buffer.copy_from(0))
        if self.hashed < len(tail):
            await asyncio.to_thread(self.sha.update, memoryview(tail)[self.hashed :])
        failed = self._failed()
        if failed is not None:  # a member is bad: the whole stream is refused now, nothing recorded
            return await refuse_package(self.app.db, actor, self.app.storage, view, failed)
        if end != self.durable or self.unrecorded:
            await self._record(end, tail, self.sha.state())
        if stalled:
            log.info("upload %s: no bytes for %g s, kept offset %d", view.id, idle, self.durable)
            return wire.stalled(idle, self.durable)
        if disconnected:
            log.info("upload %s: client went away at offset %d", view.id, self.durable)
        return wire.empty(204, **{"Upload-Offset": str(self.durable)})

    async def _finish(self, actor: Actor) -> Response:
        """The last bytes are here: store them as the last part(s), compare the hash, complete or refuse."""
        view = self.view
        while len(self.buffer) > self.part_size:
            await self._ship(self.part_size)
        if len(self.buffer):  # never empty here: the last part is never shipped before the end of the body
            await self._ship(len(self.buffer))
        await self._settle()
        received_sha256 = self.sha.hexdigest()
        if received_sha256 != view.sha256 and isinstance(self.sha, MemberVerifier):
            return await refuse_package(self.app.db, actor, self.app.storage, view, self.sha)
        if received_sha256 != view.sha256:
            expected = await uploads.reject_upload(self.app.db, actor, self.app.storage, view.id, received_sha256)
            log.warning("upload %s for file %s refused: sha256 mismatch", view.id, view.file_id)
            return wire.error(
                wire.CHECKSUM_MISMATCH,
                "CHECKSUM_MISMATCH",
                "the uploaded bytes do not match the file's reported SHA-256; the upload was discarded",
                expected=expected,
                received=received_sha256,
            )
        extra = [(number, etag) for number, etag, _size in self.unrecorded]
        await uploads.complete_upload(
            self.app.db, actor, self.app.storage, view.id, self.durable, received_sha256, extra
        )
        log.info("upload %s complete in the object store: file %s content available", view.id, view.file_id)
        return wire.empty(204, **{"Upload-Offset": str(view.length)})
