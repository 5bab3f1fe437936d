"""Packages end to end: a real daemon on real files against a real orchestrator turns a frame sequence and a
RED clip folder into exactly two files; frames arriving later make a new version; bad packages are refused and
logged, their files untouched; ``--no-packages`` reports every file alone."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from daemon_harness import DaemonProcess, Orchestrator, wait_until

DaemonFactory = Callable[..., DaemonProcess]

PACKAGES_QUERY = """
query($search: String) {
  files(first: 100, filter: { search: $search }) {
    edges { node {
      id path filename sizeBytes sha256 kind memberCount frameRange missingFrames version previousVersion { id }
    } }
  }
}
"""
MEMBERS_QUERY = """
query($id: ID!, $after: String) {
  file(id: $id) { members(first: 500, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { path sizeBytes sha256 } }
  } }
}
"""


def manifest(members: dict[str, bytes]) -> str:
    lines = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {len(data)}  {path}\n" for path, data in sorted(members.items())
    )
    return hashlib.sha256(lines.encode()).hexdigest()


def packages(orch: Orchestrator, prefix: str) -> list[dict[str, Any]]:
    edges = orch.query(PACKAGES_QUERY, {"search": prefix})["files"]["edges"]
    return [e["node"] for e in edges if e["node"]["path"].startswith(prefix)]


def all_members(orch: Orchestrator, file_id: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = orch.query(MEMBERS_QUERY, {"id": file_id, "after": after})["file"]["members"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(seen) == page["totalCount"]
            return seen
        after = page["pageInfo"]["endCursor"]


def write_frames(folder: Path, frames: range, skip: set[int]) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, bytes] = {}
    for n in frames:
        if n in skip:
            continue
        name = f"B003_C011.{n:07d}.dpx"
        data = b"DPX" + n.to_bytes(4, "big") + os.urandom(9)
        (folder / name).write_bytes(data)
        written[name] = data
    return written


def test_a_sequence_with_a_gap_and_a_red_clip_become_exactly_two_files(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    frames = write_frames(watch / "pk1" / "reel1", range(86400, 87602), skip={87000, 87001})
    assert len(frames) == 1200
    clip = watch / "pk1" / "A001_C002.RDC"
    clip.mkdir(parents=True)
    segments = {f"A001_C002_00{i}.R3D": os.urandom(2000 + i) for i in range(1, 4)}
    for name, data in segments.items():
        (clip / name).write_bytes(data)

    # --no-mhl: this is about grouping; a clip folder's first ASC MHL history is tests/daemon/test_daemon_custody.py's
    d = daemon_factory("tustin", watch, orchestrator.url, "--no-mhl").start()
    found = wait_until(lambda: len(packages(orchestrator, "pk1/")) == 2 and packages(orchestrator, "pk1/"), 120,
                       what="two packages")  # fmt: skip
    by_kind = {f["kind"]: f for f in found}
    seq, folder = by_kind["SEQUENCE"], by_kind["FOLDER"]
    assert seq["path"] == "pk1/reel1/B003_C011.#######.dpx"
    assert seq["filename"] == "B003_C011.[86400-87601].dpx"
    assert (seq["frameRange"], seq["missingFrames"], seq["memberCount"]) == ("86400-87601", "87000-87001", 1200)
    assert seq["sizeBytes"] == sum(len(b) for b in frames.values())
    assert seq["sha256"] == manifest(frames), "anyone can recompute a package's hash from its members"
    members = all_members(orchestrator, seq["id"])
    assert [(m["path"], m["sizeBytes"], m["sha256"]) for m in members] == [
        (name, len(data), hashlib.sha256(data).hexdigest()) for name, data in sorted(frames.items())
    ]
    assert (folder["path"], folder["filename"], folder["memberCount"]) == ("pk1/A001_C002.RDC", "A001_C002.RDC", 3)
    assert (folder["frameRange"], folder["missingFrames"]) == (None, None)
    assert folder["sha256"] == manifest(segments)
    assert sorted(m["path"] for m in all_members(orchestrator, folder["id"])) == sorted(segments)
    assert len(d.events("package.queued")) == 2

    # The render goes on: the two missing frames land after the report → a new version of the same package.
    late = write_frames(watch / "pk1" / "reel1", range(87000, 87002), skip=set())
    newer = wait_until(
        lambda: [f for f in packages(orchestrator, "pk1/reel1/") if f["memberCount"] == 1202], 90, what="new version"
    )[0]
    assert newer["path"] == seq["path"] and newer["previousVersion"] == {"id": seq["id"]}
    assert (newer["missingFrames"], newer["sha256"]) == (None, manifest({**frames, **late}))
    hashed = [e["path"] for e in d.events("file.hashed")]
    assert len(hashed) == 1200 + 3 + 2, "frames already hashed were not hashed again for the new version"

    # A segment rewritten after the report: a new version of the clip, never a silently different package.
    segments["A001_C002_002.R3D"] = os.urandom(2500)
    (clip / "A001_C002_002.R3D").write_bytes(segments["A001_C002_002.R3D"])
    rewritten = wait_until(
        lambda: [f for f in packages(orchestrator, "pk1/A001_C002.RDC") if f["version"] and f["previousVersion"]],
        90,
        what="the clip's new version",
    )[0]
    assert rewritten["previousVersion"] == {"id": folder["id"]} and rewritten["sha256"] == manifest(segments)
    assert d.stop() == 0


def test_bad_packages_are_refused_with_a_code_and_nothing_is_lost(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    outside = tmp_path / "outside.R3D"
    outside.write_bytes(b"not in the clip")
    escape = watch / "pk2" / "ESCAPE.RDC"
    escape.mkdir(parents=True)
    (escape / "ESCAPE_001.R3D").write_bytes(b"segment one")
    (escape / "ESCAPE_002.R3D").symlink_to(outside)
    twins = watch / "pk2" / "TWINS.RDC"
    twins.mkdir()
    (twins / "clip_001.R3D").write_bytes(b"a")
    (twins / "CLIP_001.r3d").write_bytes(b"b")
    badname = watch / "pk2" / "BADNAME.RDC"
    badname.mkdir()
    (badname / "ok_001.R3D").write_bytes(b"fine")
    with open(os.fsencode(badname) + b"/bad_\xff.R3D", "wb") as f:  # a Latin-1 name: not valid UTF-8
        f.write(b"latin-1 name")
    good = watch / "pk2" / "GOOD.RDC"
    good.mkdir()
    (good / "GOOD_001.R3D").write_bytes(b"good")

    d = daemon_factory("tustin", watch, orchestrator.url).start()
    refused = wait_until(lambda: len(d.events("package.refused")) >= 3 and d.events("package.refused"), 60,
                         what="three refusals")  # fmt: skip
    codes = {e["package"]: e["code"] for e in refused}
    assert codes == {
        "pk2/ESCAPE.RDC": "PACKAGE_MEMBER_PATH",
        "pk2/TWINS.RDC": "PACKAGE_CASE_COLLISION",
        "pk2/BADNAME.RDC": "PACKAGE_NAME_NOT_UTF8",
    }
    wait_until(lambda: packages(orchestrator, "pk2/GOOD.RDC"), 60, what="the good clip")
    assert [f["path"] for f in packages(orchestrator, "pk2/")] == ["pk2/GOOD.RDC"], "refused packages not reported"
    assert (escape / "ESCAPE_001.R3D").read_bytes() == b"segment one" and outside.exists(), "nothing touched"

    (twins / "CLIP_001.r3d").unlink()  # the operator fixes the card: it is reported on the next look
    wait_until(lambda: packages(orchestrator, "pk2/TWINS.RDC"), 90, what="the fixed clip")
    assert d.stop() == 0


def test_no_packages_reports_every_frame_alone(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    write_frames(watch / "pk3", range(1, 6), skip=set())
    d = daemon_factory("tustin", watch, orchestrator.url, "--no-packages").start()
    files = wait_until(lambda: len(packages(orchestrator, "pk3/")) == 5 and packages(orchestrator, "pk3/"), 60,
                       what="five files")  # fmt: skip
    assert {f["kind"] for f in files} == {"FILE"} and {f["memberCount"] for f in files} == {1}
    assert d.stop() == 0
