"""Files by state as counters, so `stats` and /metrics never GROUP BY the whole files table

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000

`file_state_counts` is append-mostly: statement-level triggers (with transition tables, so a bulk insert or
COPY costs one row per state, not one per file) insert signed deltas; readers sum them; a periodic compaction
folds the deltas back into one row per state. Deltas instead of one counter row per state because a single
hot row would serialise every transition on it from the file UPDATE to COMMIT; inserts never wait on each
other. The triggers run inside the writer's transaction, so the sum is exactly the files table in any snapshot.
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FUNCTIONS = [
    """
CREATE FUNCTION file_state_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO file_state_counts (state, n) SELECT state, count(*) FROM new_files GROUP BY state;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION file_state_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO file_state_counts (state, n)
  SELECT state, sum(d) FROM (
    SELECT state, -1 AS d FROM old_files UNION ALL SELECT state, 1 FROM new_files
  ) AS changes GROUP BY state HAVING sum(d) <> 0;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION file_state_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO file_state_counts (state, n) SELECT state, -count(*) FROM old_files GROUP BY state;
  RETURN NULL;
END $$
""",
    """
CREATE TRIGGER files_state_counts_insert AFTER INSERT ON files REFERENCING NEW TABLE AS new_files
  FOR EACH STATEMENT EXECUTE FUNCTION file_state_counts_on_insert()
""",
    """
CREATE TRIGGER files_state_counts_update AFTER UPDATE ON files
  REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files
  FOR EACH STATEMENT EXECUTE FUNCTION file_state_counts_on_update()
""",
    """
CREATE TRIGGER files_state_counts_delete AFTER DELETE ON files REFERENCING OLD TABLE AS old_files
  FOR EACH STATEMENT EXECUTE FUNCTION file_state_counts_on_delete()
""",
]


def upgrade() -> None:
    op.create_table(
        "file_state_counts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    # Writers wait while the triggers go in and the backfill counts, so no change is counted twice or missed.
    op.execute("LOCK TABLE files IN SHARE ROW EXCLUSIVE MODE")
    for statement in FUNCTIONS:
        op.execute(statement)
    op.execute("INSERT INTO file_state_counts (state, n) SELECT state, count(*) FROM files GROUP BY state")


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER files_state_counts_{event} ON files")
        op.execute(f"DROP FUNCTION file_state_counts_on_{event}()")
    op.drop_table("file_state_counts")
