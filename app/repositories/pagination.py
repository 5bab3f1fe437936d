"""Opaque keyset cursors: newest-first by id, stable while rows change state."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.domain.errors import BadInput

T = TypeVar("T")
MAX_PAGE = 500


def encode_cursor(kind: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{row_id}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    if cursor is None or cursor == "":
        return None
    try:
        prefix, _, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != kind:
            raise ValueError(prefix)
        return int(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadInput(f"after: not a valid {kind} cursor", field="after") from None


def check_first(first: int) -> int:
    if first < 0 or first > MAX_PAGE:
        raise BadInput(f"first must be between 0 and {MAX_PAGE}", field="first")
    return first


@dataclass
class Page(Generic[T]):
    items: list[T]
    has_next: bool
