"""The pool that checks passwords off the event loop: a bounded number at once, a bounded queue, and a slot held
until its thread is really done (no database needed: the work is a real blocking callable)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from app.domain.errors import RateLimited
from app.services.security import PasswordChecks


class _Gate:
    """Blocking work for the pool's threads: each call waits until the gate opens; counts who runs at once."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.started = 0

    def work(self) -> Callable[[], str]:
        def blocked() -> str:
            with self.lock:
                self.running += 1
                self.started += 1
                self.most = max(self.most, self.running)
            try:
                assert self.open.wait(30), "the test never opened the gate"
                return "done"
            finally:
                with self.lock:
                    self.running -= 1

        return blocked


async def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in 30 s"
        await asyncio.sleep(0.01)


async def test_no_more_than_the_bound_run_at_once() -> None:
    checks, gate = PasswordChecks(2), _Gate()
    try:
        tasks = [asyncio.create_task(checks.run(gate.work())) for _ in range(6)]
        await _until(lambda: gate.started == 2)
        await asyncio.sleep(0.2)  # time for a third to start, were it allowed to
        assert gate.started == 2
        gate.open.set()
        assert await asyncio.wait_for(asyncio.gather(*tasks), 30) == ["done"] * 6
        assert gate.most == 2
    finally:
        gate.open.set()
        checks.close()


async def test_a_full_queue_is_told_to_retry() -> None:
    class Small(PasswordChecks):
        WAITING_PER_SLOT = 2

    checks, gate = Small(1), _Gate()
    try:
        tasks = [asyncio.create_task(checks.run(gate.work())) for _ in range(3)]  # one running, two waiting
        await _until(lambda: gate.started == 1)
        with pytest.raises(RateLimited) as info:
            await checks.run(gate.work())
        assert info.value.extensions["retryAfter"] == 1
        gate.open.set()
        assert await asyncio.wait_for(asyncio.gather(*tasks), 30) == ["done"] * 3
        assert await checks.run(lambda: "room again") == "room again"
    finally:
        gate.open.set()
        checks.close()


async def test_a_caller_that_gives_up_keeps_its_slot_until_the_thread_is_done() -> None:
    """A client hanging up mid-check must not let another check start beside the one still burning a CPU."""
    checks, first, second = PasswordChecks(1), _Gate(), _Gate()
    try:
        gone = asyncio.create_task(checks.run(first.work()))
        await _until(lambda: first.started == 1)
        gone.cancel()
        next_one = asyncio.create_task(checks.run(second.work()))
        await asyncio.sleep(0.2)
        assert second.started == 0  # still waiting: the abandoned check is running
        first.open.set()
        second.open.set()
        assert await asyncio.wait_for(next_one, 30) == "done"
        assert gone.cancelled()
    finally:
        first.open.set()
        second.open.set()
        checks.close()
