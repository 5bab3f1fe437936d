"""Attempt counters per key (hashed username or client address) in fixed windows, in ``login_attempts``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Every key gets one more attempt; a window that has passed starts again at 1. The SET expressions read the old
# row, so both CASEs see the same window. Keys are inserted in sorted order, so two statements sharing keys lock
# them in the same order and cannot deadlock.
_COUNT = text(
    "INSERT INTO login_attempts AS a (key, window_started_at, attempts)"
    " SELECT k, now(), 1 FROM unnest(CAST(:keys AS text[])) AS k ORDER BY k"
    " ON CONFLICT (key) DO UPDATE SET"
    " window_started_at = CASE WHEN a.window_started_at > now() - make_interval(secs => :window)"
    "   THEN a.window_started_at ELSE now() END,"
    " attempts = CASE WHEN a.window_started_at > now() - make_interval(secs => :window)"
    "   THEN a.attempts + 1 ELSE 1 END"
    " RETURNING attempts,"
    " EXTRACT(EPOCH FROM window_started_at + make_interval(secs => :window) - now())::float AS seconds_left"
)


async def count(session: AsyncSession, keys: Sequence[str], window_seconds: float) -> list[tuple[int, float]]:
    """Count one attempt on each key; (attempts in the window so far, seconds until the window ends) each."""
    rows = await session.execute(_COUNT, {"keys": sorted(set(keys)), "window": window_seconds})
    return [(int(r.attempts), float(r.seconds_left)) for r in rows]


async def forget(session: AsyncSession, key: str) -> None:
    await session.execute(text("DELETE FROM login_attempts WHERE key = :k"), {"k": key})


async def give_back(session: AsyncSession, key: str) -> None:
    """Undo one counted attempt (it turned out not to be a failure)."""
    await session.execute(
        text("UPDATE login_attempts SET attempts = attempts - 1 WHERE key = :k AND attempts > 0"), {"k": key}
    )


async def delete_expired(session: AsyncSession, window_seconds: float) -> int:
    result = await session.execute(
        text("DELETE FROM login_attempts WHERE window_started_at <= now() - make_interval(secs => :window)"),
        {"window": window_seconds},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
