"""tus uploads into S3 multipart uploads: each upload's store state lives in its row, so any replica continues it

Revision ID: 0010_s3_multipart_uploads
Revises: 0009_media_info
Create Date: 2026-12-05 18:15:00.000000

``store_upload_id`` is the S3 multipart UploadId; ``parts`` the acknowledged parts ``[[number, etag, size], ...]``
in order; ``tail`` the bytes after the last part (below S3's 5 MiB minimum, so not yet a part); ``sha256_state``
OpenSSL's SHA256_CTX over every byte up to ``offset``; ``next_part`` the next part number a writer may claim
(claims never repeat, so two replicas racing on one upload never overwrite each other's parts).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision = "0010_s3_multipart_uploads"
down_revision = "0009_media_info"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("uploads", sa.Column("store_upload_id", sa.Text(), nullable=True))
    op.add_column(
        "uploads",
        sa.Column("parts", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
    )
    op.add_column("uploads", sa.Column("tail", sa.LargeBinary(), nullable=True))
    op.add_column("uploads", sa.Column("sha256_state", sa.LargeBinary(), nullable=True))
    op.add_column("uploads", sa.Column("next_part", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for column in ("next_part", "sha256_state", "tail", "parts", "store_upload_id"):
        op.drop_column("uploads", column)
