"""Events take their id at commit: a deferred trigger moves each staged event into ``events`` under the lock

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:30:00.000000

Event ids must become visible in id order (a reader's ``id > last_seen`` cursor must never skip a row that
commits later with a smaller id), so ids are allocated under one advisory lock held until commit. Taking that
lock at the outbox INSERT made the critical section include a client round trip (the INSERT's reply, the
application's turn on its event loop, the COMMIT message): every writer queued behind it. A transaction now
stages its events in ``pending_events``; a DEFERRABLE INITIALLY DEFERRED constraint trigger runs during COMMIT,
takes the lock, inserts into ``events`` (id from its sequence), deletes the staged row and NOTIFYs — the lock is
held only for the commit itself. Deferred triggers fire in the order their rows were staged, so a transaction's
events keep their order. ``pending_events`` is UNLOGGED: a staged row never outlives its transaction.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATEMENTS = [
    """
CREATE UNLOGGED TABLE pending_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic varchar(32) NOT NULL,
  payload jsonb NOT NULL
)
""",
    """
CREATE FUNCTION publish_pending_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7270002);
  INSERT INTO events (topic, payload) VALUES (NEW.topic, NEW.payload) RETURNING id INTO event_id;
  DELETE FROM pending_events WHERE id = NEW.id;
  PERFORM pg_notify('colorroute_events', event_id::text);
  RETURN NULL;
END $$
""",
    """
CREATE CONSTRAINT TRIGGER pending_events_publish AFTER INSERT ON pending_events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION publish_pending_event()
""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER pending_events_publish ON pending_events")
    op.execute("DROP FUNCTION publish_pending_event()")
    op.execute("DROP TABLE pending_events")
