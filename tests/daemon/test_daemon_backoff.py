import asyncio
import random

from daemon.backoff import Backoff, LinkGate


def test_backoff_grows_to_the_cap_with_jitter() -> None:
    b = Backoff(base=1.0, cap=8.0, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(8)]
    ceilings = [1, 2, 4, 8, 8, 8, 8, 8]
    for d, c in zip(delays, ceilings, strict=True):
        assert c / 2 <= d <= c
    b.reset()
    assert b.next_delay() <= 1.0


async def test_link_gate_closes_on_failure_and_reopens() -> None:
    gate = LinkGate(Backoff(base=0.05, cap=0.05))
    gen = await gate.wait()
    assert gate.failed(gen) > 0
    assert not gate.is_open
    assert gate.failed(gen) == 0.0  # a stale failure from the same outage does not extend it
    await asyncio.wait_for(gate.wait(), 30)  # reopens after 0.05 s; generous for a starved loop
    assert gate.is_open
    gate.failed(gate.generation)
    gate.succeeded()
    assert gate.is_open
    gate.close()
