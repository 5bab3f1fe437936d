"""N+1 guard: the nested files page costs the same few SQL statements for 5 files and for 50."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from sqlalchemy import event

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Role
from app.services import lifecycle, transfers
from app.services.reporting import FileReport, report_file
from graphql_schema import loaders
from graphql_schema.files import types as file_types
from graphql_schema.transfers import types as transfer_types
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, destination_agent, make_user, random_sha

NESTED = """
query($n: Int){ files(first: $n){ edges { node { id state site { code } destinationSite { code }
  colorist { username } transfers { status destinationSite { code } } } } pageInfo { hasNextPage } } }
"""


async def _seed(db: SessionFactory, settings: Settings, n: int) -> None:
    colorists = [str(await make_user(db, f"c{i}", Role.COLORIST, "nashville")) for i in range(3)]
    for i in range(n):
        sha = random_sha()
        f = await report_file(db, SYSTEM, FileReport("tustin", f"A/{i}.mov", 100, sha))
        fid = str(f.id)
        await lifecycle.validate_file(db, settings, SYSTEM, fid)
        await lifecycle.queue_file(db, SYSTEM, fid, "nashville" if i % 2 else "dallas")
        agent = destination_agent("nashville" if i % 2 else "dallas")
        await transfers.start_transfer(db, agent, fid)
        await transfers.complete_transfer(db, agent, fid, sha)
        await lifecycle.assign_colorist(db, SYSTEM, fid, colorists[i % 3])


async def _count(server: Server, n: int) -> tuple[int, dict[str, Any]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The replica's periodic fold of state counters shares the engine; it is not the request's work.
        if "file_state_counts" not in statement:
            statements.append(statement)

    engine = server.app.state.engine.sync_engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", record)
    try:
        async with Api(server.url, api_key=GLOBAL_KEY) as api:
            data = await api.gql(NESTED, {"n": n})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements), data


async def test_nested_files_page_is_constant_in_statements(
    server: Server, db: SessionFactory, settings: Settings
) -> None:
    await _seed(db, settings, 50)
    small, data5 = await _count(server, 5)
    large, data50 = await _count(server, 50)
    assert len(data5["files"]["edges"]) == 5 and len(data50["files"]["edges"]) == 50
    assert all(e["node"]["colorist"] and e["node"]["transfers"] for e in data50["files"]["edges"])
    # files page, sites, users, transfers: one statement each, however many files.
    assert small == large <= 4, (small, large)


async def test_the_nested_page_answers_related_fields_from_its_prefetch(
    server: Server, db: SessionFactory, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files page loads what its nodes select, one batch per loader, before they resolve, so each related
    field answers at once (no coroutine and no task per field: docs/performance.md). The prefetch goes by the
    selected fields' names; this fails when a related field is added or renamed without it."""
    await _seed(db, settings, 6)
    waited: list[object] = []

    def counting(loader: Any, key: Any) -> Any:
        value = loaders.ready(loader, key)
        if isinstance(value, Awaitable):
            waited.append(key)
        return value

    monkeypatch.setattr(file_types, "ready", counting)
    monkeypatch.setattr(transfer_types, "ready", counting)
    query = """{ files(first: 50) { edges { node { id allowedActions ...Related } } } }
      fragment Related on File { site { code } destinationSite { code } colorist { username }
        transfers { status sourceSite { code } destinationSite { code } } }"""
    async with Api(server.url, api_key=GLOBAL_KEY) as api:
        data = await api.gql(query)
    assert len(data["files"]["edges"]) == 6
    assert all(e["node"]["colorist"] and e["node"]["transfers"] for e in data["files"]["edges"])
    assert waited == [], f"related fields that waited for a load: {len(waited)}"
    # A colorist's queue is the same page, prefetched the same way; where each file sits comes from its jobs.
    queue = "{ myQueue(first: 50) { edges { node { id deliveredPath site { code } colorist { username } } } } }"
    async with Api(server.url) as colorist:
        await colorist.login("c0")
        mine = await colorist.gql(queue)
    assert len(mine["myQueue"]["edges"]) == 2
    assert waited == [], f"related fields of myQueue that waited for a load: {len(waited)}"
