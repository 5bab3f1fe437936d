"""Transfer jobs remember when their bytes last moved, and when their stall was announced

Revision ID: 0008_transfer_progress_lease
Revises: 0007_auth_login_attempts
Create Date: 2026-12-05 18:30:00.000000

The lease follows the job's own progress, not its destination site's heartbeat (a site can beat while no agent
moves the job's bytes). ``stall_reported_at`` lets one sweep, on one replica, announce a job's stall once.
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0008_transfer_progress_lease"
down_revision = "0007_auth_login_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("transfer_jobs", sa.Column("last_progress_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("transfer_jobs", sa.Column("stall_reported_at", sa.DateTime(timezone=True), nullable=True))
    # A running job's updated_at was its last start or progress report: the best evidence there is.
    op.execute("UPDATE transfer_jobs SET last_progress_at = updated_at WHERE status = 'RUNNING'")


def downgrade() -> None:
    op.drop_column("transfer_jobs", "stall_reported_at")
    op.drop_column("transfer_jobs", "last_progress_at")
