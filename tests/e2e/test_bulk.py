"""Bulk actions in a real browser: select all files a search matches, validate them at once, then tick the 50
shown and queue them to one destination; each file gets its own audited step."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, login, shoot

pytestmark = pytest.mark.e2e

FILES = """query($f: FileFilter) { files(filter: $f, first: 100) {
  totalCount edges { node { id state destinationSite { code } auditTrail { action actor } } } } }"""


def test_bulk_validate_then_queue_fifty_files(page: Page, server: Server) -> None:
    tag = f"BULK{uuid.uuid4().hex[:6].upper()}"
    for i in range(55):
        server.report_file(name=f"{tag}_{i:02}.mov")
    login(page, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files", exact=True).click()
    page.get_by_label("Search").fill(tag)
    # The search is applied (debounced) once the server's total is the 55: ticking before that would tick the
    # unfiltered list, and the new filter then rightly clears the selection.
    expect(page.get_by_test_id("files-count")).to_have_text("Showing 50 of 55")
    expect(page.get_by_test_id("file-row")).to_have_count(50)  # one page of the 55

    # All matching: the server resolves the search, so the 5 not yet loaded are validated too.
    page.get_by_role("checkbox", name="Select all shown files").click()
    expect(page.get_by_test_id("bulk-count")).to_have_text("50 selected")
    page.get_by_role("button", name="Select all 55 matching").click()
    expect(page.get_by_test_id("bulk-count")).to_have_text("55 selected")
    page.get_by_role("group", name="Bulk actions").get_by_role("button", name="Validate").click()
    expect(page.get_by_test_id("bulk-result")).to_have_text("55 validated", timeout=60_000)
    expect(page.get_by_test_id("bulk-toolbar").get_by_test_id("bulk-count")).to_have_count(0)
    # The answer's files join the list, the 5 that were not loaded included.
    expect(page.get_by_test_id("file-row").filter(has_text="Validated")).to_have_count(55)

    # 50 of them, ticked on this page (all shown, less five unticked by hand), queued to Nashville.
    page.get_by_role("checkbox", name="Select all shown files").click()
    expect(page.get_by_test_id("bulk-count")).to_have_text("55 selected")
    for i in range(50, 55):
        page.get_by_role("checkbox", name=f"Select {tag}_{i:02}.mov").click()
    expect(page.get_by_test_id("bulk-count")).to_have_text("50 selected")
    page.get_by_role("button", name="Queue…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Destination site").click()
    page.get_by_role("option", name="Nashville (nashville)").click()
    dialog.get_by_role("button", name="Queue", exact=True).click()
    expect(page.get_by_test_id("bulk-result")).to_have_text("50 queued", timeout=60_000)
    expect(page.get_by_test_id("file-row").filter(has_text="Queued")).to_have_count(50)
    expect(page.get_by_test_id("file-row").filter(has_text="Validated")).to_have_count(5)
    shoot(page, "bulk-queued")

    with server.as_user("engineer") as api:
        nodes = [e["node"] for e in api.gql(FILES, {"f": {"search": tag}})["files"]["edges"]]
    assert len(nodes) == 55
    queued = [n for n in nodes if n["state"] == "QUEUED"]
    assert len(queued) == 50 and {n["destinationSite"]["code"] for n in queued} == {"nashville"}
    left = [n for n in nodes if n["state"] != "QUEUED"]
    assert {n["state"] for n in left} == {"VALIDATED"}
    for n in queued:  # one audited step per file and action, by the engineer
        assert [(a["action"], a["actor"]) for a in n["auditTrail"]][1:] == [
            ("VALIDATE", "engineer"),
            ("QUEUE", "engineer"),
        ]


def test_bulk_refusals_are_listed_per_file(page: Page, server: Server) -> None:
    tag = f"BULKR{uuid.uuid4().hex[:6].upper()}"
    ids = [server.report_file(name=f"{tag}_{i}.mov")["id"] for i in range(3)]
    with server.as_user("engineer") as api:
        api.gql("mutation($id: ID!) { validateFile(id: $id) { id } }", {"id": ids[0]})
    login(page, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files", exact=True).click()
    page.get_by_label("Search").fill(tag)
    expect(page.get_by_test_id("files-count")).to_have_text("Showing 3 of 3")
    expect(page.get_by_test_id("file-row")).to_have_count(3)
    page.get_by_role("checkbox", name="Select all shown files").click()
    page.get_by_role("group", name="Bulk actions").get_by_role("button", name="Validate").click()
    expect(page.get_by_test_id("bulk-result")).to_contain_text("2 validated · 1 failed")
    expect(page.get_by_test_id("bulk-failure")).to_contain_text(f"File {ids[0]}: INVALID_TRANSITION")
