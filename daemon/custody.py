"""ASC MHL chain of custody on a daemon's disk: read a card's ``ascmhl/`` history, verify its members against
it, and add a generation recording that verification — always through ``ascmhl`` (the ASC's reference
implementation), never hand-written XML, so the reference tool accepts what we write.

A history is the card's own proof that its bytes never changed since the DIT sealed it on set. Each hop that
verifies the bytes adds one generation (``NNNN_<folder>_<date>.mhl`` plus a line in ``ascmhl_chain.xml``); the
source daemon adds one at the source (location = its site) and the destination one after delivery
(:func:`write_destination_generation`), so ``ascmhl info`` on the delivered folder shows DIT → source →
destination. Everything here is blocking file work: callers run it in a thread.
"""

from __future__ import annotations

import os
import platform
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ascmhl import errors as mhl_errors
from ascmhl.history import MHLHistory
from ascmhl.ignore import MHLIgnoreSpec

from daemon import __version__
from daemon.hasher import sha256_file
from daemon.mhlformats import DEFAULT_FORMAT, FORMATS, known, same
from daemon.mhlwriter import TOOL, is_history_file, write_generation
from daemon.packages import MHL_HISTORY

ORIGINAL, VERIFIED, FAILED = "ORIGINAL", "VERIFIED", "FAILED"


class HistoryError(Exception):
    """The history cannot be trusted as a whole (malformed or truncated XML, a chain that disagrees with its
    manifests, a manifest missing): every member is unverified, and the package says why."""


class CustodyError(Exception):
    """The members do not match the history: nothing is written; ``failures`` names each member and why."""

    def __init__(self, failures: Sequence[tuple[str, str]]) -> None:
        super().__init__(describe(failures))
        self.failures = tuple(failures)


@dataclass(frozen=True)
class Record:
    """One custody record: who verified (or first hashed) the card, where, when, with which hash."""

    at: str  # ISO 8601
    action: str  # ORIGINAL | VERIFIED | FAILED
    hash_format: str
    site: str | None = None  # one of our sites (its code), when one of our daemons wrote it
    host: str | None = None
    tool: str | None = None
    location: str | None = None  # the history's own <location> (a DIT cart, a facility)
    generation: int | None = None  # None: not written into the history (read-only source media)

    def to_json(self) -> dict[str, object]:
        return {
            "at": self.at,
            "action": self.action,
            "hashFormat": self.hash_format,
            "site": self.site,
            "host": self.host,
            "tool": self.tool,
            "location": self.location,
            "generation": self.generation,
        }

    @classmethod
    def from_json(cls, given: Mapping[str, Any]) -> Record:
        generation = given.get("generation")
        return cls(
            at=str(given["at"]),
            action=str(given["action"]),
            hash_format=str(given.get("hashFormat") or DEFAULT_FORMAT),
            site=_opt(given.get("site")),
            host=_opt(given.get("host")),
            tool=_opt(given.get("tool")),
            location=_opt(given.get("location")),
            generation=int(generation) if generation is not None else None,
        )


@dataclass(frozen=True)
class History:
    """What a card's history says: its generations as records, and each media file's first hash per format."""

    records: tuple[Record, ...]
    expected: dict[str, dict[str, str]]  # member path → format → hash
    problems: tuple[tuple[str, str], ...]  # (member, why): paths outside the package, unknown hash formats
    ignore: Any  # pathspec of the latest generation's ignore patterns
    latest_tool: str | None = None
    latest_location: str | None = None

    def formats_for(self, member: str) -> tuple[str, ...]:
        return tuple(self.expected.get(member, {}))

    def ignores(self, member: str) -> bool:
        return bool(self.ignore.match_file(member))


@dataclass
class Outcome:
    """The verdict on one card at one site: the records to report, and the failures (none when intact)."""

    records: list[Record] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    wrote: bool = False  # a generation was added: the history's files changed

    @property
    def integrity_error(self) -> str | None:
        return describe(self.failures) if self.failures else None


