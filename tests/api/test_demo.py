"""Demo data: every state present, each sample's audit trail a true history with real actors."""

from __future__ import annotations

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM
from app.services.demo import seed_demo
from tests.conftest import Server
from tests.support import Api


async def test_seed_demo_gives_every_state_with_real_histories(server: Server, db: SessionFactory) -> None:
    assert await seed_demo(db, server.settings, SYSTEM) is True
    assert await seed_demo(db, server.settings, SYSTEM) is False  # idempotent
    async with Api(server.url) as api:
        await api.login("viewer", "viewer-demo-pass")
        stats = await api.gql("{ stats { totalFiles byState { state count } sitesTotal } }")
        files = await api.gql("{ files(first: 20) { edges { node { state auditTrail { actor toState } } } } }")
    assert stats["stats"]["sitesTotal"] == 3
    assert all(s["count"] >= 1 for s in stats["stats"]["byState"])
    for edge in files["files"]["edges"]:
        trail = edge["node"]["auditTrail"]
        assert trail[0]["actor"] == "site:tustin" and trail[-1]["toState"] == edge["node"]["state"]
    actors = {a["actor"] for e in files["files"]["edges"] for a in e["node"]["auditTrail"]}
    assert {"engineer", "alice", "site:nashville"} <= actors
