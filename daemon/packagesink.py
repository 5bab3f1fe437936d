"""The agent's side of a package stream, without I/O to the orchestrator: the manifest it cuts the stream by, and
:class:`MemberSink`, which writes the stream out member by member under the staging folder while a second thread
hashes and judges each member (see :mod:`daemon.packagefetch` for the whole transfer)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from daemon.downloader import _start_writeback


class ManifestMember(NamedTuple):
    """One manifest line (a tuple: 14,400 of them are built per reel, before its first byte is fetched)."""

    path: str
    size: int
    sha256: str


class ManifestError(Exception):
    """The manifest does not check out (its hash, a line, a path): nothing is fetched."""


class MemberMismatchError(Exception):
    """A member's bytes do not hash to its manifest line; the member was deleted."""


def parse_manifest(body: bytes, sha256: str) -> list[ManifestMember]:
    """The canonical manifest (``<sha256>  <size>  <path>\\n`` per member), checked against the package's hash."""
    if hashlib.sha256(body).hexdigest() != sha256:
        raise ManifestError("the manifest does not hash to the package's sha256")
    members: list[ManifestMember] = []
    for line in body.decode("utf-8").splitlines():
        digest, size, path = line.split("  ", 2)
        if _leaves_package(path):
            raise ManifestError(f"member path {path!r} would leave the package")
        members.append(ManifestMember(path, int(size), digest))
    return members


def _leaves_package(path: str) -> bool:
    """Absolute, empty, a NUL, an empty part, or a ``.``/``..`` part (parts are split only when one may be)."""
    if not path or path[0] == "/" or path[-1] == "/" or "//" in path or "\x00" in path:
        return True
    return (path[0] == "." or "/." in path) and any(p in (".", "..") for p in path.split("/"))


def _syncfs_function() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    function = getattr(ctypes.CDLL(name, use_errno=True), "syncfs", None) if name else None
    if function is None:
        return None
    function.argtypes = [ctypes.c_int]
    return function  # type: ignore[no-any-return]


_syncfs = _syncfs_function()


