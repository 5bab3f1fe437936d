"""Uploads and stored content: who may send or fetch a file's bytes, the durable upload offset, and the one
transaction in which verified bytes become a file's content (blob in place, ``content_available``, audit,
event). The HTTP layer (``app/transfers``) moves the bytes; everything that touches the database is here.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File, Upload
from app.domain import custody as custody_rules
from app.domain.clock import now
from app.domain.errors import BadInput, Conflict, Forbidden, NotFound
from app.domain.ids import parse_id
from app.domain.packages import FileKind, Member, content_key, manifest, manifest_of_lines
from app.domain.permissions import SYSTEM, Actor, ActorKind, Capability, has_capability
from app.domain.states import FINAL_STATES, FileState
from app.domain.transfers import TransferStatus
from app.repositories import custody as custody_repo
from app.repositories import files as files_repo
from app.repositories import packages as packages_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.repositories import uploads as uploads_repo
from app.services import records
from app.services.periodic import every
from app.transfers.blobstore import is_upload_id
from app.transfers.stores import BlobStorage, PartialRef

log = logging.getLogger("colorroute.uploads")

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_EXPIRE_BATCH = 100


class ChecksumMismatch(BadInput):
    """The bytes received do not hash to what they were declared to be."""


@dataclass(frozen=True)
class UploadView:
    """What the HTTP layer needs about an upload; a plain snapshot, safe outside the session."""

    id: str
    file_id: int
    length: int
    offset: int
    completed: bool
    sha256: str  # the file's reported hash: the bytes must match it
    key: str  # where verified bytes land in the store (``content_key``)
    members: tuple[Member, ...] | None = None  # a package's, in stream order (loaded for PATCH and creation)


@dataclass(frozen=True)
class BlobRef:
    file_id: int
    sha256: str
    size_bytes: int
    filename: str
    key: str  # the content key in the store (a package's stream lives apart from files' content)


def may_upload(actor: Actor, source_code: str) -> bool:
    """A key acting for the file's source site, or a user who runs transfers (admin, engineer)."""
    return has_capability(actor, Capability.RUN_TRANSFERS, source_code)


def may_download(actor: Actor, destination_code: str | None) -> bool:
    """A key acting for the file's destination site, or a user who runs transfers (admin, engineer)."""
    if actor.kind is ActorKind.SITE:
        return destination_code is not None and actor.acts_for_site(destination_code)
    return has_capability(actor, Capability.RUN_TRANSFERS)


def _view(upload: Upload, file: File, members: Sequence[Member] | None = None) -> UploadView:
    return UploadView(
        key=content_key(file.kind, file.sha256),
        members=tuple(members) if members is not None else None,
        id=upload.id,
        file_id=upload.file_id,
        length=upload.length,
        offset=upload.length if upload.completed_at is not None else upload.offset,
        completed=upload.completed_at is not None,
        sha256=file.sha256,
    )


def _upload_id(value: str) -> str:
    if not is_upload_id(value):
        raise NotFound(f"upload {value!r} not found", id=value)
    return value


async def _source_code(session: AsyncSession, file: File) -> str:
    return (await sites_repo.site_codes(session, file.site_id))[file.site_id]


async def create_upload(db: SessionFactory, actor: Actor, file_id: str, length: int) -> UploadView:
    """A new upload for a reported file, from its source site.

    A file whose content is already available is refused with ``Conflict`` (HTTP 409) rather than
    short-circuited: unmodified tus clients start at offset 0 after creation whatever the server says, so a
    short-circuit would only turn into a confusing 409 on their first PATCH. Uploaders treat this 409 as done.
    """
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await session.get(File, fid)
        if file is None:
            raise NotFound(f"file {file_id} not found", id=str(file_id))
        if not may_upload(actor, await _source_code(session, file)):
            raise Forbidden(f"{actor.name} may not upload content for file {fid}: it belongs to another site")
        if file.content_available:
            raise Conflict(f"file {fid} already has its content", reason="CONTENT_AVAILABLE")
        if FileState(file.state) in FINAL_STATES:
            raise Conflict(f"file {fid} is {file.state}: no content is accepted any more", reason="FINAL_STATE")
        if length != file.size_bytes:
            raise BadInput(
                f"Upload-Length {length} differs from the reported size of file {fid} ({file.size_bytes} bytes)",
                field="Upload-Length",
            )
        t = now()
        upload = Upload(
            id=str(uuid.uuid4()),
            file_id=file.id,
            site_id=file.site_id,
            length=length,
            offset=0,
            created_at=t,
            updated_at=t,
        )
        session.add(upload)
        await session.flush()
        return _view(upload, file, await _stream_members(session, file))


