"""The content-addressed blob store under ``COLORROUTE_DATA_DIR/blobs`` and the partial files of uploads.

``blobs/ab/cd/<sha256>`` holds verified content only: bytes reach that name by one ``rename`` after they were
hashed, compared with the file's reported SHA-256 and fsynced, so nothing partial is ever visible there.
Uploads in flight live in ``blobs/partial/<upload_id>``; their durable offset is the ``uploads`` row.

Everything here is blocking file I/O: the HTTP layer calls it through ``asyncio.to_thread``. A
:class:`PartialWriter` is used by one request at a time (the tus layer serialises requests per upload).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Reads when re-hashing a partial file after a restart, and when serving ranges.
READ_CHUNK = 4 * 1024 * 1024
#: Running hashes kept in memory between PATCH requests; a miss costs one re-read of the partial file.
_HASH_CACHE_SIZE = 256
#: Buffers per ``pwritev`` (below every platform's ``IOV_MAX``).
_IOV_BATCH = 512
#: Start writing dirty pages back once this many bytes were written since the last start (see ``_writeback``).
WRITEBACK_BYTES = 32 * 1024 * 1024

#: Suffix of a partial file set aside for deletion (its content was already in the store).
_DISCARD = ".discard"

Buffer = bytes | bytearray | memoryview


def _writeback_starter() -> Callable[[int, int, int], object] | None:
    """Linux ``sync_file_range(fd, offset, n, SYNC_FILE_RANGE_WRITE)``: start writing dirty pages back without
    waiting for them, so that the fsync of a checkpoint or of the last byte finds little left to write. It
    promises nothing about durability (only fsync does); it only moves the disk work off the critical path."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    function = getattr(ctypes.CDLL(name, use_errno=True), "sync_file_range", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return lambda fd, offset, n: function(fd, offset, n, 2)  # 2 = SYNC_FILE_RANGE_WRITE


_writeback = _writeback_starter()


