"""Every answer /graphql can give an HTTP client is a JSON GraphQL error with a precise ``extensions.code``:
Strawberry's own refusals (once plain text), the guards in front of it, and a database that has gone away
(a private embedded PostgreSQL, stopped and started again, never the session's shared one)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import websockets
from cross_web import HTTPException
from sqlalchemy import exc as sa_exc

from app.config import Settings
from app.db import migrate
from app.db.embedded import start_embedded
from app.db.engine import make_engine, make_session_factory
from app.domain.permissions import Role
from app.services import auth
from graphql_schema.errors import database_unavailable
from graphql_schema.view import http_refusal
from tests.conftest import Server
from tests.faults.processes import EmbeddedPostgres
from tests.support import GLOBAL_KEY, REPORT, WAIT, Api, eventually, make_user, on_loopback, random_sha

JSON = {"content-type": "application/json"}
#: Words that only appear when driver or host details leak into a message.
LEAK = ("Traceback", "asyncpg", "sqlalchemy", "postgres", "/tmp", "/work", "socket", "Errno", "127.0.0.1", "5432")


def _error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert body["data"] is None and len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert error["extensions"]["code"] == code, error
    assert error["message"], error
    return error


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b'[{"query": "{ __typename }"}, {"query": "{ __typename }"}]', "BATCHING_NOT_SUPPORTED", "Batching"),
        (b"[]", "BATCHING_NOT_SUPPORTED", "Batching"),
        (b'{"query": ', "BAD_REQUEST", "JSON"),
        (b"\xff\xfe\xfa not utf-8", "BAD_REQUEST", "JSON"),
        (b'"{ __typename }"', "BAD_REQUEST", "JSON object"),
        (b"null", "BAD_REQUEST", "JSON object"),
        (b"{}", "BAD_REQUEST", "query"),
        (b'{"query": null}', "BAD_REQUEST", "query"),
        (b'{"query": 42}', "BAD_REQUEST", "query"),
        (b'{"query": "{ __typename }", "variables": [1]}', "BAD_REQUEST", "variables"),
        (b'{"query": "{ __typename }", "extensions": "x"}', "BAD_REQUEST", "extensions"),
        (b'{"query": "{ __typename }", "operationName": "Nope"}', "OPERATION_RESOLUTION_FAILURE", "Nope"),
        (b'{"query": "query A { __typename }", "operationName": 5}', "OPERATION_RESOLUTION_FAILURE", "5"),
    ],
)
async def test_strawberry_refusals_are_coded_json(server: Server, content: bytes, code: str, words: str) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        r = await daemon.http.post("/graphql", content=content, headers=JSON)
    assert words in _error(r, 400, code)["message"]


async def test_method_media_type_origin_size_and_key_refusals_are_coded_json(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url, api_key="not-a-key") as stranger:
        for method in ("GET", "PUT", "DELETE", "OPTIONS"):
            r = await daemon.http.request(method, "/graphql", params={"query": "mutation { logout }"})
            _error(r, 405, "METHOD_NOT_ALLOWED")
            assert r.headers["allow"] == "POST"
        r = await daemon.http.post(
            "/graphql", content=b'{"query":"{ __typename }"}', headers={"content-type": "text/plain"}
        )
        _error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
        r = await daemon.http.post("/graphql", files={"query": (None, "{ __typename }")})
        _error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
        r = await daemon.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
        )
        _error(r, 403, "FORBIDDEN")
        padded = {"query": "{ __typename }", "pad": "x" * (server.settings.max_body_bytes + 1)}
        _error(await daemon.http.post("/graphql", json=padded), 413, "PAYLOAD_TOO_LARGE")

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit holds while streaming
            yield b'{"query": "{ __typename }", "pad": "'
            for _ in range(server.settings.max_body_bytes // 65536 + 2):
                yield b"x" * 65536
            yield b'"}'

        _error(await daemon.http.post("/graphql", content=chunks(), headers=JSON), 413, "PAYLOAD_TOO_LARGE")
        _error(await stranger.http.post("/graphql", json={"query": "{ __typename }"}), 401, "UNAUTHENTICATED")
        # And what is not refused still works.
        assert await daemon.gql("{ __typename }") == {"__typename": "Query"}


async def test_an_unexpected_error_before_execution_is_a_masked_json_500(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("secret detail at /work/app/services/auth.py")

    monkeypatch.setattr(auth, "api_key_standing", broken)
    async with Api(server.url, api_key="a-site-key") as daemon:
        error = _error(
            await daemon.http.post("/graphql", json={"query": "{ __typename }"}), 500, "INTERNAL_SERVER_ERROR"
        )
    assert error["message"] == "Internal server error."


def test_unreachable_strawberry_refusals_are_coded_by_status() -> None:
    """Refusals our own checks pre-empt (we refuse GET and non-JSON first) still get a code if they ever surface."""
    cases = {
        (400, "Too many operations"): (400, "BATCHING_NOT_SUPPORTED"),
        (400, "Unsupported content type"): (415, "UNSUPPORTED_MEDIA_TYPE"),
        (400, "File(s) missing in form data"): (400, "BAD_REQUEST"),
        (404, "Not Found"): (404, "NOT_FOUND"),
        (405, "GraphQL only supports GET and POST requests."): (405, "METHOD_NOT_ALLOWED"),
        (418, "teapot"): (418, "BAD_REQUEST"),
        (500, "odd"): (400, "BAD_REQUEST"),
    }
    for (status, reason), (want_status, want_code) in cases.items():
        response = http_refusal(HTTPException(status, reason))
        assert (response.status_code, want_code) == (want_status, want_code)
        assert f'"code":"{want_code}"' in bytes(response.body).decode()


def _raised_in(module: str, error: OSError) -> OSError:
    """``error`` as if raised by code in ``module`` (its frame globals name the module)."""
    namespace: dict[str, Any] = {"__name__": module, "error": error}
    exec("def fail():\n    raise error\n", namespace)
    try:
        namespace["fail"]()
    except OSError as caught:
        return caught
    raise AssertionError("unreachable")


def test_database_unavailable_recognises_connection_failures_only() -> None:
    cannot_connect = asyncpg.exceptions.CannotConnectNowError("the database system is starting up")
    lost = asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    invalidated = sa_exc.DBAPIError("select 1", {}, Exception("closed"), connection_invalidated=True)
    wrapped = sa_exc.OperationalError("select 1", {}, cannot_connect)
    unavailable = [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError("reset by peer"),
        cannot_connect,
        lost,
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        invalidated,
        wrapped,
        sa_exc.TimeoutError("QueuePool limit reached"),
        _raised_in("asyncpg.connect_utils", FileNotFoundError(2, "No such file or directory")),  # unix socket gone
        _raised_in("asyncpg.connect_utils", TimeoutError()),
    ]
    for error in unavailable:
        assert database_unavailable(error), repr(error)
    available = [
        ValueError("bad"),
        FileNotFoundError(2, "No such file or directory"),  # a missing file, not a missing database
        TimeoutError(),
        sa_exc.IntegrityError("insert", {}, Exception("duplicate key")),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        sa_exc.DBAPIError("select 1", {}, Exception("syntax"), connection_invalidated=False),
    ]
    for error in available:
        assert not database_unavailable(error), repr(error)
    # A later, unrelated error raised while handling a connection error is not an outage.
    try:
        try:
            raise ConnectionResetError("reset")
        except ConnectionResetError:
            raise KeyError("bug") from None
    except KeyError as bug:
        assert not database_unavailable(bug)


@dataclass
class PrivateCluster:
    pg: EmbeddedPostgres
    url: str


@pytest.fixture
async def private_cluster() -> AsyncIterator[PrivateCluster]:
    """A PostgreSQL of our own that the test may stop: stopping the shared one would break every other test."""
    root = Path(tempfile.mkdtemp(prefix="cre", dir="/tmp"))  # short: the unix socket lives in pgdata
    url = await asyncio.to_thread(start_embedded, root / "pgdata")
    pg = EmbeddedPostgres(root / "pgdata", url)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        yield PrivateCluster(pg, url)
    finally:
        await asyncio.to_thread(pg.stop_quietly)
        shutil.rmtree(root, ignore_errors=True)


def _unavailable(error: dict[str, Any]) -> None:
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryable": True}, error
    assert not any(word.lower() in error["message"].lower() for word in LEAK), error


async def test_a_stopped_database_answers_service_unavailable_then_recovers(
    private_cluster: PrivateCluster, settings: Settings
) -> None:
    from app.main import create_app

    engine = make_engine(private_cluster.url, pool_size=2)
    await make_user(make_session_factory(engine), "eddie", Role.ENGINEER)
    await engine.dispose()
    variables = {"input": {"site": "tustin", "path": "down/clip.mov", "sizeBytes": 10, "sha256": random_sha()}}
    app = create_app(settings, private_cluster.url)
    async with on_loopback(app) as url, Api(url, api_key=GLOBAL_KEY) as daemon, Api(url) as user:
        await user.login("eddie")
        assert (await user.gql("{ me { username } }"))["me"] == {"username": "eddie"}
        await asyncio.to_thread(private_cluster.pg.stop)

        # Inside execution: HTTP 200, as GraphQL answers field errors, with the retryable code.
        for query, variables_ in (("{ sites { code } }", None), (REPORT, variables)):
            r = await daemon.http.post("/graphql", json={"query": query, "variables": variables_})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["data"] is None, body
            for error in body["errors"]:
                _unavailable(error)
        # Before execution (the session cookie is checked in the database): the whole request failed, HTTP 503.
        r = await user.http.post("/graphql", json={"query": "{ me { username } }"})
        _unavailable(_error(r, 503, "SERVICE_UNAVAILABLE"))
        assert int(r.headers["retry-after"]) > 0
        # A WebSocket authenticating with the cookie is closed "try again later", with the code as the reason.
        cookie = "; ".join(f"{k}={v}" for k, v in user.http.cookies.items())
        async with websockets.connect(
            url.replace("http://", "ws://") + "/graphql",
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers={"cookie": cookie},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), WAIT)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1013, "SERVICE_UNAVAILABLE")
        # Login is a mutation over the database too.
        r = await daemon.http.post(
            "/graphql", json={"query": 'mutation { login(username: "eddie", password: "x") { id } }'}
        )
        assert r.status_code == 200 and r.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", r.text

        await asyncio.to_thread(private_cluster.pg.start)

        async def recovered() -> dict[str, Any] | None:  # the pool replaces its dead connections on checkouts
            with contextlib.suppress(AssertionError):  # a GraphQL error, or HTTP 503 before execution
                return await daemon.gql(REPORT, variables)
            return None

        data = await eventually(recovered, "the API to recover after PostgreSQL restarted", within=WAIT, interval=0.1)
        assert data["reportFile"]["path"] == "down/clip.mov"
        assert (await user.gql("{ me { username } }"))["me"] == {"username": "eddie"}