async def _stream_members(session: AsyncSession, file: File) -> list[Member] | None:
    """A package's members in stream order (its bytes are verified member by member); None for a file."""
    if file.kind == FileKind.FILE.value:
        return None
    return await packages_repo.all_members(session, file.id)


async def open_upload(db: SessionFactory, actor: Actor, upload_id: str, *, members: bool = False) -> UploadView:
    """The upload, if ``actor`` may send its bytes (``NotFound`` for unknown ids, ``Forbidden`` otherwise);
    ``members``: with a package's member list (what a PATCH verifies against)."""
    uid = _upload_id(upload_id)
    async with db() as session:
        upload = await uploads_repo.get(session, uid)
        file = await session.get(File, upload.file_id)
        assert file is not None
        if not may_upload(actor, await _source_code(session, file)):
            raise Forbidden(f"{actor.name} may not upload content for file {file.id}: it belongs to another site")
        return _view(upload, file, await _stream_members(session, file) if members else None)


async def record_offset(db: SessionFactory, upload_id: str, expected: int, offset: int) -> None:
    """Persist a new durable offset (the bytes up to it are fsynced). Compare-and-set on the previous one,
    so two writers of one upload (two processes) can never both advance it. Announced to ``uploadEvents``."""
    async with db() as session, session.begin():
        result = await session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.offset == expected, Upload.completed_at.is_(None))
            .values(offset=offset, updated_at=now())
            .returning(Upload.file_id, Upload.length)
        )
        row = result.first()
        if row is None:
            raise Conflict(f"upload {upload_id} moved on concurrently (expected offset {expected})")
        await announce_progress(session, upload_id, row.file_id, offset, row.length)


async def announce_progress(session: AsyncSession, upload_id: str, file_id: int, offset: int, length: int) -> None:
    """Bytes at the hub so far, for the file's "Content" to follow an upload live: NOTIFY only (a signal, like
    transfer progress; the durable offset is in the upload's row), delivered when ``session`` commits."""
    await records.notify_ephemeral(
        session,
        {"uploadId": upload_id, "fileId": file_id, "bytesUploaded": offset, "bytesTotal": length, "at": time.time()},
    )


async def announce_received(db: SessionFactory, view: UploadView, offset: int) -> None:
    """Bytes received in a PATCH still running (written, not yet a durable checkpoint): the live figure between
    checkpoints, sent at most about once a second by the tus handler."""
    async with db() as session, session.begin():
        await announce_progress(session, view.id, view.file_id, offset, view.length)


def partial_ref(upload: Upload, sha256: str, extra_parts: Sequence[tuple[int, str]] = ()) -> PartialRef:
    """What a store needs to finish or drop ``upload`` (plus the last parts, acknowledged but not recorded)."""
    parts = tuple((int(n), str(etag)) for n, etag, _size in upload.parts or [])
    return PartialRef(upload.id, sha256, upload.store_upload_id, parts + tuple(extra_parts))


