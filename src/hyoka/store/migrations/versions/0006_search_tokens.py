"""Search of 1–2 character terms, and a store revision counter for the listing's cache.

Revision ID: 0006_search_tokens
Revises: 0001
Create Date: 2026-11-22

Trigrams cannot serve terms of one or two characters (「県」「農業」), which are common in
Japanese. SQLite gets a contentless FTS5 table ``sheet_grams`` holding every character and
every pair of adjacent characters of each text as a token (hex-encoded, see
``hyoka.store.search.grams.grams``); ``index_sheets`` writes it and ``index_missing`` fills it
for texts stored before this revision. PostgreSQL gets the same tokens as a GIN index on
the immutable function ``hyoka_grams(body)``, kept by PostgreSQL itself.

``store_revision`` holds one counter that triggers raise whenever the summaries or the
workflow states change, so that the listing can keep its in-memory copy of the published
summaries until it moves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_search_tokens"
down_revision: str | None = "0001"
branch_labels: str | None = None
# Triggers and indexes on tables of other branches: those must be there first.
depends_on: tuple[str, ...] | None = ("0002_search", "0005_workflow")

# Tables whose changes alter what the public listing shows.
_WATCHED = ("sheet_summaries", "sheet_workflow")

_SQLITE = [
    # Contentless: the text lives once, in sheet_texts; only the index is stored. The
    # tokens are ASCII hex, so the plain ascii tokenizer splits them on spaces alone.
    "CREATE VIRTUAL TABLE sheet_grams USING fts5(program_name, body, content='', tokenize='ascii')",
    *(
        f"CREATE TRIGGER store_revision_{table}_{event.lower()} AFTER {event} ON {table} "
        "BEGIN UPDATE store_revision SET value = value + 1; END"
        for table in _WATCHED
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
_POSTGRES = [
    # Every character and every pair of adjacent characters of each word, lower-cased: the
    # same tokens as hyoka.store.search.grams.grams, so that `@>` finds 1–2 character terms.
    r"""CREATE FUNCTION hyoka_grams(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT substr(word, start, size)), '{}')
      FROM regexp_split_to_table(lower(value), '\s+') AS word,
           generate_series(1, 2) AS size,
           generate_series(1, length(word) - size + 1) AS start
    $$""",
    "CREATE INDEX ix_sheet_texts_body_grams ON sheet_texts USING gin (hyoka_grams(body))",
    """CREATE FUNCTION hyoka_bump_store_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE store_revision SET value = value + 1;
      RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER store_revision_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION hyoka_bump_store_revision()"
        for table in _WATCHED
    ),
]


def upgrade() -> None:
    op.create_table(
        "store_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_store_revision"),
    )
    op.execute("INSERT INTO store_revision (id, value) VALUES (1, 0)")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in _WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS store_revision_{table}_{event}")
        op.execute("DROP TABLE IF EXISTS sheet_grams")
    else:
        for table in _WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS store_revision_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS hyoka_bump_store_revision()")
        op.execute("DROP INDEX IF EXISTS ix_sheet_texts_body_grams")
        op.execute("DROP FUNCTION IF EXISTS hyoka_grams(text)")
    op.drop_table("store_revision")
