"""A package in a real browser: one row with its kind, frame range, frame count and a missing-frames warning; the
list filters by kind; its details list the members with their hashes, a page at a time."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, login, shoot

pytestmark = pytest.mark.e2e

STAGE = "mutation($input: StagePackageMembersInput!){ stagePackageMembers(input: $input) }"
REPORT = "mutation($input: ReportFileInput!){ reportFile(input: $input){ id filename } }"


def report_sequence(server: Server, name: str, frames: list[int]) -> dict[str, str]:
    members = [
        {"path": f"{name}.{n:04d}.exr", "sizeBytes": 1000 + n, "sha256": hashlib.sha256(b"%d" % n).hexdigest()}
        for n in frames
    ]
    rid = str(uuid.uuid4())
    server.gql(STAGE, {"input": {"site": "tustin", "reportId": rid, "members": members}})
    lines = "".join(f"{m['sha256']}  {m['sizeBytes']}  {m['path']}\n" for m in sorted(members, key=lambda m: m["path"]))
    first, last = frames[0], frames[-1]
    data = server.gql(
        REPORT,
        {
            "input": {
                "site": "tustin",
                "path": f"VFX/{name}.####.exr",
                "sizeBytes": sum(m["sizeBytes"] for m in members),
                "sha256": hashlib.sha256(lines.encode()).hexdigest(),
                "reportId": rid,
                "package": {
                    "kind": "SEQUENCE",
                    "memberCount": len(members),
                    "filename": f"{name}.[{first}-{last}].exr",
                    "frameRange": f"{first}-{last}",
                    "missingFrames": "1050-1051",
                },
            }
        },
    )
    return dict(data["reportFile"])


def test_a_sequence_is_one_row_and_its_members_page_in(page: Page, server: Server) -> None:
    name = f"SH{uuid.uuid4().hex[:6].upper()}"
    frames = [n for n in range(1001, 1153) if n not in (1050, 1051)]  # 150 frames, a two-frame gap
    reported = report_sequence(server, name, frames)

    login(page, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files", exact=True).click()
    page.get_by_label("Search").fill(name)
    row = page.get_by_test_id("file-row").and_(page.locator(f'[data-file-id="{reported["id"]}"]'))
    expect(page.get_by_test_id("file-row")).to_have_count(1)
    summary = row.get_by_test_id("package-summary")
    expect(summary).to_contain_text("Sequence")
    expect(summary).to_contain_text("1001-1152")
    expect(summary).to_contain_text("150 frames")
    expect(row.get_by_test_id("missing-frames")).to_have_text("missing 1050-1051")
    shoot(page, "package-row")
    page.get_by_label("Kind").click()
    page.get_by_role("option", name="Clip folders").click()
    expect(page.get_by_test_id("file-row")).to_have_count(0)
    page.get_by_label("Kind").click()
    page.get_by_role("option", name="Sequences").click()
    expect(page.get_by_test_id("file-row")).to_have_count(1)

    row.get_by_role("link").click()
    details = page.get_by_test_id("file-details")
    expect(details).to_have_attribute("data-file-id", reported["id"])
    expect(details.get_by_role("heading", name="Members (150)")).to_be_visible()
    expect(details.get_by_test_id("package-member")).to_have_count(100)
    first = hashlib.sha256(b"1001").hexdigest()
    expect(details.get_by_title(first)).to_have_text(first)
    details.get_by_role("button", name="Show more").click()
    expect(details.get_by_test_id("package-member")).to_have_count(150)
    expect(details.get_by_text(f"{name}.1152.exr")).to_be_visible()
    shoot(page, "package-members")
