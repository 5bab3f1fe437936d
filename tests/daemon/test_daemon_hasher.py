import errno
import hashlib
import io
import os
import threading
import time
from pathlib import Path

import pytest
import xxhash

from daemon import hasher
from daemon.hasher import READ_AHEAD_CHUNKS, HashCancelledError, NotRegularFileError, _read_ahead, sha256_file


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 1025, 10 * 1024 + 7, 200_000])
def test_matches_hashlib(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    seen: list[int] = []
    digest = sha256_file(path, chunk_size=1024, on_progress=seen.append)
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.nbytes == size == sum(seen)
    assert digest.before == digest.after
    assert digest.before.size == size


def test_default_chunk_on_a_multi_chunk_file(tmp_path: Path) -> None:
    data = os.urandom(9 * 1024 * 1024 + 3)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert sha256_file(path).sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "clip.mov"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError):
        sha256_file(fifo)


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        sha256_file(tmp_path / "gone.mov")


def test_cancel_stops_a_long_hash(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 10_000)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(HashCancelledError):
        sha256_file(path, chunk_size=1024, cancel=cancel)


def _read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hash-read-ahead"]


@pytest.mark.parametrize("extra", [0, 1, 65_535])
def test_a_file_of_many_chunks_is_read_ahead_and_hashes_the_same(tmp_path: Path, extra: int) -> None:
    """Three buffers rotate between the reader and the hasher: every byte is hashed once, in order."""
    data = os.urandom(READ_AHEAD_CHUNKS * 64 * 1024 * 3 + extra)  # 64 KiB: the smallest buffer
    path = tmp_path / "reel.ari"
    path.write_bytes(data)
    seen: list[int] = []
    digest = sha256_file(path, chunk_size=1024, on_progress=seen.append, formats=("xxh64",))
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert dict(digest.others)["xxh64"] == sha256_file(path, chunk_size=1 << 30, formats=("xxh64",)).others[0][1]
    assert sum(seen) == len(data) and len(seen) > READ_AHEAD_CHUNKS
    assert _read_ahead_threads() == []


@pytest.mark.parametrize("formats", [(), ("xxh64",)])
def test_cancel_mid_read_ahead_stops_and_joins_the_reader(tmp_path: Path, formats: tuple[str, ...]) -> None:
    path = tmp_path / "reel.ari"
    path.write_bytes(os.urandom(READ_AHEAD_CHUNKS * 64 * 1024 * 4))
    cancel = threading.Event()
    with pytest.raises(HashCancelledError):
        sha256_file(path, chunk_size=1024, cancel=cancel, on_progress=lambda _n: cancel.set(), formats=formats)
    assert _read_ahead_threads() == []


# 64 KiB is the smallest buffer: a file this size is read ahead, a smaller one on the hashing thread.
@pytest.mark.parametrize("size", [0, 5, 64 * 1024 + 1, READ_AHEAD_CHUNKS * 64 * 1024 * 3 + 11])
def test_a_single_files_xxh64_comes_from_the_same_pass(tmp_path: Path, size: int) -> None:
    """What the orchestrator puts in a single file's ASC MHL manifest: xxhash's hex digest of the whole file."""
    data = os.urandom(size)
    path = tmp_path / "clip.mov"
    path.write_bytes(data)
    seen: list[int] = []
    digest = sha256_file(path, chunk_size=1024, on_progress=seen.append, formats=("xxh64",))
    assert digest.others == (("xxh64", xxhash.xxh64(data).hexdigest()),)
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.nbytes == size == sum(seen)
    assert sha256_file(path, chunk_size=1024).others == ()
    assert _read_ahead_threads() == []


def test_the_reader_feeds_the_extra_digests_before_handing_a_buffer_over(tmp_path: Path) -> None:
    """The extra formats run on the read-ahead thread, and a buffer is not refilled while the caller holds it."""
    data = os.urandom(64 * 1024 * 10 + 3)
    path = tmp_path / "reel.ari"
    path.write_bytes(data)
    fed: list[tuple[str, bytes]] = []

    def feed(chunk: memoryview) -> None:
        fed.append((threading.current_thread().name, bytes(chunk)))

    got: list[bytes] = []
    total = -(-len(data) // (64 * 1024))
    with open(path, "rb", buffering=0) as f, _read_ahead(f, 64 * 1024, [feed]) as chunks:
        for k, chunk in enumerate(chunks):
            assert bytes(chunk) == fed[k][1], "the reader fed this buffer before handing it over"
            # Wait (a condition, not a sleep) until the reader has filled both other buffers while this one is held.
            deadline = time.monotonic() + 30
            while len(fed) < min(k + 3, total):
                assert time.monotonic() < deadline, f"the reader did not run ahead: {len(fed)} of {min(k + 3, total)}"
                time.sleep(0.001)
            assert len(fed) == min(k + 3, total), "the reader never fills a buffer that is still held"
            got.append(bytes(chunk))
            assert got[-1] == fed[k][1], "the buffer was not refilled while this thread hashed it"
    assert b"".join(got) == data == b"".join(c for _, c in fed)
    assert {name for name, _ in fed} == {"hash-read-ahead"}


class _FailingFile(io.FileIO):
    """A file whose third read fails as a dying disk's would (EIO)."""

    reads = 0

    def readinto(self, buffer: object) -> int | None:
        self.reads += 1
        if self.reads == 3:
            raise OSError(errno.EIO, "Input/output error")
        return super().readinto(buffer)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [64 * 1024 * 3 - 1, READ_AHEAD_CHUNKS * 64 * 1024 * 3])
def test_a_read_error_reaches_the_caller_with_extra_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(os.urandom(size))
    monkeypatch.setattr(hasher, "open", lambda fd, *_a, **_k: _FailingFile(fd, "r", closefd=False), raising=False)
    with pytest.raises(OSError, match="Input/output error") as info:
        sha256_file(path, chunk_size=1024, formats=("xxh64",))
    assert info.value.errno == errno.EIO
    assert _read_ahead_threads() == []
