"""During an outage the last-known rows stay under the banner, and come back fresh with the link; the Files and
Audit filters live in the address (reload, share, back/forward); the audit search runs on the server; the details
panel's "Content" follows an upload as its bytes arrive."""

from __future__ import annotations

import base64
import re
import time
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DAEMON_KEY, Server, login, shoot

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def pick(page: Page, combobox: str, option: str) -> None:
    page.get_by_role("combobox", name=combobox).click()
    page.get_by_role("option", name=option, exact=True).click()


def queued(server: Server, engineer_name: str = "engineer") -> dict[str, str]:
    """A new file queued to Nashville: its transfer job is the newest."""
    file = server.report_file()
    with server.as_user(engineer_name) as engineer:
        engineer.gql("mutation($id: ID!) { validateFile(id: $id) { id } }", {"id": file["id"]})
        engineer.gql(
            'mutation($id: ID!) { queueFile(id: $id, destinationSite: "nashville") { id } }', {"id": file["id"]}
        )
    return file


def test_outage_keeps_the_rows_then_the_link_returns_with_fresh_data(page: Page, server: Server) -> None:
    """Reproduced: with the orchestrator down, every resubscribe attempt refetched the transfers list; the refetch
    failed and the table gave way to "Cannot reach the server" under the banner."""
    first = queued(server)
    login(page, "engineer")
    nav(page, "Transfers")
    rows = page.get_by_test_id("transfer-row")
    expect(rows.filter(has_text=first["filename"])).to_be_visible()
    shown = rows.count()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url) if r.url.endswith("/graphql") else None)

    server.stop()
    try:
        expect(page.get_by_test_id("connection-banner")).to_be_visible()
        # Long enough for every path that used to empty the table: the resubscribe backoff runs 0.5, 1, 2, 4, 8 s and
        # a failed refetch gave up after three retries (1 + 2 + 4 s). The rows must stay throughout.
        until = time.monotonic() + 16
        while time.monotonic() < until:
            expect(rows).to_have_count(shown)
            expect(page.get_by_role("alert")).to_have_count(0)
            page.wait_for_timeout(500)
        assert failed == [], failed  # nothing asked the server while it was away
        shoot(page, "outage-rows-kept")
    finally:
        server.start()
    during = queued(server)  # changed while the browser was still disconnected
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-status", "live")
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)
    expect(rows.filter(has_text=during["filename"])).to_be_visible()
    expect(rows.filter(has_text=first["filename"])).to_be_visible()
    shoot(page, "outage-recovered")


