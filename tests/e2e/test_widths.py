"""The UI at a phone's width and at 1024 px: the file details panel is on-screen at 390 px and nothing but a table
(inside its own container) scrolls sideways; at 1024 px the Files and Transfers tables show every column they keep
without clipping (lower-value columns are hidden below 1280 px, so the tables need no sideways scroll)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, login, shoot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

#: How far content reaches beyond the page's own width (0: nothing scrolls sideways but tables in their box).
PAGE_OVERFLOW = """() => {
  const main = document.getElementById('main');
  return Math.max(main.scrollWidth - main.clientWidth, document.documentElement.scrollWidth - window.innerWidth);
}"""

#: Each table's box, its visible header cells' boxes, and whether the box scrolls sideways; ``end``: scrolled to
#: its right end first (what a scrolling table shows there).
TABLE_BOXES = """([label, end]) => {
  const table = document.querySelector(`table[aria-label="${label}"]`);
  const box = table.parentElement;
  if (end) box.scrollLeft = box.scrollWidth;
  const outer = box.getBoundingClientRect();
  const cells = [...table.querySelectorAll('thead th')]
    .filter((th) => getComputedStyle(th).display !== 'none')
    .map((th) => { const r = th.getBoundingClientRect(); return [th.textContent, r.left, r.right]; });
  return { left: outer.left, right: outer.right, scrolls: box.scrollWidth > box.clientWidth,
           overflowX: getComputedStyle(box).overflowX, cells };
}"""


@pytest.mark.parametrize("path", ["/", "/files", "/transfers", "/audit", "/sites", "/settings"])
def test_phone_width_pages_do_not_scroll_sideways(page: Page, path: str) -> None:
    login(page, "engineer")
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Open menu")).to_be_visible()  # the sidebar folds into a menu
    page.wait_for_load_state("networkidle")
    assert page.evaluate(PAGE_OVERFLOW) <= 1
    shoot(page, f"phone{path.replace('/', '-') or '-dashboard'}")


def test_phone_width_details_panel_is_on_screen_and_closes(page: Page, server: Server) -> None:
    reported = server.report_file()
    login(page, "engineer")
    page.set_viewport_size(PHONE)
    page.goto("/files")
    page.get_by_test_id("file-row").filter(has_text=reported["filename"]).get_by_role("link").click()
    panel = page.get_by_test_id("file-details")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-file-id", reported["id"])
    dialog = page.get_by_role("dialog")
    box = dialog.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box  # a full-width sheet
    assert box["width"] >= PHONE["width"] - 1, box
    close = page.get_by_role("button", name="Close details")
    close_box = close.bounding_box()
    assert close_box is not None and 0 <= close_box["x"] and close_box["x"] + close_box["width"] <= PHONE["width"]
    expect(panel.get_by_test_id("file-state")).to_be_in_viewport()
    shoot(page, "phone-details")
    close.click()
    expect(panel).to_have_count(0)
    assert page.url.endswith("/files")

    # The menu opens the whole navigation over the page.
    page.get_by_role("button", name="Open menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Transfers", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Transfers")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)  # it closed on the way


@pytest.mark.parametrize(
    ("path", "label", "row", "must_fit"),
    [("/files", "Files", "file-row", True), ("/transfers", "Transfers", "transfer-row", False)],
)
def test_1024_tables_show_their_columns_unclipped(
    page: Page, server: Server, path: str, label: str, row: str, must_fit: bool
) -> None:
    """Files rows are alike: the table fits. A transfer row's action buttons vary (a running job has several):
    that table fits as a rule, and when a row needs more it scrolls in its box with nothing cut off."""
    # The widest row the page can meet: a long camera-original name, a colorist, a route (earlier tests on the
    # shared server leave such rows; this one makes the check independent of which ran before).
    server.report_file(name=f"A003_C012_0523XY_PROXY_WITH_A_LONG_NAME_{uuid.uuid4().hex[:8].upper()}.mov")
    login(page, "engineer")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(path)
    expect(page.get_by_test_id(row).first).to_be_visible()
    boxes = page.evaluate(TABLE_BOXES, [label, False])
    assert boxes["overflowX"] == "auto"  # narrower still, the table scrolls in its own box
    names = [c[0] for c in boxes["cells"]]
    assert not (must_fit and boxes["scrolls"]), boxes
    if boxes["scrolls"]:
        # Only when a row needs more room than usual (several action buttons): its box scrolls, and scrolled to its
        # end the last column is whole inside it.
        name, left, right = page.evaluate(TABLE_BOXES, [label, True])["cells"][-1]
        assert right <= boxes["right"] + 0.5, (name, left, right, boxes)
    else:
        for name, left, right in boxes["cells"]:
            assert boxes["left"] - 0.5 <= left and right <= boxes["right"] + 0.5, (name, left, right, boxes)
    assert ("State" if label == "Files" else "Progress") in names
    assert page.evaluate(PAGE_OVERFLOW) <= 1
    shoot(page, f"1024-{label.lower()}")
