"""Queries and mutations on a long-lived WebSocket (a daemon keeps one for days) read the database as it is now:
the socket's context lives as long as the socket, its DataLoaders must not."""

from __future__ import annotations

from gql import GraphQLRequest

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM
from app.services import lifecycle
from tests.api.test_subscriptions import ws_client
from tests.conftest import Server
from tests.support import file_in_state

FILE = "query($id: ID!){ file(id: $id){ state version transfers { status } } }"


async def test_each_operation_on_a_socket_sees_changes_made_since_the_last(server: Server, db: SessionFactory) -> None:
    fid = await file_in_state(db, "DETECTED")
    async with ws_client(server) as session:
        first = await session.execute(GraphQLRequest(FILE, variable_values={"id": fid}))
        assert first["file"]["state"] == "DETECTED"
        await lifecycle.validate_file(db, server.settings, SYSTEM, fid)
        await lifecycle.queue_file(db, SYSTEM, fid, "nashville")
        second = await session.execute(GraphQLRequest(FILE, variable_values={"id": fid}))
    assert second["file"]["state"] == "QUEUED"
    assert [t["status"] for t in second["file"]["transfers"]] == ["PENDING"]