def is_upload_id(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class _HashState:
    offset: int
    sha256: Any  # hashlib's sha256 object (its type is private)


@dataclass(frozen=True)
class Mark:
    """Where a request started, to undo its bytes (a failed ``Upload-Checksum``)."""

    offset: int
    sha256: Any


class PartialWriter:
    """Appends to ``partial/<id>`` at an exact offset and keeps the running SHA-256 of everything before it."""

    def __init__(self, store: BlobStore, upload_id: str, fd: int, state: _HashState) -> None:
        self._store = store
        self.upload_id = upload_id
        self._fd = fd
        self._state = state
        self._forgotten = False
        self._clean = state.offset  # writeback of everything below was started (or it was there before)

    @property
    def offset(self) -> int:
        return self._state.offset

    def write(self, data: Buffer | Sequence[Buffer]) -> None:
        """Append ``data``: write it and hash it, one after the other (see :meth:`store` to overlap them)."""
        pieces = _pieces(data)
        self.store(pieces)
        self.digest(pieces)
        self.advance(sum(len(piece) for piece in pieces))

    def store(self, data: Buffer | Sequence[Buffer]) -> None:
        """Write ``data`` (one buffer, or several back to back: one ``pwritev``, no joining copy) at the current
        offset without advancing it (the GIL is released meanwhile), and start its writeback every few MiB."""
        views = [memoryview(piece).cast("B") for piece in _pieces(data) if len(piece)]
        position = self._state.offset
        i = 0
        while i < len(views):
            written = os.pwritev(self._fd, views[i : i + _IOV_BATCH], position)
            position += written
            while i < len(views) and written >= len(views[i]):  # drop what went out
                written -= len(views[i])
                i += 1
            if written:  # a short write: the rest of this piece goes with the next call
                views[i] = views[i][written:]
        if _writeback is not None and position - self._clean >= WRITEBACK_BYTES:
            _writeback(self._fd, self._clean, position - self._clean)
            self._clean = position

    def digest(self, data: Buffer | Sequence[Buffer]) -> None:
        """Feed ``data`` to the running SHA-256 (hashlib releases the GIL for large buffers)."""
        update = self._state.sha256.update
        for piece in _pieces(data):
            update(piece)

    def advance(self, n: int) -> None:
        """After :meth:`store` and :meth:`digest` of the same ``n`` bytes, which may run in two threads at once."""
        self._state.offset += n

    def sync(self) -> None:
        os.fsync(self._fd)

    def mark(self) -> Mark:
        return Mark(self._state.offset, self._state.sha256.copy())

    def rollback(self, mark: Mark) -> None:
        os.ftruncate(self._fd, mark.offset)
        self._state.offset = mark.offset
        self._clean = min(self._clean, mark.offset)
        self._state.sha256 = mark.sha256.copy()

    def hexdigest(self) -> str:
        return str(self._state.sha256.hexdigest())

    @property
    def hasher(self) -> Any:
        """The running hash itself (a package's member verifier names the member that failed)."""
        return self._state.sha256

    def close(self) -> None:
        """Close the file and keep the running hash for the next request of this upload (unless forgotten)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            if not self._forgotten:
                self._store._remember(self.upload_id, self._state)

    def forget(self) -> None:
        """The upload is over (complete or refused): keep no hash for it."""
        self._forgotten = True


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.partial_dir = root / "partial"
        self._hashes: OrderedDict[str, _HashState] = OrderedDict()
        self._swept = False

    # -- verified blobs -------------------------------------------------------------------------------
    def path_for(self, sha256: str) -> Path:
        """A content key: a file's SHA-256 (``ab/cd/<sha256>``), or ``package/<manifest sha256>`` for a package's
        stream (``packages/ab/cd/<sha256>``: another namespace, see ``app.domain.packages.content_key``)."""
        base, digest = (self.root / "packages", sha256[8:]) if sha256.startswith("package/") else (self.root, sha256)
        if not _SHA256.match(digest):
            raise ValueError(f"not a content key: {sha256!r}")
        return base / digest[:2] / digest[2:4] / digest

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def delete_blob(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    # -- partial uploads ------------------------------------------------------------------------------
    def partial_path(self, upload_id: str) -> Path:
        if not is_upload_id(upload_id):
            raise ValueError(f"not an upload id: {upload_id!r}")
        return self.partial_dir / upload_id

    def create_partial(self, upload_id: str, new_hash: Callable[[], Any] = hashlib.sha256) -> None:
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        if not self._swept:  # once per process: what a commit set aside before a crash
            self._swept = True
            self.sweep_discarded()
        path = self.partial_path(upload_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        os.close(fd)
        _fsync_dir(self.partial_dir)
        self._hashes[upload_id] = _HashState(0, new_hash())

    def open_partial(self, upload_id: str, offset: int, new_hash: Callable[[], Any] = hashlib.sha256) -> PartialWriter:
        """Open the partial file positioned at the durable ``offset``.

        Bytes past ``offset`` were never acknowledged (the process died between writing and recording them)
        and are cut off. If the file is shorter than ``offset`` (lost without fsync) the writer starts at
        what is really there; the caller must then record the lower offset. The running hash (``new_hash()``: a
        SHA-256, or a package's member verifier) comes from memory when it matches, else the partial file is
        re-read (after a restart).
        """
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        path = self.partial_path(upload_id)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            size = os.fstat(fd).st_size
            start = min(offset, size)
            if size != start:
                os.ftruncate(fd, start)
            state = self._hashes.pop(upload_id, None)
            if state is None or state.offset != start:
                state = _HashState(start, _hash_prefix(fd, start, new_hash()))
            return PartialWriter(self, upload_id, fd, state)
        except BaseException:
            os.close(fd)
            raise

    def discard_partial(self, upload_id: str) -> None:
        self._hashes.pop(upload_id, None)
        with contextlib.suppress(FileNotFoundError):
            self.partial_path(upload_id).unlink()

    def commit(self, upload_id: str, sha256: str) -> Path:
        """Move a verified, fsynced partial file into the store under its hash, and make the rename durable.

        When the store already holds this hash (the same content uploaded for another file), that verified blob
        stays and the partial file is dropped instead. Dropping a large file is slow (the kernel frees every
        cached page: ~0.5 s per GiB measured), as is replacing the old blob, so it happens on a background
        thread: renamed to ``<id>.discard`` first (durably), swept by :meth:`create_partial` should the process
        die before the unlink. The caller holds the blob's lock, so the existing blob cannot go meanwhile.
        """
        self._hashes.pop(upload_id, None)
        source = self.partial_path(upload_id)
        target = self.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            trash = self.partial_dir / f"{upload_id}{_DISCARD}"
            os.replace(source, trash)
            _fsync_dir(self.partial_dir)
            threading.Thread(target=_unlink_quietly, args=(trash,), name="blob-discard", daemon=True).start()
            return target
        os.replace(source, target)
        _fsync_dir(target.parent)
        _fsync_dir(self.partial_dir)
        return target

    def sweep_discarded(self) -> int:
        """Delete partial files a commit set aside but did not get to delete (the process died); how many."""
        swept = 0
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.partial_dir):
                if entry.name.endswith(_DISCARD) and _unlink_quietly(Path(entry.path)):
                    swept += 1
        return swept

    def sync_partial(self, upload_id: str) -> None:
        fd = os.open(self.partial_path(upload_id), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _remember(self, upload_id: str, state: _HashState) -> None:
        self._hashes[upload_id] = state
        self._hashes.move_to_end(upload_id)
        while len(self._hashes) > _HASH_CACHE_SIZE:
            self._hashes.popitem(last=False)


def _unlink_quietly(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _pieces(data: Buffer | Sequence[Buffer]) -> Sequence[Buffer]:
    return (data,) if isinstance(data, bytes | bytearray | memoryview) else data


def _hash_prefix(fd: int, length: int, digest: Any) -> Any:
    position = 0
    while position < length:
        chunk = os.pread(fd, min(READ_CHUNK, length - position), position)
        if not chunk:
            raise OSError(f"partial file shorter than {length} bytes")
        digest.update(chunk)
        position += len(chunk)
    return digest
