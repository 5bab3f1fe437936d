"""A request that stops sending must not hold what it holds (the upload's lock) for ever."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request

#: What :meth:`IdleWatch.receive` gives when its ``patience`` ran out first: the client paused, nothing is lost.
PAUSED = object()


class IdleWatch:
    """Ends a PATCH whose client stops sending: when one ``receive`` has waited ``idle_seconds`` for bytes, the
    request task is cancelled *at that receive* (never mid-write) and the caller sees ``None``. One timer per
    request, re-armed lazily: a chunk costs two clock reads, not a timer (uploads run at disk speed)."""

    def __init__(self, idle_seconds: float) -> None:
        self.loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        self.task = task
        self.idle = idle_seconds
        self.since = self.loop.time()
        self.receiving = False
        self.fired = False
        self.timer = self.loop.call_later(idle_seconds, self._check)

    def _check(self) -> None:
        waited = self.loop.time() - self.since
        if self.receiving and waited >= self.idle:
            self.fired = True
            self.task.cancel()
            return
        self.timer = self.loop.call_later(max(self.idle - waited, 0.05) if self.receiving else self.idle, self._check)

    async def receive(self, request: Request, patience: float | None = None) -> Any:
        """The next ASGI message, or ``None`` when the client has been silent for ``idle_seconds``; with
        ``patience``, :data:`PAUSED` when no message came within that many seconds (the caller has work to do
        meanwhile, then receives again)."""
        if patience is not None:
            try:
                async with asyncio.timeout(patience):
                    return await self.receive(request)
            except TimeoutError:
                # Both timers may have fired at once: the idle one wins (its cancel was absorbed in the timeout).
                return None if self.fired else PAUSED
        self.receiving, self.since = True, self.loop.time()
        try:
            return await request.receive()
        except asyncio.CancelledError:
            # Ours alone (not a shutdown's): uvicorn's receive loses nothing when cancelled while waiting.
            if self.fired and self.task.uncancel() == 0:
                return None
            raise
        finally:
            self.receiving = False

    def close(self) -> None:
        self.timer.cancel()
