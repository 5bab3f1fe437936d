from daemon.filters import PathFilter


def test_temp_and_hidden_names_are_ignored_everywhere_in_the_path() -> None:
    f = PathFilter()
    for rel in ["a.part", "A.PART", "clip.tmp", "~lock.mov", ".hidden.mov", "._A001.MOV", "day1/.Trash/x.mov"]:
        assert not f.accepts_file(rel), rel
    for rel in ["A001.MOV", "day1/cam-a/clip.mxf", "part.mov", "tmp/clip.mov", "a~b.mov"]:
        assert f.accepts_file(rel), rel


def test_hidden_folders_are_not_descended() -> None:
    f = PathFilter()
    assert not f.accepts_dir(".snapshot")
    assert not f.accepts_dir("day1/.git")
    assert f.accepts_dir("day1/cam-a")


def test_include_matches_name_case_insensitively_and_paths_with_slash() -> None:
    f = PathFilter(include=["*.mov", "raw/*.r3d"])
    assert f.accepts_file("A001.MOV")
    assert f.accepts_file("day/clip.mov")
    assert f.accepts_file("raw/x.R3D")
    assert not f.accepts_file("other/x.r3d")
    assert not f.accepts_file("notes.txt")


def test_exclude_adds_to_the_ignores() -> None:
    f = PathFilter(exclude=["proxies", "*.xml", "day2/cam-b"])
    assert not f.accepts_file("day1/proxies/a.mov")
    assert not f.accepts_file("meta.XML")
    assert not f.accepts_dir("day2/cam-b")
    assert f.accepts_file("day2/cam-a/a.mov")
