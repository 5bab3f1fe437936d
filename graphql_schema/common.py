"""Relay-style connection pieces shared by every list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


CountFn = Callable[[], Awaitable[int]]


def gid(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))
