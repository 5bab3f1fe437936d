"""Streaming SHA-256 of one file, run in a worker thread.

hashlib releases the GIL while it digests a buffer, so a few threads hash in parallel while the event loop
keeps reporting. Reads go into one reused buffer (``readinto``) so memory stays at one chunk per worker no
matter how large the file is; the buffer is no larger than the file, so thousands of small files do not each
pay for an 8 MiB allocation.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daemon.fileinfo import FileStat
from daemon.mhlformats import running

CHUNK_SIZE = 4 * 1024 * 1024  # measured: 1-4 MiB reads beat 8+ MiB (cache-friendlier), all match openssl
_MIN_BUFFER = 64 * 1024


class NotRegularFileError(OSError):
    """The name points at a FIFO, socket or device: opening it for reading could block forever."""


class HashCancelledError(Exception):
    """The daemon is stopping; the file will be hashed again at the next start."""


@dataclass(frozen=True)
class Digest:
    sha256: str
    nbytes: int
    before: FileStat  # fstat right after open
    after: FileStat  # fstat after the last read
    #: ``(format, digest)`` in the ASC MHL formats asked for (a card's xxh64...), from the same reads
    others: tuple[tuple[str, str], ...] = ()


def sha256_file(
    path: str | Path,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
    formats: tuple[str, ...] = (),
) -> Digest:
    """Hash ``path``; refuse anything but a regular file without blocking on it. ``formats`` (ASC MHL hash
    formats: a card member's history) are digested from the same buffer, so a card is read once."""
    # O_NONBLOCK so that a FIFO with no writer opens immediately instead of hanging this thread.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        buf = bytearray(max(_MIN_BUFFER, min(chunk_size, st.st_size + 1)))
        view = memoryview(buf)
        digest = hashlib.sha256()
        others = running(formats)
        feeds = [digest.update, *(o.update for o in others.values())]
        total = 0
        with open(fd, "rb", buffering=0, closefd=False) as f:
            while True:
                if cancel is not None and cancel.is_set():
                    raise HashCancelledError(str(path))
                n = f.readinto(view)
                if not n:
                    break
                chunk = view[:n]
                for feed in feeds:
                    feed(chunk)
                total += n
                if on_progress is not None:
                    on_progress(n)
        view.release()
        extra = tuple((f, o.digest_string()) for f, o in others.items())
        return Digest(digest.hexdigest(), total, FileStat.of(st), FileStat.of(os.fstat(fd)), extra)
    finally:
        os.close(fd)
