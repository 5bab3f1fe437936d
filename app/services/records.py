"""Audit rows and outbox events, written inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditLog
from app.domain.permissions import Actor

EVENTS_CHANNEL = "colorroute_events"
PROGRESS_CHANNEL = "colorroute_progress"
#: Held from the event insert until commit, so event ids become visible in id order and a reader's
#: ``id > last_seen`` cursor can never skip a row that commits later with a smaller id.
_EVENTS_LOCK = 7270002

_PUBLISH = text(
    "WITH l AS (SELECT pg_advisory_xact_lock(:lock)), "
    "ins AS (INSERT INTO events (topic, payload) SELECT :topic, CAST(:payload AS jsonb) FROM l RETURNING id) "
    "SELECT id, pg_notify(:channel, id::text) FROM ins"
)


async def publish(session: AsyncSession, topic: str, payload: dict[str, Any]) -> int:
    """Insert an outbox event and NOTIFY its id (delivered at commit). Call it last in a transaction."""
    row = (
        await session.execute(
            _PUBLISH,
            {"lock": _EVENTS_LOCK, "topic": topic, "payload": json.dumps(payload), "channel": EVENTS_CHANNEL},
        )
    ).one()
    return int(row[0])


async def notify_ephemeral(session: AsyncSession, payload: dict[str, Any]) -> None:
    """High-rate signals (transfer progress) that need no replay: NOTIFY only, no outbox row."""
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": PROGRESS_CHANNEL, "payload": json.dumps(payload)},
    )


async def audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    file_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    details: dict[str, Any] | None = None,
    emit: bool = True,
) -> AuditLog:
    """Write an audit row. For audit rows with no file transition, also emit an ``audit`` event."""
    entry = AuditLog(
        actor=actor.name,
        action=action,
        file_id=file_id,
        from_state=from_state,
        to_state=to_state,
        details=details,
        client_addr=actor.client_addr,
    )
    session.add(entry)
    await session.flush()
    if emit:
        await publish(session, "audit", {"auditId": entry.id})
    return entry
