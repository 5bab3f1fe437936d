"""Between hashing and the outbox: hold the members of packages until the whole package is quiet, then record
it as ONE detection (a frame sequence or a clip folder), with its members beside it.

When is a package finished? A render or an offload writes frames for minutes, and nothing on disk says "done".
The rule a DI facility expects: the package is reported once no member has changed, appeared or been in flight
for the settle window (``--settle-seconds``), i.e. the folder or sequence has been quiet. Frames that arrive
after the report make a NEW VERSION of the package (same path, new manifest hash; unchanged members are not
hashed again), the way a re-delivered render replaces the earlier delivery. A sequence that ends up with fewer
than ``--min-sequence-frames`` frames is reported as separate files.

Held members live in memory only: after a restart they are not in the outbox, so the first scan finds and
hashes them again; nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from daemon.cards import CardKeeper
from daemon.custody import HistoryError
from daemon.filters import PathFilter
from daemon.hasher import sha256_file
from daemon.logs import event
from daemon.mhlwriter import is_history_file
from daemon.outbox import Detection, MemberStat, Outbox, PackageInfo
from daemon.packages import (
    FOLDER,
    MHL_HISTORY,
    SEQUENCE,
    FolderKey,
    GroupKey,
    PackageProblem,
    PackageRules,
    SequenceKey,
    check_members,
    group_of,
    manifest_sha256,
    sequence_shape,
)

#: A refused package is looked at again this often (someone may have fixed it without touching a member).
_REFUSED_RETRY_SECONDS = 30.0
#: Quiet looks that found members still unhashed before the package is refused as unreadable.
_MAX_LOOKS = 5


@dataclass
class _Group:
    held: dict[str, Detection] = field(default_factory=dict)
    last_activity: float = 0.0
    refused: str | None = None  # the problem code last logged
    looks: int = 0  # flushes since the last new member that found members still unhashed


@dataclass(frozen=True)
class _OnDisk:
    rel: str  # watch-relative
    member: str  # inside the package
    size: int
    mtime_ns: int


class Assembler:
    def __init__(
        self,
        root: Path,
        outbox: Outbox,
        rules: PackageRules,
        *,
        quiet_seconds: float,
        path_filter: PathFilter,
        in_flight: Callable[[], Iterable[str]],
        submit: Callable[[str], None],
        on_recorded: Callable[[], None],
        cards: CardKeeper | None = None,
    ) -> None:
        self._root = root
        self._outbox = outbox
        self._rules = rules
        self._quiet = max(quiet_seconds, 0.5)
        self._filter = path_filter
        self._in_flight = in_flight
        self._submit = submit
        self._on_recorded = on_recorded
        self._cards = cards
        self._groups: dict[GroupKey, _Group] = {}
        self._wake = asyncio.Event()

    @property
    def held(self) -> int:
        return sum(len(g.held) for g in self._groups.values())

    def _has_history(self, folder: str) -> bool:
        return os.path.isdir(self._root / folder / MHL_HISTORY)

    def group_of(self, rel: str) -> GroupKey | None:
        return group_of(rel, self._rules, self._has_history)

    async def mhl_formats(self, rel: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The ASC MHL formats to digest ``rel`` in while hashing it: a card member's history formats (the card
        keeper's: a folder package is a card when there is one); any other file ``default`` (the detector's xxh64),
        but never a folder's own ``ascmhl/`` files, which no ASC MHL manifest lists."""
        key = self.group_of(rel)
        if isinstance(key, FolderKey):
            member = rel[len(key.root) + 1 :]
            if self._cards is not None:
                return await asyncio.to_thread(self._cards.formats_for, self._root, key.root, member)
            if is_history_file(member):
                return ()
        return default

    def holds(self, rel: str, size: int, mtime_ns: int) -> bool:
        """Whether ``rel`` is held, hashed with exactly this stat."""
        key = self.group_of(rel)
        group = self._groups.get(key) if key is not None else None
        held = group.held.get(rel) if group is not None else None
        return held is not None and (held.size, held.mtime_ns) == (size, mtime_ns)

    def take(self, detections: Iterable[Detection]) -> tuple[list[Detection], list[Detection]]:
        """Hold the detections that belong to a package; returns ``(alone, held)``: the ones not held are
        recorded as files, as before."""
        alone: list[Detection] = []
        held: list[Detection] = []
        now = time.monotonic()
        for d in detections:
            key = self.group_of(d.path)
            if key is None:
                alone.append(d)
                continue
            held.append(d)
            group = self._groups.setdefault(key, _Group())
            group.held[d.path] = d
            if isinstance(key, FolderKey) and self._cards is not None:
                self._cards.remember(key.root, d.path[len(key.root) + 1 :], d.size, d.mtime_ns, d.others)
            group.last_activity = now
            group.refused = None
            group.looks = 0
            self._wake.set()
        return alone, held

    async def run(self) -> None:
        while True:
            self._wake.clear()
            await self._flush_quiet()
            timeout = self._quiet / 2 if self._groups else None
            try:
                async with asyncio.timeout(timeout):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _flush_quiet(self) -> None:
        if not self._groups:
            return
        now = time.monotonic()
        quiet = [
            (key, group)
            for key, group in self._groups.items()
            if now - group.last_activity >= (_REFUSED_RETRY_SECONDS if group.refused else self._quiet)
        ]
        if not quiet:
            return
        busy = {self.group_of(rel) for rel in list(self._in_flight())}  # only when some package may be done
        for key, group in quiet:
            if key in busy:
                continue
            try:
                done = await self._flush(key, group)
            except PackageProblem as exc:
                group.last_activity = time.monotonic()
                if group.refused != exc.code:
                    group.refused = exc.code
                    event("package.refused", logging.ERROR, package=_describe(key), code=exc.code, error=str(exc))
                continue
            if done:
                self._groups.pop(key, None)

    async def _flush(self, key: GroupKey, group: _Group) -> bool:
        """Record the package if every member on disk is hashed; ``False`` (and members submitted) otherwise."""
        on_disk = await asyncio.to_thread(self._list, key)
        if not on_disk:
            return True  # everything vanished: nothing to report
        hashes = {rel: d.sha256 for rel, d in group.held.items()}
        mhl = {rel: d.others[0] for rel, d in group.held.items() if d.others}  # read in the same pass
        fresh = [m for m in on_disk if not _held_as(group.held.get(m.rel), m)]
        if fresh:
            known = await self._outbox.known_members([(m.rel, m.size, m.mtime_ns) for m in fresh])
            unhashed = [m for m in fresh if m.rel not in known]
            if unhashed:
                group.looks += 1
                if group.looks > _MAX_LOOKS:  # hashing them keeps failing (unreadable): say so, look less often
                    group.looks = 0
                    raise PackageProblem(
                        "PACKAGE_MEMBER_UNREADABLE",
                        f"{len(unhashed)} member(s) could not be hashed, e.g. {unhashed[0].rel!r}: see file.unreadable",
                    )
                for m in unhashed:
                    self._submit(m.rel)  # changed or never seen: hash it, then look again
                group.last_activity = time.monotonic()
                return False
            for m in fresh:  # re-used with the ASC MHL hash stored beside them, if any: never read again for it
                k = known[m.rel]
                hashes[m.rel] = k.sha256
                mhl.pop(m.rel, None)
                if k.hash_format is not None and k.hash is not None:
                    mhl[m.rel] = (k.hash_format, k.hash)
        if isinstance(key, SequenceKey) and len(on_disk) < self._rules.min_sequence_frames:
            await self._record(list(group.held.values()))  # too few frames for a sequence: files, as before
            return True
        custody: str | None = None
        if isinstance(key, FolderKey) and self._cards is not None:
            custody, on_disk = await self._custody(key, on_disk, hashes, mhl)
        await self._record([self._package(key, on_disk, hashes, mhl, custody)])
        return True

    async def _custody(
        self, key: FolderKey, on_disk: list[_OnDisk], hashes: dict[str, str], mhl: dict[str, tuple[str, str]]
    ) -> tuple[str, list[_OnDisk]]:
        """Verify the card against its ASC MHL history and write the source generation, BEFORE the manifest is
        computed: the history files the generation adds or changes are members of this very report."""
        assert self._cards is not None
        members = [(m.member, m.size, m.mtime_ns) for m in on_disk]
        try:
            verdict = await asyncio.to_thread(self._cards.settle, self._root / key.root, key.root, members)
        except HistoryError as exc:  # a member vanished or became unreadable mid-verification
            raise PackageProblem("PACKAGE_MEMBER_UNREADABLE", str(exc)) from exc
        if verdict.wrote:
            on_disk = await asyncio.to_thread(self._list, key)
            for m in on_disk:  # the history's files (a few KB): the chain file changed, a manifest was added
                if m.member.startswith(MHL_HISTORY + "/"):
                    hashes[m.rel] = (await asyncio.to_thread(sha256_file, self._root / m.rel)).sha256
                    mhl.pop(m.rel, None)
        return verdict.custody_json, on_disk

    def _list(self, key: GroupKey) -> list[_OnDisk]:
        """The package's members as they are on disk now (checked: nothing escapes, nothing collides)."""
        found: list[_OnDisk] = []
        pairs: list[tuple[str, str]] = []
        if isinstance(key, FolderKey):
            base = self._root / key.root
            if not base.is_dir():
                return []
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames.sort()
                for name in dirnames:  # not followed; but one pointing out of the package is refused
                    absolute = os.path.join(dirpath, name)
                    if os.path.islink(absolute):
                        pairs.append((os.path.relpath(absolute, base).replace(os.sep, "/"), absolute))
                for name in filenames:
                    absolute = os.path.join(dirpath, name)
                    member = os.path.relpath(absolute, base).replace(os.sep, "/")
                    self._add(found, pairs, f"{key.root}/{member}", member, absolute)
            if pairs:  # an emptied folder has nothing to report: its group is dropped
                check_members(os.fspath(base), pairs)
        else:
            base = self._root / key.folder
            try:
                names = sorted(n for n in os.listdir(base) if key.matches(n))
            except FileNotFoundError:
                return []
            for name in names:
                rel = f"{key.folder}/{name}" if key.folder else name
                self._add(found, pairs, rel, name, os.path.join(base, name))
            if pairs:
                check_members(os.fspath(base), pairs)
        return found

    def _add(self, found: list[_OnDisk], pairs: list[tuple[str, str]], rel: str, member: str, absolute: str) -> None:
        if not self._filter.accepts_file(rel):
            return
        pairs.append((member, absolute))
        try:
            st = os.stat(absolute)
        except OSError:
            return  # gone (or a dangling link): not a member now
        if os.path.isfile(absolute):
            found.append(_OnDisk(rel, member, st.st_size, st.st_mtime_ns))

    def _package(
        self,
        key: GroupKey,
        on_disk: list[_OnDisk],
        hashes: dict[str, str],
        mhl: dict[str, tuple[str, str]],
        custody: str | None = None,
    ) -> Detection:
        members = tuple(
            MemberStat(m.rel, m.member, m.size, m.mtime_ns, hashes[m.rel], *mhl.get(m.rel, (None, None)))
            for m in on_disk
        )
        sha = manifest_sha256((m.member_path, m.size, m.sha256) for m in members)
        size = sum(m.size for m in members)
        mtime = max(m.mtime_ns for m in members)
        if isinstance(key, FolderKey):
            info = PackageInfo(FOLDER, key.root.rsplit("/", 1)[-1], members, custody=custody)
            return Detection(key.root, size, mtime, sha, info)
        shape = sequence_shape(key, [m.member for m in on_disk])
        info = PackageInfo(SEQUENCE, shape.filename, members, shape.frame_range, shape.missing_frames)
        return Detection(shape.path, size, mtime, sha, info)

    async def _record(self, detections: list[Detection]) -> None:
        fresh = {e.path for e in await self._outbox.record(detections)}
        for d in detections:
            if d.package is None:
                event("file.queued" if d.path in fresh else "file.unchanged", path=d.path, sha256=d.sha256)
            else:
                event(
                    "package.queued" if d.path in fresh else "package.unchanged",
                    path=d.path,
                    kind=d.package.kind,
                    members=len(d.package.members),
                    frame_range=d.package.frame_range,
                    missing_frames=d.package.missing_frames,
                    sha256=d.sha256,
                )
        if fresh:
            self._on_recorded()


def _held_as(held: Detection | None, now: _OnDisk) -> bool:
    return held is not None and (held.size, held.mtime_ns) == (now.size, now.mtime_ns)


def _describe(key: GroupKey) -> str:
    if isinstance(key, FolderKey):
        return key.root
    return f"{key.folder}/{key.base}*{key.ext}" if key.folder else f"{key.base}*{key.ext}"
