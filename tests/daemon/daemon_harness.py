"""Test harness: a real orchestrator process and real daemon processes, driven from the outside.

The orchestrator is started exactly as an operator would (``colorroute serve`` with embedded PostgreSQL in a
short /tmp data dir, because of unix-socket path limits) and torn down at the end. Daemons run as
``python -m daemon`` subprocesses writing JSON log lines to a file the tests read.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

VENV_BIN = Path(sys.executable).parent
API_KEY = "daemon-test-key"

FILES_QUERY = """
query($after: String) {
  files(first: 500, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id path sha256 sizeBytes state site { code } } }
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The least any wait here allows: a passing run waits for its condition, never for the clock, so a deadline
#: only bounds how late a failure is reported, and a machine busy with a second suite must not fail a slow success.
LEAST_WAIT = 180.0


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.2, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy, and return that. ``timeout`` is what the condition
    should take at most on a quiet machine; the wait allows at least ``LEAST_WAIT`` (see above)."""
    timeout = max(timeout, LEAST_WAIT)
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Orchestrator:
    port: int
    data_dir: Path
    log_path: Path
    api_key: str = API_KEY
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        env = {**os.environ, "COLORROUTE_DATA_DIR": str(self.data_dir), "DAEMON_API_KEY": self.api_key}
        env.pop("DATABASE_URL", None)
        log = open(self.log_path, "ab")  # handed to the child, closed below
        try:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "colorroute"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"orchestrator exited early:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"orchestrator not ready after {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        r = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-API-Key": self.api_key},
            timeout=30,
        )
        body = r.json()
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    def files(self, prefix: str = "", site: str | None = None) -> list[dict[str, Any]]:
        """Every file whose path starts with ``prefix`` (tests keep their files under their own folder)."""
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            page = self.query(FILES_QUERY, {"after": after})["files"]
            nodes += [e["node"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return [n for n in nodes if n["path"].startswith(prefix) and (site is None or n["site"]["code"] == site)]

    def sites(self) -> dict[str, dict[str, Any]]:
        data = self.query("query { sites { code online daemonVersion } }")
        return {s["code"]: s for s in data["sites"]}


def short_tmpdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@contextlib.contextmanager
def orchestrator_on(port: int, *, start: bool = True) -> Iterator[Orchestrator]:
    data_dir = short_tmpdir("crd-")
    orch = Orchestrator(port=port, data_dir=data_dir / "d", log_path=data_dir / "serve.log")
    try:
        if start:
            orch.start()
        yield orch
    finally:
        orch.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass
class DaemonProcess:
    """``python -m daemon`` with JSON logs in a file; read the log with :meth:`events`."""

    site: str
    watch: Path
    state_dir: Path
    orchestrator_url: str
    log_path: Path
    api_key: str = API_KEY
    extra: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> DaemonProcess:
        args = [
            sys.executable, "-m", "daemon",
            "--site", self.site, "--watch", str(self.watch), "--state-dir", str(self.state_dir),
            "--orchestrator", self.orchestrator_url, "--settle-seconds", "0.5", "--heartbeat-interval", "2",
            "--log-format", "json", *self.extra,
        ]  # fmt: skip
        env = {**os.environ, "DAEMON_API_KEY": self.api_key}
        log = open(self.log_path, "ab")  # handed to the child, closed below
        try:
            self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()
        return self

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        out = []
        if not self.log_path.exists():
            return out
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if isinstance(doc, dict) and (name is None or doc.get("event") == name):
                out.append(doc)
        return out

    def wait_event(self, name: str, timeout: float = 30, count: int = 1) -> list[dict[str, Any]]:
        return wait_until(
            lambda: (evs := self.events(name)) and len(evs) >= count and evs,
            timeout,
            what=f"{count} x {name} in {self.log_path}",
        )

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        proc = self.proc
        assert proc is not None
        if proc.poll() is None:
            proc.send_signal(sig)
        return proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
