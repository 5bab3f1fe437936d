"""A tus 1.0 server (core + creation, termination, checksum) at ``/uploads/``, for a reported file's bytes.

This is the HTTP layer only: headers in, bytes to the partial file (``blobstore``), decisions and database
writes through ``app.services.uploads``. Protocol notes for client writers are in ``docs/transfers.md``.

- ``POST /uploads/`` with ``Upload-Length`` and ``Upload-Metadata: fileId <base64>[,filename <base64>]``
  -> ``201 Location: /uploads/<uuid>``.
- ``HEAD /uploads/<id>`` -> ``Upload-Offset``, ``Upload-Length``, ``Cache-Control: no-store``.
- ``PATCH /uploads/<id>`` with ``Content-Type: application/offset+octet-stream`` and ``Upload-Offset``
  -> ``204`` and the new offset; the last byte triggers verification against the file's reported SHA-256 (a
  package's members are each judged as their last byte arrives: the first bad one refuses the stream at once).
- ``DELETE /uploads/<id>`` -> ``204`` (termination).

The body streams to disk in batches handed to a worker thread (write + running SHA-256, overlapping the next
receive), never buffered whole. Requests for one upload are serialised in this process; a PATCH whose client
goes silent for ``COLORROUTE_UPLOAD_IDLE_SECONDS`` ends with 408, keeping the bytes that arrived, so it does not
hold the upload's lock.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.errors import DomainError
from app.domain.permissions import Actor
from app.observability.metrics import BYTES_MOVED
from app.services import uploads
from app.transfers import tusprotocol as wire
from app.transfers.blobstore import BlobStore, PartialWriter
from app.transfers.http import domain_error_response, request_actor
from app.transfers.idle import PAUSED, IdleWatch
from app.transfers.packagestream import MemberEnds, MemberVerifier, judged_by, refuse_package
from app.transfers.stores import BlobStorage, LocalStorage

log = logging.getLogger("colorroute.tus")

#: A write or fsync of a partial file failing with these means no room on the hub's disk (or quota), not a bug.
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
#: Bytes collected from the socket before one write + hash in the worker thread.
WRITE_BATCH = 4 * 1024 * 1024
#: A package's member whose last byte has arrived is judged at once when the client sends nothing more for this
#: long (otherwise with its write batch): a bad member ends the upload before the rest of the stream is sent.
JUDGE_WAIT_SECONDS = 0.05
#: During a long PATCH, fsync and record the durable offset every this many bytes (in the background), so an
#: orchestrator killed mid-request resumes close to where it was.
CHECKPOINT_BYTES = 256 * 1024 * 1024
#: How often a running PATCH tells subscribers how far it has come (uploadEvents).
ANNOUNCE_SECONDS = 1.0
#: How long a request waits for another request of the same upload (a dropped connection still winding down).
LOCK_WAIT_SECONDS = 10.0
HEAD_LOCK_WAIT_SECONDS = 5.0


class TusApp:
    """The ASGI app mounted at ``/uploads``."""

    def __init__(self, settings: Settings, db: SessionFactory, storage: BlobStorage) -> None:
        self.settings = settings
        self.db = db
        self.storage = storage
        self.locks = wire.KeyedLocks()

    @property
    def blobs(self) -> BlobStore:
        """The local disk store this app writes partial files to (``S3TusApp`` overrides the byte path)."""
        assert isinstance(self.storage, LocalStorage)
        return self.storage.disk

    @staticmethod
    def _new_hash(view: uploads.UploadView) -> Callable[[], Any]:
        """What runs over the bytes: a file's SHA-256, or a package's member-by-member verifier."""
        members = view.members
        if members is None:
            return hashlib.sha256
        return lambda: MemberVerifier(members)

    async def _begin(self, view: uploads.UploadView) -> None:
        """Where a new upload's bytes will go: an empty partial file."""
        await asyncio.to_thread(self.blobs.create_partial, view.id, self._new_hash(view))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        override = dict(scope["headers"]).get(b"x-http-method-override")
        if override:  # tus core: clients behind proxies that only pass GET/POST
            scope = {**scope, "method": override.decode("latin-1").strip().upper()}
        request = Request(scope, receive)
        response = await self.dispatch(request)
        await response(scope, receive, send)

    async def dispatch(self, request: Request) -> Response:
        root = request.scope.get("root_path", "")
        rest = request.scope["path"][len(root) :] if request.scope["path"].startswith(root) else ""
        upload_id = rest.strip("/")
        if "/" in upload_id:
            return wire.error(404, "NOT_FOUND", "no such upload")
        method = request.method
        if method == "OPTIONS":
            return self.options()
        allowed = ("HEAD", "PATCH", "DELETE") if upload_id else ("POST",)
        if method not in allowed:
            return wire.tus(Response(status_code=405, headers={"Allow": ", ".join((*allowed, "OPTIONS"))}))
        if request.headers.get("tus-resumable") != wire.TUS_VERSION:
            return wire.empty(412, **{"Tus-Version": wire.TUS_VERSION})
        try:
            if method == "POST":
                return await self.create(request)
            if method == "HEAD":
                return await self.head(request, upload_id)
            if method == "PATCH":
                return await self.patch(request, upload_id)
            return await self.terminate(request, upload_id)
        except wire.Refused as refused:
            return refused.response
        except DomainError as exc:
            return wire.tus(domain_error_response(exc))

    def options(self) -> Response:
        return wire.empty(
            204,
            **{
                "Tus-Version": wire.TUS_VERSION,
                "Tus-Extension": wire.TUS_EXTENSIONS,
                "Tus-Max-Size": str(wire.MAX_UPLOAD_BYTES),
                "Tus-Checksum-Algorithm": ",".join(wire.CHECKSUM_ALGORITHMS),
            },
        )

    async def _actor(self, request: Request) -> Actor:
        return await request_actor(request, self.settings, self.db)

    # -- creation -------------------------------------------------------------------------------------
    async def create(self, request: Request) -> Response:
        if request.headers.get("upload-defer-length") is not None:
            return wire.error(400, "BAD_REQUEST", "Upload-Defer-Length is not supported: send Upload-Length")
        length = wire.nonnegative_int(request.headers.get("upload-length"), "Upload-Length")
        if length > wire.MAX_UPLOAD_BYTES:
            return wire.error(413, "PAYLOAD_TOO_LARGE", f"Upload-Length above Tus-Max-Size ({wire.MAX_UPLOAD_BYTES})")
        metadata = wire.parse_metadata(request.headers.get("upload-metadata", ""))
        file_id = metadata.get("fileId")
        if not file_id:
            return wire.error(400, "BAD_REQUEST", "Upload-Metadata must name the reported file: fileId <base64 id>")
        actor = await self._actor(request)
        view = await uploads.create_upload(self.db, actor, file_id, length)
        await self._begin(view)
        location = f"{request.scope.get('root_path', '')}/{view.id}"
        if length == 0:  # complete on creation: an empty file still has to match its reported hash
            result = await self._finish(actor, view, self._new_hash(view)().hexdigest(), durable=0)
            if result is not None:
                return result
        log.info("upload %s created for file %s (%d bytes) by %s", view.id, view.file_id, length, actor.name)
        return wire.empty(201, Location=location, **{"Upload-Offset": "0"})

    # -- status ---------------------------------------------------------------------------------------
    async def head(self, request: Request, upload_id: str) -> Response:
        actor = await self._actor(request)
        # A PATCH still winding down (its client vanished) records its offset when it ends: wait for that.
        async with self.locks.hold(upload_id, HEAD_LOCK_WAIT_SECONDS):
            view = await uploads.open_upload(self.db, actor, upload_id)
        return wire.empty(
            200,
            **{"Upload-Offset": str(view.offset), "Upload-Length": str(view.length), "Cache-Control": "no-store"},
        )

    # -- termination ----------------------------------------------------------------------------------
    async def terminate(self, request: Request, upload_id: str) -> Response:
        actor = await self._actor(request)
        async with self.locks.hold(upload_id, LOCK_WAIT_SECONDS) as acquired:
            if not acquired:
                return wire.error(423, "LOCKED", "another request for this upload is in progress")
            await uploads.terminate_upload(self.db, actor, self.storage, upload_id)
        return wire.empty(204)

    # -- bytes ----------------------------------------------------------------------------------------
    async def patch(self, request: Request, upload_id: str) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/offset+octet-stream":
            return wire.error(415, "UNSUPPORTED_MEDIA_TYPE", "PATCH bodies must be application/offset+octet-stream")
        offset = wire.nonnegative_int(request.headers.get("upload-offset"), "Upload-Offset")
        checksum = wire.parse_checksum(request.headers.get("upload-checksum"))
        declared_header = request.headers.get("content-length")
        declared = wire.nonnegative_int(declared_header, "Content-Length") if declared_header is not None else None
        actor = await self._actor(request)
        async with self.locks.hold(upload_id, LOCK_WAIT_SECONDS) as acquired:
            if not acquired:
                return wire.error(423, "LOCKED", "another request for this upload is in progress")
            view = await uploads.open_upload(self.db, actor, upload_id, members=True)
            if view.completed:
                if offset == view.length and not declared:
                    return wire.empty(204, **{"Upload-Offset": str(view.length)})
                message = f"the upload is already complete ({view.length} bytes)"
                return wire.error(409, "CONFLICT", message, reason="UPLOAD_COMPLETE", offset=view.length)
            if offset != view.offset:
                return wire.offset_conflict(offset, view.offset)
            if declared is not None and offset + declared > view.length:
                return wire.error(413, "PAYLOAD_TOO_LARGE", f"body runs past Upload-Length ({view.length})")
            return await self._write(request, actor, view, checksum, declared)

    async def _write(
        self,
        request: Request,
        actor: Actor,
        view: uploads.UploadView,
        checksum: wire.Checksum | None,
        declared: int | None,
    ) -> Response:
        """The body of a PATCH whose headers and offset were checked, under the upload's lock: into the partial
        file on this host (the S3 store overrides this, and only this)."""
        writer = await asyncio.to_thread(self.blobs.open_partial, view.id, view.offset, self._new_hash(view))
        try:
            if writer.offset != view.offset:  # the partial file lost bytes it should have had
                await uploads.record_offset(self.db, view.id, view.offset, writer.offset)
                return wire.offset_conflict(view.offset, writer.offset)
            return await self._receive(request, actor, view, writer, checksum, declared)
        except BaseException as exc:
            writer.forget()  # the running hash may be ahead of the offset: rebuild it from disk next time
            if not (isinstance(exc, OSError) and exc.errno in _DISK_FULL):
                raise
            log.error("upload %s: the hub's disk is full (%s); it resumes from its recorded offset", view.id, exc)
            return wire.disk_full()
        finally:
            writer.close()

    async def _receive(
        self,
        request: Request,
        actor: Actor,
        view: uploads.UploadView,
        writer: PartialWriter,
        checksum: wire.Checksum | None,
        declared: int | None,
    ) -> Response:
        mark = writer.mark()
        body_digest = wire.CHECKSUM_ALGORITHMS[checksum.algorithm]() if checksum else None
        room = view.length - writer.offset
        # Checkpoints advance the durable offset mid-request; a request that may still be undone (a checksum
        # to verify, or a chunked body that could overrun the length) gets none.
        checkpoints = checksum is None and declared is not None
        durable = view.offset
        checkpoint: asyncio.Task[int] | None = None
        closing = False

        uploaded = BYTES_MOVED.labels("upload")
        announced = time.monotonic()

        async def announce() -> None:
            """At most about once a second, the bytes received so far, for the file's "Content" to follow live."""
            nonlocal announced
            if time.monotonic() - announced < ANNOUNCE_SECONDS or writer.offset >= view.length:
                return
            announced = time.monotonic()
            try:
                await uploads.announce_received(self.db, view, writer.offset)
            except Exception:  # a lost signal costs a stale figure, never the upload
                log.warning("upload %s: progress signal not sent", view.id, exc_info=True)

        def next_checkpoint() -> None:
            """Start a checkpoint when enough written bytes are not yet durable and none is running; called when a
            write or a checkpoint ends (so a stalled client does not hold back the durable offset), and before
            each batch (where a failed checkpoint ends the request)."""
            nonlocal checkpoint, durable
            if not checkpoints or closing:
                return
            if checkpoint is not None:
                if not checkpoint.done():
                    return
                durable = checkpoint.result()
                checkpoint = None
            if writer.offset - durable >= CHECKPOINT_BYTES:
                checkpoint = asyncio.create_task(save(durable, writer.offset))
                checkpoint.add_done_callback(chain)

        def chain(task: asyncio.Task[int]) -> None:
            if not task.cancelled() and task.exception() is None:
                next_checkpoint()

        def digest(data: list[bytes]) -> None:
            writer.digest(data)
            if body_digest is not None:
                for piece in data:
                    body_digest.update(piece)

        async def write(data: list[bytes], size: int) -> None:
            # Writing and hashing both release the GIL: on two threads they overlap (SHA-256 is the slower).
            # The pieces go as they came from the server (one pwritev): no copy into one big buffer.
            await asyncio.gather(asyncio.to_thread(writer.store, data), asyncio.to_thread(digest, data))
            writer.advance(size)
            uploaded.inc(size)
            next_checkpoint()
            await announce()

        async def save(expected: int, offset: int) -> int:
            await asyncio.to_thread(writer.sync)
            await uploads.record_offset(self.db, view.id, expected, offset)
            return offset

        pending: asyncio.Future[None] | None = None
        batch: list[bytes] = []
        batched = 0
        received = 0
        disconnected = overrun = stalled = refused = False
        # A package's members are judged as they complete (a bad one ends the request at once), unless the body
        # carries a checksum: a member that differs may then be damage in transit, which the checksum refuses.
        verifier = judged_by(writer.hasher) if checksum is None else None
        ends = MemberEnds(verifier.members) if verifier is not None else None
        due_at = ends.after(view.offset) if ends is not None else -1  # a member's last byte, not yet handed over
        watch = IdleWatch(self.settings.upload_idle_seconds)
        try:
            while True:
                judging = ends is not None and batched > 0 and view.offset + received >= due_at
                message = await watch.receive(request, JUDGE_WAIT_SECONDS if judging else None)
                if message is PAUSED:  # a member's last byte is here and the client paused: judge it now
                    assert ends is not None and verifier is not None
                    if pending is not None:
                        await pending
                        pending = None
                    await write(batch, batched)
                    batch, batched = [], 0
                    due_at = ends.after(view.offset + received)
                    if verifier.failure is not None:
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
                    batch.append(chunk)
                    batched += len(chunk)
                    if batched >= WRITE_BATCH:
                        if pending is not None:
                            await pending
                        if verifier is not None and verifier.failure is not None:
                            refused = True
                            break
                        pending = asyncio.ensure_future(write(batch, batched))
                        batch, batched = [], 0
                        if ends is not None:
                            due_at = ends.after(view.offset + received)
                        next_checkpoint()
                    elif verifier is not None and verifier.failure is not None:  # found by the write in flight
                        refused = True
                        break
                if not message.get("more_body", False):
                    break
        finally:
            watch.close()
            # Both must be over before the file is closed, whatever happened; the first failure wins. No new
            # checkpoint starts from here on (the end of the request records its own offset).
            closing = True
            running = [t for t in (pending, checkpoint) if t is not None]
            outcomes = await asyncio.gather(*running, return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
            if checkpoint is not None:
                durable = checkpoint.result()
        if batch and not overrun and not refused:
            await write(batch, batched)

        if overrun or (disconnected and checksum is not None):
            await asyncio.to_thread(writer.rollback, mark)
            if overrun:
                return wire.error(413, "PAYLOAD_TOO_LARGE", f"body runs past Upload-Length ({view.length})")
            if stalled:
                return wire.stalled(self.settings.upload_idle_seconds, view.offset)
            return wire.empty(400)  # nobody is listening any more
        if checksum is not None and body_digest is not None and body_digest.digest() != checksum.digest:
            await asyncio.to_thread(writer.rollback, mark)
            return wire.error(
                wire.CHECKSUM_MISMATCH,
                "CHECKSUM_MISMATCH",
                f"Upload-Checksum ({checksum.algorithm}) does not match",
            )
        failed = judged_by(writer.hasher)
        if failed is not None and failed.failure is not None:  # a member is bad: the whole stream is refused now
            writer.forget()
            return await refuse_package(self.db, actor, self.storage, view, failed)
        if writer.offset == view.length:  # complete even if the client left right after its last byte
            finished = await self._finish(actor, view, writer.hexdigest(), durable, writer)
            if finished is not None:
                return finished
            return wire.empty(204, **{"Upload-Offset": str(view.length)})
        if writer.offset != durable:
            durable = await save(durable, writer.offset)
        if stalled:
            idle = self.settings.upload_idle_seconds
            log.info("upload %s: no bytes for %g s, kept offset %d", view.id, idle, durable)
            return wire.stalled(idle, durable)
        if disconnected:
            log.info("upload %s: client went away at offset %d", view.id, durable)
        return wire.empty(204, **{"Upload-Offset": str(durable)})

    async def _finish(
        self,
        actor: Actor,
        view: uploads.UploadView,
        received_sha256: str,
        durable: int,
        writer: PartialWriter | None = None,
    ) -> Response | None:
        """All bytes are in: accept them as the file's content, or refuse them. None means accepted."""
        if writer is not None:
            writer.forget()
        if received_sha256 != view.sha256 and isinstance(writer.hasher if writer else None, MemberVerifier):
            assert writer is not None
            return await refuse_package(self.db, actor, self.storage, view, writer.hasher)
        if received_sha256 != view.sha256:
            expected = await uploads.reject_upload(self.db, actor, self.storage, view.id, received_sha256)
            log.warning("upload %s for file %s refused: sha256 mismatch", view.id, view.file_id)
            return wire.error(
                wire.CHECKSUM_MISMATCH,
                "CHECKSUM_MISMATCH",
                "the uploaded bytes do not match the file's reported SHA-256; the upload was discarded",
                expected=expected,
                received=received_sha256,
            )
        if writer is not None:
            await asyncio.to_thread(writer.sync)
        await uploads.complete_upload(self.db, actor, self.storage, view.id, durable, received_sha256)
        log.info("upload %s complete: file %s content available", view.id, view.file_id)
        return None
