"""Uploading a package (a frame sequence, a clip folder): its members go up as ONE tus upload.

The stream is the members' bytes one after another in manifest order (by path inside the package), the order the
orchestrator verifies them in; member boundaries follow from the reported sizes, so thousands of frames cost one
upload and one PATCH, not a round trip each, and the upload resumes from the server's offset like a file's.

Each member is read straight from disk (``sendfile`` per member on a plain socket). Before and after its bytes
go out, the member must still have the size and mtime it was reported with: a member rewritten or deleted after
the report stops the upload, saying which member and why (:class:`MemberChangedError`); the new content is a
new version, reported by the detector. Content changed without a stat change is caught by the orchestrator,
which refuses the stream naming the member (``PACKAGE_MEMBER_MISMATCH``). Never a silently different package.
"""

from __future__ import annotations

import bisect
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from daemon.transferstate import PackageMemberStat
from daemon.uploader import FileChangedError, Sent, TusClient, _Patch, _Stopped

#: Bytes per read when the stream cannot go with ``sendfile`` (TLS).
_READ = 8 * 1024 * 1024


class MemberChangedError(FileChangedError):
    """A member is no longer what was reported: the package changed after its report."""


@dataclass(frozen=True)
class StreamMember:
    path: Path  # on disk
    member_path: str  # inside the package
    size: int
    mtime_ns: int


def stream_members(root: Path, members: Sequence[PackageMemberStat]) -> list[StreamMember]:
    return [StreamMember(root / m.path, m.member_path, m.size, m.mtime_ns) for m in members]


def check_member(member: StreamMember, st: os.stat_result | None) -> None:
    """Raise :class:`MemberChangedError` when ``member`` (``st``: its stat now, None if gone) is not as reported."""
    if st is None:
        raise MemberChangedError(f"member {member.member_path!r} was deleted after the report")
    if st.st_size != member.size or st.st_mtime_ns != member.mtime_ns:
        raise MemberChangedError(
            f"member {member.member_path!r} was rewritten after the report "
            f"(size/mtime now {st.st_size}/{st.st_mtime_ns}, reported {member.size}/{member.mtime_ns})"
        )


def check_members(members: Sequence[StreamMember]) -> None:
    """Every member still as reported (the stat of each; before an upload starts)."""
    for m in members:
        try:
            st: os.stat_result | None = os.stat(m.path)
        except FileNotFoundError:
            st = None
        check_member(m, st)


class _Layout:
    """Where each member starts in the stream."""

    def __init__(self, members: Sequence[StreamMember]) -> None:
        self.members = members
        self.starts: list[int] = []
        position = 0
        for m in members:
            self.starts.append(position)
            position += m.size
        self.length = position

    def pieces(self, start: int, end: int) -> Iterator[tuple[StreamMember, int, int]]:
        """``(member, offset in it, bytes)`` covering the stream's ``[start, end)``, in order."""
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        position = start
        while position < end and i < len(self.members):
            m = self.members[i]
            within = position - self.starts[i]
            count = min(m.size - within, end - position)
            if count > 0:
                yield m, within, count
                position += count
            i += 1


class _PackagePatch(_Patch):
    """One PATCH of the package stream from ``start``: member after member, each checked around its bytes."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        layout: _Layout,
        start: int,
        chunk: int,
        rate: float,
        progress: Callable[[int], None],
    ) -> None:
        super().__init__(url, headers, -1, start, layout.length, None, chunk, rate, progress)
        self._layout = layout

    def _open(self, member: StreamMember) -> int:
        try:
            fd = os.open(member.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            check_member(member, None)
            raise
        check_member(member, os.fstat(fd))
        return fd

    def _sendfile(self, sock: socket.socket) -> None:
        position = self._start
        t0 = time.monotonic()
        for member, within, count in self._layout.pieces(self._start, self._end):
            if self._stopped.is_set():
                raise _Stopped
            fd = self._open(member)
            try:
                with open(fd, "rb", buffering=0, closefd=False) as file:
                    done = 0
                    while done < count:
                        sent = sock.sendfile(file, within + done, min(self._chunk, count - done))
                        if sent == 0:
                            break
                        done += sent
                check_member(member, os.fstat(fd))
                if done < count:
                    raise MemberChangedError(f"member {member.member_path!r} ends before its reported size")
            finally:
                os.close(fd)
            position += count
            self.sent += count
            self._progress(position)
            self._pace(position, t0)

    def _pace(self, position: int, t0: float) -> None:
        if self._rate > 0:
            wait = (position - self._start) / self._rate - (time.monotonic() - t0)
            if wait > 0:
                time.sleep(wait)

    def _body(self, reader: ThreadPoolExecutor) -> Iterator[bytes]:
        """TLS: the members' bytes through user space, read in blocks (the reader pool is not needed)."""
        position = self._start
        t0 = time.monotonic()
        for member, within, count in self._layout.pieces(self._start, self._end):
            fd = self._open(member)
            try:
                done = 0
                while done < count:
                    if self._stopped.is_set():
                        raise _Stopped
                    data = os.pread(fd, min(_READ, count - done), within + done)
                    if not data:
                        raise MemberChangedError(f"member {member.member_path!r} ends before its reported size")
                    done += len(data)
                    yield data
                    self.sent += len(data)
                    self._progress(position + done)
                check_member(member, os.fstat(fd))
            finally:
                os.close(fd)
            position += count
            self._pace(position, t0)


async def send_package(
    tus: TusClient,
    url: str,
    members: Sequence[StreamMember],
    offset: int,
    *,
    chunk: int,
    rate: float = 0.0,
    on_progress: Callable[[int], None] | None = None,
) -> Sent:
    """PATCH the package stream from ``offset`` until the server holds all of it."""
    layout = _Layout(members)

    def make(start: int, headers: dict[str, str], progress: Callable[[int], None]) -> _Patch:
        return _PackagePatch(url, headers, layout, start, chunk, rate, progress)

    return await tus.send_patches(url, offset, layout.length, make, on_progress)
