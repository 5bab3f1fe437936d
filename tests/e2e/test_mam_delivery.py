"""Delivery to the MAM in a real browser, against a real MAM stub on 127.0.0.1 (conftest.StubMam, signature
checked): the MAM answers 500, the colorist's click shows the file's MAM error (once) and the audit trail the
failed delivery, live in another user's open panel too; the MAM recovers and the retry delivers, clearing the
error everywhere."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server, StubMam, login, shoot

pytestmark = pytest.mark.e2e


def open_file(page: Page, file_id: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files", exact=True).click()
    page.get_by_test_id("file-row").and_(page.locator(f'[data-file-id="{file_id}"]')).get_by_role("link").click()
    expect(page.get_by_test_id("file-details")).to_have_attribute("data-file-id", file_id)


def test_mam_failure_shows_live_and_the_retry_delivers(
    page: Page, browser: Browser, server: Server, mam: StubMam
) -> None:
    reported = server.report_file(name=f"MAM_FAIL_{uuid.uuid4().hex[:6].upper()}.mov")
    fid = reported["id"]
    with server.as_user("admin") as admin:
        admin.advance(fid, "IN_PROGRESS", colorist="alice")
    mam.failing.add(fid)

    # An engineer watches the same file in another browser; nothing reloads there.
    watcher_context = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 860})
    watcher = watcher_context.new_page()
    watcher.set_default_timeout(30_000)
    try:
        login(watcher, "engineer")
        open_file(watcher, fid)
        expect(watcher.get_by_test_id("file-mam-error")).to_have_count(0)
        watcher.evaluate("window.__noReload = true")

        login(page, "alice")
        open_file(page, fid)
        expect(page.get_by_test_id("file-state")).to_have_text("In progress")
        deliver = page.get_by_test_id("file-actions").get_by_role("button", name="Deliver to MAM")
        deliver.click()
        page.get_by_role("alertdialog").get_by_role("button", name="Deliver").click()

        # The refusal lands on the file (mamError, from the file event) and is said once, not twice; the file keeps
        # its state and the audit trail records the failed delivery.
        mam_error = page.get_by_test_id("file-mam-error")
        expect(mam_error).to_contain_text("MAM delivery failed: MAM refused the delivery")
        expect(mam_error).to_contain_text("HTTP 500")
        expect(deliver).to_be_enabled()  # the click's answer is in (buttons are disabled while it is pending)
        expect(page.get_by_test_id("action-error")).to_have_count(0)
        expect(page.get_by_test_id("file-state")).to_have_text("In progress")
        expect(page.get_by_role("list", name="Audit trail").get_by_role("listitem").first).to_contain_text(
            "Delivery failed"
        )
        shoot(page, "mam-delivery-failed")

        # The watcher saw it arrive over the subscription.
        expect(watcher.get_by_test_id("file-mam-error")).to_contain_text("HTTP 500")
        expect(watcher.get_by_test_id("file-state")).to_have_text("In progress")
        expect(watcher.get_by_role("list", name="Audit trail").get_by_role("listitem").first).to_contain_text(
            "Delivery failed"
        )
        assert mam.refused.count(fid) == 2  # the first try and one retry (COLORROUTE_MAM_RETRIES=1)
        shoot(watcher, "mam-delivery-failed-watcher")

        # The MAM recovers; the same button delivers and clears the error, in both browsers.
        mam.failing.discard(fid)
        deliver.click()
        page.get_by_role("alertdialog").get_by_role("button", name="Deliver").click()
        expect(page.get_by_test_id("file-state")).to_have_text("Delivered to MAM")
        expect(page.get_by_test_id("file-mam-asset")).to_have_text(f"MAM-E2E-{fid}")
        expect(page.get_by_test_id("file-mam-error")).to_have_count(0)
        expect(page.get_by_test_id("action-error")).to_have_count(0)
        expect(watcher.get_by_test_id("file-state")).to_have_text("Delivered to MAM")
        expect(watcher.get_by_test_id("file-mam-error")).to_have_count(0)
        expect(watcher.get_by_test_id("file-mam-asset")).to_have_text(f"MAM-E2E-{fid}")
        assert watcher.evaluate("window.__noReload") is True
        assert [p["fileId"] for p in mam.received].count(fid) == 1
        assert next(p for p in mam.received if p["fileId"] == fid)["colorist"] == "alice"
        shoot(page, "mam-delivered-after-retry")
    finally:
        mam.failing.discard(fid)
        watcher_context.close()
