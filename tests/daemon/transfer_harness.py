"""Helpers for the byte-movement tests: an operator (a real admin user, logged in) who validates and queues files,
a ``transferEvents`` subscriber running in its own thread, and small readers for the orchestrator's blob store and
the daemon's state tables."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from daemon_harness import VENV_BIN, Orchestrator, wait_until
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

ADMIN = "transfer-admin"
ADMIN_PASSWORD = "transfer admin password 0123"
MIB = 1024 * 1024

FILE_QUERY = """
query($id: ID!) {
  file(id: $id) {
    id path state sha256 sizeBytes contentAvailable deliveredPath
    transfers { id status attempts error bytesTransferred deliveredPath }
    auditTrail { action fromState toState details }
  }
}
"""

EVENTS = """
subscription {
  transferEvents(siteCode: "nashville") {
    id status bytesTotal bytesTransferred rateBytesPerSecond attempts error eventCursor
    file { id path sha256 sizeBytes contentAvailable }
    sourceSite { code } destinationSite { code }
  }
}
"""


def blob_path(orch: Orchestrator, sha256: str) -> Path:
    return orch.data_dir / "blobs" / sha256[:2] / sha256[2:4] / sha256


def state_rows(state_dir: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(state_dir / "outbox.sqlite3")
    try:
        return list(conn.execute(query).fetchall())
    except sqlite3.OperationalError:  # the table does not exist (yet)
        return []
    finally:
        conn.close()


class Operator:
    """An admin, logged in over HTTP with a session cookie: the daemons' key may not validate or queue."""

    def __init__(self, orch: Orchestrator) -> None:
        self.orch = orch
        self.http = httpx.Client(base_url=orch.url, timeout=30)

    @classmethod
    def create(cls, orch: Orchestrator) -> Operator:
        env = {**os.environ, "COLORROUTE_DATA_DIR": str(orch.data_dir), "DAEMON_API_KEY": orch.api_key}
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [str(VENV_BIN / "colorroute"), "create-user", ADMIN, "--role", "admin", "--password-stdin"],
            env=env,
            input=ADMIN_PASSWORD,
            text=True,
            capture_output=True,
        )
        if result.returncode != 0 and "exists" not in (result.stdout + result.stderr).lower():
            raise AssertionError(f"create-user failed: {result.stdout}{result.stderr}")
        operator = cls(orch)
        operator.gql(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { id } }",
            {"u": ADMIN, "p": ADMIN_PASSWORD},
        )
        return operator

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.http.post("/graphql", json={"query": query, "variables": variables or {}}).json()
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    def queue(self, file_id: str, destination: str = "nashville") -> None:
        self.gql("mutation($id: ID!) { validateFile(id: $id) { id } }", {"id": file_id})
        self.gql(
            "mutation($id: ID!, $d: String!) { queueFile(id: $id, destinationSite: $d) { id state } }",
            {"id": file_id, "d": destination},
        )

    def file(self, file_id: str) -> dict[str, Any]:
        node: dict[str, Any] = self.gql(FILE_QUERY, {"id": file_id})["file"]
        return node

    def latest_job(self, file_id: str) -> dict[str, Any]:
        jobs = self.file(file_id)["transfers"]
        latest: dict[str, Any] = max(jobs, key=lambda j: int(j["id"]))
        return latest

    def close(self) -> None:
        self.http.close()


class EventRecorder:
    """``transferEvents`` for Nashville, collected on a background thread (its own event loop)."""

    def __init__(self, orch: Orchestrator) -> None:
        self.orch = orch
        self.events: list[dict[str, Any]] = []
        self.subscribed = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._task: asyncio.Task[None] | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._collect())
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    async def _collect(self) -> None:
        transport = WebsocketsTransport(
            url=self.orch.url.replace("http://", "ws://") + "/graphql",
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"apiKey": self.orch.api_key},
        )
        async with Client(transport=transport) as session:
            results = session.subscribe(GraphQLRequest(EVENTS))
            self.subscribed.set()
            async with contextlib.aclosing(results):
                async for result in results:
                    self.events.append(result["transferEvents"])

    def for_file(self, file_id: str) -> list[dict[str, Any]]:
        return [e for e in list(self.events) if e["file"]["id"] == file_id]

    def start(self, others: int) -> EventRecorder:
        """Subscribe, and return once the orchestrator holds ``others`` + 1 subscriptions (``others``: the ones
        the test already opened, its agents): from then on every event reaches this recorder."""
        self._thread.start()
        assert self.subscribed.wait(60), "transferEvents subscription did not start"
        wait_until(lambda: subscriptions(self.orch.url) > others, 60, interval=0.1, what="the recorder's subscription")
        return self

    def stop(self) -> None:
        task = self._task
        if task is not None:
            self._loop.call_soon_threadsafe(task.cancel)
        self._thread.join(timeout=15)


def subscriptions(url: str) -> int:
    """The orchestrator's ``colorroute_subscribers`` gauge: subscriptions registered on it right now."""
    for line in httpx.get(f"{url}/metrics", timeout=30).text.splitlines():
        if line.startswith("colorroute_subscribers "):
            return int(float(line.split()[1]))
    return 0


@contextlib.contextmanager
def recording(orch: Orchestrator, others: int) -> Iterator[EventRecorder]:
    recorder = EventRecorder(orch).start(others)
    try:
        yield recorder
    finally:
        recorder.stop()
