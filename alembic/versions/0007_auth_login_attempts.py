"""Login attempts are counted in PostgreSQL, so a limit holds across concurrent requests and replicas

Revision ID: 0007_auth_login_attempts
Revises: 0006
Create Date: 2026-12-05 18:00:00.000000

One row per throttled key (a username, a client address), named by the SHA-256 of the key so a password typed
into the username box is not kept here: the attempts in the current window and when that window began. One
``INSERT … ON CONFLICT … RETURNING`` both counts an attempt and tells whether it is over the limit; the row
lock it takes serialises concurrent attempts on the same key. Rows whose window has passed are deleted by
each replica's periodic clean-up.
"""

from __future__ import annotations

from alembic import op

revision = "0007_auth_login_attempts"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
CREATE TABLE login_attempts (
  key char(64) PRIMARY KEY,
  window_started_at timestamptz NOT NULL,
  attempts integer NOT NULL
)
"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE login_attempts")
