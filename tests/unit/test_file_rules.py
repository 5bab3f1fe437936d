from __future__ import annotations

import pytest

from app.domain.errors import BadInput
from app.domain.files import (
    DEFAULT_VIDEO_EXTENSIONS,
    check_size,
    normalize_path,
    normalize_sha256,
    validation_failures,
)


@pytest.mark.parametrize("bad", ["", "xyz", "a" * 63, "g" * 64, "a" * 65])
def test_malformed_hashes_are_refused(bad: str) -> None:
    with pytest.raises(BadInput):
        normalize_sha256(bad)


def test_hash_is_lowercased() -> None:
    assert normalize_sha256("AB" * 32) == "ab" * 32


@pytest.mark.parametrize("bad", ["", "/", ".", "../etc/passwd", "a/../../b", "a\x00b", "x" * 5000])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(BadInput):
        normalize_path(bad)


def test_paths_are_normalized() -> None:
    assert normalize_path("/A001//clip.mov") == "A001/clip.mov"
    assert normalize_path("A001\\clip.mov") == "A001/clip.mov"


@pytest.mark.parametrize("size", [-1, 2**60])
def test_negative_or_absurd_sizes(size: int) -> None:
    with pytest.raises(BadInput):
        check_size(size)


def test_validation_reasons() -> None:
    ok = validation_failures(
        filename="a.MOV", size_bytes=1, sha256="a" * 64, allowed_extensions=DEFAULT_VIDEO_EXTENSIONS, duplicate_of=None
    )
    assert ok == []
    bad = validation_failures(
        filename="notes.txt", size_bytes=0, sha256="a" * 64, allowed_extensions=DEFAULT_VIDEO_EXTENSIONS, duplicate_of=3
    )
    assert {f.code for f in bad} == {"EMPTY_FILE", "UNSUPPORTED_EXTENSION", "DUPLICATE_CONTENT"}
