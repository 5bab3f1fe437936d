"""Row ids as the API carries them: GraphQL ids are decimal strings, and anything else names no row."""

from __future__ import annotations

from app.domain.errors import NotFound


def parse_id(value: str | int, kind: str = "file") -> int:
    """A malformed id is NOT_FOUND (it cannot name a row), never a 500 or a database error."""
    try:
        parsed = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"{kind} {value!r} not found", id=str(value)) from None
    if parsed <= 0 or parsed > 2**63 - 1:
        raise NotFound(f"{kind} {value!r} not found", id=str(value))
    return parsed
