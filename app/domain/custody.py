"""Chain of custody: who verified a file's bytes, where, when and with which hash (docs/custody.md).

Custody is data: each verification (the DIT's seal on set, the source daemon, the destination agent) is one
record kept with the file. ASC MHL is only its exchange format, read and written by the daemons on their disks.
A package whose members failed verification at the source carries an ``integrity_error``; it may not be
validated (``INTEGRITY_FAILED``) until an engineer or admin rejects it or accepts the risk with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from app.domain.errors import BadInput, DomainError

#: Hash formats a custody record or a member's card hash may name: ASC MHL's, plus our own SHA-256.
HASH_FORMATS = ("xxh64", "xxh3", "xxh128", "md5", "sha1", "c4", "sha256")
#: Records one call may add (a card's history rarely holds more than a handful of generations).
MAX_RECORDS_PER_CALL = 100
#: Records a file keeps; beyond it the oldest verifications (never the ORIGINAL) are dropped.
MAX_RECORDS = 1000
MAX_INTEGRITY_ERROR = 20_000
_HASH_RE = re.compile(r"^[0-9A-Za-z]{8,128}$")


class CustodyAction(StrEnum):
    ORIGINAL = "ORIGINAL"  # the first hash of the bytes (the DIT sealing the card)
    VERIFIED = "VERIFIED"  # bytes hashed again and found equal to the original
    FAILED = "FAILED"  # bytes hashed again and found different (or the history could not be trusted)


class IntegrityFailed(DomainError):
    """The package failed verification against its ASC MHL history and nobody accepted the risk."""

    code = "INTEGRITY_FAILED"


@dataclass(frozen=True)
class CustodyRecord:
    at: datetime
    action: CustodyAction
    hash_format: str
    site_id: int | None = None
    host: str | None = None
    tool: str | None = None
    location: str | None = None
    generation: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "action": self.action.value,
            "hashFormat": self.hash_format,
            "siteId": self.site_id,
            "host": self.host,
            "tool": self.tool,
            "location": self.location,
            "generation": self.generation,
        }

    @classmethod
    def from_json(cls, given: dict[str, Any]) -> CustodyRecord:
        return cls(
            at=datetime.fromisoformat(str(given["at"])),
            action=CustodyAction(str(given["action"])),
            hash_format=str(given["hashFormat"]),
            site_id=given.get("siteId"),
            host=given.get("host"),
            tool=given.get("tool"),
            location=given.get("location"),
            generation=given.get("generation"),
        )


def record(
    *,
    at: datetime | None,
    action: CustodyAction,
    hash_format: str,
    site_id: int | None,
    host: str | None,
    tool: str | None,
    location: str | None,
    generation: int | None,
    default_at: datetime,
) -> CustodyRecord:
    """A checked record: a known hash format, short texts, a positive generation."""
    fmt = hash_format.strip().lower()
    if fmt not in HASH_FORMATS:
        raise BadInput(f"hashFormat must be one of {', '.join(HASH_FORMATS)}", field="hashFormat")
    if generation is not None and not 1 <= generation <= 1_000_000:
        raise BadInput("generation must be a positive number", field="generation")
    when = at if at is not None else default_at
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return CustodyRecord(
        at=when,
        action=action,
        hash_format=fmt,
        site_id=site_id,
        host=_text(host, "host"),
        tool=_text(tool, "tool"),
        location=_text(location, "location"),
        generation=generation,
    )


def source_hash(site_id: int, at: datetime) -> CustodyRecord:
    """A single file's first record: its source daemon hashed it (SHA-256) when it landed."""
    return CustodyRecord(at=at, action=CustodyAction.ORIGINAL, hash_format="sha256", site_id=site_id, tool="colorroute")


def verified_sha256(site_id: int | None, at: datetime, location: str) -> CustodyRecord:
    """The hub (site None) or the destination checked the bytes it holds against the file's SHA-256."""
    return CustodyRecord(
        at=at,
        action=CustodyAction.VERIFIED,
        hash_format="sha256",
        site_id=site_id,
        tool="colorroute",
        location=location,
    )