def sync_disk(folder: Path) -> None:
    """Make every write on ``folder``'s filesystem durable in one call (one fsync per 64 KiB frame would cost more
    than the frames' transfer)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _syncfs is None or _syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


class _MemberHasher:
    """The GET's hashing thread: cuts the stream at member boundaries, hashes each member and judges it the moment
    its last byte is in (zero-byte members at once). Runs beside the writes of the same bytes (another thread)."""

    def __init__(self, members: Sequence[ManifestMember], start: int) -> None:
        self.members = members
        self.index = start
        self.within = 0
        self.verified: list[int] = []  # judged good, not yet taken (appended on the hashing thread)
        self.failure: MemberMismatchError | None = None
        self.failed: ManifestMember | None = None  # the member whose hash differed
        self._hash = hashlib.sha256()
        self._judge()

    def update(self, data: Any) -> None:
        view = memoryview(data).cast("B")
        while len(view) and self.index < len(self.members):
            take = min(len(view), self.members[self.index].size - self.within)
            self._hash.update(view[:take])
            self.within += take
            view = view[take:]
            self._judge()
            if self.failure is not None:
                raise self.failure  # ends the GET: nothing more of this stream is worth fetching

    def _judge(self) -> None:
        while self.index < len(self.members) and self.within == self.members[self.index].size:
            member = self.members[self.index]
            received = self._hash.hexdigest()
            if received != member.sha256:
                expected = f"expected sha256 {member.sha256}, received {received}"
                self.failure = MemberMismatchError(f"member {member.path!r} ({member.size} bytes): {expected}")
                self.failed = member
                return
            self.verified.append(self.index)
            self.index += 1
            self.within = 0
            self._hash = hashlib.sha256()


class MemberSink:
    """Takes the package stream from the first member not yet verified and writes it out member by member (the
    :class:`daemon.downloader.Sink` a GET writes into): ``write`` on the GET's writer thread, ``digest`` (the
    member hasher) on its hashing thread, both in stream order, overlapping like a file's download."""

    def __init__(self, members: Sequence[ManifestMember], root: Path, start: int) -> None:
        self.members = members
        self.root = root
        self.ends: list[int] = []
        position = 0
        for m in members:
            position += m.size
            self.ends.append(position)
        self.start = start
        self.length = self.ends[start - 1] if start else 0  # the stream offset to fetch from; then what is settled
        self.restarted = False
        self._index = start  # the member being written
        self._within = 0
        self._fd = -1
        self._folders: dict[str, int] = {}  # a member's folder (relative) -> an open fd of it, to create files in
        self.digest = _MemberHasher(members, start)
        self._finish_written()

    @property
    def failure(self) -> MemberMismatchError | None:
        return self.digest.failure

    @property
    def index(self) -> int:
        return self.digest.index

    def done(self) -> bool:
        return self.digest.index >= len(self.members) and self._index >= len(self.members)

    def take_verified(self) -> list[int]:
        """Members judged good whose bytes are all written (below the settled length): safe to write down."""
        settled = [i for i in self.digest.verified if self.ends[i] <= self.length]
        if settled:
            taken = set(settled)
            self.digest.verified = [i for i in self.digest.verified if i not in taken]
        return settled

    def truncate(self) -> None:
        """The server sent the whole stream instead of our range: start over from the first member."""
        self._close_fd()
        self._index = self._within = self.length = 0
        self.digest = _MemberHasher(self.members, 0)
        self.restarted = True
        self._finish_written()

    def write(self, data: memoryview, at: int) -> None:
        while len(data) and self._index < len(self.members):
            if self.digest.failure is not None:
                return  # the GET ends; the failure is raised after it
            member = self.members[self._index]
            take = min(len(data), member.size - self._within)
            if self._fd < 0:
                self._open(member)
            piece = data[:take]
            written = 0
            while written < take:
                written += os.write(self._fd, piece[written:])
            self._within += take
            data = data[take:]
            self._finish_written()

    def _path(self, member: ManifestMember) -> Path:
        return self.root.joinpath(*member.path.split("/"))

    def _open(self, member: ManifestMember) -> None:
        """Create the member's file relative to its folder's open fd: no path walk per frame (thousands a package)."""
        folder, _, name = member.path.rpartition("/")
        dir_fd = self._folders.get(folder)
        if dir_fd is None:
            path = self.root.joinpath(*folder.split("/")) if folder else self.root
            path.mkdir(parents=True, exist_ok=True)
            dir_fd = self._folders[folder] = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self._fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644, dir_fd=dir_fd)

    def _close_fd(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _finish_written(self) -> None:
        """Close every member whose bytes are all written (creating zero-byte members)."""
        while self._index < len(self.members) and self._within == self.members[self._index].size:
            if self._fd < 0:
                self._open(self.members[self._index])
            if _start_writeback is not None:  # start writing it back now: the sync before it is written down is short
                _start_writeback(self._fd, 0, self._within)
            self._close_fd()
            self._index += 1
            self._within = 0

    def close(self) -> None:
        """After the GET: a member whose hash differed is deleted (the destination never holds it)."""
        self._close_fd()
        for dir_fd in self._folders.values():
            os.close(dir_fd)
        self._folders.clear()
        failed = self.digest.failed
        if failed is not None:
            with contextlib.suppress(FileNotFoundError):
                self._path(failed).unlink()


def first_unverified(members: Sequence[ManifestMember], verified: set[str], root: Path) -> int:
    """The first member not written down as verified, or whose staged file is not there at its size."""
    for i, m in enumerate(members):
        if m.path not in verified:
            return i
        try:
            if root.joinpath(*m.path.split("/")).stat().st_size != m.size:
                return i
        except FileNotFoundError:
            return i
    return len(members)
