"""Routing rules and colorist choice, as pure functions: which rule a file matches, who should grade it."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.errors import BadInput


class AssignStrategy(StrEnum):
    NONE = "NONE"
    LEAST_LOADED = "LEAST_LOADED"


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    priority: int
    enabled: bool
    source_site: str | None  # None: any site
    pattern: str
    destination_site: str | None
    auto_validate: bool
    auto_queue: bool
    auto_assign: AssignStrategy
    min_size_bytes: int | None = None
    max_size_bytes: int | None = None
    codecs: tuple[str, ...] = ()  # "prores" (any profile) or "prores 4444" (codec and profile); lower case
    min_width: int | None = None
    min_height: int | None = None

    @property
    def needs_media(self) -> bool:
        return bool(self.codecs) or self.min_width is not None or self.min_height is not None

    def mismatch(self, site: str, path: str, size: int | None) -> str | None:
        """Why this rule does not take the file (its media aside); ``None`` when it does."""
        if not self.enabled:
            return "disabled"
        if self.source_site is not None and self.source_site != site:
            return f"only files from {self.source_site}"
        filename = posixpath.basename(path)
        pattern = self.pattern.lower()
        if not (fnmatch.fnmatchcase(filename.lower(), pattern) or fnmatch.fnmatchcase(path.lower(), pattern)):
            return f"pattern {self.pattern!r} does not match"
        if size is not None and self.min_size_bytes is not None and size < self.min_size_bytes:
            return f"smaller than {self.min_size_bytes} bytes"
        if size is not None and self.max_size_bytes is not None and size > self.max_size_bytes:
            return f"larger than {self.max_size_bytes} bytes"
        return None

    def media_mismatch(self, media: Media) -> str | None:
        """Why the file's media does not fit this rule's media conditions; ``None`` when it does."""
        if media.codec is None and self.codecs:
            return "codec unknown" + (f" ({media.probe_error})" if media.probe_error else "")
        if self.codecs:
            names = {media.codec or ""} | ({f"{media.codec} {media.profile}".lower()} if media.profile else set())
            if not names & set(self.codecs):
                shown = f"{media.codec} {media.profile}" if media.profile else media.codec
                return f"codec {shown} is not one of {', '.join(self.codecs)}"
        for need, have, what in ((self.min_width, media.width, "width"), (self.min_height, media.height, "height")):
            if need is not None and (have is None or have < need):
                return f"{what} {have if have is not None else 'unknown'} is below {need}"
        return None

    def matches(self, site: str, path: str, size: int | None) -> bool:
        return self.mismatch(site, path, size) is None


@dataclass(frozen=True)
class Media:
    """What routing reads of a file's media info."""

    codec: str | None
    profile: str | None
    width: int | None
    height: int | None
    probe_error: str | None = None


@dataclass(frozen=True)
class Decision:
    """The rule that takes the file, or the media rule it waits for, and why the rules before it did not."""

    rule: Rule | None
    waiting_for_media: Rule | None = None
    reasons: tuple[str, ...] = ()


def decide(
    rules: Iterable[Rule], site: str, path: str, size: int | None, media: Media | None, *, media_expected: bool
) -> Decision:
    """Rules in ascending priority (ties by id); the first enabled rule that matches wins.

    A rule with media conditions cannot be judged before the file's media info arrives. If the file will get
    media info (``media_expected``), routing stops at that rule and the file waits: a lower-priority rule must
    not take a file a higher one may claim once its codec is known. A file that will never be probed simply
    does not match media rules.
    """
    reasons: list[str] = []
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        why = rule.mismatch(site, path, size)
        if why is None and rule.needs_media:
            if media is None:
                if media_expected:
                    reasons.append(f"{rule.name}: waits for the file's media info")
                    return Decision(None, waiting_for_media=rule, reasons=tuple(reasons))
                why = "the file has no media info"
            else:
                why = rule.media_mismatch(media)
        if why is None:
            reasons.append(f"{rule.name}: matches")
            return Decision(rule, reasons=tuple(reasons))
        reasons.append(f"{rule.name}: {why}")
    return Decision(None, reasons=tuple(reasons))


def first_match(rules: Iterable[Rule], site: str, path: str, size: int | None) -> Rule | None:
    """The first rule that matches without looking at media (a file with no media info, never probed)."""
    return decide(rules, site, path, size, None, media_expected=False).rule


def check_rule(
    *,
    name: str,
    pattern: str,
    source_site: str | None,
    destination_site: str | None,
    auto_queue: bool,
    min_size: int | None,
    max_size: int | None,
    codecs: Sequence[str] = (),
    min_width: int | None = None,
    min_height: int | None = None,
) -> None:
    """What makes a rule nonsensical, refused before it is stored."""
    if not name.strip() or len(name) > 100:
        raise BadInput("name must be 1-100 characters", field="name")
    if not pattern.strip() or len(pattern) > 300:
        raise BadInput("pattern must be 1-300 characters", field="pattern")
    if auto_queue and destination_site is None:
        raise BadInput("autoQueue needs a destinationSite", field="destinationSite")
    if source_site is not None and source_site == destination_site:
        raise BadInput("destinationSite must differ from sourceSite", field="destinationSite")
    for value, field in ((min_size, "minSizeBytes"), (max_size, "maxSizeBytes")):
        if value is not None and value < 0:
            raise BadInput(f"{field} must not be negative", field=field)
    if min_size is not None and max_size is not None and min_size > max_size:
        raise BadInput("minSizeBytes is larger than maxSizeBytes", field="minSizeBytes")
    if len(codecs) > 20 or any(not (0 < len(c.strip()) <= 64) for c in codecs):
        raise BadInput("codecs: at most 20 names of 1-64 characters", field="codecs")
    for value, field in ((min_width, "minWidth"), (min_height, "minHeight")):
        if value is not None and not (1 <= value <= 65_536):
            raise BadInput(f"{field} must be between 1 and 65536", field=field)


@dataclass(frozen=True)
class Candidate:
    user_id: int
    active_files: int
    last_assigned_at: datetime | None  # None: never assigned, the longest idle of all


def least_loaded(candidates: Sequence[Candidate]) -> Candidate | None:
    """Fewest files in COLORIST_ASSIGNED + IN_PROGRESS; ties go to whoever has waited longest."""
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda c: (c.active_files, c.last_assigned_at is not None, c.last_assigned_at or datetime.min, c.user_id),
    )
