"""The package stream cut into members, without a server: the hub's verifier and the agent's sink give the same
members whatever the chunking (pieces straddling boundaries, zero-byte members), name the first bad member, and
resume from saved state; the source's layout yields the right slices from any offset."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from app.domain.packages import Member, manifest_sha256
from app.transfers.packagestream import MemberEnds, MemberVerifier
from app.transfers.sha256state import ResumableSha256
from daemon.packagesink import ManifestError, ManifestMember, MemberMismatchError, MemberSink, first_unverified
from daemon.packagesink import parse_manifest as parse
from daemon.packagestream import StreamMember, _Layout

SIZES = [5, 0, 70_000, 1, 0, 65_536, 3]


def package(sizes: list[int] = SIZES) -> tuple[list[Member], list[bytes]]:
    blobs = [os.urandom(n) for n in sizes]
    members = [Member(f"m{i:03d}.dpx", len(b), hashlib.sha256(b).hexdigest()) for i, b in enumerate(blobs)]
    return members, blobs


def chunks(data: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out, i = [], 0
    while i < len(data):
        n = rng.choice([1, 2, 7, 4096, 65_536, 100_000])
        out.append(data[i : i + n])
        i += n
    return out


@pytest.mark.parametrize("seed", range(5))
def test_the_verifier_hashes_each_member_whatever_the_chunking(seed: int) -> None:
    members, blobs = package()
    verifier = MemberVerifier(members)
    for piece in chunks(b"".join(blobs), seed):
        verifier.update(piece)
    assert verifier.complete() and verifier.first_failure() is None
    assert verifier.hexdigest() == manifest_sha256(members), "equal to the package's sha256 when all match"


def test_the_verifier_names_the_first_bad_member_and_refuses_bytes_past_the_end() -> None:
    members, blobs = package()
    bad = bytearray(blobs[2])
    bad[10] ^= 1
    verifier = MemberVerifier(members)
    verifier.update(b"".join([blobs[0], blobs[1], bytes(bad), *blobs[3:]]))
    failure = verifier.first_failure()
    assert failure is not None and failure.path == "m002.dpx" and failure.expected == members[2].sha256
    assert verifier.hexdigest() != manifest_sha256(members)
    with pytest.raises(ValueError, match="past its last member"):
        verifier.update(b"x")
    assert MemberVerifier(members).hexdigest() != manifest_sha256(members), "an incomplete stream never matches"


def test_a_bad_member_is_named_as_soon_as_its_last_byte_is_hashed_and_the_judgement_travels() -> None:
    members, blobs = package()
    bad = bytearray(blobs[2])
    bad[0] ^= 1
    verifier = MemberVerifier(members, ResumableSha256)
    verifier.update([blobs[0], blobs[1], bytes(bad[:-1])])
    assert verifier.failure is None, "not judged before its last byte"
    verifier.update(bytes(bad[-1:]))
    assert verifier.failure is not None and verifier.failure.path == "m002.dpx" and not verifier.complete()
    assert verifier.copy().failure == verifier.failure
    resumed = MemberVerifier.from_state(members, verifier.state(), ResumableSha256, ResumableSha256.from_state)
    assert resumed.first_failure() == verifier.failure, "another replica knows it too"


def test_member_ends_say_when_bytes_in_hand_complete_a_member() -> None:
    members, _ = package()  # sizes 5, 0, 70_000, 1, 0, 65_536, 3: ends 5, 5, 70_005, 70_006, 70_006, 135_542, 135_545
    ends = MemberEnds(members)
    offsets = (0, 4, 5, 70_004, 70_005, 70_006, 135_544)
    assert [ends.after(n) for n in offsets] == [5, 5, 70_005, 70_005, 70_006, 135_542, 135_545]
    assert ends.after(135_545) > 1 << 62, "past the last member: never due"


def test_copy_and_saved_state_resume_where_they_were() -> None:
    members, blobs = package()
    stream = b"".join(blobs)
    cut = 5 + 40_000
    verifier = MemberVerifier(members, ResumableSha256)
    verifier.update(stream[:cut])
    mark = verifier.copy()
    verifier.update(b"garbage")
    resumed = MemberVerifier.from_state(members, mark.state(), ResumableSha256, ResumableSha256.from_state)
    assert resumed.offset == cut
    resumed.update(stream[cut:])
    assert resumed.hexdigest() == manifest_sha256(members)


def test_only_zero_byte_members_need_no_bytes() -> None:
    members, _ = package([0, 0])
    assert MemberVerifier(members).hexdigest() == manifest_sha256(members)


def manifest_members(members: list[Member]) -> list[ManifestMember]:
    return [ManifestMember(m.path, m.size_bytes, m.sha256) for m in members]


def feed(sink: MemberSink, piece: bytes, at: int) -> None:
    """What a GET does with each buffer: hash it on one thread, write it on another, then settle the length."""
    sink.digest.update(memoryview(piece))
    sink.write(memoryview(piece), at)
    sink.length = at + len(piece)


@pytest.mark.parametrize("seed", range(3))
def test_the_agents_sink_writes_every_member_and_resumes_at_a_member(tmp_path: Path, seed: int) -> None:
    members, blobs = package()
    listed = manifest_members(members)
    sink = MemberSink(listed, tmp_path, 0)
    position = 0
    pieces = chunks(b"".join(blobs), seed)
    for piece in pieces[:-1]:
        feed(sink, piece, position)
        position += len(piece)
    sink.digest.update(memoryview(pieces[-1]))  # hashed, not yet written: judged but not settled
    assert len(members) - 1 not in sink.take_verified(), "nothing is written down before its bytes are"
    sink.write(memoryview(pieces[-1]), position)
    sink.length = position + len(pieces[-1])
    sink.close()
    assert sink.done() and sink.take_verified()[-1] == len(members) - 1
    assert [(tmp_path / m.path).read_bytes() for m in members] == blobs

    (tmp_path / "m003.dpx").unlink()  # lost after being verified: fetched again, from there
    start = first_unverified(listed, {m.path for m in members}, tmp_path)
    assert start == 3
    resumed = MemberSink(listed, tmp_path, start)
    assert resumed.length == sum(SIZES[:3]), "the Range starts at that member's first byte"
    rest = b"".join(blobs[3:])
    feed(resumed, rest, resumed.length)
    resumed.close()
    assert resumed.done() and (tmp_path / "m003.dpx").read_bytes() == blobs[3]


@pytest.mark.parametrize("seed", range(3))
def test_buffers_of_many_whole_members_land_whole_in_their_folders(tmp_path: Path, seed: int) -> None:
    """A clip folder's layout (several folders), zero-byte members among them, in buffers that hold dozens of
    whole members or cut them anywhere: every member lands whole, where it belongs."""
    rng = random.Random(seed)
    blobs = [os.urandom(rng.choice([0, 1, 300, 4096, 9000])) for _ in range(240)]
    folders = ["", "A001C003.RDC/", "A001C003.RDC/sub/"]
    members = sorted(
        (Member(f"{folders[i % 3]}f{i:04d}.R3D", len(b), hashlib.sha256(b).hexdigest()) for i, b in enumerate(blobs)),
        key=lambda m: m.path,
    )
    content = {m.path: b for m, b in zip(sorted(members, key=lambda m: int(m.path[-8:-4])), blobs, strict=True)}
    stream = b"".join(content[m.path] for m in members)
    sink = MemberSink(manifest_members(members), tmp_path, 0)
    position = 0
    while position < len(stream):
        n = rng.choice([7, 5000, 200_000, len(stream)])
        feed(sink, stream[position : position + n], position)
        position += n
    sink.close()
    assert sink.done() and sink.failure is None
    assert all((tmp_path / m.path).read_bytes() == content[m.path] for m in members)


def test_the_sink_deletes_a_member_whose_hash_differs_and_stops(tmp_path: Path) -> None:
    members, blobs = package()
    sink = MemberSink(manifest_members(members), tmp_path, 0)
    bad = bytearray(b"".join(blobs))
    bad[5 + 100] ^= 1  # inside m002
    sink.write(memoryview(bytes(bad)), 0)  # the writes of a buffer run beside its hashing: the bad bytes land
    with pytest.raises(MemberMismatchError, match=r"m002\.dpx"):
        sink.digest.update(memoryview(bytes(bad)))
    sink.length = len(bad)
    sink.close()
    assert not (tmp_path / "m002.dpx").exists(), "the destination never holds a member whose hash differs"
    assert sink.take_verified() == [0, 1] and (tmp_path / "m000.dpx").exists()


def test_a_manifest_must_hash_to_the_package_and_stay_inside_it() -> None:
    members, _ = package()
    body = "".join(f"{m.sha256}  {m.size_bytes}  {m.path}\n" for m in members).encode()
    assert [m.path for m in parse(body, manifest_sha256(members))] == [m.path for m in members]
    with pytest.raises(ManifestError, match="does not hash"):
        parse(body, "0" * 64)
    for escape in ("../escape", "a/../../b", "/etc/passwd", "a//b", "a/", ".", "a/./b", "a/..", "", "a\x00b"):
        evil = f"{'a' * 64}  1  {escape}\n".encode()
        with pytest.raises(ManifestError, match="leave the package"):
            parse(evil, hashlib.sha256(evil).hexdigest())
    for fine in (".DS_Store", "A001/.hidden/x.R3D", "a..b/c...d", "C004.[1-3].exr", "a  b/c"):
        body = f"{'a' * 64}  1  {fine}\n".encode()
        assert [m.path for m in parse(body, hashlib.sha256(body).hexdigest())] == [fine]


def test_the_sources_layout_slices_the_stream_from_any_offset(tmp_path: Path) -> None:
    members = [StreamMember(tmp_path / f"m{i}", f"m{i}", n, 0) for i, n in enumerate(SIZES)]
    layout = _Layout(members)
    assert layout.length == sum(SIZES)
    for start in (0, 3, 5, 6, 70_005, 70_006, layout.length - 1):
        pieces = list(layout.pieces(start, layout.length))
        assert sum(count for _, _, count in pieces) == layout.length - start
        first, within, _ = pieces[0]
        assert layout.starts[members.index(first)] + within == start
