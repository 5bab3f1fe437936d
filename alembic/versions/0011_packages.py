"""Packages: a frame sequence or a clip folder is one file with members

Revision ID: 0011_packages
Revises: 0010_s3_multipart_uploads
Create Date: 2026-12-05 18:40:00.000000

``files`` gains the package's kind, member count and frame ranges (FILE / 1 / NULL for every existing row);
``file_members`` holds each member's path (relative to the package root), size and hash. Daemons send members
ahead of their package's report in batches (``staged_file_members``, keyed by the report id), so a 14,400-frame
manifest never has to fit one request body; the report moves them to ``file_members`` in its own transaction.
"""

from __future__ import annotations

from alembic import op

revision = "0011_packages"
down_revision = "0010_s3_multipart_uploads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
ALTER TABLE files
  ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'FILE',
  ADD COLUMN member_count integer NOT NULL DEFAULT 1,
  ADD COLUMN frame_range text,
  ADD COLUMN missing_frames text,
  ADD CONSTRAINT ck_files_kind CHECK (kind IN ('FILE', 'SEQUENCE', 'FOLDER'))
"""
    )
    op.execute("CREATE INDEX ix_files_kind_id ON files (kind, id)")
    op.execute(
        """
CREATE TABLE file_members (
  file_id bigint NOT NULL REFERENCES files (id) ON DELETE CASCADE,
  path text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 varchar(64) NOT NULL,
  PRIMARY KEY (file_id, path)
)
"""
    )
    op.execute(
        """
CREATE TABLE staged_file_members (
  site_id integer NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  report_id varchar(100) NOT NULL,
  path text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 varchar(64) NOT NULL,
  staged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, report_id, path)
)
"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE staged_file_members")
    op.execute("DROP TABLE file_members")
    op.execute("DROP INDEX ix_files_kind_id")
    op.execute(
        "ALTER TABLE files DROP CONSTRAINT ck_files_kind, DROP COLUMN kind, DROP COLUMN member_count,"
        " DROP COLUMN frame_range, DROP COLUMN missing_frames"
    )
