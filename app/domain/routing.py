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

    def matches(self, site: str, path: str, size: int | None) -> bool:
        if not self.enabled or (self.source_site is not None and self.source_site != site):
            return False
        filename = posixpath.basename(path)
        pattern = self.pattern.lower()
        if not (fnmatch.fnmatchcase(filename.lower(), pattern) or fnmatch.fnmatchcase(path.lower(), pattern)):
            return False
        if size is not None and self.min_size_bytes is not None and size < self.min_size_bytes:
            return False
        return not (size is not None and self.max_size_bytes is not None and size > self.max_size_bytes)


def first_match(rules: Iterable[Rule], site: str, path: str, size: int | None) -> Rule | None:
    """Rules in ascending priority (ties by id); the first enabled rule that matches wins."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        if rule.matches(site, path, size):
            return rule
    return None


def check_rule(
    *,
    name: str,
    pattern: str,
    source_site: str | None,
    destination_site: str | None,
    auto_queue: bool,
    min_size: int | None,
    max_size: int | None,
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
