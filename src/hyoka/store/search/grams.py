"""The unigram + bigram index ``sheet_grams`` (SQLite), which serves search terms of 1–2
characters that trigrams cannot: :func:`hyoka.rows.grams.grams` makes a text's tokens, the
helpers here index and unindex stored texts, :func:`rebuild_grams` re-indexes them all
(migration 0009).
PostgreSQL indexes a token list per text instead (:func:`gram_tokens`, migration 0010).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from hyoka.rows.grams import grams
from hyoka.store.schema.search import SheetTextRow

_INSERT_GRAMS = "INSERT INTO sheet_grams (rowid, program_name, body) VALUES (?, ?, ?)"


def index_grams(*, connection: Connection, rows: list[tuple[int, str, str]]) -> None:
    if rows:
        connection.exec_driver_sql(_INSERT_GRAMS, rows)


def unindex_grams(*, session: Session, sheet_ids: Sequence[int]) -> None:
    # A contentless FTS5 table forgets a text only when given the very tokens it indexed:
    # those of the stored text that is about to be replaced.
    old = session.execute(
        select(SheetTextRow.sheet_id, SheetTextRow.program_name, SheetTextRow.body)
        .where(SheetTextRow.sheet_id.in_(sheet_ids))
        .where(SheetTextRow.sheet_id.in_(text("SELECT id FROM sheet_grams_docsize")))
    ).all()
    if old:
        session.connection().exec_driver_sql(
            "INSERT INTO sheet_grams (sheet_grams, rowid, program_name, body) "
            "VALUES ('delete', ?, ?, ?)",
            [(i, grams(name), grams(body)) for i, name, body in old],
        )


def index_missing_grams(*, connection: Connection, batch: int) -> int:
    done, after = 0, 0
    while True:
        rows = connection.exec_driver_sql(
            "SELECT sheet_id, program_name, body FROM sheet_texts "
            "WHERE sheet_id > ? AND sheet_id NOT IN (SELECT id FROM sheet_grams_docsize) "
            "ORDER BY sheet_id LIMIT ?",
            (after, batch),
        ).all()
        if not rows:
            return done
        index_grams(
            connection=connection,
            rows=[(i, grams(name), grams(body)) for i, name, body in rows],
        )
        done += len(rows)
        after = rows[-1][0]


def rebuild_grams(*, connection: Connection, batch: int = 500) -> int:
    """SQLite: forget every token of ``sheet_grams`` and index every stored text anew (after
    a change of :func:`grams`); the number of texts indexed. Nothing on PostgreSQL."""
    if connection.dialect.name != "sqlite":
        return 0
    connection.exec_driver_sql("INSERT INTO sheet_grams (sheet_grams) VALUES ('delete-all')")
    return index_missing_grams(connection=connection, batch=batch)
