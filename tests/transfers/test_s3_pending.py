"""The S3 receiver's pending bytes, without a server: parts cut from the chunks a PATCH body arrived in hold
exactly the bytes in order, whatever the chunk and part sizes (a row's tail first)."""

from __future__ import annotations

import random

import pytest

from app.transfers.s3store import PartBody
from app.transfers.s3tus import _Pending


@pytest.mark.parametrize("seed", range(5))
def test_parts_cut_from_any_chunks_hold_the_bytes_in_order(seed: int) -> None:
    rng = random.Random(seed)
    tail = rng.randbytes(rng.choice([0, 1, 4096]))
    pending = _Pending(tail)
    sent, parts = bytearray(tail), bytearray()
    for _ in range(200):
        chunk = rng.randbytes(rng.randint(1, 70_000))
        pending.append(chunk)
        sent += chunk
        assert len(pending) == len(sent) - len(parts)
        if rng.random() < 0.3:  # what a paused client's member check copies: the rest, from any point
            start = rng.randint(0, len(pending))
            assert pending.copy_from(start) == sent[len(parts) + start :]
        while len(pending) >= 100_000 and rng.random() < 0.7:
            part = pending.take(rng.choice([100_000, rng.randint(1, len(pending))]))
            assert isinstance(part, PartBody)
            parts += part
    parts += pending.take(len(pending))
    assert parts == sent and len(pending) == 0 and not pending.chunks
