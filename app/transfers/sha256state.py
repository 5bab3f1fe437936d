"""A SHA-256 whose running state can be saved and restored, so the hash of an upload survives a switch of replica.

hashlib cannot export its state. OpenSSL's ``SHA256_CTX`` is a plain 112-byte struct (eight chaining words,
the bit count, the pending block, its fill and the digest length), stable for decades: we drive
``SHA256_Init/Update/Final`` through ctypes (the GIL is released during each call, like hashlib's) and keep
the struct's bytes in the upload's row after every part the store acknowledged. Any replica continues from
there at OpenSSL's speed, with no re-reading of what the store already holds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence

STATE_BYTES = 112


def _load() -> ctypes.CDLL:
    name = ctypes.util.find_library("crypto")
    if name is None:
        raise RuntimeError("libcrypto (OpenSSL) not found: the S3 blob store needs it to carry upload hashes")
    lib = ctypes.CDLL(name)
    for fn in ("SHA256_Init", "SHA256_Update", "SHA256_Final"):
        getattr(lib, fn).restype = ctypes.c_int
    lib.SHA256_Init.argtypes = [ctypes.c_void_p]
    lib.SHA256_Update.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    lib.SHA256_Final.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    return lib


_lib = _load()

Buffer = bytes | bytearray | memoryview


class ResumableSha256:
    """``update``/``hexdigest`` like hashlib, plus ``state()`` and ``from_state()``."""

    def __init__(self, state: bytes | None = None) -> None:
        self._ctx = ctypes.create_string_buffer(STATE_BYTES)
        if state is None:
            if _lib.SHA256_Init(self._ctx) != 1:
                raise RuntimeError("SHA256_Init failed")
        else:
            if len(state) != STATE_BYTES:
                raise ValueError(f"a SHA-256 state is {STATE_BYTES} bytes, not {len(state)}")
            ctypes.memmove(self._ctx, state, STATE_BYTES)

    @classmethod
    def from_state(cls, state: bytes) -> ResumableSha256:
        return cls(state)

    def state(self) -> bytes:
        return self._ctx.raw

    def copy(self) -> ResumableSha256:
        return ResumableSha256(self.state())

    def update(self, data: Buffer | Sequence[Buffer]) -> None:
        pieces = (data,) if isinstance(data, bytes | bytearray | memoryview) else data
        for piece in pieces:
            view = memoryview(piece).cast("B")
            if not len(view):
                continue
            if isinstance(piece, bytes):  # immutable: its buffer is passed as is
                address: int | None = ctypes.cast(ctypes.c_char_p(piece), ctypes.c_void_p).value
            elif view.readonly:  # a read-only view into something else: one copy
                copy = bytes(view)
                address = ctypes.cast(ctypes.c_char_p(copy), ctypes.c_void_p).value
            else:
                address = ctypes.addressof(ctypes.c_char.from_buffer(view))
            if _lib.SHA256_Update(self._ctx, address, len(view)) != 1:
                raise RuntimeError("SHA256_Update failed")

    def hexdigest(self) -> str:
        out = ctypes.create_string_buffer(32)
        if _lib.SHA256_Final(out, self.copy()._ctx) != 1:
            raise RuntimeError("SHA256_Final failed")
        return out.raw.hex()
