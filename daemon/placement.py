"""Where a fetched file lands below the incoming folder (:func:`destination_for`: never outside it, never in the
agent's own partial folder) and how it gets there (:func:`place`: a rename of the verified partial, made durable),
so nothing partial ever appears under a final name. Shared by the single-file download and the package fetch.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from daemon.transferjobs import PARTIAL_DIR


def destination_for(incoming: Path, rel: str) -> Path | None:
    """Where ``rel`` lands below ``incoming``; ``None`` for a path that would escape it (absolute, ``..``, a
    symlinked folder pointing elsewhere) or land in the agent's own partial folder."""
    pure = PurePosixPath(rel)
    if not rel or "\x00" in rel or pure.is_absolute():
        return None
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or parts[0] == PARTIAL_DIR:
        return None
    dest = incoming.joinpath(*parts)
    root = incoming.resolve()
    real = dest.resolve()
    if real == root or not real.is_relative_to(root):
        return None
    return dest


def place(partial: Path, dest: Path) -> None:
    """Rename the verified (already fsynced) partial into place and make both directory entries durable."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.is_dir():
        raise IsADirectoryError(f"{dest} is a folder")
    os.replace(partial, dest)
    for folder in {dest.parent, partial.parent}:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
