"""Adding one generation to a folder's ``ascmhl/`` history, through ascmhl's own generation writer, and never
leaving it half-written: a full disk or a read-only mount mid-write puts the history back as it was.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ascmhl.generator import MHLGenerationCreationSession
from ascmhl.hashlist import MHLCreatorInfo, MHLProcess, MHLProcessInfo, MHLTool
from ascmhl.history import MHLHistory

from daemon import __version__
from daemon.packages import MHL_HISTORY

#: The tool name our generations carry (``<tool version="…">colorroute</tool>``).
TOOL = "colorroute"


def is_history_file(member: str) -> bool:
    return member == MHL_HISTORY or member.startswith(MHL_HISTORY + "/")


def write_generation(
    package_dir: Path,
    digests: Mapping[str, Mapping[str, str]],
    *,
    site: str,
    host: str | None = None,
    at: str | None = None,
) -> int:
    """Add one generation to ``package_dir/ascmhl`` (creating the history when there is none) recording the
    media members' digests, location = ``site``; returns its number. ascmhl marks each entry ``original`` (no
    earlier hash) or ``verified`` (it matches the first one); only verified digests are ever passed here."""
    folder = package_dir / MHL_HISTORY
    before = set(os.listdir(folder)) if folder.is_dir() else None
    chain = folder / "ascmhl_chain.xml"
    kept = folder / ".ascmhl_chain.xml.colorroute-before"
    if chain.is_file():
        # ascmhl rewrites the chain in place: keep the original inode aside (a rename needs no free space) and
        # let it write over a copy, so a full disk or a read-only mount can always be undone by a rename
        os.replace(chain, kept)
        try:
            shutil.copyfile(kept, chain)
        except BaseException:
            os.replace(kept, chain)
            raise
    try:
        number = _write_generation(package_dir, digests, site=site, host=host, at=at)
    except BaseException:  # leave the history as it was, never half-written
        _undo(folder, before, kept)
        raise
    with contextlib.suppress(FileNotFoundError):
        os.unlink(kept)
    return number


def _undo(folder: Path, before: set[str] | None, kept: Path) -> None:
    with contextlib.suppress(OSError):
        if before is None:
            shutil.rmtree(folder, ignore_errors=True)
            return
        if kept.exists():
            os.replace(kept, folder / "ascmhl_chain.xml")
        for name in set(os.listdir(folder)) - before:
            os.unlink(folder / name)


def _write_generation(
    package_dir: Path, digests: Mapping[str, Mapping[str, str]], *, site: str, host: str | None, at: str | None
) -> int:
    history: Any = MHLHistory.load_from_path(os.fspath(package_dir))
    session: Any = MHLGenerationCreationSession(history)
    for member in sorted(digests):
        if is_history_file(member) or not digests[member]:
            continue
        absolute = os.path.join(os.fspath(package_dir), *member.split("/"))
        st = os.stat(absolute)
        modified = datetime.fromtimestamp(st.st_mtime)
        for fmt, value in digests[member].items():  # one call a format: ascmhl's multi-format call is broken in 1.2
            session.append_file_hash(absolute, st.st_size, modified, fmt, value)
    creator: Any = MHLCreatorInfo()
    creator.tool = MHLTool(TOOL, __version__)
    creator.creation_date = at or datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    creator.host_name = host or platform.node()
    creator.location = site
    process: Any = MHLProcessInfo()
    process.process = MHLProcess("in-place")
    session.commit(creator, process)
    return int(history.latest_generation_number())
