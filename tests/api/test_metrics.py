"""``/metrics`` through the real server: operation names chosen by callers cannot grow the scrape (only our
clients' names are labels), and ``COLORROUTE_METRICS_TOKEN`` closes the endpoint to anyone without it."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.config import Settings
from app.observability.metrics import KNOWN_OPERATIONS
from tests.api.client_documents import daemon_documents, ui_documents
from tests.conftest import Server

TOKEN = "scrape-token-0123456789"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_token": TOKEN})


async def _scrape(client: httpx.AsyncClient) -> bytes:
    r = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    return r.content


async def test_random_operation_names_do_not_grow_metrics(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        await client.post("/graphql", json={"query": "query Me { me { id } }"})
        await client.post("/graphql", json={"query": "query Warmup { me { id } }"})
        before = await _scrape(client)
        names = [f"Probe{uuid.uuid4().hex}" for _ in range(200)]
        for name in names:
            r = await client.post("/graphql", json={"query": f"query {name} {{ me {{ id }} }}"})
            assert r.status_code == 200
        after = await _scrape(client)
    assert not any(name.encode() in after for name in names)
    assert b'operation="Me"' in after and b'operation="other"' in after
    # Only counters move: the same series, a few digits longer at most.
    assert len(after) - len(before) < 2_000, (len(before), len(after))


def test_every_client_operation_name_is_a_known_label() -> None:
    names = set(ui_documents()) | {name for name, _ in daemon_documents()}
    missing = sorted(names - KNOWN_OPERATIONS)
    assert not missing, f"add {missing} to app.observability.metrics.KNOWN_OPERATIONS"


async def test_metrics_token_is_required_when_configured(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            r = await client.get("/metrics", headers=headers)
            assert r.status_code == 401, headers
            assert b"colorroute_" not in r.content
        body = await _scrape(client)
        assert b"colorroute_graphql_operation_seconds" in body or b"colorroute_files" in body