def integrity_error(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.strip()[:MAX_INTEGRITY_ERROR]


def member_hash(hash_format: str | None, value: str | None) -> tuple[str | None, str | None]:
    """A hash in an ASC MHL format (a member's card history's, a single file's own), both or neither."""
    if hash_format is None and value is None:
        return None, None
    if hash_format is None or value is None:
        raise BadInput("hashFormat and hash come together", field="hash")
    fmt = hash_format.strip().lower()
    if fmt not in HASH_FORMATS:
        raise BadInput(f"hashFormat must be one of {', '.join(HASH_FORMATS)}", field="hashFormat")
    if not _HASH_RE.match(value):
        raise BadInput("hash must be 8-128 letters or digits", field="hash")
    return fmt, value if fmt == "c4" else value.lower()


#: A hash's exact shape per ASC MHL format (c4 is "c4" and 88 base58 digits; the others are hex).
_MHL_SHAPES = {
    "xxh64": re.compile(r"^[0-9a-f]{16}$"),
    "xxh3": re.compile(r"^[0-9a-f]{16}$"),
    "xxh128": re.compile(r"^[0-9a-f]{32}$"),
    "md5": re.compile(r"^[0-9a-f]{32}$"),
    "sha1": re.compile(r"^[0-9a-f]{40}$"),
    "c4": re.compile(r"^c4[1-9A-HJ-NP-Za-km-z]{88}$"),
}


def file_mhl_hash(hash_format: str | None, value: str | None) -> tuple[str | None, str | None]:
    """A single file's own hash, both or neither, in an ASC MHL format (not SHA-256: an MHL export must hold it)
    and of that format's exact length, so a manifest exported from it is one ``ascmhl`` accepts."""
    fmt, digest = member_hash(hash_format, value)
    if fmt is None or digest is None:
        return None, None
    shape = _MHL_SHAPES.get(fmt)
    if shape is None:
        raise BadInput(f"a file's hashFormat must be an ASC MHL format: {', '.join(_MHL_SHAPES)}", field="hashFormat")
    if not shape.match(digest):
        raise BadInput(f"hash is not an {fmt} digest", field="hash")
    return fmt, digest


def blocks_validation(integrity_error: str | None, accepted_reason: str | None) -> bool:
    return integrity_error is not None and accepted_reason is None


def check_validation(file_id: int, integrity_error: str | None, accepted_reason: str | None) -> None:
    """``validateFile`` of a package whose members failed verification, unaccepted: INTEGRITY_FAILED."""
    if integrity_error is not None and accepted_reason is None:
        raise IntegrityFailed(
            f"file {file_id} failed verification against its ASC MHL history: {integrity_error[:500]}"
            " (reject it, or accept the risk with a reason: acceptIntegrityRisk)",
            integrityError=integrity_error,
        )


def appended(existing: list[dict[str, Any]], new: list[CustodyRecord]) -> list[dict[str, Any]]:
    """The file's records with ``new`` added in time order, repeats (same action, site, generation, time)
    skipped so a resent call adds nothing, and at most :data:`MAX_RECORDS` kept.

    Time order is to the second (ASC MHL's precision, and a daemon's records'): within one second records keep
    the order they arrived in, so a destination's generation written a fraction of a second after the hub's
    check (whose time has microseconds) is not put before it."""
    seen = {_key(r) for r in existing}
    out = list(existing)
    for r in new:
        j = r.to_json()
        if _key(j) not in seen:
            seen.add(_key(j))
            out.append(j)
    out.sort(key=lambda r: str(r["at"])[:19])  # UTC ISO 8601: "YYYY-MM-DDTHH:MM:SS" (a stable sort)
    return out[-MAX_RECORDS:]


def _key(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r.get("action"), r.get("siteId"), r.get("generation"), r.get("at"), r.get("hashFormat"), r.get("host"))


def _text(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > 500 or any(ord(c) < 32 for c in value):
        raise BadInput(f"{field} must be at most 500 printable characters", field=field)
    return value.strip()
