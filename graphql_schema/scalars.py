"""Custom scalars. BigInt: sizes and byte counts exceed GraphQL's 32-bit Int."""

from __future__ import annotations

from typing import NewType

import strawberry

from app.domain.errors import BadInput


def _parse_bigint(value: object) -> int:
    if isinstance(value, bool):
        raise BadInput("BigInt must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise BadInput(f"BigInt must be an integer, got {value!r}"[:200])


BigInt = strawberry.scalar(
    NewType("BigInt", int),
    serialize=lambda v: int(v) if abs(int(v)) < 2**53 else str(int(v)),
    parse_value=_parse_bigint,
    description="A 64-bit integer; sent as a JSON number (or a string above 2^53).",
)
