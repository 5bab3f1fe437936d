"""The custody timeline's order: time to the second, then arrival (app/domain/custody.py ``appended``)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.custody import CustodyAction, CustodyRecord, appended


def test_a_record_to_the_second_does_not_jump_before_one_with_microseconds_in_the_same_second() -> None:
    hub = CustodyRecord(datetime(2026, 12, 5, 21, 30, 12, 500_000, UTC), CustodyAction.VERIFIED, "sha256",
                        location="hub")  # fmt: skip
    destination = CustodyRecord(datetime(2026, 12, 5, 21, 30, 12, tzinfo=UTC), CustodyAction.VERIFIED, "xxh64",
                                site_id=2, generation=3)  # fmt: skip
    earlier = CustodyRecord(datetime(2026, 12, 5, 21, 30, 11, tzinfo=UTC), CustodyAction.ORIGINAL, "xxh64")
    out = appended([hub.to_json()], [destination, earlier])
    assert [r["hashFormat"] for r in out] == ["xxh64", "sha256", "xxh64"]
    assert [r.get("generation") for r in out] == [None, None, 3]
    assert appended(out, [destination]) == out, "a resend adds nothing"