def test_files_and_audit_filters_live_in_the_address(page: Page, server: Server) -> None:
    prefix = f"URL{uuid.uuid4().hex[:6].upper()}"
    names = [server.report_file(name=f"{prefix}_{i}.mov")["filename"] for i in range(2)]
    login(page, "engineer")
    nav(page, "Files")
    rows = page.get_by_test_id("file-row")
    page.get_by_label("Search", exact=True).fill(prefix)
    expect(page).to_have_url(re.compile(rf"/files\?q={prefix}$"))
    expect(rows).to_have_count(2)
    pick(page, "State", "Detected")
    expect(page).to_have_url(re.compile(rf"/files\?q={prefix}&state=DETECTED$"))
    expect(rows).to_have_count(2)

    page.reload()
    expect(page.get_by_label("Search", exact=True)).to_have_value(prefix)
    expect(page.get_by_role("combobox", name="State")).to_have_text("Detected")
    expect(rows).to_have_count(2)
    for name in names:
        expect(rows.filter(has_text=name)).to_be_visible()

    page.go_back()  # before the state was picked
    expect(page).to_have_url(re.compile(rf"/files\?q={prefix}$"))
    expect(page.get_by_role("combobox", name="State")).to_have_text("All states")
    page.go_forward()
    expect(page.get_by_role("combobox", name="State")).to_have_text("Detected")

    # Opening and closing a file's details keeps the filters.
    rows.filter(has_text=names[0]).get_by_role("link").click()
    expect(page.get_by_test_id("file-details")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/files/\d+\?q={prefix}&state=DETECTED$"))
    page.get_by_role("button", name="Close details").click()
    expect(page).to_have_url(re.compile(rf"/files\?q={prefix}&state=DETECTED$"))
    expect(rows).to_have_count(2)

    # A shared link to the audit log, filtered.
    page.goto(f"/audit?action=REPORT&q={prefix}")
    audit_rows = page.get_by_test_id("audit-row")
    expect(audit_rows).to_have_count(2)
    expect(page.get_by_role("combobox", name="Action")).to_have_text("Report")
    expect(page.get_by_label("Search", exact=True)).to_have_value(prefix)
    pick(page, "Action", "Validate")
    expect(page).to_have_url(re.compile(rf"/audit\?action=VALIDATE&q={prefix}$"))
    expect(page.get_by_text("No entries")).to_be_visible()
    page.go_back()
    expect(audit_rows).to_have_count(2)
    shoot(page, "audit-filters-in-url")


def test_audit_search_finds_an_entry_beyond_the_loaded_50(page: Page, server: Server) -> None:
    needle = server.report_file(name=f"NEEDLE_{uuid.uuid4().hex[:8].upper()}.mov")
    with httpx.Client(base_url=server.base, headers={"X-API-Key": DAEMON_KEY}, timeout=30) as http:
        for i in range(55):  # newer entries push the needle's off the first page
            name = f"HAY_{uuid.uuid4().hex[:8]}_{i}.mov"
            body = http.post(
                "/graphql",
                json={
                    "query": "mutation($i: ReportFileInput!) { reportFile(input: $i) { id } }",
                    "variables": {
                        "i": {"site": "tustin", "path": f"e2e/{name}", "sizeBytes": 1, "sha256": uuid.uuid4().hex * 2}
                    },
                },
            ).json()
            assert not body.get("errors"), body
    login(page, "admin")
    nav(page, "Audit log")
    rows = page.get_by_test_id("audit-row")
    expect(page.get_by_test_id("audit-count")).to_contain_text("Showing 50 of")
    expect(rows.filter(has_text=needle["filename"])).to_have_count(0)  # not among the loaded entries
    page.get_by_label("Search", exact=True).fill(needle["filename"].lower())
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(needle["filename"])
    expect(page.get_by_test_id("audit-count")).to_have_text("Showing 1 of 1")

    # Every action the log records is offered, not a hand-picked few.
    page.get_by_role("combobox", name="Action").click()
    for option in ["Upload completed", "Routing rule created", "Webhook deleted", "Reroute", "Login failed"]:
        expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    shoot(page, "audit-server-search")


def test_content_follows_an_upload_live(page: Page, server: Server) -> None:
    reported = server.report_file()  # 123,456,789 bytes
    login(page, "engineer")
    page.goto(f"/files/{reported['id']}")
    content = page.get_by_test_id("file-content")
    expect(content).to_have_attribute("data-content", "none")
    expect(content).to_have_text("Metadata only (not uploaded)")
    with httpx.Client(base_url=server.base, headers={"X-API-Key": DAEMON_KEY, "Tus-Resumable": "1.0.0"}) as http:
        created = http.post(
            "/uploads/",
            headers={
                "Upload-Length": "123456789",
                "Upload-Metadata": "fileId " + base64.b64encode(reported["id"].encode()).decode(),
            },
        )
        assert created.status_code == 201, created.text
        offset = 0
        for size, shown in [(MIB, "1.0 MB of 123 MB at the hub (0%)"), (2 * MIB, "3.1 MB of 123 MB at the hub (2%)")]:
            answer = http.patch(
                created.headers["location"],
                content=b"\0" * size,
                headers={"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
            )
            assert answer.status_code == 204, answer.text
            offset += size
            expect(content).to_have_attribute("data-content", "uploading")
            expect(page.get_by_test_id("file-content-progress")).to_have_text(f"Uploading: {shown}")
    shoot(page, "content-uploading")
