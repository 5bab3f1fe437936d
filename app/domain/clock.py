"""The one clock services stamp rows with: timezone-aware UTC, so comparisons with PostgreSQL's timestamptz hold."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
