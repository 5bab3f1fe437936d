"""axe-core (from the frontend's node_modules, no network) over every page: no serious or critical violations."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, Server, login, shoot

pytestmark = pytest.mark.e2e

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.skip("axe-core not installed (npm ci in frontend/)")
    page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
             const r = await axe.run(document, { resultTypes: ["violations"] });
             return r.violations
               .filter(v => v.impact === "serious" || v.impact === "critical")
               .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }));
           }"""
    )
    return result


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_pages_have_no_serious_accessibility_violations(page: Page, server: Server, theme: str) -> None:
    page.goto("/")
    if theme == "light":
        page.evaluate("localStorage.setItem('colorroute.theme', 'light')")
        page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    found = {"login": violations(page)}
    login(page, "admin")
    reported = server.report_file()
    for name, link in [
        ("dashboard", "Dashboard"),
        ("files", "Files"),
        ("transfers", "Transfers"),
        ("sites", "Sites"),
        ("users", "Users"),
        ("audit", "Audit log"),
        ("settings", "Settings"),
    ]:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        found[name] = violations(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Files").click()
    page.get_by_test_id("file-row").filter(has_text=reported["filename"]).get_by_role("link").click()
    expect(page.get_by_test_id("file-details")).to_be_visible()
    found["file-details"] = violations(page)
    shoot(page, f"a11y-{theme}")
    problems = [f"{name}: {v['impact']} {v['id']} at {v['targets']}" for name, vs in found.items() for v in vs]
    assert not problems, "\n".join(problems)
