"""Packages through the hub with real processes: a frame sequence and a RED clip folder dropped at Tustin travel
to Nashville as one stream each, every member verified, in the same layout; the agent SIGKILLed mid-package
resumes at the first unverified member; a member rewritten after the report never travels silently."""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from daemon_harness import DaemonProcess, Orchestrator, wait_until
from test_daemon_custody import generations
from transfer_harness import Operator, state_rows

DaemonFactory = Callable[..., DaemonProcess]
KIB = 1024


@pytest.fixture(scope="module")
def operator(orchestrator: Orchestrator) -> Iterator[Operator]:
    op = Operator.create(orchestrator)
    yield op
    op.close()


def write_frames(folder: Path, frames: range, skip: set[int], size: int) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, bytes] = {}
    for n in frames:
        if n not in skip:
            name = f"B003_C011.{n:07d}.dpx"
            written[name] = data = os.urandom(size)
            (folder / name).write_bytes(data)
    return written


def write_clip(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True)
    segments = {f"A001_C002_00{i}.R3D": os.urandom(300 * KIB + i) for i in range(1, 4)}
    for name, data in segments.items():
        (folder / name).write_bytes(data)
    return segments


PACKAGES = """
query($search: String) {
  files(first: 50, filter: { search: $search }) { edges { node { id path kind sha256 memberCount } } }
}
"""


def versions(orch: Orchestrator, prefix: str) -> list[dict[str, Any]]:
    edges = orch.query(PACKAGES, {"search": prefix})["files"]["edges"]
    return [e["node"] for e in edges if e["node"]["path"].startswith(prefix)]


def packages(orch: Orchestrator, prefix: str) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in versions(orch, prefix)}


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root``: relative path → SHA-256."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def daemons(factory: DaemonFactory, orch: Orchestrator, tmp_path: Path, *agent_flags: str) -> tuple[DaemonProcess, ...]:
    (tmp_path / "watch").mkdir(exist_ok=True)
    (tmp_path / "nashville-watch").mkdir(exist_ok=True)
    source = factory("tustin", tmp_path / "watch", orch.url, state="tustin-state")
    agent = factory(
        "nashville", tmp_path / "nashville-watch", orch.url, "--incoming", str(tmp_path / "incoming"), *agent_flags,
        state="nashville-state",
    )  # fmt: skip
    return source, agent


def test_a_sequence_and_a_red_clip_arrive_in_nashville_every_member_verified_in_the_same_layout(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    frames = write_frames(watch / "pt1" / "reel1", range(86400, 87602), skip={87000, 87001}, size=2 * KIB)
    assert len(frames) == 1200
    segments = write_clip(watch / "pt1" / "A001_C002.RDC")
    source, agent = daemons(daemon_factory, orchestrator, tmp_path)
    source.start()
    agent.start()

    found = wait_until(lambda: len(p := packages(orchestrator, "pt1/")) == 2 and p, 120, what="two packages")
    seq, clip = found["pt1/reel1/B003_C011.#######.dpx"], found["pt1/A001_C002.RDC"]
    assert (seq["kind"], clip["kind"]) == ("SEQUENCE", "FOLDER")
    for f in (seq, clip):
        wait_until(lambda f=f: operator.file(str(f["id"]))["contentAvailable"], 120, what="the package's upload")
        operator.queue(str(f["id"]))
    for f in (seq, clip):
        wait_until(lambda f=f: operator.file(str(f["id"]))["state"] == "TRANSFERRED", 120, what="TRANSFERRED")

    incoming = tmp_path / "incoming"
    assert tree(incoming / "pt1" / "reel1") == digests(frames), "every frame, verified, in the sequence's folder"
    delivered = tree(incoming / "pt1" / "A001_C002.RDC")
    clip_media = {p: h for p, h in delivered.items() if not p.startswith("ascmhl/")}
    assert clip_media == digests(segments), "the clip folder and its contents"
    # a clip folder gets an ASC MHL history at the source (generation 1) and the destination's (generation 2)
    assert generations(incoming / "pt1" / "A001_C002.RDC") == 2
    assert not any(p.startswith("ascmhl/") for p in tree(incoming / "pt1" / "reel1")), "a sequence gets none"
    assert not list((incoming / ".colorroute-partial").iterdir()), "nothing staged is left behind"
    uploads = {e["file_id"]: e for e in source.events("upload.done")}
    # the clip folder's members: its 3 segments and the 2 files of the history the source gave it
    assert uploads[str(seq["id"])]["members"] == 1200 and uploads[str(clip["id"])]["members"] == 3 + 2
    placed = {e["file_id"]: e for e in agent.events("transfer.package_placed")}
    assert placed[str(seq["id"])]["members"] == 1200 and placed[str(seq["id"])]["already_verified"] == 0
    done = {e["file_id"]: e for e in agent.events("transfer.completed")}
    assert done[str(seq["id"])]["sha256"] == seq["sha256"], "completed with the package's manifest hash"
    trail = operator.file(str(seq["id"]))["auditTrail"]
    assert [a["toState"] for a in trail if a["toState"]][-1] == "TRANSFERRED"
    assert source.stop() == 0 and agent.stop() == 0


def test_the_agent_killed_mid_package_resumes_without_fetching_verified_members_again(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    frames = write_frames(tmp_path / "watch" / "pt2" / "reel2", range(1001, 2201), skip=set(), size=16 * KIB)
    source, agent = daemons(daemon_factory, orchestrator, tmp_path, "--transfer-rate-limit", "3")
    source.start()
    [seq] = wait_until(lambda: list(packages(orchestrator, "pt2/").values()), 120, what="the sequence")
    file_id = str(seq["id"])
    wait_until(lambda: operator.file(file_id)["contentAvailable"], 120, what="the package's upload")
    operator.queue(file_id)
    agent.start()

    state = tmp_path / "nashville-state"

    def verified_now() -> list[tuple[Any, ...]]:
        return state_rows(state, "SELECT member_path FROM agent_members") if (state / "outbox.sqlite3").exists() else []

    verified = wait_until(
        lambda: len(rows := verified_now()) >= 300 and rows,
        120,
        what="some members verified",
    )
    agent.stop(signal.SIGKILL)
    assert operator.file(file_id)["state"] == "TRANSFERRING", "killed mid-package"
    staged = tmp_path / "incoming" / ".colorroute-partial" / f"{file_id}.pkg" / "frames"
    kept = {str(p): os.stat(staged / str(p)) for (p,) in verified}  # verified members, as they lie on disk
    assert len(kept) < 1200

    restarted = daemon_factory(
        "nashville", tmp_path / "nashville-watch", orchestrator.url, "--incoming", str(tmp_path / "incoming"),
        state="nashville-state",
    ).start()  # fmt: skip
    wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 120, what="TRANSFERRED after the restart")

    delivered = tmp_path / "incoming" / "pt2" / "reel2"
    assert tree(delivered) == digests(frames)
    [placed] = restarted.events("transfer.package_placed")
    assert placed["already_verified"] >= len(kept), "resumed at the first unverified member"
    assert placed["received"] <= sum(len(d) for n, d in frames.items() if n not in kept), "verified: not fetched"
    for name, before in kept.items():  # the very files verified before the kill: never written again
        after = os.stat(delivered / name)
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), name
    assert source.stop() == 0 and restarted.stop() == 0


