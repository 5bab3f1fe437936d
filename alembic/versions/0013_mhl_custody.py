"""Chain of custody: custody records, integrity errors and the card's own hash per member

Revision ID: 0013_mhl_custody
Revises: 0012_queue_delivered_path
Create Date: 2026-12-05 21:00:00.000000

``files.custody`` holds the file's custody records (who verified its bytes, where, when, with which hash; see
docs/custody.md), appended under the file's row lock; ``files.integrity_error`` names each member that failed
verification at the source, ``integrity_accepted_reason`` the engineer's reason for going on regardless.
``file_members`` and ``staged_file_members`` gain the member's hash in its card history's format (xxh64, ...),
so an ASC MHL manifest can be exported from the orchestrator without the bytes.
"""

from __future__ import annotations

from alembic import op

revision = "0013_mhl_custody"
down_revision = "0012_queue_delivered_path"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
ALTER TABLE files
  ADD COLUMN custody jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN integrity_error text,
  ADD COLUMN integrity_accepted_reason text
"""
    )
    for table in ("file_members", "staged_file_members"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN mhl_format varchar(16), ADD COLUMN mhl_hash varchar(128)")


def downgrade() -> None:
    for table in ("file_members", "staged_file_members"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN mhl_format, DROP COLUMN mhl_hash")
    op.execute(
        "ALTER TABLE files DROP COLUMN custody, DROP COLUMN integrity_error, DROP COLUMN integrity_accepted_reason"
    )
