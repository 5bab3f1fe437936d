"""Browser end-to-end fixtures: a real orchestrator (embedded PostgreSQL, demo data, the built UI) on 127.0.0.1
and Debian's Chromium driven by Python Playwright. Nothing here downloads a browser."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
MAM_SECRET = "e2e-mam-secret-" + "0123456789abcdef"
BIN = Path(sys.executable).parent

DEMO_PASSWORDS = {
    "admin": "admin-demo-pass",
    "engineer": "engineer-demo-pass",
    "alice": "alice-demo-pass",
    "bob": "bob-demo-pass",
    "viewer": "viewer-demo-pass",
}


class StubMam:
    """The MAM: a real HTTP server on 127.0.0.1 that checks the orchestrator's signature and answers with an asset
    id, or HTTP 500 for the file ids in ``failing`` (a test adds a file to fail its delivery, removes it to recover)."""

    def __init__(self) -> None:
        self.failing: set[str] = set()
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                expected = "sha256=" + hmac.new(MAM_SECRET.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(self.headers.get("X-ColorRoute-Signature", ""), expected):
                    self._answer(401, {"error": "bad signature"})
                    return
                payload = json.loads(body)
                file_id = str(payload["fileId"])
                if file_id in outer.failing:
                    outer.refused.append(file_id)
                    self._answer(500, {"error": "MAM storage offline"})
                    return
                outer.received.append(payload)
                self._answer(200, {"assetId": f"MAM-E2E-{file_id}"})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/assets"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Server:
    """`colorroute serve` in a subprocess, with its own data dir (embedded PostgreSQL + demo data)."""

    def __init__(self, data_dir: Path, port: int, mam_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "COLORROUTE_DATA_DIR": str(data_dir),
            "COLORROUTE_FRONTEND_DIST": str(DIST),
            "DAEMON_API_KEY": DAEMON_KEY,
            "COLORROUTE_WEBHOOK_ALLOW_PRIVATE": "127.0.0.0/8",  # the webhook receiver listens on loopback
        }
        if mam_url:
            # One quick retry: a failing MAM answers the click within a second.
            self.env |= {
                "COLORROUTE_MAM_URL": mam_url,
                "COLORROUTE_MAM_SECRET": MAM_SECRET,
                "COLORROUTE_MAM_RETRIES": "1",
                "COLORROUTE_MAM_BACKOFF_SECONDS": "0.05",
                "COLORROUTE_MAM_TIMEOUT_SECONDS": "5",
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
                 reportFile(input: $input) { id filename state version sha256 }
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

    def as_user(self, username: str) -> UserApi:
        """A cookie session of a demo user, for setting up what a test needs without the UI."""
        return UserApi(self, username)


class UserApi:
    """A signed-in HTTP client (cookie session), like the browser's but driven from the test."""

    def __init__(self, server: Server, username: str) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base, timeout=30)
        self.gql(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { id } }",
            {"u": username, "p": DEMO_PASSWORDS[username]},
        )

    def __enter__(self) -> UserApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.http.close()

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = self.http.post("/graphql", json={"query": query, "variables": variables or {}}).json()
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])

    def user_id(self, username: str) -> str:
        users = self.gql("{ users { id username } }")["users"]
        return str(next(u["id"] for u in users if u["username"] == username))

    def advance(self, file_id: str, to_state: str, colorist: str = "alice") -> dict[str, Any]:
        """Take a DETECTED file through the lifecycle until it is in ``to_state``: this user routes and grades,
        Nashville's agent (the daemon key) starts and completes the HUB transfer with the file's hash, as only
        it may."""
        sha = self.gql("query($id: ID!) { file(id: $id) { sha256 } }", {"id": file_id})["file"]["sha256"]
        steps = [
            ("VALIDATED", "validateFile(id: $id)", self.gql),
            ("QUEUED", 'queueFile(id: $id, destinationSite: "nashville")', self.gql),
            ("TRANSFERRING", "startTransfer(id: $id)", self.server.gql),
            ("TRANSFERRED", f'completeTransfer(id: $id, sha256: "{sha}")', self.server.gql),
            ("COLORIST_ASSIGNED", "assignColorist(id: $id, coloristId: $c)", self.gql),
            ("IN_PROGRESS", "startWork(id: $id)", self.gql),
        ]
        for target, call, run in steps:
            variables: dict[str, Any] = {"id": file_id}
            if "$c" in call:
                variables["c"] = self.user_id(colorist)
            args = ", ".join(f"${k}: ID!" for k in variables)
            data = run(f"mutation({args}) {{ f: {call} {{ id state version }} }}", variables)
            assert data["f"]["state"] == target, data
            if target == to_state:
                return dict(data["f"])
        raise AssertionError(f"no step reaches {to_state}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


@pytest.fixture(scope="session")
def mam() -> Iterator[StubMam]:
    stub = StubMam()
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def server(mam: StubMam) -> Iterator[Server]:
    if not (DIST / "index.html").exists():
        pytest.skip(f"UI not built ({DIST}/index.html missing): run `make ui`")
    # A short path: the embedded PostgreSQL puts its unix socket under the data dir.
    data_dir = Path(tempfile.mkdtemp(prefix="cre", dir="/tmp"))
    srv = Server(data_dir, _free_port(), mam_url=mam.url)
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
    # Generous for a machine busy with a second suite: a passing step waits for its condition, not the clock.
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
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
