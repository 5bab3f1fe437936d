"""A stalled transfer shows itself live (the server's stalled flag, "last progress N ago", no stale rate/ETA), and
an engineer re-routes a transfer that failed for the wrong destination from the file panel.

Its own orchestrator: a 3 s stall warning (the lease far away), so the badge appears within seconds."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server, _free_port, login, shoot

pytestmark = pytest.mark.e2e

PROGRESS = """mutation($id: ID!, $b: BigInt!) {
  reportTransferProgress(transferId: $id, bytesTransferred: $b, rateBytesPerSecond: 26300000) { id } }"""


@pytest.fixture(scope="module")
def stall_server(server: Server) -> Iterator[Server]:  # `server`: the UI build check and the session's order
    data_dir = Path(tempfile.mkdtemp(prefix="crs", dir="/tmp"))
    srv = Server(data_dir, _free_port())
    srv.env |= {"COLORROUTE_TRANSFER_STALL_WARN_SECONDS": "3", "COLORROUTE_TRANSFER_STALL_SECONDS": "600"}
    try:
        srv.seed()
        srv.start()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def stall_page(browser: Browser, stall_server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=stall_server.base, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    with contextlib.suppress(Exception):
        shoot(page, "stall-final")
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def _running(server: Server) -> tuple[str, str, int]:
    reported = server.report_file()
    with server.as_user("admin") as admin:
        admin.advance(reported["id"], "TRANSFERRING")
    job = server.gql(
        "query($id: ID!) { file(id: $id) { transfers { id status bytesTotal } } }", {"id": reported["id"]}
    )["file"]["transfers"][-1]
    assert job["status"] == "RUNNING"
    return reported["id"], job["id"], int(job["bytesTotal"])


def test_an_agent_that_stops_at_76_percent_shows_stalled_live_then_recovers(
    stall_page: Page, stall_server: Server
) -> None:
    page, server = stall_page, stall_server
    _, tid, total = _running(server)
    login(page, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Transfers", exact=True).click()
    row = page.get_by_test_id("transfer-row").and_(page.locator(f'[data-transfer-id="{tid}"]'))
    expect(row).to_be_visible()
    server.gql(PROGRESS, {"id": tid, "b": total * 76 // 100})  # ...and then the agent is killed
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "76", timeout=5_000)
    # No reload: the server's sweep pushes the stall to the page.
    expect(row.get_by_test_id("transfer-stalled")).to_be_visible(timeout=20_000)
    expect(row).to_contain_text("Running")
    expect(row.get_by_test_id("last-progress")).to_contain_text("last progress")
    expect(row).not_to_contain_text("26.3 MB/s")  # the last rate is not shown as current, nor an ETA from it
    shoot(page, "transfer-stalled")

    server.gql(PROGRESS, {"id": tid, "b": total * 80 // 100})  # bytes move again
    expect(row.get_by_test_id("transfer-stalled")).to_have_count(0, timeout=5_000)
    expect(row).to_contain_text("26.3 MB/s")


def test_a_transfer_failed_for_the_wrong_destination_is_rerouted_from_the_file_panel(
    stall_page: Page, stall_server: Server
) -> None:
    page, server = stall_page, stall_server
    fid, tid, _ = _running(server)
    server.gql('mutation($id: ID!) { failTransfer(transferId: $id, error: "wrong destination") { id } }', {"id": tid})
    login(page, "engineer")
    page.goto(f"/files/{fid}")
    panel = page.get_by_test_id("file-details")
    expect(panel.get_by_test_id("file-state")).to_contain_text("Queued")
    jobs = panel.get_by_test_id("file-transfer")
    expect(jobs).to_have_count(1)
    expect(jobs.first.get_by_role("button", name="Retry")).to_be_visible()  # retry is offered here too

    panel.get_by_role("button", name="Re-route").click()
    dialog = page.get_by_role("dialog", name="Re-route file")
    dialog.get_by_role("combobox", name="New destination site").click()
    expect(page.get_by_role("option")).to_have_text(["Dallas (dallas)"])  # not its own site, not nashville again
    page.get_by_role("option", name="Dallas (dallas)").click()
    dialog.get_by_label("Reason").fill("graded in Dallas")
    dialog.get_by_role("button", name="Re-route").click()
    expect(dialog).to_have_count(0)

    expect(jobs).to_have_count(2)
    expect(jobs.first).to_contain_text("tustin → dallas")
    expect(jobs.first).to_contain_text("Pending")
    expect(jobs.nth(1)).to_contain_text("tustin → nashville")
    expect(jobs.nth(1)).to_contain_text("Failed")
    expect(panel.get_by_role("button", name="Retry")).to_have_count(0)  # only the latest ended job is retryable
    expect(panel.get_by_label("Audit trail").get_by_role("listitem").first).to_contain_text("engineerReroute")
    shoot(page, "file-rerouted")
