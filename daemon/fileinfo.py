"""What a path in the watch folder is right now: a regular file with its stat, gone, or a problem."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileStat:
    """The parts of ``stat`` that tell whether a file changed (inode too, to catch replace-by-rename)."""

    size: int
    mtime_ns: int
    ino: int
    dev: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


@dataclass(frozen=True)
class Problem:
    """A name that looks like a camera file but cannot be read as one; logged, never reported."""

    reason: str


class Directory:
    """Marker: the path is a folder (an event for it means "scan below")."""


DIRECTORY = Directory()

_KINDS = {
    stat.S_IFIFO: "fifo",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


def kind_of(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "special file")


def probe(path: Path) -> FileStat | Problem | Directory | None:
    """Classify ``path``; ``None`` means it no longer exists (renamed or deleted: nothing to report)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        try:
            os.lstat(path)
        except OSError:
            return None
        return Problem("dangling symlink")
    except OSError as exc:
        return Problem(f"cannot stat: {exc.strerror or exc}")
    if stat.S_ISDIR(st.st_mode):
        return DIRECTORY
    if not stat.S_ISREG(st.st_mode):
        return Problem(f"not a regular file ({kind_of(st.st_mode)})")
    return FileStat.of(st)


def to_rel(root: Path, path: str | Path) -> str | None:
    """POSIX path of ``path`` below ``root``, or ``None`` when it is outside or not valid UTF-8."""
    rel = os.path.relpath(os.fspath(path), os.fspath(root))
    if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
        return None
    return rel.replace(os.sep, "/")


def utf8_ok(rel: str) -> bool:
    """Names the OS gave us as undecodable bytes cannot travel in JSON to the orchestrator."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
