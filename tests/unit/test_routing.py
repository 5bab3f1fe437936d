from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.errors import BadInput
from app.domain.routing import AssignStrategy, Candidate, Rule, check_rule, first_match, least_loaded


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
