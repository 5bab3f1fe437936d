"""Small helpers for tests: an HTTP GraphQL client with cookies, and row factories via the real services."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import os
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Actor, ActorKind, Role
from app.services.users import NewUser, create_user

GLOBAL_KEY = "test-global-daemon-key-0123456789"
PASSWORD = "correct horse battery"
#: How long a test waits for something that must happen. Generous on purpose: a passing run waits for the
#: condition, never for the clock, so the figure only bounds how late a failure is reported (a loaded machine
#: running a second suite must not turn a slow success into a failure).
WAIT = 60.0


async def eventually(check: Callable[[], Any], what: str, within: float = WAIT, interval: float = 0.05) -> Any:
    """Poll ``check`` (plain or async) until it returns something truthy, and return that; fail naming ``what``
    after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out after {within}s waiting for {what}"
        await asyncio.sleep(interval)


async def live_subscriptions(where: Any) -> int:
    """Subscriptions registered on a server: an in-process app's event hub, or a server process's
    ``colorroute_subscribers`` gauge (by base URL)."""
    if not isinstance(where, str):
        return int(where.state.hub.subscriber_count)
    async with httpx.AsyncClient(timeout=30) as client:
        text = (await client.get(f"{where}/metrics")).text
    for line in text.splitlines():
        if line.startswith("colorroute_subscribers "):
            return int(float(line.split()[1]))
    return 0


async def subscribed(where: Any, count: int = 1, within: float = WAIT) -> None:
    """Wait until ``count`` subscriptions are registered on the server (see ``live_subscriptions``). A
    registered subscription receives every event committed after it, so a test that then makes a change knows
    its subscriber will see it; the gql client returning from ``subscribe()`` does not mean that yet."""

    async def there() -> bool:
        return await live_subscriptions(where) == count

    await eventually(there, f"{count} live subscription(s)", within, interval=0.05)


class GraphQLFailure(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @property
    def code(self) -> str:
        return str(self.errors[0].get("extensions", {}).get("code"))


class Api:
    """One browser-like client: keeps cookies, sends JSON POSTs."""

    def __init__(self, base: str, api_key: str | None = None) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self.http = httpx.AsyncClient(base_url=base, headers=headers, timeout=30)

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def raw(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        r = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, **kw)
        assert r.status_code < 500, r.text
        body: dict[str, Any] = r.json()
        return body

    async def gql(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        body = await self.raw(query, variables, **kw)
        if body.get("errors"):
            raise GraphQLFailure(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        data = await self.gql(
            "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ id username role } }",
            {"u": username, "p": password},
        )
        return dict(data["login"])


async def make_user(
    db: SessionFactory, username: str, role: Role, site: str | None = None, password: str = PASSWORD
) -> int:
    user = await create_user(db, SYSTEM, NewUser(username, password, role, None, site))
    return user.id


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def random_sha() -> str:
    return hashlib.sha256(os.urandom(16)).hexdigest()


REPORT = """
mutation($input: ReportFileInput!){ reportFile(input:$input){ id state version sha256 path site { code } } }
"""


async def report(
    api: Api,
    path: str = "A001/clip.mov",
    site: str = "tustin",
    sha: str | None = None,
    size: int = 1024,
    report_id: str | None = None,
) -> dict[str, Any]:
    data = await api.gql(
        REPORT,
        {
            "input": {
                "site": site,
                "path": path,
                "sizeBytes": size,
                "sha256": sha or random_sha(),
                "reportId": report_id,
            }
        },
    )
    return dict(data["reportFile"])


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] + f"/{name}"
    return f"{base}?{query}" if query else base


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def on_loopback(app: Any, settings: Any = None) -> AsyncIterator[str]:
    """Serve an ASGI app with a real uvicorn on 127.0.0.1 in this event loop; yields its base URL. With the
    app's ``settings``, uvicorn is configured as ``colorroute serve`` configures it (app.serving)."""
    from app.serving import uvicorn_options

    port = free_port()
    options = uvicorn_options(settings) if settings is not None else {"ws": "websockets-sansio"}
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **options)
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    await eventually(lambda: srv.started or task.done(), "uvicorn to start", interval=0.02)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        await asyncio.wait_for(task, timeout=WAIT)


@asynccontextmanager
async def spawned_server(db_url: str, data_dir: str, **env: str) -> AsyncIterator[str]:
    """A real ``colorroute serve`` process on 127.0.0.1 over ``db_url``; yields its base URL once ready."""
    import subprocess
    import sys
    from pathlib import Path

    port = free_port()
    full_env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DAEMON_API_KEY": GLOBAL_KEY,
        "COLORROUTE_DATA_DIR": data_dir,
        "COLORROUTE_LOG_LEVEL": "WARNING",
        **env,
    }
    binary = Path(sys.executable).parent / "colorroute"
    proc = subprocess.Popen(  # noqa: ASYNC220 - a spawn, not a wait
        [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:

            async def ready() -> bool:
                assert proc.poll() is None, f"colorroute serve exited with {proc.returncode}"
                try:
                    return (await client.get(url + "/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(ready, "the server to become ready", within=2 * WAIT, interval=0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


LIFECYCLE = ("DETECTED", "VALIDATED", "QUEUED", "TRANSFERRING", "TRANSFERRED", "COLORIST_ASSIGNED", "IN_PROGRESS")


async def file_in_state(
    db: SessionFactory,
    state: str,
    *,
    colorist_id: int | None = None,
    site: str = "tustin",
    destination: str = "nashville",
    path: str | None = None,
) -> str:
    """A file taken to ``state`` through the real services (so its audit trail is a true history)."""
    from app.config import Settings
    from app.domain.permissions import SYSTEM
    from app.domain.states import FileAction
    from app.services import lifecycle, transfers
    from app.services.reporting import FileReport, report_file

    settings = Settings(env="test")
    agent = destination_agent(destination)
    sha = random_sha()
    f = await report_file(db, SYSTEM, FileReport(site, path or f"A/{sha[:10]}.mov", 4096, sha))
    fid = str(f.id)
    steps = {
        "VALIDATED": lambda: lifecycle.validate_file(db, settings, SYSTEM, fid),
        "QUEUED": lambda: lifecycle.queue_file(db, SYSTEM, fid, destination),
        # The destination's agent moves the bytes, as in production (the system vouches for none).
        "TRANSFERRING": lambda: transfers.start_transfer(db, agent, fid),
        "TRANSFERRED": lambda: transfers.complete_transfer(db, agent, fid, sha),
        "COLORIST_ASSIGNED": lambda: lifecycle.assign_colorist(db, SYSTEM, fid, str(colorist_id)),
        "IN_PROGRESS": lambda: lifecycle.act(db, SYSTEM, fid, FileAction.START),
    }
    for step in LIFECYCLE[1 : LIFECYCLE.index(state) + 1]:
        await steps[step]()
    return fid


def destination_agent(site: str) -> Actor:
    """The transfer agent of ``site`` (what its site key authenticates as): the only one that starts and
    completes a HUB transfer to it."""
    return Actor(kind=ActorKind.SITE, name=f"site:{site}", site_code=site)


MIB = 1024 * 1024


def write_random(path: Path, size: int) -> str:
    """``size`` random bytes, written once (no sparse regions, no repeated blocks, so a resume from a wrong
    offset cannot hash right), and their SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        while left:
            block = os.urandom(min(left, 4 * MIB))
            f.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(4 * MIB):
            digest.update(block)
    return digest.hexdigest()
