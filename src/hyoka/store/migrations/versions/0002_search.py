"""Listing and search: per-sheet summaries, texts and 施策分野 codes, the full-text indexes.

Revision ID: 0002_search
Revises: 0001
Create Date: 2024-12-01

Written out by hand to match ``hyoka/store/schema/search.py``. The full-text indexes are
not in the tables module: FTS5 ``trigram`` with triggers on SQLite, pg_trgm GIN indexes on
PostgreSQL. Sheets stored before this revision have no summary yet:
``hyoka.store.search.index.index_missing`` fills them in (the web app calls it on start).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_search"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_SQLITE_FTS = [
    # External content: the text lives once, in sheet_texts; the triggers keep the index.
    "CREATE VIRTUAL TABLE sheet_fts USING fts5(program_name, body, "
    "content='sheet_texts', content_rowid='sheet_id', tokenize='trigram')",
    "CREATE TRIGGER sheet_texts_fts_insert AFTER INSERT ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(rowid, program_name, body) "
    "VALUES (new.sheet_id, new.program_name, new.body); END",
    "CREATE TRIGGER sheet_texts_fts_delete AFTER DELETE ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(sheet_fts, rowid, program_name, body) "
    "VALUES ('delete', old.sheet_id, old.program_name, old.body); END",
    "CREATE TRIGGER sheet_texts_fts_update AFTER UPDATE ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(sheet_fts, rowid, program_name, body) "
    "VALUES ('delete', old.sheet_id, old.program_name, old.body); "
    "INSERT INTO sheet_fts(rowid, program_name, body) "
    "VALUES (new.sheet_id, new.program_name, new.body); END",
]
_POSTGRES_TRGM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_sheet_texts_body_trgm ON sheet_texts USING gin (body gin_trgm_ops)",
    "CREATE INDEX ix_sheet_texts_name_trgm ON sheet_texts USING gin (program_name gin_trgm_ops)",
]


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sheet_summaries",
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        _text("kind"),
        _text("program_number"),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        _text("stage"),
        _text("program_name"),
        _text("department"),
        _text("section"),
        sa.Column("achievement", sa.Text(), nullable=True),
        sa.Column("at_risk", sa.Boolean(), nullable=False),
        sa.Column("indicator_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sheet_id", name="pk_sheet_summaries"),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["sheets.id"],
            name="fk_sheet_summaries_sheet_id_sheets",
            ondelete="CASCADE",
        ),
    )
    for columns in (
        ["fiscal_year"],
        ["department", "section"],
        ["stage"],
        ["kind"],
        ["achievement"],
        ["at_risk"],
        ["program_number"],
    ):
        op.create_index(f"ix_sheet_summaries_{'_'.join(columns)}", "sheet_summaries", columns)
    op.create_table(
        "sheet_texts",
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        _text("program_name"),
        _text("body"),
        sa.PrimaryKeyConstraint("sheet_id", name="pk_sheet_texts"),
        sa.ForeignKeyConstraint(
            ["sheet_id"], ["sheets.id"], name="fk_sheet_texts_sheet_id_sheets", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "sheet_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("policy_code"),
        _text("policy_name"),
        sa.PrimaryKeyConstraint("id", name="pk_sheet_policies"),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["sheets.id"],
            name="fk_sheet_policies_sheet_id_sheets",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("sheet_id", "position", name="uq_sheet_policies_sheet_id_position"),
    )
    op.create_index("ix_sheet_policies_policy_code", "sheet_policies", ["policy_code"])
    statements = _SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else _POSTGRES_TRGM
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS sheet_fts")
    op.drop_table("sheet_policies")
    op.drop_table("sheet_texts")
    op.drop_table("sheet_summaries")
