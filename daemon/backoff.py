"""Exponential backoff with jitter, and a gate that lets many senders share one view of the link."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """``base·2^n`` capped, with "equal jitter": half fixed, half random, so restarted sites don't stampede."""

    base: float = 0.5
    cap: float = 30.0
    attempt: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2.0**self.attempt)
        self.attempt = min(self.attempt + 1, 32)
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def reset(self) -> None:
        self.attempt = 0


class LinkGate:
    """Closed while the orchestrator is unreachable; senders wait here instead of each hammering it.

    The first failure closes the gate for one backoff delay; failures of requests that were already in the
    air when it closed do not lengthen the wait. A success anywhere opens it and resets the backoff.
    """

    def __init__(self, backoff: Backoff | None = None) -> None:
        self._backoff = backoff or Backoff(base=0.25, cap=5.0)
        self._open = asyncio.Event()
        self._open.set()
        self._generation = 0
        self._timer: asyncio.TimerHandle | None = None

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    @property
    def generation(self) -> int:
        """Changes at every failure; pass it back to :meth:`failed` to tell stale failures apart."""
        return self._generation

    async def wait(self) -> int:
        await self._open.wait()
        return self._generation

    def failed(self, generation: int) -> float:
        if generation != self._generation:
            return 0.0
        self._generation += 1
        self._open.clear()
        delay = self._backoff.next_delay()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(delay, self._open.set)
        return delay

    def succeeded(self) -> None:
        self._backoff.reset()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._open.set()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
