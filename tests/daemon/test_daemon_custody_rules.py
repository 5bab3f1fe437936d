"""daemon/custody.py on real histories made by the real ``ascmhl`` CLI: every hash format from one read matches
ascmhl's own; each kind of bad history is named, never raised past the caller; a card whose history cannot be
written to is verified, not crashed on; the destination refuses to certify a card that does not match."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ascmhl.hasher import hash_file as ascmhl_hash_file

from daemon.custody import (
    CustodyError,
    HistoryError,
    digest_members,
    read_history,
    source_outcome,
    verify,
    write_destination_generation,
)
from daemon.hasher import sha256_file
from daemon.mhlformats import FORMATS

ASCMHL = str(Path(sys.executable).parent / "ascmhl")


def seal(folder: Path, files: dict[str, bytes], fmt: str = "xxh64") -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    subprocess.run([ASCMHL, "create", "-h", fmt, str(folder)], check=True, capture_output=True, timeout=120)
    return folder


def manifest(card: Path) -> Path:
    return next(p for p in (card / "ascmhl").iterdir() if p.suffix == ".mhl")


def rewrite_manifest(card: Path, old: bytes, new: bytes) -> None:
    """A tampered history whose chain still agrees (the chain's c4 of the manifest recomputed), so the problem
    the daemon must find is the manifest's content, not the chain."""
    path = manifest(card)
    before = ascmhl_hash_file(str(path), "c4")
    path.write_bytes(path.read_bytes().replace(old, new))
    chain = card / "ascmhl" / "ascmhl_chain.xml"
    chain.write_bytes(chain.read_bytes().replace(before.encode(), ascmhl_hash_file(str(path), "c4").encode()))


def media_digests(card: Path) -> dict[str, dict[str, str]]:
    history = read_history(card)
    names = [str(p.relative_to(card)) for p in card.rglob("*") if p.is_file() and "ascmhl" not in p.parts]
    return digest_members(card, names, history)


def test_every_format_from_one_read_matches_ascmhl(tmp_path: Path) -> None:
    path = tmp_path / "clip.mxf"
    path.write_bytes(os.urandom(5_000_000))
    digest = sha256_file(path, formats=FORMATS, chunk_size=1 << 20)
    assert dict(digest.others) == {f: ascmhl_hash_file(str(path), f) for f in FORMATS}


@pytest.mark.parametrize("fmt", ["xxh64", "xxh3", "xxh128", "md5", "sha1", "c4"])
def test_a_card_sealed_in_any_format_verifies(tmp_path: Path, fmt: str) -> None:
    card = seal(tmp_path / "A", {"a.mov": os.urandom(3000), "sub/b.mov": b"b" * 100}, fmt)
    assert verify(read_history(card), media_digests(card)) == []


def test_bad_histories_are_named(tmp_path: Path) -> None:
    files = {"a.mov": b"a" * 1000, "b.mov": b"b" * 1000}
    outside = seal(tmp_path / "out", files)
    rewrite_manifest(outside, b"<path", b"<path")  # unchanged yet: first prove the recompute keeps it whole
    rewrite_manifest(outside, b">a.mov<", b">../a.mov<")
    failures = verify(read_history(outside), media_digests(outside) | {"a.mov": {}})
    assert ("../a.mov", "the history names a path outside the package") in failures

    unknown = seal(tmp_path / "unk", files)
    rewrite_manifest(unknown, b"xxh64", b"sha512")
    problems = dict(verify(read_history(unknown), {"a.mov": {}, "b.mov": {}}))
    assert problems["a.mov"].startswith("no hash in a format this daemon knows")

    edited = seal(tmp_path / "edit", files)
    path = manifest(edited)
    path.write_bytes(path.read_bytes().replace(b"<hostname>", b"<hostname>x"))  # chain not updated
    with pytest.raises(HistoryError, match="chain file disagrees"):
        read_history(edited)

    truncated = seal(tmp_path / "trunc", files)
    path = manifest(truncated)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(HistoryError):
        read_history(truncated)
    outcome = source_outcome(truncated, {"a.mov": {}, "b.mov": {}}, site="tustin", read_only=False)
    assert outcome.integrity_error is not None and outcome.integrity_error.startswith("ascmhl: ")
    assert [r.action for r in outcome.records] == ["FAILED"]


def test_missing_and_extra_members_are_named(tmp_path: Path) -> None:
    card = seal(tmp_path / "C", {"a.mov": b"a" * 10, "b.mov": b"b" * 10, ".DS_Store": b"x"})
    (card / "b.mov").unlink()
    (card / "c.mov").write_bytes(b"new")
    failures = verify(read_history(card), media_digests(card))
    assert failures == [
        ("c.mov", "on the card but not in its ASC MHL history"),
        ("b.mov", "listed in the ASC MHL history but missing from the card"),
    ], "and .DS_Store, ignored by the history, is not a failure"


_NO_SPACE = """
import json, resource, signal, sys
from pathlib import Path
from daemon.custody import digest_members, read_history, source_outcome
card = Path(sys.argv[1])
digests = digest_members(card, ["a.mov"], read_history(card))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # no byte may be written: a full disk, even for root
outcome = source_outcome(card, digests, site="tustin", read_only=False)
print(json.dumps({"error": outcome.integrity_error, "wrote": outcome.wrote,
                  "records": [r.to_json() for r in outcome.records]}))
"""


def test_a_history_that_cannot_be_written_is_left_whole_and_recorded_for_the_destination(tmp_path: Path) -> None:
    card = seal(tmp_path / "RO", {"a.mov": b"a" * 100})
    before = {p.name: p.read_bytes() for p in (card / "ascmhl").iterdir()}
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", _NO_SPACE, str(card)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["error"] is None and outcome["wrote"] is False, "intact: only the write failed, no crash"
    last = outcome["records"][-1]
    assert (last["action"], last["generation"], last["site"]) == ("VERIFIED", None, "tustin")
    assert "history not writable" in last["tool"]
    assert {p.name: p.read_bytes() for p in (card / "ascmhl").iterdir()} == before, "no half-written generation"
    assert read_history(card).records[-1].generation == 1


def test_the_destination_refuses_to_certify_a_card_that_changed(tmp_path: Path) -> None:
    card = seal(tmp_path / "D", {"a.mov": b"a" * 100, "b.mov": b"b" * 100})
    (card / "a.mov").write_bytes(b"A" * 100)
    before = sorted(os.listdir(card / "ascmhl"))
    with pytest.raises(CustodyError) as refused:
        write_destination_generation(card, [], "nashville")
    assert refused.value.failures[0][0] == "a.mov" and "xxh64 mismatch" in refused.value.failures[0][1]
    assert sorted(os.listdir(card / "ascmhl")) == before, "nothing written"
