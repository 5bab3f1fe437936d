"""The hash formats an ASC MHL history may hold, as running digests fed in the same read pass as SHA-256.

xxh64 / xxh3 / xxh128 come from ``xxhash`` and md5 / sha1 from ``hashlib`` (both release the GIL on large
buffers); c4 is ascmhl's own implementation (a SHA-512 in base58), so its strings match the reference tool's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import xxhash
from ascmhl.hasher import C4

#: Formats the daemon verifies and writes, in the order it prefers one to name a record by.
FORMATS: tuple[str, ...] = ("xxh64", "xxh3", "xxh128", "md5", "sha1", "c4")
#: What a history the daemon starts itself is sealed with (the DIT tools' default, and ascmhl's).
DEFAULT_FORMAT = "xxh64"


class RunningDigest(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...
    def digest_string(self) -> str: ...


class _Hex:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def update(self, data: bytes | memoryview, /) -> None:
        self._inner.update(data)

    def digest_string(self) -> str:
        return str(self._inner.hexdigest())


class _C4:
    def __init__(self) -> None:
        self._inner: Any = C4()

    def update(self, data: bytes | memoryview, /) -> None:
        self._inner.update(data)

    def digest_string(self) -> str:
        return str(self._inner.string_digest())


_MAKERS: dict[str, Callable[[], RunningDigest]] = {
    "xxh64": lambda: _Hex(xxhash.xxh64()),
    "xxh3": lambda: _Hex(xxhash.xxh3_64()),
    "xxh128": lambda: _Hex(xxhash.xxh3_128()),
    "md5": lambda: _Hex(hashlib.md5(usedforsecurity=False)),
    "sha1": lambda: _Hex(hashlib.sha1(usedforsecurity=False)),
    "c4": _C4,
}


def known(fmt: str) -> bool:
    return fmt in _MAKERS


def running(formats: Iterable[str]) -> dict[str, RunningDigest]:
    """One running digest per known format (unknown ones are skipped: the caller reports them)."""
    return {f: _MAKERS[f]() for f in dict.fromkeys(formats) if f in _MAKERS}


def same(fmt: str, a: str, b: str) -> bool:
    """Hex formats compare case-insensitively; c4 is case-sensitive base58."""
    return a == b if fmt == "c4" else a.lower() == b.lower()
