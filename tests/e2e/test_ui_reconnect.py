"""The live connection survives an orchestrator restart: the indicator says so, and nothing is missed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, login, shoot

pytestmark = pytest.mark.e2e


def test_restart_shows_reconnecting_then_resumes_without_reload(page: Page, server: Server) -> None:
    login(page, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files").click()
    expect(page.get_by_test_id("files-table")).to_be_visible()
    before = server.report_file()
    expect(page.get_by_test_id("file-row").filter(has_text=before["filename"])).to_be_visible()
    page.evaluate("window.__noReload = true")

    indicator = page.get_by_test_id("live-indicator")
    server.stop()
    expect(indicator).to_have_attribute("data-status", "reconnecting")
    expect(page.get_by_test_id("connection-banner")).to_be_visible()
    shoot(page, "reconnecting")

    server.start()
    during = server.report_file()  # likely before the browser is back: must be replayed from the cursor
    expect(indicator).to_have_attribute("data-status", "live")
    expect(page.get_by_test_id("file-row").filter(has_text=during["filename"])).to_be_visible()
    after = server.report_file()
    expect(page.get_by_test_id("file-row").filter(has_text=after["filename"])).to_be_visible()
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    shoot(page, "reconnected")
