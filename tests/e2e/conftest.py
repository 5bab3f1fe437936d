"""Browser end-to-end fixtures: a real orchestrator (embedded PostgreSQL, demo data, the built UI) on 127.0.0.1
and Debian's Chromium driven by Python Playwright. Nothing here downloads a browser."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("COLORROUTE_FRONTEND_DIST", ROOT / "frontend" / "dist"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DAEMON_KEY = "e2e-daemon-key-" + "0123456789abcdef"
BIN = Path(sys.executable).parent

DEMO_PASSWORDS = {
    "admin": "admin-demo-pass",
    "engineer": "engineer-demo-pass",
    "alice": "alice-demo-pass",
    "bob": "bob-demo-pass",
    "viewer": "viewer-demo-pass",
}


class Server:
    """`colorroute serve` in a subprocess, with its own data dir (embedded PostgreSQL + demo data)."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "COLORROUTE_DATA_DIR": str(data_dir),
            "COLORROUTE_FRONTEND_DIST": str(DIST),
            "DAEMON_API_KEY": DAEMON_KEY,
        }
        self.env.pop("DATABASE_URL", None)
        self.log_path = data_dir / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def seed(self) -> None:
        subprocess.run([_tool("colorroute"), "seed-demo"], env=self.env, check=True, capture_output=True, timeout=180)

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [_tool("colorroute"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call the API as the daemons do: X-API-Key, JSON POST, no cookie."""
        r = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-API-Key": DAEMON_KEY},
            timeout=30,
        )
        body: dict[str, Any] = r.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def report_file(self, site: str = "tustin", name: str | None = None) -> dict[str, Any]:
        """Report a new file (as the site daemon would) and return it."""
        filename = name or f"E2E_{uuid.uuid4().hex[:8].upper()}.mov"
        data = self.gql(
            """mutation($input: ReportFileInput!) {
                 reportFile(input: $input) { id filename state version }
               }""",
            {
                "input": {
                    "site": site,
                    "path": f"e2e/{filename}",
                    "sizeBytes": 123_456_789,
                    "sha256": hashlib.sha256(filename.encode()).hexdigest(),
                    "reportId": uuid.uuid4().hex,
                }
            },
        )
        return dict(data["reportFile"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    if not (DIST / "index.html").exists():
        pytest.skip(f"UI not built ({DIST}/index.html missing): run `make ui`")
    # A short path: the embedded PostgreSQL puts its unix socket under the data dir.
    data_dir = Path(tempfile.mkdtemp(prefix="cre", dir="/tmp"))
    srv = Server(data_dir, _free_port())
    try:
        srv.seed()
        srv.start()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: `apt-get install chromium` (make chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    with contextlib.suppress(Exception):
        shoot(page, f"{request.node.name}-final")
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def shoot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, username: str, password: str | None = None) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-status", "live")
