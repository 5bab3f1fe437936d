"""The destination agent's side of the chain of custody: once every member of a camera card is verified in
staging (SHA-256 against the manifest), and before the card is renamed into the incoming folder, the agent adds
its ASC MHL generation (verified, location = this site) so the delivered ``ascmhl/`` reads DIT → source →
destination, then reports it with ``recordCustody``.

The generation is written *after* verification, so its files (a new ``NNNN_….mhl``, a longer
``ascmhl_chain.xml``) are not part of the package's manifest: the delivered ``ascmhl/`` has one generation more
than the reported package, and the members the manifest lists keep their verified bytes except the chain file.

What a DIT would do when the card's history and its bytes disagree, or the history cannot be written: deliver
the bytes anyway (they are the bytes the source reported, SHA-256 verified, and an engineer accepted the risk to
let them travel), never write a VERIFIED generation over a failing member, and say so — a ``FAILED`` record (the
history disagrees or cannot be read) or a ``VERIFIED`` record without a generation (the members matched but the
history could not be written), each with the reason in its ``tool``, and an ERROR in the log.
"""

from __future__ import annotations

import json
import logging
import os
import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gql import GraphQLRequest

from daemon import __version__, custody
from daemon.logs import event
from daemon.mhlformats import DEFAULT_FORMAT
from daemon.mhlwriter import TOOL, is_history_file
from daemon.packages import MHL_HISTORY

#: The file's custody records (the source's pending generation, when its media was read-only, is among them).
FILE_CUSTODY = GraphQLRequest(
    "query FileCustody($id: ID!) { file(id: $id) {"
    " custody { at action hashFormat host tool location generation site { code } } } }"
)


def records_from_api(file: Mapping[str, Any] | None) -> list[custody.Record]:
    """``File.custody`` as :class:`custody.Record`s (``site`` as its code)."""
    given = (file or {}).get("custody") or []
    return [custody.Record.from_json({**r, "site": (r.get("site") or {}).get("code")}) for r in given]


def should_carry_history(kind: str, root: Path, records: Sequence[custody.Record]) -> bool:
    """A clip folder gets a destination generation when it came with an ``ascmhl/`` history, or when the source
    verified it in an ASC MHL format without writing (read-only media: no history on the card yet). A sequence
    never does: its frames may land in a folder shared with others. A folder from a ``--no-mhl`` source (only
    SHA-256 records) is left as it came."""
    if kind != "FOLDER":
        return False
    return custody.has_history(root) or any(r.hash_format != "sha256" and r.site for r in records)


@dataclass(frozen=True)
class Sealed:
    records: list[custody.Record]  # to report with recordCustody (oldest first)
    generation: int | None  # ours, when written
    error: str | None  # why no VERIFIED generation was written


def seal_delivery(
    root: Path, manifest_paths: Iterable[str], records: Sequence[custody.Record], site: str, host: str | None = None
) -> Sealed:
    """Verify the staged card against its history and add this site's generation (blocking: run in a thread).

    Files under ``ascmhl/`` that the manifest does not list are a generation an earlier attempt wrote before it
    was cut short (a crash before the rename): they are removed first, with the chain file fetched again by then."""
    host = host or platform.node()
    listed = set(manifest_paths)
    _drop_strays(root, listed)
    fmt = DEFAULT_FORMAT
    try:
        history = custody.read_history(root) if custody.has_history(root) else None
        media = sorted(p for p in listed if not is_history_file(p))
        digests = custody.digest_members(root, media, history)
        fmt = _main_format(digests.values())
        if history is not None:
            failures = custody.verify(history, digests)
            if failures:
                raise custody.CustodyError(failures)
    except (custody.HistoryError, custody.CustodyError) as exc:
        why = f"the card's ASC MHL history disagrees with its bytes: {exc}"
        return Sealed([_record(custody.FAILED, fmt, site, host, "no generation written")], None, why[:2000])
    except OSError as exc:
        why = f"the card could not be read for verification: {exc}"
        return Sealed([_record(custody.FAILED, fmt, site, host, "not verified")], None, why)
    try:
        written = custody.write_destination_generation(root, records, site, host=host, digests=digests)
    except OSError as exc:  # the generation writer put the history back as it was
        why = f"history not writable: {exc.strerror or exc}"
        return Sealed([_record(custody.VERIFIED, fmt, site, host, why)], None, why)
    return Sealed(delivered_records(root, site) or written[-1:], written[-1].generation, None)


def delivered_records(card: Path, site: str) -> list[custody.Record]:
    """This site's record of a delivered card, read back from its history (the latest generation, when ours):
    what ``recordCustody`` is sent after the rename, and what a restart that finds the card delivered but the
    transfer not completed sends for a job stored without its records (before ``AgentJob.custody``)."""
    if not custody.has_history(card):
        return []
    try:
        latest = custody.read_history(card).records[-1]
    except custody.HistoryError:
        return []
    return [latest] if latest.site == site else []


def records_to_json(records: Sequence[custody.Record]) -> str:
    """The records a delivery reports, as kept with the agent's job (``AgentJob.custody``)."""
    return json.dumps([r.to_json() for r in records], sort_keys=True)


def records_from_json(text: str) -> list[custody.Record]:
    return [custody.Record.from_json(r) for r in json.loads(text)]


def log_sealed(file_id: str, path: str, sealed: Sealed) -> None:
    if sealed.error is None:
        event("custody.generation", file_id=file_id, package=path, generation=sealed.generation, at="destination")
    else:
        event("custody.failed", logging.ERROR, file_id=file_id, package=path, error=sealed.error,
              action="delivered without a VERIFIED generation")  # fmt: skip


def _drop_strays(root: Path, listed: set[str]) -> None:
    folder = root / MHL_HISTORY
    if not folder.is_dir():
        return
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            full = Path(dirpath) / name
            if full.relative_to(root).as_posix() not in listed:
                full.unlink()


def _record(action: str, fmt: str, site: str, host: str, note: str) -> custody.Record:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return custody.Record(at, action, fmt, site, host, f"{TOOL} {__version__} ({note})", site)


def _main_format(digests: Iterable[Mapping[str, str]]) -> str:
    counts: dict[str, int] = {}
    for d in digests:
        for f in d:
            counts[f] = counts.get(f, 0) + 1
    return max(counts, key=lambda f: counts[f]) if counts else DEFAULT_FORMAT
