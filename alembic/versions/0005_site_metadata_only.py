"""Sites remember whether their daemon runs --metadata-only, so their files' transfer jobs are EXTERNAL

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000

A column, not a guess from the data: whether a site's bytes will ever reach the hub is a fact only its daemon
knows, told with every heartbeat, and the queueing transaction must read it from any replica.
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sites", sa.Column("metadata_only", sa.Boolean(), server_default="false", nullable=False))


def downgrade() -> None:
    op.drop_column("sites", "metadata_only")
