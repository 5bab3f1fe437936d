"""Paged lists in a real browser: "Load more" on Files, Transfers and the Audit log over more rows than one page
(seeded through the API as the daemons and operators would), and live events landing in the right place while
several pages are loaded: new rows on top exactly once, changed rows in place, rows that stop matching gone."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DAEMON_KEY, Server, UserApi, login, shoot

pytestmark = pytest.mark.e2e

PAGE = 50  # the UI's page size (frontend/src/hooks/use-data.ts PAGE_SIZE)

REPORT = """mutation($input: ReportFileInput!) { reportFile(input: $input) { id filename state } }"""


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def report_many(server: Server, prefix: str, count: int) -> list[dict[str, Any]]:
    """Report ``count`` new files at Tustin as its daemon would (one connection); oldest first."""
    out: list[dict[str, Any]] = []
    with httpx.Client(base_url=server.base, headers={"X-API-Key": DAEMON_KEY}, timeout=30) as http:
        for i in range(count):
            name = f"{prefix}_{i:03d}.mxf"
            variables = {
                "input": {
                    "site": "tustin",
                    "path": f"e2e/{prefix}/{name}",
                    "sizeBytes": 1_000_000 + i,
                    "sha256": hashlib.sha256(name.encode()).hexdigest(),
                    "reportId": uuid.uuid4().hex,
                }
            }
            body = http.post("/graphql", json={"query": REPORT, "variables": variables}).json()
            assert not body.get("errors"), body
            out.append(body["data"]["reportFile"])
    return out


def ids(rows: Locator, attribute: str) -> list[str]:
    values: list[str] = rows.evaluate_all(f"rows => rows.map(r => r.getAttribute('{attribute}'))")
    return values


def load_everything(page: Page, count: Locator, total: int) -> None:
    """Click "Load more" until the list is complete, checking the count after every page."""
    shown = min(PAGE, total)
    expect(count).to_have_text(f"Showing {shown} of {total}")
    more = page.get_by_role("button", name="Load more")
    while shown < total:
        more.click()
        shown = min(shown + PAGE, total)
        expect(count).to_have_text(f"Showing {shown} of {total}")
    expect(more).to_have_count(0)


def test_files_load_more_has_no_duplicates_and_live_updates_land_on_loaded_pages(page: Page, server: Server) -> None:
    prefix = f"PG{uuid.uuid4().hex[:6].upper()}"
    files = report_many(server, prefix, 2 * PAGE + 20)
    newest_first = [f["id"] for f in reversed(files)]
    login(page, "engineer")
    nav(page, "Files")
    page.get_by_label("Search", exact=True).fill(prefix)
    rows = page.get_by_test_id("file-row")
    count = page.get_by_test_id("files-count")
    expect(count).to_have_text("Showing 50 of 120")
    expect(rows).to_have_count(PAGE)
    assert ids(rows, "data-file-id") == newest_first[:PAGE]

    # A file reported while only the first page is loaded goes on top; the next pages still follow on exactly.
    (first_live,) = report_many(server, f"{prefix}_LIVE_A", 1)
    expect(count).to_have_text("Showing 51 of 121")
    expect(rows.first).to_contain_text(first_live["filename"])
    more = page.get_by_role("button", name="Load more")
    more.click()
    expect(count).to_have_text("Showing 101 of 121")
    count.scroll_into_view_if_needed()
    shoot(page, "files-two-pages")
    more.click()
    expect(count).to_have_text("Showing 121 of 121")
    expect(more).to_have_count(0)
    expect(rows).to_have_count(121)
    assert ids(rows, "data-file-id") == [first_live["id"], *newest_first]

    # With three pages loaded: a new file lands on top once; the oldest file (last page) changes state in place.
    (second_live,) = report_many(server, f"{prefix}_LIVE_B", 1)
    expect(count).to_have_text("Showing 122 of 122")
    expect(rows.first).to_contain_text(second_live["filename"])
    oldest = files[0]
    with server.as_user("admin") as admin:
        admin.advance(oldest["id"], "VALIDATED")
    expect(rows.last).to_contain_text(oldest["filename"])
    expect(rows.last).to_contain_text("Validated")
    expect(rows).to_have_count(122)
    got = ids(rows, "data-file-id")
    assert got == [second_live["id"], first_live["id"], *newest_first]
    assert len(set(got)) == len(got)
    count.scroll_into_view_if_needed()
    shoot(page, "files-all-pages-live")

    # Narrowed to Detected, the server answers afresh; a file on the last page that stops matching leaves the list.
    page.get_by_role("combobox", name="State").click()
    page.get_by_role("option", name="Detected", exact=True).click()
    load_everything(page, count, 121)
    leaving = files[1]
    expect(rows.last).to_contain_text(leaving["filename"])
    with server.as_user("admin") as admin:
        admin.advance(leaving["id"], "VALIDATED")
    expect(count).to_have_text("Showing 120 of 120")
    expect(rows.filter(has_text=leaving["filename"])).to_have_count(0)
    expect(rows.last).to_contain_text(files[2]["filename"])
    assert len(set(ids(rows, "data-file-id"))) == 120


def queue_many(server: Server, prefix: str, count: int) -> list[tuple[str, str]]:
    """Validate and queue new files to Nashville: each gets a PENDING transfer job. Returns (file id, job id) pairs,
    oldest first."""
    files = report_many(server, prefix, count)
    with server.as_user("engineer") as engineer:
        return [(f["id"], queue(engineer, f["id"])) for f in files]


def queue(api: UserApi, file_id: str) -> str:
    api.gql("mutation($id: ID!) { validateFile(id: $id) { id } }", {"id": file_id})
    data = api.gql(
        'mutation($id: ID!) { queueFile(id: $id, destinationSite: "nashville") { transfers { id status } } }',
        {"id": file_id},
    )
    return str(data["queueFile"]["transfers"][-1]["id"])


def all_transfer_ids(server: Server) -> list[str]:
    data = server.gql("{ transfers(first: 500) { totalCount edges { node { id } } } }")["transfers"]
    assert data["totalCount"] == len(data["edges"]), "more transfers than one API page"
    return [e["node"]["id"] for e in data["edges"]]


def test_transfers_load_more_and_live_changes_on_the_second_page(page: Page, server: Server) -> None:
    prefix = f"TQ{uuid.uuid4().hex[:6].upper()}"
    jobs = queue_many(server, prefix, PAGE + 10)
    expected = all_transfer_ids(server)
    login(page, "engineer")
    nav(page, "Transfers")
    rows = page.get_by_test_id("transfer-row")
    count = page.get_by_test_id("transfers-count")
    load_everything(page, count, len(expected))
    assert ids(rows, "data-transfer-id") == expected

    # The oldest of ours is on the last page: its job starts and fails there, in place (as Nashville's agent).
    file_id, job_id = jobs[0]
    oldest = rows.and_(page.locator(f'[data-transfer-id="{job_id}"]'))
    expect(oldest).to_contain_text("Pending")
    server.gql("mutation($id: ID!) { startTransfer(id: $id) { id } }", {"id": file_id})
    expect(oldest).to_contain_text("Running")
    server.gql(
        'mutation($id: ID!) { failTransfer(transferId: $id, error: "e2e: destination disk full") { id } }',
        {"id": job_id},
    )
    expect(oldest).to_contain_text("Failed")
    expect(oldest).to_contain_text("e2e: destination disk full")
    # A newly queued file's job goes on top, once.
    (newest_file,) = report_many(server, f"{prefix}_LIVE", 1)
    with server.as_user("engineer") as engineer:
        newest_job = queue(engineer, newest_file["id"])
    expect(count).to_have_text(f"Showing {len(expected) + 1} of {len(expected) + 1}")
    expect(rows.first).to_have_attribute("data-transfer-id", newest_job)
    got = ids(rows, "data-transfer-id")
    assert got == [newest_job, *expected]
    count.scroll_into_view_if_needed()
    shoot(page, "transfers-all-pages-live")


def test_audit_log_load_more_and_a_live_entry_with_all_pages_loaded(page: Page, server: Server) -> None:
    prefix = f"AU{uuid.uuid4().hex[:6].upper()}"
    report_many(server, prefix, PAGE + 10)
    query = '{ audit(action: "REPORT", first: 500) { totalCount edges { node { id } } } }'
    data = server.gql(query)["audit"]
    assert data["totalCount"] == len(data["edges"]) > PAGE
    expected = [e["node"]["id"] for e in data["edges"]]

    login(page, "admin")
    nav(page, "Audit log")
    page.get_by_role("combobox", name="Action").click()
    page.get_by_role("option", name="Report", exact=True).click()
    rows = page.get_by_test_id("audit-row")
    count = page.get_by_test_id("audit-count")
    load_everything(page, count, len(expected))
    assert ids(rows, "data-audit-id") == expected

    (live,) = report_many(server, f"{prefix}_LIVE", 1)
    expect(count).to_have_text(f"Showing {len(expected) + 1} of {len(expected) + 1}")
    expect(rows.first).to_contain_text(live["filename"])
    got = ids(rows, "data-audit-id")
    assert got[1:] == expected and len(set(got)) == len(got)
    count.scroll_into_view_if_needed()
    shoot(page, "audit-all-pages-live")
