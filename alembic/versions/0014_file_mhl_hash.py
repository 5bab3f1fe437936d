"""A single file's own hash in an ASC MHL format

Revision ID: 0014_file_mhl_hash
Revises: 0013_mhl_custody
Create Date: 2026-12-06 09:00:00.000000

The source daemon takes a single file's xxh64 in the same pass as its SHA-256 (SHA-256 is not an ASC MHL hash
format), so any file, not only a card's members, can be exported as an ASC MHL manifest without its bytes.
Nullable: files reported before this, or by a daemon run with ``--no-mhl``, have none.
"""

from __future__ import annotations

from alembic import op

revision = "0014_file_mhl_hash"
down_revision = "0013_mhl_custody"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE files ADD COLUMN mhl_format varchar(16), ADD COLUMN mhl_hash varchar(128)")


def downgrade() -> None:
    op.execute("ALTER TABLE files DROP COLUMN mhl_format, DROP COLUMN mhl_hash")
