"""Media info on files (probed by the daemons) and media conditions on routing rules.

``files.media`` holds the whole ``MediaInfo`` as reported; codec and width/height are also columns so that
``FileFilter.codecs`` / ``minWidth`` and the routing rules use indexes, not JSON expressions. ``media IS NULL``
means "not probed (yet)".

Revision ID: 0009_media_info
Revises: 0008_transfer_progress_lease
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from alembic import op

revision = "0009_media_info"
down_revision = "0008_transfer_progress_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("files", sa.Column("media", JSONB(), nullable=True))
    op.add_column("files", sa.Column("media_codec", sa.String(64), nullable=True))
    op.add_column("files", sa.Column("media_width", sa.Integer(), nullable=True))
    op.add_column("files", sa.Column("media_height", sa.Integer(), nullable=True))
    op.create_index("ix_files_media_codec_id", "files", ["media_codec", "id"])
    op.create_index("ix_files_media_width_id", "files", ["media_width", "id"])
    op.add_column("routing_rules", sa.Column("codecs", ARRAY(sa.String(64)), nullable=True))
    op.add_column("routing_rules", sa.Column("min_width", sa.Integer(), nullable=True))
    op.add_column("routing_rules", sa.Column("min_height", sa.Integer(), nullable=True))


def downgrade() -> None:
    for column in ("min_height", "min_width", "codecs"):
        op.drop_column("routing_rules", column)
    op.drop_index("ix_files_media_width_id", table_name="files")
    op.drop_index("ix_files_media_codec_id", table_name="files")
    for column in ("media_height", "media_width", "media_codec", "media"):
        op.drop_column("files", column)
