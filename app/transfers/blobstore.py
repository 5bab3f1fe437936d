"""The content-addressed blob store under ``COLORROUTE_DATA_DIR/blobs`` and the partial files of uploads.

``blobs/ab/cd/<sha256>`` holds verified content only: bytes reach that name by one ``rename`` after they were
hashed, compared with the file's reported SHA-256 and fsynced, so nothing partial is ever visible there.
Uploads in flight live in ``blobs/partial/<upload_id>``; their durable offset is the ``uploads`` row.

Everything here is blocking file I/O: the HTTP layer calls it through ``asyncio.to_thread``. A
:class:`PartialWriter` is used by one request at a time (the tus layer serialises requests per upload).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Reads when re-hashing a partial file after a restart, and when serving ranges.
READ_CHUNK = 4 * 1024 * 1024
#: Running hashes kept in memory between PATCH requests; a miss costs one re-read of the partial file.
_HASH_CACHE_SIZE = 256


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

    @property
    def offset(self) -> int:
        return self._state.offset

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Append ``data``: write it and hash it, one after the other (see :meth:`store` to overlap them)."""
        self.store(data)
        self.digest(data)
        self.advance(len(data))

    def store(self, data: bytes | bytearray | memoryview) -> None:
        """Write ``data`` at the current offset without advancing it (the GIL is released meanwhile)."""
        view = memoryview(data)
        position = self._state.offset
        while view:
            written = os.pwrite(self._fd, view, position)
            position += written
            view = view[written:]

    def digest(self, data: bytes | bytearray | memoryview) -> None:
        """Feed ``data`` to the running SHA-256 (hashlib releases the GIL for large buffers)."""
        self._state.sha256.update(data)

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
        self._state.sha256 = mark.sha256.copy()

    def hexdigest(self) -> str:
        return str(self._state.sha256.hexdigest())

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

    # -- verified blobs -------------------------------------------------------------------------------
    def path_for(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

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

    def create_partial(self, upload_id: str) -> None:
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        path = self.partial_path(upload_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        os.close(fd)
        _fsync_dir(self.partial_dir)
        self._hashes[upload_id] = _HashState(0, hashlib.sha256())

    def open_partial(self, upload_id: str, offset: int) -> PartialWriter:
        """Open the partial file positioned at the durable ``offset``.

        Bytes past ``offset`` were never acknowledged (the process died between writing and recording them)
        and are cut off. If the file is shorter than ``offset`` (lost without fsync) the writer starts at
        what is really there; the caller must then record the lower offset. The running hash comes from
        memory when it matches, else the partial file is re-read (after a restart).
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
                state = _HashState(start, _hash_prefix(fd, start))
            return PartialWriter(self, upload_id, fd, state)
        except BaseException:
            os.close(fd)
            raise

    def discard_partial(self, upload_id: str) -> None:
        self._hashes.pop(upload_id, None)
        with contextlib.suppress(FileNotFoundError):
            self.partial_path(upload_id).unlink()

    def commit(self, upload_id: str, sha256: str) -> Path:
        """Move a verified, fsynced partial file into the store under its hash, and make the rename durable."""
        self._hashes.pop(upload_id, None)
        source = self.partial_path(upload_id)
        target = self.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        _fsync_dir(target.parent)
        _fsync_dir(self.partial_dir)
        return target

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


def _hash_prefix(fd: int, length: int) -> Any:
    digest = hashlib.sha256()
    position = 0
    while position < length:
        chunk = os.pread(fd, min(READ_CHUNK, length - position), position)
        if not chunk:
            raise OSError(f"partial file shorter than {length} bytes")
        digest.update(chunk)
        position += len(chunk)
    return digest
