"""Which names in the watch folder are camera files and which are someone's temp or hidden files."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

# Partial uploads, editor and OS droppings: a file under such a name is not finished or not ours.
DEFAULT_IGNORES: tuple[str, ...] = ("*.part", "*.tmp", "~*", ".*", "._*")


class PathFilter:
    """Decide on POSIX paths relative to the watch folder.

    Ignore patterns apply to every component, so a hidden folder (``.Trash``, ``.snapshot``) hides its
    contents. ``--exclude`` patterns join them. ``--include`` patterns, when given, must match the file name
    (or the whole relative path when the pattern contains ``/``). Matching is case-insensitive because
    cameras write ``A001.MOV`` while people type ``*.mov``.
    """

    def __init__(self, include: Iterable[str] = (), exclude: Iterable[str] = ()) -> None:
        self._ignore_names = tuple(p.lower() for p in (*DEFAULT_IGNORES, *exclude) if "/" not in p)
        self._ignore_paths = tuple(p.lower().strip("/") for p in exclude if "/" in p)
        self._include = tuple(p.lower() for p in include)

    def _ignored_component(self, name: str) -> bool:
        lowered = name.lower()
        return any(fnmatchcase(lowered, p) for p in self._ignore_names)

    def accepts_dir(self, rel: str) -> bool:
        lowered = rel.lower()
        if any(fnmatchcase(lowered, p) for p in self._ignore_paths):
            return False
        return not any(self._ignored_component(part) for part in rel.split("/") if part)

    def accepts_file(self, rel: str) -> bool:
        if not rel or not self.accepts_dir(rel):
            return False
        if not self._include:
            return True
        lowered = rel.lower()
        name = lowered.rsplit("/", 1)[-1]
        return any(fnmatchcase(lowered if "/" in p else name, p) for p in self._include)
