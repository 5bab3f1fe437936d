"""Grouping rules for packages: which files belong together, and what the package looks like (no I/O state).

Two kinds, as a colour pipeline thinks of them:

* SEQUENCE — ``name.####.ext`` frames in one folder (DPX, EXR, DNG, ARRIRAW, TIFF), found with ``fileseq``,
  the sequence library of the VFX world. ``--min-sequence-frames`` (3) or more frames make a sequence; fewer
  are reported as files. Gaps are kept as ``missingFrames`` in frame-set notation (``86900-86901,90000``).
* FOLDER — a folder whose name matches a ``--package`` glob (``*.RDC``: a RED clip with its ``.R3D`` segments)
  or that holds an ``ascmhl/`` history (an offloaded camera card). The outermost match wins; every file below
  it is a member, its ``ascmhl/`` history included.

A package's sha256 is the SHA-256 of its canonical manifest (``docs/packages.md``), the same bytes the
orchestrator recomputes from the members it is sent.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from fileseq.constants import PAD_STYLE_HASH1
from fileseq.filesequence import FileSequence
from fileseq.frameset import FrameSet

#: Folder packages recognised even when ``--package`` adds more globs.
DEFAULT_PACKAGE_GLOBS = ("*.RDC",)
#: A folder holding this sub-folder is an offloaded camera card (an ASC MHL history).
MHL_HISTORY = "ascmhl"

SEQUENCE = "SEQUENCE"
FOLDER = "FOLDER"


@dataclass(frozen=True)
class PackageRules:
    enabled: bool = True
    globs: tuple[str, ...] = DEFAULT_PACKAGE_GLOBS
    min_sequence_frames: int = 3

    def folder_matches(self, name: str) -> bool:
        """Globs match case-insensitively: cards and clips come named ``A001_C002.RDC`` or ``a001_c002.rdc``."""
        lowered = name.lower()
        return any(fnmatch.fnmatchcase(lowered, g.lower()) for g in self.globs)


def with_defaults(globs: Iterable[str]) -> tuple[str, ...]:
    """``--package`` globs add to the defaults, never replace them."""
    return tuple(dict.fromkeys((*DEFAULT_PACKAGE_GLOBS, *globs)))


@dataclass(frozen=True)
class FolderKey:
    root: str  # the package folder, relative to the watch folder


@dataclass(frozen=True)
class SequenceKey:
    folder: str  # "" for the watch folder itself
    base: str  # "B003_C011." (with its dot)
    ext: str  # ".dpx"

    def matches(self, name: str) -> bool:
        parsed = frame_of(name)
        return parsed is not None and (parsed[0], parsed[2]) == (self.base, self.ext)


GroupKey = FolderKey | SequenceKey


#: ``name.####.ext``: a name, a dot, the frame digits, the extension — fileseq's frame pattern narrowed to the
#: dotted form cameras and renderers write. A plain regex, not ``FileSequence(name)``: that parse costs ~1 ms a
#: name, which at 14,400 frames would stall the daemon; fileseq does the frame-set arithmetic below.
_FRAME_RE = re.compile(r"^(?P<base>[^/]*[^/.][^/]*\.)(?P<frame>\d+)(?P<ext>\.[^./]+)$")


def frame_of(name: str) -> tuple[str, str, str] | None:
    """``(base, frame digits, ext)`` of a ``name.####.ext`` frame, else ``None``."""
    m = _FRAME_RE.match(name)
    return None if m is None else (m["base"], m["frame"], m["ext"])


def group_of(rel: str, rules: PackageRules, has_history: Callable[[str], bool]) -> GroupKey | None:
    """The package ``rel`` would belong to: the outermost package folder above it, else its sequence."""
    if not rules.enabled:
        return None
    parts = rel.split("/")
    for i in range(1, len(parts)):
        folder = "/".join(parts[:i])
        if rules.folder_matches(parts[i - 1]) or has_history(folder):
            return FolderKey(folder)
    parsed = frame_of(parts[-1])
    if parsed is None:
        return None
    return SequenceKey("/".join(parts[:-1]), parsed[0], parsed[2])


@dataclass(frozen=True)
class SequenceShape:
    path: str  # watch-relative, stable across versions: "shots/B003_C011.######.dpx"
    filename: str  # readable: "B003_C011.[86400-100799].dpx"
    frame_range: str
    missing_frames: str | None
    frames: int


def sequence_shape(key: SequenceKey, names: Sequence[str]) -> SequenceShape:
    """Describe the frames ``names`` (all matching ``key``) the way VFX software names a sequence."""
    digits = [parsed[1] for n in names if (parsed := frame_of(n)) is not None]
    frame_set = FrameSet(sorted({int(d) for d in digits}))
    padding = FileSequence.getPaddingChars(min(len(d) for d in digits), pad_style=PAD_STYLE_HASH1)  # one # a digit
    missing = frame_set.invertedFrameRange() or None
    start, end = frame_set.start(), frame_set.end()
    return SequenceShape(
        path=posixpath.join(key.folder, f"{key.base}{padding}{key.ext}"),
        filename=f"{key.base}[{start}-{end}]{key.ext}",
        frame_range=f"{start}-{end}",
        missing_frames=str(missing) if missing else None,
        frames=len(frame_set),
    )


def frames_of(notation: str) -> list[int]:
    """Frame-set notation back to frames (what ``missingFrames`` means, for anyone reading it)."""
    return [int(f) for f in FrameSet(notation)] if notation else []


def notation_of(frames: Iterable[int]) -> str:
    return str(FrameSet(sorted(set(frames))))


def manifest_sha256(members: Iterable[tuple[str, int, str]]) -> str:
    """SHA-256 of ``<sha256>  <size>  <path>\\n`` per ``(path, size, sha256)`` member, sorted by path, UTF-8."""
    lines = "".join(f"{h}  {size}  {path}\n" for path, size, h in sorted(members, key=lambda m: m[0]))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


class PackageProblem(Exception):
    """A package that cannot be reported as it is; the files stay where they are and it is retried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_members(package_root: str, members: Sequence[tuple[str, str]]) -> None:
    """Refuse a package whose members escape it, collide by case, or have names that cannot travel.

    ``members`` are ``(member path, absolute path on disk)``; ``package_root`` is the package's folder on disk.
    """
    if not members:
        raise PackageProblem("PACKAGE_EMPTY", "the package holds no files")
    real_root = os.path.realpath(package_root)
    seen: dict[str, str] = {}
    for member, absolute in members:
        try:
            member.encode("utf-8")
        except UnicodeEncodeError:
            raise PackageProblem(
                "PACKAGE_NAME_NOT_UTF8", f"member {member.encode('utf-8', 'replace')!r} has a name that is not UTF-8"
            ) from None
        parts = member.split("/")
        if member.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise PackageProblem("PACKAGE_MEMBER_PATH", f"member {member!r} is not a path inside the package")
        real = os.path.realpath(absolute)
        if os.path.commonpath([real_root, real]) != real_root:
            raise PackageProblem("PACKAGE_MEMBER_PATH", f"member {member!r} is a symlink out of the package")
        folded = member.casefold()
        if folded in seen and seen[folded] != member:
            raise PackageProblem(
                "PACKAGE_CASE_COLLISION", f"members {seen[folded]!r} and {member!r} differ only in case"
            )
        seen[folded] = member
