import hashlib
import os
import threading
from pathlib import Path

import pytest

from daemon.hasher import READ_AHEAD_CHUNKS, HashCancelledError, NotRegularFileError, sha256_file


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


def test_cancel_mid_read_ahead_stops_and_joins_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "reel.ari"
    path.write_bytes(os.urandom(READ_AHEAD_CHUNKS * 64 * 1024 * 4))
    cancel = threading.Event()
    with pytest.raises(HashCancelledError):
        sha256_file(path, chunk_size=1024, cancel=cancel, on_progress=lambda _n: cancel.set())
    assert _read_ahead_threads() == []
