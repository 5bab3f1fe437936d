"""Full and subtree scans: the safety net under the watcher.

Events can be lost (inotify queue overflow, the daemon was down, a share was remounted), so the daemon walks
the tree at start, periodically and after any observer trouble. The walk runs on a worker thread and hands
back batches, so the event loop can reconcile each batch against the outbox while the walk goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from daemon.fileinfo import FileStat, Problem, kind_of, to_rel, utf8_ok
from daemon.filters import PathFilter


@dataclass
class ScanBatch:
    files: list[tuple[str, FileStat]] = field(default_factory=list)
    problems: list[tuple[str, Problem]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.files) + len(self.problems)


def dir_ids(paths: Iterable[Path]) -> frozenset[tuple[int, int]]:
    """(dev, inode) of folders to leave out (state dir, incoming dir), robust to symlinked spellings."""
    ids = set()
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue
        ids.add((st.st_dev, st.st_ino))
    return frozenset(ids)


def iter_scan(
    root: Path,
    path_filter: PathFilter,
    *,
    start: Path | None = None,
    skip: frozenset[tuple[int, int]] = frozenset(),
    batch_size: int = 1000,
) -> Iterator[ScanBatch]:
    """Walk ``start`` (default: ``root``) without following folder symlinks; yield files and problems."""
    batch = ScanBatch()
    stack = [os.fspath(start or root)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except FileNotFoundError:
            continue
        except OSError as exc:
            rel = to_rel(root, current)
            if rel is not None:
                batch.problems.append((rel, Problem(f"cannot list folder: {exc.strerror or exc}")))
            continue
        for entry in entries:
            rel = to_rel(root, entry.path)
            if rel is None:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    if path_filter.accepts_dir(rel) and (st.st_dev, st.st_ino) not in skip:
                        stack.append(entry.path)
                    continue
            except OSError:
                continue
            if not path_filter.accepts_file(rel):
                continue
            if not utf8_ok(rel):
                batch.problems.append((rel, Problem("file name is not valid UTF-8")))
                continue
            try:
                st = entry.stat()  # follows a symlink to a file
            except FileNotFoundError:
                if entry.is_symlink():
                    batch.problems.append((rel, Problem("dangling symlink")))
                continue
            except OSError as exc:
                batch.problems.append((rel, Problem(f"cannot stat: {exc.strerror or exc}")))
                continue
            if stat.S_ISREG(st.st_mode):
                batch.files.append((rel, FileStat.of(st)))
            elif not stat.S_ISDIR(st.st_mode):
                batch.problems.append((rel, Problem(f"not a regular file ({kind_of(st.st_mode)})")))
            if len(batch) >= batch_size:
                yield batch
                batch = ScanBatch()
    if len(batch):
        yield batch
