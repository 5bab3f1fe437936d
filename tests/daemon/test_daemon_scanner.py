import os
from pathlib import Path

from daemon.fileinfo import Problem
from daemon.filters import PathFilter
from daemon.scanner import dir_ids, iter_scan


def make_tree(root: Path) -> None:
    for rel in ["a.mov", "day1/cam-a/b.mov", "day1/cam-b/c.MXF", "day2/d.mov"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(rel.encode())
    for rel in ["e.part", "f.tmp", "~g.mov", ".h.mov", "._i.mov", ".Trash/j.mov", "day1/.cache/k.mov"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    os.mkfifo(root / "pipe.mov")
    (root / "dangling.mov").symlink_to(root / "missing")
    (root / "linked.mov").symlink_to(root / "a.mov")
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "z.mov").write_bytes(b"z")
    (root / "linkdir").symlink_to(outside, target_is_directory=True)
    (root / ".daemon-state").mkdir()
    (root / "state").mkdir()
    (root / "state" / "outbox.sqlite3").write_bytes(b"db")


def test_scan_finds_camera_files_and_reports_problems(tmp_path: Path) -> None:
    root = tmp_path / "watch"
    root.mkdir()
    make_tree(root)
    batches = list(iter_scan(root, PathFilter(), skip=dir_ids([root / "state"]), batch_size=2))
    assert all(len(b) <= 2 for b in batches)
    files = {rel: st for b in batches for rel, st in b.files}
    problems = {rel: p for b in batches for rel, p in b.problems}
    assert sorted(files) == ["a.mov", "day1/cam-a/b.mov", "day1/cam-b/c.MXF", "day2/d.mov", "linked.mov"]
    assert files["a.mov"].size == len(b"a.mov")
    assert problems == {
        "pipe.mov": Problem("not a regular file (fifo)"),
        "dangling.mov": Problem("dangling symlink"),
    }


def test_subtree_scan(tmp_path: Path) -> None:
    root = tmp_path / "watch"
    root.mkdir()
    make_tree(root)
    batches = list(iter_scan(root, PathFilter(), start=root / "day1"))
    assert sorted(rel for b in batches for rel, _ in b.files) == ["day1/cam-a/b.mov", "day1/cam-b/c.MXF"]


def test_include_filter_applies(tmp_path: Path) -> None:
    root = tmp_path / "watch"
    root.mkdir()
    make_tree(root)
    batches = list(iter_scan(root, PathFilter(include=["*.mxf"])))
    assert [rel for b in batches for rel, _ in b.files] == ["day1/cam-b/c.MXF"]
