"""Chain of custody in a real browser: a card that failed verification against its ASC MHL history shows the
integrity banner with its failing members and no Validate; an engineer accepts the risk with a reason and may
then validate; the custody timeline shows who verified what, where, with which hash."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
import xxhash
from ascmhl import hashlist_xml_parser
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, login, shoot

pytestmark = pytest.mark.e2e

STAGE = "mutation($input: StagePackageMembersInput!){ stagePackageMembers(input: $input) }"
REPORT = "mutation($input: ReportFileInput!){ reportFile(input: $input){ id filename } }"


def report_failing_card(server: Server, name: str) -> dict[str, str]:
    members = [
        {"path": f"CLIPS/{name}C00{i}.mxf", "sizeBytes": 2000 + i, "sha256": hashlib.sha256(b"%d" % i).hexdigest(),
         "hashFormat": "xxh64", "hash": f"{i:016x}"}
        for i in range(1, 4)
    ]  # fmt: skip
    rid = str(uuid.uuid4())
    server.gql(STAGE, {"input": {"site": "tustin", "reportId": rid, "members": members}})
    lines = "".join(f"{m['sha256']}  {m['sizeBytes']}  {m['path']}\n" for m in sorted(members, key=lambda m: m["path"]))
    error = f"CLIPS/{name}C002.mxf: xxh64 mismatch: history 0000000000000002, card 00000000deadbeef"
    package = {
        "kind": "FOLDER",
        "memberCount": len(members),
        "filename": name,
        "integrityError": error,
        "custody": [
            {"action": "ORIGINAL", "hashFormat": "xxh64", "host": "dit-cart", "tool": "ascmhl 1.2", "generation": 1,
             "at": "2026-12-01T09:00:00Z"},
            {"action": "FAILED", "hashFormat": "xxh64", "site": "tustin", "host": "tustin-01", "tool": "colorroute",
             "location": "tustin"},
        ],
    }  # fmt: skip
    given = {
        "site": "tustin",
        "path": f"cards/{name}",
        "sizeBytes": sum(m["sizeBytes"] for m in members),
        "sha256": hashlib.sha256(lines.encode()).hexdigest(),
        "reportId": rid,
        "package": package,
    }
    return dict(server.gql(REPORT, {"input": given})["reportFile"])


def test_a_failing_card_is_accepted_with_a_reason_then_validated(page: Page, server: Server) -> None:
    name = f"A{uuid.uuid4().hex[:5].upper()}"
    card = report_failing_card(server, name)

    login(page, "engineer")
    page.goto(f"/files/{card['id']}")
    details = page.get_by_test_id("file-details")
    banner = details.get_by_test_id("integrity-banner")
    expect(banner).to_contain_text("Failed verification against its ASC MHL history")
    expect(banner.get_by_role("listitem")).to_have_count(1)
    expect(banner).to_contain_text(f"CLIPS/{name}C002.mxf")
    actions = details.get_by_test_id("file-actions")
    expect(actions.get_by_role("button", name="Validate")).to_have_count(0)
    timeline = details.get_by_test_id("custody-timeline")
    expect(timeline.get_by_role("listitem")).to_have_count(2)
    expect(timeline).to_contain_text("Original hash · generation 1")
    expect(timeline).to_contain_text("Verification failed")
    shoot(page, "custody-failing-card")

    actions.get_by_role("button", name="Accept risk").click()
    dialog = page.get_by_role("dialog", name="Accept the integrity risk")
    dialog.get_by_label("Reason").fill("re-offloaded from the camera; producer signed off")
    dialog.get_by_role("button", name="Accept risk").click()
    expect(banner.get_by_test_id("integrity-accepted")).to_have_text(
        "Accepted: re-offloaded from the camera; producer signed off"
    )
    actions.get_by_role("button", name="Validate").click()
    expect(details.get_by_test_id("file-state")).to_contain_text("Validated")


def test_a_single_files_asc_mhl_manifest_downloads_from_its_details(page: Page, server: Server, tmp_path: Path) -> None:
    """The source's xxh64 is shown beside the SHA-256, and the manifest the browser downloads (with the session
    cookie) is one ascmhl's own reader parses, listing the file with that hash."""
    content = uuid.uuid4().bytes * 4096
    xxh64 = xxhash.xxh64(content).hexdigest()
    name = f"C{uuid.uuid4().hex[:6].upper()}.mov"
    given = {"site": "tustin", "path": f"reels/{name}", "sizeBytes": len(content),
             "sha256": hashlib.sha256(content).hexdigest(), "hashFormat": "xxh64", "hash": xxh64}  # fmt: skip
    file = server.gql(REPORT, {"input": given})["reportFile"]

    login(page, "engineer")
    page.goto(f"/files/{file['id']}")
    details = page.get_by_test_id("file-details")
    expect(details.get_by_test_id("file-mhl-hash")).to_have_text(xxh64)
    with page.expect_download() as downloading:
        details.get_by_test_id("file-mhl-export").click()
    saved = tmp_path / "ascmhl" / "0001_export.mhl"
    saved.parent.mkdir()
    downloading.value.save_as(saved)
    parsed = hashlist_xml_parser.parse(str(saved))
    assert [(m.path, m.file_size, m.hash_entries[0].hash_format, m.hash_entries[0].hash_string)
            for m in parsed.media_hashes] == [(name, len(content), "xxh64", xxh64)]  # fmt: skip