async def complete_upload(
    db: SessionFactory,
    actor: Actor,
    blobs: BlobStorage,
    upload_id: str,
    expected: int,
    received_sha256: str,
    extra_parts: Sequence[tuple[int, str]] = (),
) -> File:
    """The last byte arrived and the (fsynced) partial file hashes to the file's reported SHA-256: move it into
    the store, mark the content available, audit and publish, in one transaction. The blob lands under its
    hash before the commit; should the commit fail, an unreferenced verified blob is harmless and the upload
    simply resumes."""
    async with db() as session, session.begin():
        upload = await uploads_repo.lock(session, upload_id)
        file = await files_repo.lock(session, upload.file_id)
        if upload.completed_at is not None:
            return file
        if upload.offset != expected:
            raise Conflict(f"upload {upload_id} moved on concurrently (expected offset {expected})")
        if received_sha256 != file.sha256:
            raise ChecksumMismatch("content hash differs from the reported hash", expected=file.sha256)
        key = content_key(file.kind, file.sha256)
        await uploads_repo.lock_blob(session, key)
        await blobs.commit(partial_ref(upload, key, extra_parts))
        t = now()
        upload.offset = upload.length
        upload.completed_at = t
        upload.updated_at = t
        upload.tail = upload.sha256_state = None
        # content_available is not a lifecycle step: no version bump (clients apply equal versions), so an
        # operator's expectedVersion taken before the upload finished still holds.
        file.content_available = True
        # the hub checked the uploaded bytes against the reported SHA-256: a custody record (docs/custody.md)
        await custody_repo.append(session, file, [custody_rules.verified_sha256(None, t, "hub")])
        file.updated_at = t
        await _file_audit(
            session,
            actor,
            file,
            "UPLOAD_COMPLETED",
            {"uploadId": upload.id, "sizeBytes": upload.length, "sha256": file.sha256},
        )
        # A job queued before the bytes arrived can run now: tell transferEvents followers (transfer agents).
        job = await transfers_repo.latest_for_file(session, file.id)
        if job is not None and job.status == TransferStatus.PENDING:
            await records.publish(session, "transfer", {"transferId": job.id, "fileId": file.id})
        return file


async def reject_upload(
    db: SessionFactory,
    actor: Actor,
    blobs: BlobStorage,
    upload_id: str,
    received_sha256: str | None,
    reason: str = "content hash differs from the reported hash",
    extra: dict[str, Any] | None = None,
) -> str:
    """The bytes do not hash to the reported SHA-256 (for a package: a member does not match its manifest
    line, ``extra`` names it; ``received_sha256`` is None when it was refused before its last byte): drop them and
    the upload, audit why, leave the file as it was. Returns the expected hash."""
    async with db() as session, session.begin():
        upload = await uploads_repo.lock(session, upload_id)
        file = await session.get(File, upload.file_id)
        assert file is not None
        await blobs.discard(partial_ref(upload, content_key(file.kind, file.sha256)))
        await session.delete(upload)
        await records.audit(
            session,
            actor,
            "UPLOAD_REJECTED",
            file_id=file.id,
            details={
                "uploadId": upload.id,
                "sizeBytes": upload.length,
                "expected": file.sha256,
                "received": received_sha256,
                "reason": reason,
                **(extra or {}),
            },
        )
        return file.sha256


async def terminate_upload(db: SessionFactory, actor: Actor, blobs: BlobStorage, upload_id: str) -> None:
    """tus termination: forget the upload and its partial bytes. A finished upload's blob stays (it is the
    file's content now, not the upload's)."""
    uid = _upload_id(upload_id)
    async with db() as session, session.begin():
        upload = await uploads_repo.lock(session, uid)
        file = await session.get(File, upload.file_id)
        assert file is not None
        if not may_upload(actor, await _source_code(session, file)):
            raise Forbidden(f"{actor.name} may not terminate uploads for file {file.id}")
        key = content_key(file.kind, file.sha256)
        partial = None if upload.completed_at is not None else partial_ref(upload, key)
        await session.delete(upload)
    if partial is not None:
        await blobs.discard(partial)


async def _downloadable(session: AsyncSession, actor: Actor, file_id: str) -> File:
    """The file whose bytes (or manifest) ``actor`` asks for: only its destination site may fetch them."""
    fid = parse_id(file_id)
    file = await session.get(File, fid)
    if file is None:
        raise NotFound(f"file {file_id} not found", id=str(file_id))
    codes = await sites_repo.site_codes(session, file.destination_site_id)
    destination = codes.get(file.destination_site_id) if file.destination_site_id else None
    if not may_download(actor, destination):
        raise Forbidden(f"{actor.name} may not download file {fid}: only its destination site may")
    return file


async def blob_for_download(db: SessionFactory, actor: Actor, file_id: str) -> BlobRef:
    async with db() as session:
        file = await _downloadable(session, actor, file_id)
        if not file.content_available:
            raise NotFound(f"file {file.id} has no stored content", id=str(file_id))
        return BlobRef(
            file_id=file.id,
            sha256=file.sha256,
            size_bytes=file.size_bytes,
            filename=file.filename,
            key=content_key(file.kind, file.sha256),
        )