def describe(failures: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{member}: {why}" for member, why in failures)


def has_history(package_dir: Path) -> bool:
    return (package_dir / MHL_HISTORY).is_dir()


def read_history(package_dir: Path) -> History:
    """Load ``package_dir/ascmhl`` with ascmhl; a history that cannot be trusted raises :class:`HistoryError`."""
    try:
        loaded: Any = MHLHistory.load_from_path(os.fspath(package_dir))
    except (mhl_errors.ModifiedMHLManifestFileException, mhl_errors.MissingMHLManifestException) as exc:
        raise HistoryError(f"the chain file disagrees with its manifests ({exc.format_message()})") from None
    except mhl_errors.NoMHLChainException:
        raise HistoryError("the history has no ascmhl_chain.xml") from None
    except Exception as exc:  # lxml's XMLSyntaxError and whatever a truncated file makes the parser raise
        raise HistoryError(f"the history cannot be read: {type(exc).__name__}: {exc}") from None
    if loaded.child_histories:
        raise HistoryError("nested ascmhl histories inside a card are not supported")
    if not loaded.hash_lists:
        raise HistoryError("the history holds no generation")
    numbers = [h.generation_number for h in loaded.hash_lists]
    chained = [int(g.generation_number) for g in loaded.chain.generations]
    if sorted(numbers) != sorted(chained):
        raise HistoryError(f"the chain file lists generations {chained} but the folder holds {numbers}")
    expected: dict[str, dict[str, str]] = {}
    problems: list[tuple[str, str]] = []
    records: list[Record] = []
    for hash_list in loaded.hash_lists:
        formats: list[str] = []
        actions: set[str] = set()
        for media_hash in hash_list.media_hashes:
            if media_hash.is_directory:
                continue
            path = str(media_hash.path or "").replace("\\", "/")
            if not _inside(path):
                problems.append((path or "(empty path)", "the history names a path outside the package"))
                continue
            entries = [e for e in media_hash.hash_entries if known(e.hash_format)]
            if not entries:
                problems.append((path, f"no hash in a format this daemon knows ({', '.join(FORMATS)})"))
                continue
            per_format = expected.setdefault(path, {})
            for entry in entries:
                per_format.setdefault(entry.hash_format, entry.hash_string)
                formats.append(entry.hash_format)
                actions.add(str(entry.action or "original"))
        creator = hash_list.creator_info
        tool = creator.tool
        records.append(
            Record(
                at=str(creator.creation_date or ""),
                action=FAILED if "failed" in actions else ORIGINAL if actions <= {"original"} else VERIFIED,
                hash_format=_main_format(formats),
                site=_opt(creator.location)
                if tool is not None and tool.name == TOOL
                else None,  # ours: location = site
                host=_opt(creator.host_name),
                tool=f"{tool.name} {tool.version}".strip() if tool is not None and tool.name else None,
                location=_opt(creator.location),
                generation=int(hash_list.generation_number),
            )
        )
    latest = loaded.hash_lists[-1].creator_info
    ignore = MHLIgnoreSpec(loaded.latest_ignore_patterns()).get_path_spec()
    return History(
        tuple(records),
        expected,
        tuple(problems),
        ignore,
        latest_tool=latest.tool.name if latest.tool is not None else None,
        latest_location=_opt(latest.location),
    )


def verify(history: History, digests: Mapping[str, Mapping[str, str]]) -> list[tuple[str, str]]:
    """Compare every media member's digests (member path → format → hex) with the history; the failures."""
    failures: list[tuple[str, str]] = list(history.problems)
    named = {member for member, _ in history.problems}
    for member in sorted(digests):
        if is_history_file(member) or member in named:
            continue
        wanted = history.expected.get(member)
        if wanted is None:
            if not history.ignores(member):
                failures.append((member, "on the card but not in its ASC MHL history"))
            continue
        got = digests[member]
        checked = False
        for fmt, recorded in wanted.items():
            actual = got.get(fmt)
            if actual is None:
                continue
            checked = True
            if not same(fmt, recorded, actual):
                failures.append((member, f"{fmt} mismatch: history {recorded}, card {actual}"))
                break
        if not checked:
            failures.append((member, f"not verified: no digest in {', '.join(wanted)}"))
    for member in sorted(set(history.expected) - set(digests)):
        failures.append((member, "listed in the ASC MHL history but missing from the card"))
    return failures


def digest_members(package_dir: Path, members: Iterable[str], history: History | None) -> dict[str, dict[str, str]]:
    """Hash members in the formats the history holds for them (xxh64 without a history) — the fallback for
    members whose digests were not taken in the detection pass (hashed before the history landed)."""
    out: dict[str, dict[str, str]] = {}
    for member in members:
        formats = history.formats_for(member) if history is not None else (DEFAULT_FORMAT,)
        digest = sha256_file(package_dir / member, formats=formats or (DEFAULT_FORMAT,))
        out[member] = dict(digest.others)
    return out


def source_outcome(
    package_dir: Path,
    digests: Mapping[str, Mapping[str, str]],
    *,
    site: str,
    read_only: bool,
    host: str | None = None,
) -> Outcome:
    """Verify a card at the source and, when intact, record that in a new generation (or its first one).

    ``read_only`` (camera media mounted read-only), or a history the daemon cannot write to, leaves the card
    untouched: the source's VERIFIED record then has no generation, and the destination writes it
    (:func:`write_destination_generation`). A history whose latest generation is already ours at this site is
    not written again: that is our own write coming back through the watcher."""
    host = host or platform.node()
    outcome = Outcome()
    existing = has_history(package_dir)
    history: History | None = None
    if existing:
        try:
            history = read_history(package_dir)
        except HistoryError as exc:
            outcome.failures.append((MHL_HISTORY, str(exc)))
            outcome.records.append(_now_record(FAILED, DEFAULT_FORMAT, site, host))
            return outcome
        outcome.records.extend(history.records)
        outcome.failures.extend(verify(history, digests))
        fmt = _main_format(f for m in digests for f in history.formats_for(m))
        if outcome.failures:
            outcome.records.append(_now_record(FAILED, fmt, site, host))
            return outcome
        if history.latest_tool == TOOL and history.latest_location == site:
            return outcome  # our generation, seen again
    else:
        fmt = DEFAULT_FORMAT
    action = ORIGINAL if history is None else VERIFIED
    if read_only:
        outcome.records.append(_now_record(action, fmt, site, host))
        return outcome
    try:
        write_generation(package_dir, _media(digests), site=site, host=host)
    except OSError as exc:  # a read-only mount without the flag: the card is intact, the destination writes
        outcome.records.append(
            _now_record(action, fmt, site, host, note=f"history not writable: {exc.strerror or exc}")
        )
        return outcome
    outcome.wrote = True
    written = read_history(package_dir)
    outcome.records = [*written.records[:-1], _ours(written.records[-1], site)]
    return outcome


def write_destination_generation(
    package_dir: Path,
    records: Sequence[Record | Mapping[str, Any]],
    site: str,
    *,
    host: str | None = None,
    digests: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Record]:
    """At the destination, after the agent verified the delivered members' SHA-256: verify the card against its
    history and add a generation (verified, location = ``site``). A source VERIFIED/ORIGINAL record without a
    generation (read-only source media) is written first, with the source's site, host and time, so the chain
    reads DIT → source → destination. ``digests`` (member → format → hex) may come from the agent's own read;
    without them the members are hashed here. Returns the records this call wrote (to report with
    ``recordCustody``); raises :class:`CustodyError` (writing nothing) when the card does not match."""
    given = [r if isinstance(r, Record) else Record.from_json(r) for r in records]
    history = read_history(package_dir) if has_history(package_dir) else None
    media = [m for m in _members_on_disk(package_dir) if not is_history_file(m)]
    if digests is None:
        digests = digest_members(package_dir, media, history)
    if history is not None:
        failures = verify(history, digests)
        if failures:
            raise CustodyError(failures)
    written: list[Record] = []
    pending = [r for r in given if r.generation is None and r.site and r.action in (ORIGINAL, VERIFIED)]
    for record in pending[:1]:  # the source's, left for us by --mhl-read-only
        number = write_generation(package_dir, _media(digests), site=record.site or "", host=record.host, at=record.at)
        written.append(
            Record(
                record.at, record.action, record.hash_format, record.site, record.host, record.tool, record.site, number
            )
        )
    number = write_generation(package_dir, _media(digests), site=site, host=host)
    fmt = _main_format(f for d in digests.values() for f in d)
    written.append(
        Record(
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            action=VERIFIED if history is not None or written else ORIGINAL,
            hash_format=fmt,
            site=site,
            host=host or platform.node(),
            tool=f"{TOOL} {__version__}",
            location=site,
            generation=number,
        )
    )
    return written


def record_custody_input(file_id: str, site: str, records: Sequence[Record]) -> dict[str, Any]:
    """``recordCustody``'s input for records this site made (``daemon.client.RECORD_CUSTODY``)."""
    given = [{k: v for k, v in r.to_json().items() if k != "site"} for r in records]
    return {"fileId": file_id, "site": site, "records": given}


def _members_on_disk(package_dir: Path) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(package_dir):
        dirnames.sort()
        for name in filenames:
            found.append(os.path.relpath(os.path.join(dirpath, name), package_dir).replace(os.sep, "/"))
    return sorted(found)


def _media(digests: Mapping[str, Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    return {m: d for m, d in digests.items() if not is_history_file(m)}


def _now_record(action: str, fmt: str, site: str, host: str, note: str | None = None) -> Record:
    tool = f"{TOOL} {__version__}" + (f" ({note})" if note else "")
    return Record(datetime.now(UTC).isoformat(timespec="seconds"), action, fmt, site, host, tool, site)


def _ours(record: Record, site: str) -> Record:
    return Record(
        record.at, record.action, record.hash_format, site, record.host, record.tool, record.location, record.generation
    )


def _main_format(formats: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for f in formats:
        counts[f] = counts.get(f, 0) + 1
    return (
        max(counts, key=lambda f: (counts[f], -FORMATS.index(f) if f in FORMATS else -99)) if counts else DEFAULT_FORMAT
    )


def _inside(path: str) -> bool:
    if not path or path.startswith("/") or ":" in path.split("/", 1)[0]:
        return False
    return all(p not in ("", ".", "..") for p in posixpath.normpath(path).split("/")) and ".." not in path.split("/")


def _opt(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
