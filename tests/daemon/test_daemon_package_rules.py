"""Grouping rules without a server: which files make a package, how a sequence is named, frame-set notation,
the manifest hash (the daemon's and the orchestrator's recipes agree), and the checks that refuse a package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.domain.packages import Member
from app.domain.packages import manifest_sha256 as server_manifest_sha256
from daemon.assembler import Assembler
from daemon.filters import PathFilter
from daemon.outbox import Detection, Outbox
from daemon.packages import (
    FolderKey,
    PackageProblem,
    PackageRules,
    SequenceKey,
    check_members,
    frame_of,
    frames_of,
    group_of,
    manifest_sha256,
    notation_of,
    sequence_shape,
    with_defaults,
)

RULES = PackageRules()


def no_history(folder: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("B003_C011.0086400.dpx", ("B003_C011.", "0086400", ".dpx")),
        ("shot.1001.exr", ("shot.", "1001", ".exr")),
        ("A001C003_220101_R1AB.0001.ari", ("A001C003_220101_R1AB.", "0001", ".ari")),
        ("clip.mov", None),
        ("A001_C002_001.R3D", None),
        ("plate_1001.exr", None),  # not the dotted form
        (".0001.dpx", None),
        ("x.0001.", None),
    ],
)
def test_frame_names(name: str, parsed: tuple[str, str, str] | None) -> None:
    assert frame_of(name) == parsed


def test_the_outermost_package_folder_wins_and_globs_match_any_case() -> None:
    assert group_of("day1/A001_C002.RDC/A001_C002_001.R3D", RULES, no_history) == FolderKey("day1/A001_C002.RDC")
    assert group_of("x.rdc/y.RDC/z.R3D", RULES, no_history) == FolderKey("x.rdc")
    assert group_of("A.RDC/frames.0001.dpx", RULES, no_history) == FolderKey("A.RDC"), "a folder beats a sequence"
    assert group_of("A001.RDC", RULES, no_history) is None, "a file named like the glob is not a folder package"


def test_a_folder_holding_an_ascmhl_history_is_a_card() -> None:
    def card(folder: str) -> bool:
        return folder == "offload/CARD_A001"

    assert group_of("offload/CARD_A001/CLIPS/A001.mxf", RULES, card) == FolderKey("offload/CARD_A001")
    assert group_of("offload/CARD_A001/ascmhl/0001_CARD.mhl", RULES, card) == FolderKey("offload/CARD_A001")
    assert group_of("offload/other/A001.mxf", RULES, card) is None


def test_package_globs_add_to_the_defaults_and_no_packages_turns_grouping_off() -> None:
    globs = with_defaults(["*.CARD", "*.RDC"])
    assert globs == ("*.RDC", "*.CARD")
    rules = PackageRules(globs=globs)
    assert group_of("A.card/x.mxf", rules, no_history) == FolderKey("A.card")
    assert group_of("B.RDC/x.R3D", rules, no_history) == FolderKey("B.RDC")
    off = PackageRules(enabled=False)
    assert group_of("B.RDC/x.R3D", off, no_history) is None
    assert group_of("s/f.0001.dpx", off, no_history) is None


def test_sequences_are_keyed_by_folder_name_and_extension() -> None:
    assert group_of("reel/B.0001.dpx", RULES, no_history) == SequenceKey("reel", "B.", ".dpx")
    assert group_of("B.0001.dpx", RULES, no_history) == SequenceKey("", "B.", ".dpx")
    assert group_of("reel/B.0001.exr", RULES, no_history) != group_of("reel/B.0001.dpx", RULES, no_history)


def test_a_sequence_shape_names_the_frames_and_the_gaps() -> None:
    names = [f"B003_C011.{n:07d}.dpx" for n in range(86400, 100800) if n not in (86900, 86901, 90000)]
    shape = sequence_shape(SequenceKey("reel", "B003_C011.", ".dpx"), names)
    assert shape.path == "reel/B003_C011.#######.dpx"
    assert shape.filename == "B003_C011.[86400-100799].dpx"
    assert (shape.frame_range, shape.missing_frames, shape.frames) == ("86400-100799", "86900-86901,90000", 14397)
    complete = sequence_shape(SequenceKey("", "s.", ".exr"), ["s.1001.exr", "s.1002.exr", "s.1003.exr"])
    assert (complete.path, complete.missing_frames) == ("s.####.exr", None)


@pytest.mark.parametrize("notation", ["1", "86900-86901,90000", "1-3,5,7-9", "1001-1100", "0-2"])
def test_frame_set_notation_round_trips(notation: str) -> None:
    assert notation_of(frames_of(notation)) == notation


def test_frames_round_trip_through_notation() -> None:
    frames = [5, 1, 2, 3, 9, 10, 11, 100]
    assert frames_of(notation_of(frames)) == sorted(frames)
    assert frames_of("") == []


def test_the_daemon_and_the_orchestrator_compute_the_same_manifest_hash() -> None:
    members = [("b/é.R3D", 12, "a" * 64), ("a.R3D", 0, "b" * 64), ("B.R3D", 3, "c" * 64)]
    ours = manifest_sha256(members)
    assert ours == server_manifest_sha256(Member(p, s, h) for p, s, h in members)
    assert ours == manifest_sha256(list(reversed(members))), "order-independent: sorted by path"


def test_member_checks(tmp_path: Path) -> None:
    root = tmp_path / "A.RDC"
    root.mkdir()
    (root / "a.R3D").write_bytes(b"x")
    (tmp_path / "outside.R3D").write_bytes(b"y")
    (root / "link.R3D").symlink_to(tmp_path / "outside.R3D")
    (root / "inner.R3D").symlink_to(root / "a.R3D")
    check_members(str(root), [("a.R3D", str(root / "a.R3D")), ("inner.R3D", str(root / "inner.R3D"))])
    cases = [
        ([], "PACKAGE_EMPTY"),
        ([("link.R3D", str(root / "link.R3D"))], "PACKAGE_MEMBER_PATH"),
        ([("../outside.R3D", str(tmp_path / "outside.R3D"))], "PACKAGE_MEMBER_PATH"),
        ([("a.R3D", str(root / "a.R3D")), ("A.r3d", str(root / "A.r3d"))], "PACKAGE_CASE_COLLISION"),
        ([(os.fsdecode(b"bad_\xff.R3D"), str(root / "a.R3D"))], "PACKAGE_NAME_NOT_UTF8"),
    ]
    for members, code in cases:
        with pytest.raises(PackageProblem) as info:
            check_members(str(root), members)
        assert info.value.code == code, members


def write_frames(folder: Path, count: int) -> list[Detection]:
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    for n in range(1, count + 1):
        path = folder / f"s.{n:04d}.exr"
        path.write_bytes(b"frame %d" % n)
        st = path.stat()
        found.append(Detection(f"{folder.name}/{path.name}", st.st_size, st.st_mtime_ns, f"{n:064x}"))
    return found


@pytest.mark.parametrize(("count", "kinds"), [(2, ["FILE", "FILE"]), (3, ["SEQUENCE"])])
async def test_fewer_frames_than_the_minimum_are_reported_as_files(
    tmp_path: Path, count: int, kinds: list[str]
) -> None:
    watch = tmp_path / "watch"
    detections = write_frames(watch / "reel", count)
    outbox = await Outbox.open(tmp_path / "outbox.sqlite3", site="tustin", watch=str(watch))
    try:
        assembler = Assembler(
            watch,
            outbox,
            PackageRules(min_sequence_frames=3),
            quiet_seconds=0.0,
            path_filter=PathFilter(),
            in_flight=lambda: (),
            submit=lambda rel: pytest.fail(f"{rel} was already hashed"),
            on_recorded=lambda: None,
        )
        alone, held = assembler.take(detections)
        assert (alone, len(held)) == ([], count)
        await assembler._flush_quiet()  # not quiet for 0.5 s yet: nothing recorded
        assert await outbox.entries() == []
        for group in assembler._groups.values():
            group.last_activity -= 1.0
        await assembler._flush_quiet()
        entries = await outbox.entries()
        assert [e.kind for e in entries] == kinds
        if kinds == ["SEQUENCE"]:
            assert entries[0].path == "reel/s.####.exr" and entries[0].frame_range == "1-3"
            assert [m[0] for m in await outbox.members(entries[0].report_id)] == [
                "s.0001.exr",
                "s.0002.exr",
                "s.0003.exr",
            ]
            unknown = await outbox.unknown([(d.path, d.size, d.mtime_ns) for d in detections])
            assert unknown == [], "a rescan does not hash the members again"
    finally:
        await outbox.close()


async def test_a_clip_whose_files_vanished_before_the_report_is_dropped(tmp_path: Path) -> None:
    watch = tmp_path / "watch"
    clip = watch / "A.RDC"
    clip.mkdir(parents=True)
    segment = clip / "A_001.R3D"
    segment.write_bytes(b"segment")
    st = segment.stat()
    outbox = await Outbox.open(tmp_path / "outbox.sqlite3", site="tustin", watch=str(watch))
    try:
        assembler = Assembler(
            watch,
            outbox,
            PackageRules(),
            quiet_seconds=0.0,
            path_filter=PathFilter(),
            in_flight=lambda: (),
            submit=lambda rel: pytest.fail(f"{rel} does not exist"),
            on_recorded=lambda: None,
        )
        assembler.take([Detection("A.RDC/A_001.R3D", st.st_size, st.st_mtime_ns, "f" * 64)])
        segment.unlink()
        for group in assembler._groups.values():
            group.last_activity -= 1.0
        await assembler._flush_quiet()
        assert assembler._groups == {} and assembler.held == 0, "nothing left to wait for"
        assert await outbox.entries() == []
    finally:
        await outbox.close()


async def test_a_member_that_never_hashes_refuses_the_package_instead_of_spinning(tmp_path: Path) -> None:
    """A segment the hasher cannot read (its ``file.unreadable`` is logged) is never held: the package is refused
    as PACKAGE_MEMBER_UNREADABLE after a few looks and looked at again later, never reported without it."""
    watch = tmp_path / "watch"
    clip = watch / "B.RDC"
    clip.mkdir(parents=True)
    (clip / "B_001.R3D").write_bytes(b"readable")
    (clip / "B_002.R3D").write_bytes(b"the hasher fails on this one")
    st = (clip / "B_001.R3D").stat()
    submitted: list[str] = []
    outbox = await Outbox.open(tmp_path / "outbox.sqlite3", site="tustin", watch=str(watch))
    try:
        assembler = Assembler(
            watch,
            outbox,
            PackageRules(),
            quiet_seconds=0.0,
            path_filter=PathFilter(),
            in_flight=lambda: (),
            submit=submitted.append,  # the hash attempt ends without a detection
            on_recorded=lambda: None,
        )
        assembler.take([Detection("B.RDC/B_001.R3D", st.st_size, st.st_mtime_ns, "e" * 64)])
        [group] = assembler._groups.values()
        for _ in range(10):
            group.last_activity -= 1.0
            await assembler._flush_quiet()
        assert group.refused == "PACKAGE_MEMBER_UNREADABLE"
        assert submitted == ["B.RDC/B_002.R3D"] * 5, "asked for the hash a few times, then stopped spinning"
        assert await outbox.entries() == [], "never reported without the member"
    finally:
        await outbox.close()
