"""The transfer agent's pure parts: where a file may land, and what ``--incoming`` may be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from daemon.agent import PARTIAL_DIR, destination_for
from daemon.config import ConfigError, DaemonConfig


@pytest.mark.parametrize("rel", ["A001.MOV", "day1/A001.MOV", "a/b/c/d.mxf", "day1//x.mov", "./day1/x.mov"])
def test_relative_paths_land_below_the_incoming_folder(tmp_path: Path, rel: str) -> None:
    dest = destination_for(tmp_path, rel)
    assert dest is not None
    assert dest.resolve().is_relative_to(tmp_path.resolve())
    assert dest.name == rel.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    "rel",
    ["", "/etc/passwd", "../x.mov", "day1/../../x.mov", "a/..", ".", f"{PARTIAL_DIR}/1.part", "nul\x00.mov"],
)
def test_paths_that_would_escape_or_hit_the_partial_folder_are_refused(tmp_path: Path, rel: str) -> None:
    assert destination_for(tmp_path, rel) is None


def test_a_symlinked_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    incoming, outside = tmp_path / "incoming", tmp_path / "outside"
    incoming.mkdir()
    outside.mkdir()
    os.symlink(outside, incoming / "link")
    assert destination_for(incoming, "link/x.mov") is None
    assert destination_for(incoming, "real/x.mov") == incoming / "real" / "x.mov"


def config(tmp_path: Path, incoming: Path, **kw: object) -> DaemonConfig:
    watch = tmp_path / "watch"
    watch.mkdir(exist_ok=True)
    return DaemonConfig(site="nashville", watch=watch, api_key="k", incoming=incoming, **kw)  # type: ignore[arg-type]


def test_incoming_may_be_new_or_inside_the_watch_folder_but_not_the_watch_folder_itself(tmp_path: Path) -> None:
    config(tmp_path, tmp_path / "new" / "incoming").validate()
    config(tmp_path, tmp_path / "watch" / "incoming").validate()  # skipped by the detector
    for bad in (tmp_path / "watch", tmp_path):
        with pytest.raises(ConfigError, match="watch folder"):
            config(tmp_path, bad).validate()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        config(tmp_path, tmp_path / "file").validate()
    with pytest.raises(ConfigError, match="max-transfer-attempts"):
        config(tmp_path, tmp_path / "in", max_transfer_attempts=0).validate()
