"""Layout regressions that only a real browser shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shoot

pytestmark = pytest.mark.e2e

# Absolutely positioned elements whose containing block is the viewport, lying below the fold.
OVERHANG = """() => [...document.querySelectorAll('*')]
  .filter((el) => getComputedStyle(el).position === 'absolute'
    && el.getBoundingClientRect().bottom > window.innerHeight + 1
    && !document.getElementById('main').contains(el.offsetParent))
  .map((el) => `${el.tagName.toLowerCase()} ${el.getAttribute('aria-hidden') ? '(hidden) ' : ''}`
    + `${Math.round(el.getBoundingClientRect().bottom)}px`)"""


@pytest.mark.parametrize("path", ["/settings", "/files", "/transfers", "/audit", "/sites"])
def test_only_the_page_scrolls_not_the_window(page: Page, path: str) -> None:
    """The shell is one screen tall and the page scrolls inside it. A Radix Select below the fold (its hidden native
    <select> is absolutely positioned) used to hang off the document, so the window scrolled too, into empty space
    (seen on Settings as a readonly viewer: the routing simulator's site picker)."""
    login(page, "viewer")
    page.goto(path)
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-status", "live")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(OVERHANG) == []
    assert page.evaluate("document.documentElement.scrollHeight") == page.evaluate("window.innerHeight")
    shoot(page, f"layout{path.replace('/', '-')}")
