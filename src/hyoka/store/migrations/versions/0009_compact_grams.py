"""SQLite: compact tokens in ``sheet_grams``, and trigram triggers that allow bulk loads.

Revision ID: 0009_compact_grams
Revises: 0001
Create Date: 2026-11-22

The tokens of the 1–2 character index were hex of UTF-32 (8 hex digits per character, 16
per pair: ~26 bytes of token text per character of the sheets); they are now the
characters and pairs themselves (see ``hyoka.store.search.grams.grams``). The contentless table
cannot translate its tokens, so it forgets them all and indexes every stored text anew,
in batches, with ``grams`` of the running code (the index must hold what the code
queries).

The delete and update triggers of the trigram index ``sheet_fts`` now unindex a text
only when it is indexed: ``hyoka.store.search.index.bulk_indexing`` leaves the texts of a bulk
load out of the index until its end, and a sheet saved twice within one load must not
unindex tokens the index never held (which corrupts an FTS5 index).

Nothing changes on PostgreSQL.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision: str = "0009_compact_grams"
down_revision: str | None = "0001"
branch_labels: str | None = None
# sheet_fts and its triggers come from 0002. Not 0006_search_tokens (sheet_grams): with
# that dependency Alembic orders a fresh database's upgrade so that 0006's merge step
# deletes a version row that is gone ("KeyError: '0001'"; 0006 names 0001 beside two of
# its descendants). A store without sheet_grams yet has nothing to re-encode: 0006
# creates it empty and ``index_missing`` fills it with the tokens of the running code.
depends_on: tuple[str, ...] | None = ("0002_search",)

_UNINDEX_OLD = (
    "INSERT INTO sheet_fts(sheet_fts, rowid, program_name, body) "
    "SELECT 'delete', old.sheet_id, old.program_name, old.body "
    "WHERE old.sheet_id IN (SELECT id FROM sheet_fts_docsize);"
)
_INDEX_NEW = (
    "INSERT INTO sheet_fts(rowid, program_name, body) "
    "VALUES (new.sheet_id, new.program_name, new.body);"
)
_TRIGGERS = {
    "sheet_texts_fts_delete": f"AFTER DELETE ON sheet_texts BEGIN {_UNINDEX_OLD} END",
    "sheet_texts_fts_update": f"AFTER UPDATE ON sheet_texts BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END",
}
# As 0002 made them.
_PREVIOUS = {
    "sheet_texts_fts_delete": "AFTER DELETE ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(sheet_fts, rowid, program_name, body) "
    "VALUES ('delete', old.sheet_id, old.program_name, old.body); END",
    "sheet_texts_fts_update": "AFTER UPDATE ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(sheet_fts, rowid, program_name, body) "
    f"VALUES ('delete', old.sheet_id, old.program_name, old.body); {_INDEX_NEW} END",
}


def upgrade() -> None:
    from hyoka.store.search.grams import rebuild_grams

    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    _replace_triggers(_TRIGGERS)
    if _has_table(connection, "sheet_grams"):
        rebuild_grams(connection=connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    _replace_triggers(_PREVIOUS)
    # Emptied: the code of the previous revision refills it with its own tokens
    # (``index_missing``, which the web app runs on start, indexes the texts it lacks).
    if _has_table(connection, "sheet_grams"):
        op.execute("INSERT INTO sheet_grams (sheet_grams) VALUES ('delete-all')")


def _replace_triggers(triggers: dict[str, str]) -> None:
    for name, definition in triggers.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {definition}")


def _has_table(connection: Connection, name: str) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    )
    return found.first() is not None