def test_a_member_rewritten_after_the_report_fails_the_upload_naming_it_and_nothing_is_delivered(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    write_frames(watch / "pt3" / "reel3", range(1, 201), skip=set(), size=64 * KIB)
    # Tustin reports, but may not upload yet: the rewrite lands between the report and the upload.
    source, agent = daemons(daemon_factory, orchestrator, tmp_path)
    source.extra += ["--metadata-only"]
    source.start()
    [seq] = wait_until(lambda: list(packages(orchestrator, "pt3/").values()), 120, what="the sequence")
    assert source.stop() == 0
    frame = watch / "pt3" / "reel3" / "B003_C011.0000100.dpx"
    frame.write_bytes(os.urandom(64 * KIB))  # same size, new content and mtime

    source.extra.remove("--metadata-only")
    source.start()
    agent.start()
    [skipped] = source.wait_event("upload.skipped", timeout=60)
    assert skipped["file_id"] == str(seq["id"])
    assert "'B003_C011.0000100.dpx' was rewritten after the report" in skipped["reason"], skipped
    node = operator.file(str(seq["id"]))
    assert node["contentAvailable"] is False, "the hub never holds a silently different package"
    assert not (tmp_path / "incoming" / "pt3").exists()
    # The rewritten frame makes a new version of the package, which travels as any other.
    newer = wait_until(
        lambda: [f for f in versions(orchestrator, "pt3/") if f["id"] != seq["id"]], 120, what="new version"
    )[0]
    wait_until(lambda: operator.file(str(newer["id"]))["contentAvailable"], 120, what="the new version's upload")
    assert source.stop() == 0 and agent.stop() == 0


def test_a_member_whose_bytes_differ_at_the_destination_is_deleted_and_the_transfer_fails_naming_it(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    write_frames(tmp_path / "watch" / "pt4" / "reel4", range(1, 51), skip=set(), size=4 * KIB)
    source, agent = daemons(daemon_factory, orchestrator, tmp_path, "--max-transfer-attempts", "1")
    source.start()
    [seq] = wait_until(lambda: list(packages(orchestrator, "pt4/").values()), 120, what="the sequence")
    file_id, sha = str(seq["id"]), str(seq["sha256"])
    wait_until(lambda: operator.file(file_id)["contentAvailable"], 120, what="the package's upload")
    assert source.stop() == 0
    blob = orchestrator.data_dir / "blobs" / "packages" / sha[:2] / sha[2:4] / sha
    data = bytearray(blob.read_bytes())
    data[10 * 4 * KIB + 7] ^= 0x01  # the eleventh frame, rotten on the hub's disk
    blob.write_bytes(data)

    operator.queue(file_id)
    agent.start()
    agent.wait_event("transfer.gave_up", timeout=60)
    job = operator.latest_job(file_id)
    assert job["status"] == "FAILED" and operator.file(file_id)["state"] == "QUEUED"
    assert job["error"].startswith("download failed: member 'B003_C011.0000011.dpx' (4096 bytes): expected sha256 ")
    incoming = tmp_path / "incoming"
    assert not (incoming / "pt4").exists(), "nothing of the package is shown"
    assert not list(incoming.rglob("B003_C011.0000011.dpx")), "the member whose hash differs is not kept"
    assert agent.stop() == 0
