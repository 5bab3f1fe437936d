"""A package's bytes as one stream, verified member by member as they arrive.

A package (a frame sequence, a clip folder) travels as ONE byte stream: its members' bytes concatenated in
manifest order (sorted by path, the order whose manifest hashes to the package's ``sha256``). Member boundaries
follow from the sizes in the manifest, so one tus upload carries thousands of frames with no round trip each.

:class:`MemberVerifier` stands where a single file's running SHA-256 stands (``update``, ``copy``,
``hexdigest``): it cuts the stream at the boundaries and hashes each member on its own. Its ``hexdigest`` is the
SHA-256 of the manifest of what was *received* (each member's received hash and size), so it equals the package's
``sha256`` exactly when every member matches, and the upload code compares it like a file's hash. Each member is
judged the moment its last byte is hashed: :attr:`MemberVerifier.failure` names the first member that does not
match, so the tus layer refuses the stream there instead of after its last byte (:class:`MemberEnds` tells it
when a member's last byte is in hand). The S3 store keeps the running state in the upload's row between requests
(:meth:`state` / :meth:`from_state`).
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.responses import Response

from app.db.engine import SessionFactory
from app.domain.packages import Member, manifest_sha256
from app.domain.permissions import Actor
from app.services import uploads
from app.transfers.http import error_response
from app.transfers.stores import BlobStorage

log = logging.getLogger("colorroute.tus")

Buffer = bytes | bytearray | memoryview


class _Hash(Protocol):
    def update(self, data: Buffer, /) -> None: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> Any: ...


@dataclass(frozen=True)
class MemberFailure:
    """The first member whose bytes are not what the manifest says."""

    path: str
    size_bytes: int
    expected: str
    received: str

    def describe(self) -> str:
        size = f"{self.size_bytes} bytes"
        return f"member {self.path!r} ({size}): expected sha256 {self.expected}, received {self.received}"


_HEADER = struct.Struct(">QQI")  # member index, bytes of it hashed so far, length of the member hash state


class MemberVerifier:
    """Splits the package stream at member boundaries and hashes each member (see the module docstring)."""

    def __init__(
        self,
        members: Sequence[Member],
        new_hash: Callable[[], _Hash] = hashlib.sha256,
        *,
        index: int = 0,
        within: int = 0,
        current: _Hash | None = None,
        received: list[bytes] | None = None,
        failure: MemberFailure | None = None,
    ) -> None:
        self.members = members
        self._new_hash = new_hash
        self.index = index  # the member being received
        self.within = within  # bytes of it received
        self._current = current if current is not None else new_hash()
        self.received: list[bytes] = received if received is not None else []  # digests of finished members
        #: The first member whose bytes differ from its manifest line, set as soon as that member is complete.
        self.failure = failure
        self._close_empty()

    @property
    def offset(self) -> int:
        """Stream offset reached (sum of finished members' sizes plus what the current one got)."""
        return sum(m.size_bytes for m in self.members[: self.index]) + self.within

    def _close_empty(self) -> None:
        """Finish the current member while it is complete (zero-byte members need no bytes at all)."""
        while self.index < len(self.members) and self.within == self.members[self.index].size_bytes:
            member = self.members[self.index]
            received = self._current.hexdigest()
            self.received.append(bytes.fromhex(received))
            if self.failure is None and received != member.sha256:
                self.failure = MemberFailure(member.path, member.size_bytes, member.sha256, received)
            self.index += 1
            self.within = 0
            self._current = self._new_hash()

    def update(self, data: Buffer | Sequence[Buffer]) -> None:
        pieces = (data,) if isinstance(data, bytes | bytearray | memoryview) else data
        for piece in pieces:
            view = memoryview(piece).cast("B")
            while len(view):
                if self.index >= len(self.members):
                    raise ValueError("the package stream runs past its last member")
                take = min(len(view), self.members[self.index].size_bytes - self.within)
                self._current.update(view[:take])
                self.within += take
                view = view[take:]
                self._close_empty()

    def copy(self) -> MemberVerifier:
        return MemberVerifier(
            self.members,
            self._new_hash,
            index=self.index,
            within=self.within,
            current=self._current.copy(),
            received=list(self.received),
            failure=self.failure,
        )

    def complete(self) -> bool:
        return self.index >= len(self.members)

    def first_failure(self) -> MemberFailure | None:
        return self.failure

    def hexdigest(self) -> str:
        """The manifest hash of what was received: the package's ``sha256`` when every member matched."""
        if not self.complete():
            return hashlib.sha256(b"incomplete package stream").hexdigest()
        got = [Member(m.path, m.size_bytes, d.hex()) for m, d in zip(self.members, self.received, strict=True)]
        return manifest_sha256(got)

    # -- carried between requests (S3 store): the member hash must export its state --------------------
    def state(self) -> bytes:
        current: bytes = self._current.state()  # type: ignore[attr-defined]
        return _HEADER.pack(self.index, self.within, len(current)) + current + b"".join(self.received)

    @classmethod
    def from_state(
        cls, members: Sequence[Member], state: bytes, new_hash: Callable[[], _Hash], restore: Callable[[bytes], _Hash]
    ) -> MemberVerifier:
        index, within, size = _HEADER.unpack_from(state)
        start = _HEADER.size
        current = restore(state[start : start + size])
        rest = state[start + size :]
        received = [rest[i : i + 32] for i in range(0, len(rest), 32)]
        if len(received) != index:
            raise ValueError("package stream state is inconsistent")
        failure = next(
            (
                MemberFailure(m.path, m.size_bytes, m.sha256, d.hex())
                for m, d in zip(members, received, strict=False)
                if d.hex() != m.sha256
            ),
            None,
        )
        return cls(members, new_hash, index=index, within=within, current=current, received=received, failure=failure)


def stream_offsets(members: Sequence[Member]) -> list[int]:
    """Where each member starts in the package stream (manifest order), plus the stream's length at the end."""
    offsets = [0]
    for m in members:
        offsets.append(offsets[-1] + m.size_bytes)
    return offsets


class MemberEnds:
    """Where members end in the stream, so the tus layer knows when bytes it holds complete a member that has not
    been judged yet (it then hands them to the verifier without waiting for a full write batch)."""

    def __init__(self, members: Sequence[Member]) -> None:
        self._ends = stream_offsets(members)[1:]

    def after(self, offset: int) -> int:
        """The end of the first member still incomplete when the stream holds ``offset`` bytes (past the last
        member: never reached)."""
        i = bisect.bisect_right(self._ends, offset)
        return self._ends[i] if i < len(self._ends) else 1 << 63


def judged_by(hasher: object) -> MemberVerifier | None:
    """The running hash as a package's verifier, or None for a file's SHA-256."""
    return hasher if isinstance(hasher, MemberVerifier) else None


#: The tus checksum extension's status, as for a single file whose SHA-256 differs.
_CHECKSUM_MISMATCH = 460


async def refuse_package(
    db: SessionFactory, actor: Actor, storage: BlobStorage, view: uploads.UploadView, verifier: MemberVerifier
) -> Response:
    """A package stream whose members do not all match the manifest: nothing of it is kept (the upload and its
    bytes go, as for a file whose hash differs), the audit says which member, and so does the answer
    (``PACKAGE_MEMBER_MISMATCH`` with ``member``, ``expected``, ``received``). Called as soon as a member fails,
    usually long before the stream's end: ``received`` (the manifest hash of what arrived) is then null."""
    failure = verifier.first_failure()
    received = verifier.hexdigest() if verifier.complete() else None
    detail = failure.describe() if failure else "the stream does not end at its last member"
    extra: dict[str, object] = {"code": "PACKAGE_MEMBER_MISMATCH"}
    if failure is not None:
        extra |= {"member": failure.path, "memberExpected": failure.expected, "memberReceived": failure.received}
    await uploads.reject_upload(db, actor, storage, view.id, received, reason=detail, extra=extra)
    log.warning("upload %s for package %s refused: %s", view.id, view.file_id, detail)
    body: dict[str, object] = {"expected": view.sha256, "received": received}
    if failure is not None:
        body |= {"member": failure.path, "memberExpected": failure.expected, "memberReceived": failure.received}
    response = error_response(
        _CHECKSUM_MISMATCH,
        "PACKAGE_MEMBER_MISMATCH",
        f"the package's bytes do not match its members: {detail}; the upload was discarded",
        extra=body,
    )
    response.headers["Tus-Resumable"] = "1.0.0"
    return response
