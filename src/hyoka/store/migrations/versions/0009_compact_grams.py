"""SQLite: the 1–2 character index ``sheet_grams`` re-encoded with compact tokens.

Revision ID: 0009_compact_grams
Revises: 0001
Create Date: 2026-11-22

The tokens were hex of UTF-32 (8 hex digits per character, 16 per pair: ~26 bytes of
token text per character of the sheets); they are now the characters and pairs
themselves (see ``hyoka.store.search.grams``). The contentless table cannot translate its
tokens, so it forgets them all and indexes every stored text anew, in batches. Nothing
changes on PostgreSQL (``hyoka_grams`` already returns the characters).

Uses ``grams`` of the running code on purpose: the index must hold what the code queries.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision: str = "0009_compact_grams"
down_revision: str | None = "0001"
branch_labels: str | None = None
# Not depends_on 0006_search_tokens (which makes sheet_grams): with that dependency Alembic
# orders a fresh database's upgrade so that 0006's merge step deletes a version row that
# is gone ("KeyError: '0001'", 0006 names 0001 beside two of its descendants). Without
# it, a store without sheet_grams yet has nothing to re-encode: 0006 creates the table
# empty and `index_missing` fills it with the tokens of the running code.
depends_on: str | None = None


def upgrade() -> None:
    from hyoka.store.search import rebuild_grams

    connection = op.get_bind()
    if connection.dialect.name == "sqlite" and _has_grams(connection):
        rebuild_grams(connection=connection)


def downgrade() -> None:
    # Emptied: the code of the previous revision refills it with its own tokens
    # (``index_missing``, which the web app runs on start, indexes texts it lacks).
    connection = op.get_bind()
    if connection.dialect.name == "sqlite" and _has_grams(connection):
        op.execute("INSERT INTO sheet_grams (sheet_grams) VALUES ('delete-all')")


def _has_grams(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sheet_grams'"
    )
    return found.first() is not None
