"""A colorist's own queue: ``myQueue``, ``myQueueEvents`` and ``handBackFile``. Whose queue it is comes from the
session's identity alone; no argument names a user."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry

from app.db.engine import SessionFactory
from app.events.hub import Delivery
from app.repositories.pagination import encode_cursor
from app.services import queue, reads
from graphql_schema.common import PageInfo
from graphql_schema.context import Info
from graphql_schema.files.queries import prefetch
from graphql_schema.files.subscriptions import prepare_file_event
from graphql_schema.files.types import File, FileConnection, FileEdge, FileEvent
from graphql_schema.live import deliveries, event_loaders
from graphql_schema.permissions import AUTHENTICATED

#: Steps that change who a file is assigned to: their audit entry names the colorist before and after.
_REASSIGNING = frozenset({"ASSIGN", "HAND_BACK"})


async def _concerns(delivery: Delivery, db: SessionFactory, event: FileEvent, me: int) -> bool:
    """Whether this event changes ``me``'s queue: a step on a file assigned to them (as delivered), or an
    assignment to or away from them (as at the event: the audit entry's colorists)."""
    if event.file._row.colorist_id == me:
        return True
    audit_id = delivery.event.payload.get("auditId")
    if event.action not in _REASSIGNING or audit_id is None:
        return False
    entry = await event_loaders(delivery, db).audit_entry.load(int(audit_id))
    details = (entry.details if entry is not None else None) or {}
    return me in (details.get("coloristId"), details.get("previousColoristId"))


@strawberry.type
class QueueQueries:
    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="The signed-in person's own queue: files assigned to them (COLORIST_ASSIGNED, IN_PROGRESS), "
        "newest first, with where each sits on their site's storage (File.deliveredPath). Whose queue is decided "
        "by the session, never by an argument; a daemon key has none (FORBIDDEN). Engineers see a colorist's queue "
        "with files(filter: {coloristId, states}).",
    )
    async def my_queue(self, info: Info, first: int | None = 50, after: str | None = None) -> FileConnection:
        ctx = info.context
        query = queue.queue_query(ctx.actor)
        page = await reads.list_files(ctx.db, query, 50 if first is None else first, after)
        edges = [FileEdge(node=File.from_row(r), cursor=encode_cursor("file", r.id)) for r in page.items]
        for row in page.items:
            ctx.loaders.file.prime(row.id, row)
        await prefetch(info, page.items, root="myQueue")

        async def count() -> int:
            return await reads.count_files(ctx.db, query)

        return FileConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            _count=count,
        )


@strawberry.type
class QueueMutations:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Give an assigned file back (COLORIST_ASSIGNED or IN_PROGRESS → TRANSFERRED, the colorist "
        "cleared) instead of rejecting it: the assigned colorist, engineers and admins (FORBIDDEN otherwise). "
        "BAD_USER_INPUT (field reason) without a reason; audited as HAND_BACK with the reason.",
    )
    async def hand_back_file(
        self, info: Info, id: strawberry.ID, reason: str, expected_version: int | None = None
    ) -> File:
        ctx = info.context
        row = await queue.hand_back_file(ctx.db, ctx.actor, id, reason, expected_version=expected_version)
        return File.from_row(row)


@strawberry.type
class QueueSubscriptions:
    @strawberry.subscription(
        permission_classes=AUTHENTICATED,
        description="Changes to the signed-in person's queue: a file assigned to them (action ASSIGN), taken "
        "away or handed back, and every step on a file assigned to them; in commit order, resumable with after:. "
        "The file is as when delivered: it is in the queue when its colorist is the viewer and its state "
        "COLORIST_ASSIGNED or IN_PROGRESS. A daemon key has no queue (FORBIDDEN).",
    )
    async def my_queue_events(self, info: Info, after: str | None = None) -> AsyncGenerator[FileEvent, None]:
        me = queue.queue_owner(info.context.actor)
        db = info.context.db
        async for delivery in deliveries(info, {"file"}, after):
            event = await delivery.once(prepare_file_event, partial(prepare_file_event, delivery, db))
            if event is not None and await _concerns(delivery, db, event, me):
                yield event
