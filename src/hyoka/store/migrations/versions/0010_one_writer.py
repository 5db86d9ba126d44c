"""One writer: the content hash moves to ``sheets``; PostgreSQL's short-term index on a column.

Revision ID: 0010_one_writer
Revises: every head before it (this revision joins the branches into one line)
Create Date: 2026-12-03

Every sheet is now written by one writer (``hyoka.store.sheets.writer.write_prepared``), which
finds an unchanged sheet by the hash of its document. The hash was a column of
``national_sheets`` (prefecture sheets had none); it is now ``sheets.content_hash`` for
every sheet. Prefecture sheets start with an empty hash: their next save compares the
documents themselves, as before, and stores the hash.

PostgreSQL: the 1–2 character index was a GIN index on the expression
``hyoka_grams(body)``, which PostgreSQL computed in SQL for every inserted text (half the
server's time of an import). The tokens are now computed by the writer's worker processes
(``hyoka.store.search.index.gram_tokens``, the same tokens) into ``sheet_texts.body_grams``,
indexed by GIN; existing rows are filled with ``hyoka_grams`` here. Nothing changes on
SQLite's search.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_one_writer"
# The heads a store records before this revision (0006 stands for 0002 and 0005, on which
# it depends); from here on, migrations form one line.
down_revision: tuple[str, ...] | None = (
    "0003_accounts",
    "0004_national",
    "0006_search_tokens",
    "0007_facts",
    "0008_printed_year",
    "0009_compact_grams",
)
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite 3.35+ drops columns itself): a batch
    # copy of ``sheets`` would cascade-delete every child row when the old table drops.
    op.add_column("sheets", sa.Column("content_hash", sa.Text(), server_default="", nullable=False))
    op.execute(
        "UPDATE sheets SET content_hash = coalesce((SELECT n.content_hash FROM national_sheets n "
        "WHERE n.sheet_id = sheets.id), '')"
    )
    op.execute("ALTER TABLE national_sheets DROP COLUMN content_hash")
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE sheet_texts ADD COLUMN body_grams text[]")
    op.execute("UPDATE sheet_texts SET body_grams = hyoka_grams(body)")
    op.execute("DROP INDEX IF EXISTS ix_sheet_texts_body_grams")
    op.execute("CREATE INDEX ix_sheet_texts_body_grams ON sheet_texts USING gin (body_grams)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_sheet_texts_body_grams")
        op.execute("ALTER TABLE sheet_texts DROP COLUMN body_grams")
        op.execute(
            "CREATE INDEX ix_sheet_texts_body_grams ON sheet_texts USING gin (hyoka_grams(body))"
        )
    op.add_column(
        "national_sheets", sa.Column("content_hash", sa.Text(), server_default="", nullable=False)
    )
    op.execute(
        "UPDATE national_sheets SET content_hash = (SELECT s.content_hash FROM sheets s "
        "WHERE s.id = national_sheets.sheet_id)"
    )
    op.execute("ALTER TABLE sheets DROP COLUMN content_hash")
