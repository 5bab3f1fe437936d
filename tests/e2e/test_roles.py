"""What each role sees in a real browser: a colorist gets only the buttons File.allowedActions gives her and starts
work on her own file; a readonly viewer gets no buttons and a clear message on the administrators' pages."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, login, shoot

pytestmark = pytest.mark.e2e

LABELS = {
    "VALIDATE": "Validate",
    "QUEUE": "Queue",
    "START_TRANSFER": "Start transfer",
    "COMPLETE_TRANSFER": "Complete transfer",
    "FAIL_TRANSFER": "Fail transfer",
    "ASSIGN": "Assign colorist",
    "START": "Start work",
    "DELIVER": "Deliver to MAM",
    "ARCHIVE": "Archive",
    "REJECT": "Reject",
}
ALLOWED = "query($id: ID!) { file(id: $id) { state allowedActions } }"


def open_file(page: Page, file_id: str) -> None:
    """Open a file's details panel from its row in the Files table (filtered to the file's name)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files", exact=True).click()
    row = page.get_by_test_id("file-row").and_(page.locator(f'[data-file-id="{file_id}"]'))
    row.get_by_role("link").click()
    expect(page.get_by_test_id("file-details")).to_have_attribute("data-file-id", file_id)


def buttons(page: Page) -> list[str]:
    return page.get_by_test_id("file-actions").get_by_role("button").all_inner_texts()


def test_colorist_sees_only_what_she_may_do_and_starts_work(page: Page, server: Server) -> None:
    mine = server.report_file(name=f"ALICE_{uuid.uuid4().hex[:6].upper()}.mov")
    bobs = server.report_file(name=f"BOB_{uuid.uuid4().hex[:6].upper()}.mov")
    untouched = server.report_file()
    with server.as_user("admin") as admin:
        admin.advance(mine["id"], "COLORIST_ASSIGNED", colorist="alice")
        admin.advance(bobs["id"], "COLORIST_ASSIGNED", colorist="bob")
    with server.as_user("alice") as alice:
        allowed = alice.gql(ALLOWED, {"id": mine["id"]})["file"]["allowedActions"]
        assert set(allowed) == {"START", "REJECT", "HAND_BACK"}, allowed
        assert alice.gql(ALLOWED, {"id": bobs["id"]})["file"]["allowedActions"] == []

    login(page, "alice")
    expect(page.get_by_test_id("current-user")).to_have_text("Alice Colorist")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)

    # Someone else's file, and one not yet hers to grade: nothing to press.
    for other in (bobs, untouched):
        open_file(page, other["id"])
        expect(page.get_by_test_id("no-actions")).to_be_visible()
        expect(page.get_by_test_id("file-actions")).to_have_count(0)
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("file-details")).to_have_count(0)

    # Her own file: exactly the buttons allowedActions names, in lifecycle order.
    open_file(page, mine["id"])
    expect(page.get_by_test_id("file-state")).to_have_text("Colorist assigned")
    expect(page.get_by_test_id("file-actions").get_by_role("button")).to_have_count(3)
    assert buttons(page) == ["Start work", "Hand back", "Reject"]
    for label in ("Validate", "Queue", "Assign colorist", "Archive", "Deliver to MAM"):
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)
    shoot(page, "colorist-assigned-file")

    page.get_by_test_id("file-actions").get_by_role("button", name="Start work").click()
    expect(page.get_by_test_id("file-state")).to_have_text("In progress")
    expect(page.get_by_test_id("file-actions").get_by_role("button", name="Deliver to MAM")).to_be_visible()
    assert buttons(page) == ["Deliver to MAM", "Hand back", "Reject"]
    trail = page.get_by_role("list", name="Audit trail")
    expect(trail.get_by_role("listitem").first).to_contain_text("alice")
    expect(trail.get_by_role("listitem").first).to_contain_text("Start")
    with server.as_user("admin") as admin:
        assert admin.gql(ALLOWED, {"id": mine["id"]})["file"]["state"] == "IN_PROGRESS"
    # The Files table follows, live.
    row = page.get_by_test_id("file-row").and_(page.locator(f'[data-file-id="{mine["id"]}"]'))
    expect(row).to_contain_text("In progress")
    shoot(page, "colorist-started-work")


def test_readonly_viewer_has_no_buttons_and_a_clear_message_on_admin_pages(page: Page, server: Server) -> None:
    reported = server.report_file()
    with server.as_user("admin") as admin:
        admin.advance(reported["id"], "IN_PROGRESS", colorist="alice")
    login(page, "viewer")
    open_file(page, reported["id"])
    expect(page.get_by_test_id("file-state")).to_have_text("In progress")
    expect(page.get_by_test_id("no-actions")).to_be_visible()
    expect(page.get_by_test_id("file-details").get_by_role("button", name=LABELS["DELIVER"])).to_have_count(0)
    for label in LABELS.values():
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)
    page.keyboard.press("Escape")

    # Typed into the address bar: the administrators' pages say why there is nothing, they are not blank.
    page.goto("/users")
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("Only administrators manage users.")
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("button", name="New user")).to_have_count(0)
    shoot(page, "readonly-users-page")

    page.goto("/settings")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Change password")).to_be_visible()
    for admin_only in ("API keys", "Webhooks"):
        expect(page.get_by_text(admin_only, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="New rule")).to_have_count(0)
    shoot(page, "readonly-settings-page")
