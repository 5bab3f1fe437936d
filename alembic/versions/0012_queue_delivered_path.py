"""Transfer jobs remember where the destination's agent placed the verified bytes

Revision ID: 0012_queue_delivered_path
Revises: 0011_packages
Create Date: 2026-12-05 20:55:00.000000

A colorist's queue shows where each file sits on their site's storage: the agent reports that path with
``completeTransfer(deliveredPath:)``. Older agents send none (NULL): the UI then shows the incoming-relative path.
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0012_queue_delivered_path"
down_revision = "0011_packages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("transfer_jobs", sa.Column("delivered_path", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("transfer_jobs", "delivered_path")
