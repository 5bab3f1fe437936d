"""Audit rows and outbox events, written inside the caller's transaction."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditLog
from app.domain.permissions import Actor

EVENTS_CHANNEL = "colorroute_events"
PROGRESS_CHANNEL = "colorroute_progress"
#: Outbox topic of revocations: no subscription carries it; each replica's hub hands it to the sockets it ends.
REVOCATION_TOPIC = "revocation"


class Revoked(StrEnum):
    """Why a credential lost its standing (the ``reason`` of a revocation event)."""

    LOGOUT = "LOGOUT"
    DEACTIVATED = "DEACTIVATED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    ROLE_CHANGED = "ROLE_CHANGED"  # still signed in, with another role
    KEY_REVOKED = "KEY_REVOKED"


#: Staged, not inserted into ``events``: a deferred trigger (migration 0006) gives the event its id under the
#: events lock while the transaction commits, so ids become visible in id order and a reader's ``id > last_seen``
#: cursor never skips, yet no writer holds that lock across a round trip to this process. It also NOTIFYs.
_STAGE = text("INSERT INTO pending_events (topic, payload) VALUES (:topic, CAST(:payload AS jsonb))")


async def publish(session: AsyncSession, topic: str, payload: dict[str, Any]) -> None:
    """Record an outbox event; it gets its id and is announced when (and only if) the transaction commits."""
    await session.execute(_STAGE, {"topic": topic, "payload": json.dumps(payload)})


async def revoke(
    session: AsyncSession,
    reason: Revoked,
    *,
    user_id: int | None = None,
    session_id: int | None = None,
    api_key_id: int | None = None,
) -> None:
    """Announce, in the revoking transaction, that a user's, a session's or a key's standing changed. It is an
    outbox event rather than a bare NOTIFY so that a replica whose listener was reconnecting still reads it."""
    ids = {"userId": user_id, "sessionId": session_id, "apiKeyId": api_key_id}
    payload = {"reason": reason.value, **{k: v for k, v in ids.items() if v is not None}}
    await publish(session, REVOCATION_TOPIC, payload)


@lru_cache(maxsize=64)
def _transition_statement(columns: tuple[str, ...]) -> Any:
    sets = ", ".join(f'"{c}" = :set_{c}' for c in columns)
    changed = f"changed AS (UPDATE files SET {sets} WHERE id = :file_id), " if columns else ""
    return text(
        f"WITH {changed}"
        "audit AS (INSERT INTO audit_logs (actor, action, file_id, from_state, to_state, details, client_addr) "
        "VALUES (:actor, :action, :file_id, :from_state, :to_state, CAST(:details AS jsonb), :client_addr) "
        "RETURNING id) "
        "INSERT INTO pending_events (topic, payload) SELECT 'file', jsonb_build_object("
        "'fileId', CAST(:file_id AS bigint), 'auditId', audit.id, 'action', CAST(:action AS text), "
        "'fromState', CAST(:from_state AS text), 'toState', CAST(:to_state AS text), "
        "'actor', CAST(:actor AS text)) FROM audit"
    )


async def transition_written(
    session: AsyncSession,
    actor: Actor,
    file_id: int,
    changes: dict[str, Any],
    action: str,
    from_state: str | None,
    to_state: str | None,
    details: dict[str, Any] | None,
) -> None:
    """The file's changed columns (if any), its audit row and its ``file`` event in one statement: one round
    trip where the ORM took three (UPDATE, INSERT ... RETURNING, the event), and no unit-of-work bookkeeping."""
    params = {f"set_{c}": v for c, v in changes.items()}
    params.update(
        file_id=file_id,
        actor=actor.name,
        action=action,
        from_state=from_state,
        to_state=to_state,
        details=json.dumps(details) if details is not None else None,
        client_addr=actor.client_addr,
    )
    await session.execute(_transition_statement(tuple(changes)), params)


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
