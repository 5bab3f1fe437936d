"""A colorist's own queue in the browser: Alice signs in and lands on it; an engineer, in another browser context,
assigns her a file through the UI, and it appears in her queue live (no reload) with a notification and where it
sits on Nashville's storage; she hands it back with a reason and it leaves her queue, back to TRANSFERRED."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server, login, shoot
from tests.e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

TRAIL = "query($id: ID!) { file(id: $id) { state colorist { username } auditTrail { action actor details } } }"


def test_colorist_lands_on_her_queue_gets_new_work_live_and_hands_it_back(
    page: Page, browser: Browser, server: Server
) -> None:
    name = f"QUEUE_{uuid.uuid4().hex[:6].upper()}.mov"
    reported = server.report_file(name=name)
    placed = f"/mnt/nashville/incoming/e2e/{name}"
    with server.as_user("admin") as admin:
        admin.advance(reported["id"], "TRANSFERRING")
    # Nashville's agent completes the transfer and says where it placed the file.
    server.gql(
        "mutation($id: ID!, $s: String, $p: String) {"
        " completeTransfer(id: $id, sha256: $s, deliveredPath: $p) { id } }",
        {"id": reported["id"], "s": reported["sha256"], "p": placed},
    )

    login(page, "alice")
    expect(page).to_have_url(re.compile(r"/queue$"))
    expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile("^My queue"))).to_have_attribute("aria-current", "page")
    row = page.get_by_test_id("queue-row").and_(page.locator(f'[data-file-id="{reported["id"]}"]'))
    expect(row).to_have_count(0)
    page.evaluate("window.__noReload = true")

    engineer = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 860})
    try:
        other = engineer.new_page()
        login(other, "engineer")
        other.goto(f"/files/{reported['id']}")
        expect(other.get_by_test_id("file-state")).to_have_text("Transferred")
        other.get_by_test_id("file-actions").get_by_role("button", name="Assign colorist").click()
        dialog = other.get_by_role("dialog", name="Assign colorist")
        dialog.get_by_role("combobox", name="Colorist").click()
        other.get_by_role("option", name=re.compile("^Alice")).click()
        dialog.get_by_role("button", name="Assign").click()
        expect(dialog).to_be_hidden()
        expect(other.get_by_test_id("file-state")).to_have_text("Colorist assigned")

        # Alice's page, untouched: the notification, and the row with where the file sits.
        toast = page.get_by_test_id("toast").filter(has_text=name)
        expect(toast).to_contain_text("New work assigned to you")
        expect(row).to_be_visible()
        expect(row.get_by_test_id("delivered-path")).to_have_text(placed)
        expect(row).to_have_attribute("data-state", "COLORIST_ASSIGNED")
        expect(page.get_by_test_id("queue-badge")).to_be_visible()
        assert page.evaluate("window.__noReload") is True
        shoot(page, "colorist-queue-new-work")
        assert not violations(page), violations(page)  # the queue and its notification, by axe-core

        row.get_by_role("button", name="Hand back").click()
        hand_back = page.get_by_role("dialog", name="Hand back file")
        expect(hand_back.get_by_role("button", name="Hand back")).to_be_disabled()  # a reason first
        hand_back.get_by_label("Reason").fill("LUT missing for this camera")
        shoot(page, "colorist-queue-hand-back")
        hand_back.get_by_role("button", name="Hand back").click()
        expect(hand_back).to_be_hidden()
        expect(row).to_have_count(0)

        # The engineer's panel follows live: back in TRANSFERRED, unassigned, ready to assign again.
        expect(other.get_by_test_id("file-state")).to_have_text("Transferred")
        expect(other.get_by_test_id("file-actions").get_by_role("button", name="Assign colorist")).to_be_visible()
        trail = other.get_by_role("list", name="Audit trail")
        expect(trail.get_by_role("listitem").first).to_contain_text("Hand back")
        expect(trail.get_by_test_id("audit-reason").first).to_have_text("“LUT missing for this camera”")
    finally:
        engineer.close()

    with server.as_user("engineer") as eng:
        file = eng.gql(TRAIL, {"id": reported["id"]})["file"]
    assert (file["state"], file["colorist"]) == ("TRANSFERRED", None)
    last = file["auditTrail"][-1]
    assert (last["action"], last["actor"]) == ("HAND_BACK", "alice")
    assert last["details"]["reason"] == "LUT missing for this camera"
