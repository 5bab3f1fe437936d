"""Two replicas on one database: each app keeps its own routing rules (app.db.engine.memory), and a rule changed
through one is used by the other as soon as the other has heard the change (the ``routing`` event), not when
its cached copy expires."""

from __future__ import annotations

import asyncpg

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.events.hub import EventHub
from tests.routing.test_routing_api import RULE, TOWARD_NASHVILLE
from tests.support import GLOBAL_KEY, Api, eventually, make_user, on_loopback, report


async def _last_event(db_url: str) -> int:
    conn = await asyncpg.connect(db_url)
    try:
        return int(await conn.fetchval("SELECT max(id) FROM events WHERE topic = 'routing'"))
    finally:
        await conn.close()


async def test_a_rule_created_on_one_replica_routes_the_next_report_on_the_other(
    settings: Settings, db_url: str, db: SessionFactory
) -> None:
    from app.main import create_app

    await make_user(db, "eng", Role.ENGINEER)
    a, b = create_app(settings, db_url), create_app(settings, db_url)
    hub_b = b.state.hub
    assert isinstance(hub_b, EventHub)
    async with on_loopback(a) as url_a, on_loopback(b) as url_b:
        async with Api(url_b, api_key=GLOBAL_KEY) as daemon_b:
            before = await report(daemon_b, path="A/before.mov")
            assert before["state"] == "DETECTED"  # no rules yet, and B now remembers that

            async with Api(url_a) as eng:
                await eng.login("eng")
                await eng.gql(RULE, {"i": {**TOWARD_NASHVILLE, "autoQueue": False, "autoAssign": "NONE"}})
            changed = await _last_event(db_url)
            await eventually(lambda: hub_b.last_seen >= changed, "B heard the rule change")

            after = await report(daemon_b, path="A/after.mov")
            assert after["state"] == "VALIDATED", "B routed with its stale copy of the rules"
