"""daemon/destcustody.py on real histories made by the real ``ascmhl`` CLI: what the destination agent writes into
a verified card before it appears — and what it does instead when the history disagrees with the bytes, cannot be
written, or holds a generation left by an attempt cut short."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from daemon.custody import Record
from daemon.destcustody import delivered_records, seal_delivery, should_carry_history

ASCMHL = str(Path(sys.executable).parent / "ascmhl")


def seal(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    subprocess.run([ASCMHL, "create", "-h", "xxh64", str(folder)], check=True, capture_output=True, timeout=120)
    return folder


def members(card: Path) -> list[str]:
    return sorted(p.relative_to(card).as_posix() for p in card.rglob("*") if p.is_file())


def history(card: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (card / "ascmhl").iterdir()}


def test_a_generation_left_by_an_attempt_cut_short_is_replaced_not_stacked(tmp_path: Path) -> None:
    card = seal(tmp_path / "dit" / "A001", {"CLIPS/a.mxf": os.urandom(5000), "b.xml": b"<b/>"})
    listed = members(card)  # what the manifest lists: the clips and the DIT's history
    staged = tmp_path / "stage" / "A001"
    shutil.copytree(card, staged)
    first = seal_delivery(staged, listed, [], "nashville", host="agent")
    assert first.error is None and first.generation == 2
    # a crash before the rename; on resume the chain file (its size changed) is fetched again, the stray stays
    shutil.copy2(card / "ascmhl" / "ascmhl_chain.xml", staged / "ascmhl" / "ascmhl_chain.xml")
    again = seal_delivery(staged, listed, [], "nashville", host="agent")
    assert again.error is None and again.generation == 2, "one destination generation, not two"
    assert [(r.action, r.site, r.generation) for r in again.records] == [("VERIFIED", "nashville", 2)]
    # a restart that finds the card delivered reports the very same record (the orchestrator adds it once)
    assert delivered_records(staged, "nashville") == again.records
    assert delivered_records(card, "nashville") == [], "the DIT's generation is not ours"
    copy = tmp_path / "copy" / "A001"
    shutil.copytree(staged, copy)
    done = subprocess.run([ASCMHL, "create", "-h", "xxh64", str(copy)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_card_whose_history_disagrees_gets_a_failed_record_and_no_generation(tmp_path: Path) -> None:
    card = seal(tmp_path / "C003", {"a.mxf": b"a" * 1000, "b.mxf": b"b" * 1000})
    (card / "a.mxf").write_bytes(b"A" * 1000)  # the accepted risk: a byte changed after sealing
    before = history(card)
    sealed = seal_delivery(card, members(card), [], "nashville", host="agent")
    assert sealed.generation is None and sealed.error is not None and "a.mxf: xxh64 mismatch" in sealed.error
    [record] = sealed.records
    assert (record.action, record.site, record.generation, record.hash_format) == ("FAILED", "nashville", None, "xxh64")
    assert history(card) == before, "nothing written over a failing member"


_FULL_DISK = """
import json, resource, signal, sys
from pathlib import Path
from daemon.destcustody import seal_delivery
card = Path(sys.argv[1])
listed = sorted(p.relative_to(card).as_posix() for p in card.rglob("*") if p.is_file())
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # no byte may be written: a full disk, even for root
sealed = seal_delivery(card, listed, [], "nashville", host="agent")
print(json.dumps({"error": sealed.error, "generation": sealed.generation,
                  "records": [r.to_json() for r in sealed.records]}))
"""


def test_a_history_that_cannot_be_written_is_left_whole_and_the_verification_still_reported(tmp_path: Path) -> None:
    card = seal(tmp_path / "D004", {"a.mov": b"a" * 100})
    before = history(card)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(card)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    sealed = json.loads(done.stdout)
    assert sealed["generation"] is None and sealed["error"].startswith("history not writable")
    [record] = sealed["records"]
    assert (record["action"], record["site"], record["generation"]) == ("VERIFIED", "nashville", None)
    assert "history not writable" in record["tool"]
    assert history(card) == before, "no half-written generation"


def test_which_packages_carry_a_history(tmp_path: Path) -> None:
    card = seal(tmp_path / "E005", {"a.mov": b"a"})
    bare = tmp_path / "F006.RDC"
    bare.mkdir()
    sha_only = [Record("2026-12-05T10:00:00+00:00", "ORIGINAL", "sha256", "tustin")]
    pending = [Record("2026-12-05T10:00:00+00:00", "ORIGINAL", "xxh64", "tustin", generation=None)]
    assert should_carry_history("FOLDER", card, [])
    assert not should_carry_history("SEQUENCE", card, pending), "a sequence's frames may share a folder"
    assert not should_carry_history("FOLDER", bare, sha_only), "a --no-mhl source's folder is left as it came"
    assert should_carry_history("FOLDER", bare, pending), "read-only media: the destination writes the first"
