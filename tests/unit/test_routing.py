from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.errors import BadInput
from app.domain.routing import (
    AssignStrategy,
    Candidate,
    Media,
    Rule,
    check_rule,
    decide,
    first_match,
    least_loaded,
)


def rule(i: int, priority: int, pattern: str = "*.mov", source: str | None = "tustin", **kw: object) -> Rule:
    base: dict[str, object] = dict(
        id=i,
        name=f"r{i}",
        priority=priority,
        enabled=True,
        source_site=source,
        pattern=pattern,
        destination_site="nashville",
        auto_validate=True,
        auto_queue=True,
        auto_assign=AssignStrategy.NONE,
    )
    base.update(kw)
    return Rule(**base)  # type: ignore[arg-type]


def test_first_enabled_match_by_priority() -> None:
    rules = [rule(1, 20), rule(2, 10, enabled=False), rule(3, 30, pattern="*"), rule(4, 15, source="dallas")]
    assert first_match(rules, "tustin", "A/clip.MOV", 10) == rules[0]
    assert first_match(rules, "tustin", "A/clip.mxf", 10) == rules[2]
    assert first_match(rules, "nashville", "A/clip.mov", 10) is None  # rule 3 is tustin-only too


def test_pattern_on_path_and_size_range() -> None:
    r = rule(1, 1, pattern="A00*/*.r3d", min_size_bytes=100, max_size_bytes=1000)
    assert r.matches("tustin", "A001/x.R3D", 500)
    assert not r.matches("tustin", "B001/x.r3d", 500)
    assert not r.matches("tustin", "A001/x.r3d", 50)
    assert not r.matches("tustin", "A001/x.r3d", 5000)


def test_least_loaded_ties_broken_by_longest_idle() -> None:
    t1, t2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    cands = [Candidate(1, 2, None), Candidate(2, 1, t2), Candidate(3, 1, t1)]
    assert least_loaded(cands) == cands[2]
    assert least_loaded([Candidate(5, 0, t1), Candidate(6, 0, None)]) == Candidate(6, 0, None)
    assert least_loaded([]) is None


@pytest.mark.parametrize(
    "kw",
    [
        dict(
            name="", pattern="*", source_site=None, destination_site="x", auto_queue=False, min_size=None, max_size=None
        ),
        dict(
            name="n",
            pattern="*",
            source_site=None,
            destination_site=None,
            auto_queue=True,
            min_size=None,
            max_size=None,
        ),
        dict(
            name="n", pattern="*", source_site="a", destination_site="a", auto_queue=False, min_size=None, max_size=None
        ),
        dict(name="n", pattern="*", source_site=None, destination_site="b", auto_queue=False, min_size=10, max_size=1),
    ],
)
def test_nonsense_rules_are_refused(kw: dict[str, object]) -> None:
    with pytest.raises(BadInput):
        check_rule(**kw)  # type: ignore[arg-type]


def test_media_rule_holds_a_clip_until_its_media_arrives() -> None:
    uhd = rule(1, 10, pattern="*", codecs=("prores 4444",), min_width=3840, min_height=2160)
    rest = rule(2, 20, pattern="*", destination_site="dallas")
    rules = [rest, uhd]
    held = decide(rules, "tustin", "A/clip.mov", 1, None, media_expected=True)
    assert held.rule is None and held.waiting_for_media == uhd
    assert held.reasons == ("r1: waits for the file's media info",)
    # A file the daemons never probe does not wait: the media rule simply does not match it.
    sidecar = decide(rules, "tustin", "A/clip.ale", 1, None, media_expected=False)
    assert sidecar.rule == rest and sidecar.reasons[0] == "r1: the file has no media info"

    def routed(media: Media) -> Rule | None:
        return decide(rules, "tustin", "A/clip.mov", 1, media, media_expected=True).rule

    assert routed(Media("prores", "4444", 3840, 2160)) == uhd
    assert routed(Media("prores", "4444 XQ", 4096, 2160)) == rest  # "prores 4444" names that profile only
    assert routed(Media("prores", "4444", 1920, 1080)) == rest
    assert routed(Media("h264", "High", 3840, 2160)) == rest
    assert routed(Media(None, None, None, None, probe_error="probe timed out after 60 s")) == rest


def test_codec_alone_matches_any_profile_and_reasons_say_why_not() -> None:
    any_prores = rule(1, 10, codecs=("prores",))
    assert any_prores.media_mismatch(Media("prores", "422 HQ", 1920, 1080)) is None
    assert any_prores.media_mismatch(Media("dnxhd", None, 1920, 1080)) == "codec dnxhd is not one of prores"
    wide = rule(2, 10, min_width=3840)
    assert wide.media_mismatch(Media("h264", None, None, None)) == "width unknown is below 3840"
    assert rule(3, 10).needs_media is False and wide.needs_media is True


def test_media_conditions_are_checked() -> None:
    ok: dict[str, object] = dict(
        name="n", pattern="*", source_site=None, destination_site=None, auto_queue=False, min_size=None, max_size=None
    )
    with pytest.raises(BadInput) as too_wide:
        check_rule(**ok, min_width=100_000)  # type: ignore[arg-type]
    assert too_wide.value.extensions["field"] == "minWidth"
    with pytest.raises(BadInput) as empty_codec:
        check_rule(**ok, codecs=["prores", " "])  # type: ignore[arg-type]
    assert empty_codec.value.extensions["field"] == "codecs"
