"""Settings as configuration: routing rules (a rule routes a reported file with no human action), daemon API keys
(the secret is shown once), webhooks (with a real receiver on 127.0.0.1), and who sees what."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DEMO_PASSWORDS, Server, login, shoot
from tests.e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e

# Everything these tests create carries this in its name or URL, so the teardown can remove exactly that.
TAG = "e2e-settings"


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def admin_gql(server: Server, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    with httpx.Client(base_url=server.base, timeout=30) as client:
        for q, v in [
            (
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { id } }",
                {"u": "admin", "p": DEMO_PASSWORDS["admin"]},
            ),
            (query, variables or {}),
        ]:
            body: dict[str, Any] = client.post("/graphql", json={"query": q, "variables": v}).json()
            assert not body.get("errors"), body
        return dict(body["data"])


@pytest.fixture
def cleanup(server: Server) -> Iterator[None]:
    """Rules, keys and webhooks made here are removed (keys revoked) even when a test fails half-way: a leftover
    `*.mov` rule would route the files of every later test."""
    yield
    rules = admin_gql(server, "{ routingRules { id name } }")["routingRules"]
    for rule in rules:
        if TAG in rule["name"]:
            admin_gql(server, "mutation($id: ID!) { deleteRoutingRule(id: $id) }", {"id": rule["id"]})
    keys = admin_gql(server, "{ apiKeys { id name revokedAt } }")["apiKeys"]
    for key in keys:
        if TAG in key["name"] and key["revokedAt"] is None:
            admin_gql(server, "mutation($id: ID!) { revokeApiKey(id: $id) { id } }", {"id": key["id"]})
    subs = admin_gql(server, "{ webhookSubscriptions { id url } }")["webhookSubscriptions"]
    for sub in subs:
        if TAG in sub["url"]:
            admin_gql(server, "mutation($id: ID!) { deleteWebhookSubscription(id: $id) }", {"id": sub["id"]})


def choose(page: Page, scope: Locator, combobox: str, option: str) -> None:
    scope.get_by_role("combobox", name=combobox).click()
    page.get_by_role("option", name=option, exact=True).click()


def open_settings(page: Page, user: str) -> None:
    login(page, user)
    nav(page, "Settings")
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()


def tall(page: Page) -> None:
    """The app scrolls inside <main>: a tall viewport puts every settings section in one screenshot."""
    page.set_viewport_size({"width": 1280, "height": 2400})


def test_admin_routing_rule_routes_a_reported_file(page: Page, server: Server, cleanup: None) -> None:
    name = f"{TAG} tustin mov {uuid.uuid4().hex[:4]}"
    open_settings(page, "admin")
    card = page.get_by_test_id("routing-rules")

    card.get_by_role("button", name="New rule").click()
    dialog = page.get_by_role("dialog", name="New routing rule")
    dialog.get_by_label("Name").fill(name)
    choose(page, dialog, "Source site", "Tustin (tustin)")
    dialog.get_by_label("Pattern").fill("*.mov")
    dialog.get_by_role("checkbox", name="Auto-validate").check()
    dialog.get_by_role("checkbox", name="Auto-queue").check()
    # Said before the request: auto-queue needs somewhere to go.
    dialog.get_by_role("button", name="Create rule").click()
    expect(dialog.get_by_test_id("rule-destination-error")).to_have_text("Auto-queue needs a destination site.")
    expect(dialog.get_by_role("combobox", name="Destination site")).to_have_attribute("aria-invalid", "true")
    choose(page, dialog, "Destination site", "Nashville (nashville)")
    expect(dialog.get_by_test_id("rule-destination-error")).to_have_count(0)
    shoot(page, "settings-rule-dialog")
    dialog.get_by_role("button", name="Create rule").click()
    expect(dialog).to_be_hidden()

    row = card.get_by_test_id("routing-rule-row").filter(has_text=name)
    expect(row).to_contain_text("Tustin")
    expect(row).to_contain_text("*.mov")
    expect(row).to_contain_text("Nashville")
    for effect in ("Validate", "Queue"):
        expect(row.get_by_text(effect, exact=True)).to_be_visible()

    # The server's refusal lands next to the field it names: a second rule with the same name is a CONFLICT.
    card.get_by_role("button", name="New rule").click()
    dialog = page.get_by_role("dialog", name="New routing rule")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_role("button", name="Create rule").click()
    expect(dialog.get_by_test_id("rule-name-error")).to_contain_text("already exists")
    shoot(page, "settings-rule-conflict")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    # Simulate: which rule a path would match, and what it would do.
    choose(page, card, "Site", "Tustin")
    card.get_by_label("Path").fill("A001/A001_C007.mov")
    card.get_by_role("button", name="Simulate").click()
    result = card.get_by_test_id("simulation-result")
    expect(result).to_have_attribute("data-matched", "true")
    expect(result.get_by_test_id("simulation-rule")).to_have_text(name)
    expect(result).to_contain_text("Automatically, for transfer to Nashville (nashville)")
    tall(page)
    shoot(page, "settings-routing-simulated")
    card.get_by_label("Path").fill("A001/A001_C007.wav")
    card.get_by_role("button", name="Simulate").click()
    expect(result).to_have_attribute("data-matched", "false")
    expect(result).to_contain_text("No rule matches")

    # A daemon reports a file at Tustin (the global key, as the seed's daemons): the rule validates and queues it.
    reported = server.report_file(site="tustin")
    nav(page, "Files")
    file_row = page.get_by_test_id("file-row").filter(has_text=reported["filename"])
    expect(file_row).to_contain_text("Queued")
    file_row.get_by_role("link", name=reported["filename"]).click()
    expect(page.get_by_test_id("file-state")).to_have_text("Queued")
    trail = page.get_by_role("list", name="Audit trail")
    expect(trail).to_contain_text(f"routing:{name}")
    shoot(page, "settings-rule-routed-file")
    page.keyboard.press("Escape")

    # Deleting asks first.
    nav(page, "Settings")
    card.get_by_role("button", name=f"Delete {name}").click()
    confirm = page.get_by_role("alertdialog", name="Delete routing rule")
    expect(confirm).to_contain_text(name)
    confirm.get_by_role("button", name="Delete rule").click()
    expect(confirm).to_be_hidden()
    expect(card.get_by_test_id("routing-rule-row").filter(has_text=name)).to_have_count(0)


def test_engineer_edits_reorders_and_toggles_rules_but_sees_no_keys_or_webhooks(
    page: Page, server: Server, cleanup: None
) -> None:
    suffix = uuid.uuid4().hex[:4]
    first, second = f"{TAG} r3d {suffix}", f"{TAG} ari {suffix}"
    open_settings(page, "engineer")
    card = page.get_by_test_id("routing-rules")
    for name, pattern in ((first, "*.r3d"), (second, "*.ari")):
        card.get_by_role("button", name="New rule").click()
        dialog = page.get_by_role("dialog", name="New routing rule")
        dialog.get_by_label("Name").fill(name)
        dialog.get_by_label("Pattern").fill(pattern)
        choose(page, dialog, "Destination site", "Dallas (dallas)")
        dialog.get_by_role("button", name="Create rule").click()
        expect(dialog).to_be_hidden()

    rows = card.get_by_test_id("routing-rule-row")

    def names() -> list[str]:
        return [n for n in rows.evaluate_all("rs => rs.map(r => r.dataset.ruleName)") if suffix in n]

    expect(rows.filter(has_text=second)).to_be_visible()
    assert names() == [first, second]
    card.get_by_role("button", name=f"Move {second} up").click()
    page.wait_for_function(
        "([a, b]) => { const n = [...document.querySelectorAll('[data-testid=routing-rule-row]')]"
        ".map(r => r.dataset.ruleName); return n.indexOf(b) < n.indexOf(a); }",
        arg=[first, second],
    )
    assert names() == [second, first]

    toggle = card.get_by_role("switch", name=f"Rule {first} enabled")
    expect(toggle).to_be_checked()
    toggle.click()
    expect(toggle).not_to_be_checked()

    # Edit: a size range, shown in the table.
    card.get_by_role("button", name=f"Edit {second}").click()
    dialog = page.get_by_role("dialog", name="Edit routing rule")
    expect(dialog.get_by_label("Name")).to_have_value(second)
    dialog.get_by_label("Minimum size").fill("2 GB")
    dialog.get_by_label("Maximum size").fill("1 GB")
    dialog.get_by_role("button", name="Save rule").click()
    expect(dialog.get_by_test_id("rule-min-size-error")).to_have_text("Larger than the maximum.")
    dialog.get_by_label("Maximum size").fill("")
    dialog.get_by_role("button", name="Save rule").click()
    expect(dialog).to_be_hidden()
    expect(rows.filter(has_text=second)).to_contain_text("≥ 2 GB")

    expect(page.get_by_test_id("api-keys")).to_have_count(0)
    expect(page.get_by_test_id("webhooks")).to_have_count(0)
    expect(page.get_by_role("heading", name="Daemon API keys")).to_have_count(0)
    expect(page.get_by_role("heading", name="Webhooks")).to_have_count(0)
    tall(page)
    shoot(page, "settings-engineer")


def test_readonly_user_reads_rules_without_controls(page: Page, server: Server) -> None:
    open_settings(page, "viewer")
    card = page.get_by_test_id("routing-rules")
    expect(card.get_by_role("heading", name="Routing rules")).to_be_visible()
    expect(card.get_by_role("button", name="New rule")).to_have_count(0)
    expect(card.get_by_role("button", name="Simulate")).to_be_visible()
    expect(page.get_by_test_id("api-keys")).to_have_count(0)
    expect(page.get_by_test_id("webhooks")).to_have_count(0)


def test_admin_api_key_secret_is_shown_once_then_revoked(page: Page, server: Server, cleanup: None) -> None:
    name = f"{TAG}-key-{uuid.uuid4().hex[:4]}"
    open_settings(page, "admin")
    card = page.get_by_test_id("api-keys")
    card.get_by_role("button", name="New API key").click()
    dialog = page.get_by_role("dialog", name="New API key")
    dialog.get_by_role("button", name="Create key").click()
    expect(dialog.get_by_test_id("key-site-error")).to_be_visible()
    choose(page, dialog, "Site", "Tustin (tustin)")
    dialog.get_by_label("Name (optional)").fill(name)
    dialog.get_by_role("button", name="Create key").click()

    shown = page.get_by_role("dialog", name="API key created")
    expect(shown).to_contain_text("shown only once")
    secret = shown.get_by_test_id("api-key-secret").inner_text().strip()
    assert len(secret) >= 24, secret
    expect(shown.get_by_role("button", name="Copy")).to_be_visible()
    shoot(page, "settings-api-key-secret")

    # The key works for its daemon (a read any daemon key may make).
    ok = httpx.post(
        f"{server.base}/graphql", json={"query": "{ sites { code } }"}, headers={"X-API-Key": secret}, timeout=30
    ).json()
    assert not ok.get("errors"), ok

    shown.get_by_role("button", name="I have stored it").click()
    expect(shown).to_be_hidden()
    row = card.get_by_test_id("api-key-row").filter(has_text=name)
    expect(row).to_contain_text("Tustin")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text(secret[:12])
    # Once closed, the secret is nowhere on the page.
    assert secret not in page.content()

    row.get_by_role("button", name=f"Revoke {name}").click()
    confirm = page.get_by_role("alertdialog", name="Revoke API key")
    confirm.get_by_role("button", name="Revoke key").click()
    expect(confirm).to_be_hidden()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name=f"Revoke {name}")).to_have_count(0)
    refused = httpx.post(
        f"{server.base}/graphql", json={"query": "{ sites { code } }"}, headers={"X-API-Key": secret}, timeout=30
    )
    body = refused.json()
    assert refused.status_code == 401 or body.get("errors"), body
    shoot(page, "settings-api-key-revoked")


class Receiver:
    """An integrator's endpoint on 127.0.0.1 that checks signatures and answers 200."""

    def __init__(self) -> None:
        self.secret = b""
        self.received: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                expected = "sha256=" + hmac.new(outer.secret, body, hashlib.sha256).hexdigest()
                good = hmac.compare_digest(self.headers.get("X-ColorRoute-Signature", ""), expected)
                if good:
                    outer.received.append(json.loads(body))
                self.send_response(200 if good else 401)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{TAG}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_admin_creates_a_webhook_and_reads_its_delivery_log(page: Page, server: Server, cleanup: None) -> None:
    with Receiver() as receiver:
        open_settings(page, "admin")
        card = page.get_by_test_id("webhooks")
        card.get_by_role("button", name="New webhook").click()
        dialog = page.get_by_role("dialog", name="New webhook")
        dialog.get_by_role("button", name="Create webhook").click()
        expect(dialog.get_by_test_id("webhook-url-error")).to_be_visible()
        expect(dialog).to_contain_text("Choose at least one topic.")

        dialog.get_by_label("URL").fill(receiver.url)
        dialog.get_by_role("button", name="Generate").click()
        secret = dialog.get_by_label("Signing secret").input_value()
        assert len(secret) >= 16
        receiver.secret = secret.encode()
        dialog.get_by_role("checkbox", name="file.state_changed").check()
        dialog.get_by_role("checkbox", name="site.offline").check()
        shoot(page, "settings-webhook-dialog")
        dialog.get_by_role("button", name="Create webhook").click()
        expect(dialog).to_be_hidden()

        row = card.get_by_test_id("webhook-row").filter(has_text=receiver.url)
        expect(row).to_contain_text("file.state_changed")
        expect(row).to_contain_text("site.offline")
        active = row.get_by_role("switch", name=f"Webhook {receiver.url} active")
        expect(active).to_be_checked()

        # An event it asked for: a new file changes state (DETECTED). The dispatcher runs every few seconds.
        server.report_file()
        row.get_by_role("button", name="Deliveries").click()
        log = card.get_by_test_id("webhook-deliveries")
        delivered = log.get_by_test_id("webhook-delivery").and_(page.locator('[data-delivered="true"]'))
        for _ in range(120):  # a minute and more: generous for a loaded machine
            if delivered.count() > 0:
                break
            page.wait_for_timeout(500)
            log.get_by_role("button", name="Refresh").click()
        expect(delivered.first).to_contain_text("file.state_changed")
        expect(delivered.first).to_contain_text("200")
        assert receiver.received and receiver.received[0]["topic"] == "file.state_changed", receiver.received
        tall(page)
        shoot(page, "settings-webhook-deliveries")

        active.click()
        expect(active).not_to_be_checked()
        page.reload()
        expect(
            page.get_by_test_id("webhooks").get_by_role("switch", name=f"Webhook {receiver.url} active")
        ).not_to_be_checked()

        card = page.get_by_test_id("webhooks")
        card.get_by_role("button", name=f"Delete webhook {receiver.url}").click()
        confirm = page.get_by_role("alertdialog", name="Delete webhook")
        confirm.get_by_role("button", name="Delete webhook").click()
        expect(confirm).to_be_hidden()
        expect(card.get_by_test_id("webhook-row").filter(has_text=receiver.url)).to_have_count(0)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_settings_with_content_look_right_in_both_themes(page: Page, server: Server, cleanup: None, theme: str) -> None:
    """Every section filled in, screenshotted and checked by axe in each theme."""
    suffix = uuid.uuid4().hex[:4]
    admin_gql(
        server,
        "mutation($i: RoutingRuleInput!) { createRoutingRule(input: $i) { id } }",
        {
            "i": {
                "name": f"{TAG} look {suffix}",
                "sourceSite": "tustin",
                "pattern": "*.r3d",
                "destinationSite": "nashville",
                "autoValidate": True,
                "autoQueue": True,
                "autoAssign": "LEAST_LOADED",
                "minSizeBytes": 1_000_000,
            }
        },
    )
    admin_gql(
        server,
        "mutation($i: RoutingRuleInput!) { createRoutingRule(input: $i) { id } }",
        {"i": {"name": f"{TAG} off {suffix}", "pattern": "*.wav", "enabled": False}},
    )
    admin_gql(
        server,
        "mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id } }",
        {"i": {"url": f"http://127.0.0.1:9/{TAG}/{suffix}", "secret": "x" * 20, "topics": ["site.offline"]}},
    )
    admin_gql(server, 'mutation { createApiKey(site: "nashville", name: "' + f"{TAG}-look-{suffix}" + '") { secret } }')
    open_settings(page, "admin")
    page.get_by_role("radio", name="Light" if theme == "light" else "Dark").click()
    card = page.get_by_test_id("routing-rules")
    choose(page, card, "Site", "Tustin")
    card.get_by_label("Path").fill("B002/B002_C001.r3d")
    card.get_by_label("Size (optional)").fill("4 GB")
    card.get_by_role("button", name="Simulate").click()
    expect(card.get_by_test_id("simulation-assign")).to_contain_text(re.compile("right now"))
    webhooks = page.get_by_test_id("webhooks")
    paused = webhooks.get_by_role("switch").last
    paused.click()  # one paused subscription
    expect(paused).not_to_be_checked()
    expect(paused).to_be_enabled()
    webhooks.get_by_role("button", name="Deliveries").last.click()
    expect(webhooks.get_by_test_id("webhook-deliveries")).to_contain_text("Nothing delivered yet")
    tall(page)
    page.wait_for_load_state("networkidle")
    shoot(page, f"settings-admin-{theme}")
    problems = [f"{v['impact']} {v['id']} at {v['targets']}" for v in violations(page)]
    assert not problems, "\n".join(problems)

    card.get_by_role("button", name=re.compile(f"^Edit {TAG} look {suffix}")).click()
    expect(page.get_by_role("dialog", name="Edit routing rule")).to_be_visible()
    shoot(page, f"settings-rule-edit-{theme}")
    problems = [f"{v['impact']} {v['id']} at {v['targets']}" for v in violations(page)]
    assert not problems, "\n".join(problems)
