"""The source daemon's side of the chain of custody: which ASC MHL formats to hash a card member in (so the
card is read once, SHA-256 and xxh64 from the same buffer), the digests taken so far, and the verdict on a
quiet card (daemon/custody.py) before its manifest is computed.

State is per daemon (one :class:`CardKeeper`, held by the assembler): each card folder's parsed history, keyed
by its chain file's stat so a new generation is re-read, and each member's digests keyed by its stat so a
member that changed is never vouched for by an old read.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from daemon import custody
from daemon.logs import event
from daemon.mhlformats import DEFAULT_FORMAT
from daemon.mhlwriter import is_history_file
from daemon.packages import MHL_HISTORY

_CHAIN = f"{MHL_HISTORY}/ascmhl_chain.xml"
#: Cards whose history and digests are kept: the recent ones (a card's own generation comes back through the
#: watcher right after it is written, and must not cost a second read of the card).
_KEPT_CARDS = 64


@dataclass
class _Card:
    history_key: tuple[int, int] | None = None  # the chain file's (size, mtime_ns) when history was read
    history: custody.History | None = None
    broken: bool = False
    loaded: bool = False
    digests: dict[str, tuple[int, int, dict[str, str]]] = field(default_factory=dict)  # member → size, mtime, d


@dataclass(frozen=True)
class Verdict:
    """What a card's report carries (``PackageInfo.custody``), and whether its history's files changed."""

    custody_json: str
    wrote: bool
    integrity_error: str | None


class CardKeeper:
    def __init__(self, site: str, *, read_only: bool) -> None:
        self._site = site
        self._read_only = read_only
        self._cards: dict[str, _Card] = {}

    def formats_for(self, root: Path, folder: str, member: str) -> tuple[str, ...]:
        """The formats to digest ``member`` of the card at ``folder`` in (blocking: reads the history when its
        chain file changed). xxh64 for a folder without a history (it gets its first one)."""
        if is_history_file(member):
            return ()
        card = self._card(folder)
        self._load(root / folder, card)
        if card.broken:
            return ()
        if card.history is None:
            return (DEFAULT_FORMAT,)
        return card.history.formats_for(member)

    def remember(self, folder: str, member: str, size: int, mtime_ns: int, others: tuple[tuple[str, str], ...]) -> None:
        if others:
            self._card(folder).digests[member] = (size, mtime_ns, dict(others))

    def _card(self, folder: str) -> _Card:
        """The card's state, most recently used last; the least recently used beyond :data:`_KEPT_CARDS` go."""
        card = self._cards.pop(folder, None) or _Card()
        self._cards[folder] = card
        while len(self._cards) > _KEPT_CARDS:
            del self._cards[next(iter(self._cards))]
        return card

    def settle(self, package_dir: Path, folder: str, members: list[tuple[str, int, int]]) -> Verdict:
        """Verify the quiet card (members: ``(member, size, mtime_ns)``) and write its source generation.

        Members whose digests were not taken in the detection pass (hashed before the history landed, or known
        from the outbox) are read once more here, in the formats their history holds."""
        card = self._card(folder)
        self._load(package_dir, card)
        media = [(m, size, mtime) for m, size, mtime in members if not is_history_file(m)]
        digests: dict[str, dict[str, str]] = {}
        missing: list[str] = []
        for member, size, mtime in media:
            kept = card.digests.get(member)
            wanted = card.history.formats_for(member) if card.history is not None else (DEFAULT_FORMAT,)
            if kept is not None and kept[:2] == (size, mtime) and all(f in kept[2] for f in wanted):
                digests[member] = kept[2]
            elif card.broken:
                digests[member] = {}
            else:
                missing.append(member)
        if missing:
            event("custody.rehash", logging.INFO, package=folder, members=len(missing))
            try:
                digests |= custody.digest_members(package_dir, missing, card.history)
            except OSError as exc:
                raise custody.HistoryError(f"a member could not be read for verification: {exc}") from exc
        outcome = custody.source_outcome(package_dir, digests, site=self._site, read_only=self._read_only)
        error = outcome.integrity_error
        if error is not None:
            event("custody.failed", logging.ERROR, package=folder, integrity_error=error[:2000])
        elif outcome.wrote:
            event("custody.generation", package=folder, generation=outcome.records[-1].generation, site=self._site)
        else:
            event("custody.verified", package=folder, records=len(outcome.records), written=False)
        if outcome.wrote:
            card.loaded = False  # our generation: read the history again next time
        main = {m: _main(d, card.history.formats_for(m) if card.history else ()) for m, d in digests.items() if d}
        payload = {
            "records": [r.to_json() for r in outcome.records],
            "integrityError": error,
            "hashes": {m: list(h) for m, h in main.items() if h is not None},  # staged with each member
        }
        return Verdict(json.dumps(payload, sort_keys=True), outcome.wrote, error)

    def _load(self, package_dir: Path, card: _Card) -> None:
        try:
            st = os.stat(package_dir / _CHAIN)
            key: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
        except OSError:
            key = None
        if card.loaded and key == card.history_key:
            return
        card.loaded, card.history_key = True, key
        card.history, card.broken = None, False
        if not custody.has_history(package_dir):
            return
        try:
            card.history = custody.read_history(package_dir)
        except custody.HistoryError:
            card.broken = True  # settle() says why, once the card is quiet


def _main(digests: dict[str, str], preferred: tuple[str, ...]) -> tuple[str, str] | None:
    """The member's hash to keep beside it: in its history's first format, else the first one taken."""
    for fmt in (*preferred, *digests):
        if fmt in digests:
            return fmt, digests[fmt]
    return None
