"""Custom scalars. BigInt: sizes and byte counts exceed GraphQL's 32-bit Int."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from app.domain.errors import BadInput

BigInt = NewType("BigInt", int)


def _parse_bigint(value: object) -> int:
    if isinstance(value, bool):
        raise BadInput("BigInt must be an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 20:
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raise BadInput(f"BigInt must be an integer, got {value!r}"[:200])
    if not -(2**63) <= number < 2**63:
        raise BadInput("BigInt must fit in 64 bits")
    return number


def _serialize_bigint(value: object) -> int | str:
    number = int(value)  # type: ignore[call-overload]
    return number if abs(number) < 2**53 else str(number)


SCALARS: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=_serialize_bigint,
        parse_value=_parse_bigint,
        description="A 64-bit integer; sent as a JSON number (or a string above 2^53).",
    )
}
