"""The one way a replica runs background work (sweeps, compaction, dispatch) for its lifetime."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("colorroute.periodic")


async def every(seconds: float, job: Callable[[], Awaitable[object]], what: str, *, first_now: bool = False) -> None:
    """Run ``job`` every ``seconds`` until cancelled. A failed pass (the database restarting, say) is logged and
    the next one runs on time: background work must outlive outages, never end with them."""
    if not first_now:
        await asyncio.sleep(seconds)
    while True:
        try:
            await job()
        except Exception:
            log.warning("%s failed", what, exc_info=True)
        await asyncio.sleep(seconds)