async def package_manifest(db: SessionFactory, actor: Actor, file_id: str) -> bytes:
    """A package's canonical manifest (its SHA-256 is the package's ``sha256``), for its destination: the member
    list an agent splits the stream by, in one answer and verifiable by itself."""
    async with db() as session:
        file = await _downloadable(session, actor, file_id)
        if file.kind == FileKind.FILE.value:
            return manifest([Member(file.filename, file.size_bytes, file.sha256)])
        lines = await packages_repo.manifest_lines(session, file.id)
    return manifest_of_lines(lines)


async def content_missing(db: SessionFactory, file_id: int, sha256: str, where: str) -> None:
    """The store no longer holds a file's content (deleted behind our back): say so on the file, once, with
    an audit entry, so nobody waits for a download that cannot come."""
    async with db() as session, session.begin():
        file = await files_repo.lock(session, file_id)
        if not file.content_available or file.sha256 != sha256:
            return
        file.content_available = False
        file.updated_at = now()
        await _file_audit(
            session,
            SYSTEM,
            file,
            "CONTENT_MISSING",
            {"sha256": sha256, "store": where, "reason": "the object store no longer holds this content"},
        )


async def _file_audit(session: AsyncSession, actor: Actor, file: File, action: str, details: dict[str, Any]) -> None:
    """An audit row about the file plus a ``file`` event, so lists and details refresh live."""
    entry = await records.audit(session, actor, action, file_id=file.id, details=details, emit=False)
    await records.publish(
        session,
        "file",
        {"fileId": file.id, "auditId": entry.id, "action": action, "fromState": None, "toState": None,
         "actor": actor.name},
    )  # fmt: skip


# -- retention ------------------------------------------------------------------------------------------


async def expire_blobs(db: SessionFactory, blobs: BlobStorage, keep: timedelta, actor: Actor = SYSTEM) -> list[int]:
    """Delete the stored content of files ARCHIVED or REJECTED longer than ``keep`` ago (by ``updated_at``),
    and uploads untouched as long. Returns the ids of the files whose content expired.

    A blob is shared by every file with the same hash, so it is only deleted once no file claims it; the
    check and the unlink run under the same per-hash lock as an upload landing that content."""
    cutoff = now() - keep
    expired: list[int] = []
    while True:
        hashes: set[str] = set()
        days = keep.total_seconds() / 86400
        async with db() as session, session.begin():
            ids = await uploads_repo.expired_file_ids(
                session, [FileState.ARCHIVED.value, FileState.REJECTED.value], cutoff, _EXPIRE_BATCH
            )
            for fid in ids:
                file = await session.get(File, fid)
                assert file is not None
                file.content_available = False
                file.updated_at = now()
                hashes.add(content_key(file.kind, file.sha256))
                await _file_audit(
                    session,
                    actor,
                    file,
                    "BLOB_EXPIRED",
                    {"sha256": file.sha256, "sizeBytes": file.size_bytes, "retentionDays": days},
                )
        for sha in sorted(hashes):
            async with db() as session, session.begin():
                await uploads_repo.lock_blob(session, sha)
                if not await uploads_repo.blob_still_needed(session, sha):
                    await blobs.delete(sha)
        expired += ids
        if len(ids) < _EXPIRE_BATCH:
            break
    while True:
        async with db() as session, session.begin():
            stale = await uploads_repo.stale(session, cutoff, _EXPIRE_BATCH)
            hashes_of = await uploads_repo.file_hashes(session, [u.file_id for u in stale])
            gone = [partial_ref(u, hashes_of[u.file_id]) for u in stale if u.completed_at is None]
            for upload in stale:
                await session.delete(upload)
        for partial in gone:
            await blobs.discard(partial)
        if len(stale) < _EXPIRE_BATCH:
            break
    return expired


async def retention_loop(
    settings: Settings, db: SessionFactory, blobs: BlobStorage, period_seconds: float | None = None
) -> None:
    """Run :func:`expire_blobs` now and then periodically (hourly, or more often for short retentions).
    Returns at once when ``blob_retention_days`` is unset (keep everything)."""
    if settings.blob_retention_days is None:
        return
    keep = timedelta(days=settings.blob_retention_days)
    period = period_seconds or min(3600.0, max(keep.total_seconds() / 4, 1.0))

    async def one_pass() -> None:
        expired = await expire_blobs(db, blobs, keep)
        if expired:
            log.info("expired the stored content of %d files", len(expired))

    await every(period, one_pass, "blob retention pass", first_now=True)
