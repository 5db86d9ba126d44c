"""Indexing sheets for the full-text search and the per-sheet summaries the listing
filters on (matching is :mod:`hyoka.store.search.matching`).

:func:`index_sheets` writes one ``sheet_summaries`` row per sheet (header columns, the
rules' achievement and at-risk, every text of the sheet: :mod:`hyoka.rules.summaries`) and
its 施策分野 codes; ``save_sheet`` calls it for every saved sheet. It is
:func:`search_rows` (pure, the rows as plain values that worker processes can compute)
then :func:`write_search_rows`; bulk writers call those two themselves, inside
:func:`bulk_indexing` on SQLite. The 1–2 character index ``sheet_grams`` is
:mod:`hyoka.store.search.grams`.

Example::

    with transaction(engine) as session:
        index_sheets(session=session, sheets=[(sheet_id, sheet)])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Table, delete, select
from sqlalchemy.orm import Session

from hyoka.model import Sheet
from hyoka.rows.grams import gram_tokens, grams
from hyoka.rows.search import SUMMARY_COLUMNS, SearchRows, search_rows
from hyoka.store.driver import RowWriter, in_chunks
from hyoka.store.schema.search import (
    SheetPolicyRow,
    SheetSummaryRow,
    SheetTextRow,
)
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.search.grams import index_grams, index_missing_grams, unindex_grams
from hyoka.store.sheets.reader import load_sheets

_POLICY_COLUMNS = ("sheet_id", "position", "policy_code", "policy_name")
_SUMMARIES: Table = SheetSummaryRow.__table__  # type: ignore[assignment]
_TEXTS: Table = SheetTextRow.__table__  # type: ignore[assignment]
_POLICIES: Table = SheetPolicyRow.__table__  # type: ignore[assignment]


def write_search_rows(
    *, session: Session, rows: Sequence[tuple[int, SearchRows]], replace: bool = True
) -> None:
    """Store the index rows of these stored sheets (sheet id, rows).

    ``replace=False`` when the sheets were just inserted and have no index rows yet: the
    deletes (and, on SQLite, reading back the old texts to unindex their grams) are
    skipped. On SQLite, grams a :class:`SearchRows` lacks are computed here.
    """
    if not rows:
        return
    if replace:
        _unindex(session=session, sheet_ids=[sheet_id for sheet_id, _rows in rows])
    writer = RowWriter(session)
    writer.insert(
        _SUMMARIES,
        ("sheet_id", *SUMMARY_COLUMNS),
        [(sheet_id, *item.summary) for sheet_id, item in rows],
    )
    if writer.sqlite:
        writer.insert(
            _TEXTS,
            ("sheet_id", "program_name", "body"),
            [(sheet_id, item.program_name, item.body) for sheet_id, item in rows],
        )
    else:
        writer.insert(
            _TEXTS,
            ("sheet_id", "program_name", "body", "body_grams"),
            [
                (
                    sheet_id,
                    item.program_name,
                    item.body,
                    gram_tokens(item.body) if item.body_tokens is None else item.body_tokens,
                )
                for sheet_id, item in rows
            ],
        )
    if writer.sqlite:
        index_grams(
            connection=writer.connection,
            rows=[
                (
                    sheet_id,
                    grams(item.program_name) if item.name_grams is None else item.name_grams,
                    grams(item.body) if item.body_grams is None else item.body_grams,
                )
                for sheet_id, item in rows
            ],
        )
    writer.insert(
        _POLICIES,
        _POLICY_COLUMNS,
        [(sheet_id, *policy) for sheet_id, item in rows for policy in item.policies],
    )


def index_sheets(*, session: Session, sheets: Sequence[tuple[int, Sheet]]) -> None:
    """(Re)write the summary, search text and 施策分野 rows of these stored sheets."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    write_search_rows(
        session=session,
        rows=[
            (sheet_id, search_rows(sheet, with_grams=sqlite, with_tokens=not sqlite))
            for sheet_id, sheet in sheets
        ],
    )


def _unindex(*, session: Session, sheet_ids: list[int]) -> None:
    sqlite = session.get_bind().dialect.name == "sqlite"
    for chunk in in_chunks(sheet_ids):
        if sqlite:
            unindex_grams(session=session, sheet_ids=chunk)
        session.execute(delete(SheetSummaryRow).where(SheetSummaryRow.sheet_id.in_(chunk)))
        session.execute(delete(SheetPolicyRow).where(SheetPolicyRow.sheet_id.in_(chunk)))
        session.execute(delete(SheetTextRow).where(SheetTextRow.sheet_id.in_(chunk)))


def index_missing(*, session: Session, batch: int = 500) -> int:
    """Index the stored sheets that have no summary yet (stored before the search existed),
    from the documents of their current revisions; the number indexed."""
    done = 0
    while True:
        ids = session.scalars(
            select(SheetRow.id)
            .where(~SheetRow.id.in_(select(SheetSummaryRow.sheet_id)))
            .order_by(SheetRow.id)
            .limit(batch)
        ).all()
        if not ids:
            break
        stored = load_sheets(session=session, sheet_ids=ids)
        index_sheets(session=session, sheets=[(item.sheet_id, item.sheet) for item in stored])
        done += len(ids)
    if session.get_bind().dialect.name == "sqlite":
        connection = session.connection()
        if not _has_fts_insert_trigger(connection):  # a bulk load was killed before its end
            _index_unindexed_texts(connection)
        index_missing_grams(connection=connection, batch=batch)
    return done


# --- Bulk loads -------------------------------------------------------------------------------

# As migration 0002 made it; bulk_indexing drops it for the length of a load.
_FTS_INSERT_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS sheet_texts_fts_insert AFTER INSERT ON sheet_texts BEGIN "
    "INSERT INTO sheet_fts(rowid, program_name, body) "
    "VALUES (new.sheet_id, new.program_name, new.body); END"
)
_FTS_TABLES = ("sheet_fts", "sheet_grams")
# Pending tokens FTS5 keeps in memory per transaction before writing a segment: its 1 MB
# default makes a batch of sheets dozens of small segments to merge later. Importing one
# year took the same CPU with 16, 32 or 64 MB, and 173, 185, 245 MB of RSS; with 16 MB the
# file was 15% larger (more segments left).
_BULK_HASH_SIZE = 32 * 2**20
_DEFAULT_HASH_SIZE = 2**20


@contextmanager
def bulk_indexing(engine: Engine) -> Iterator[None]:
    """Make the index rows of many sheets cheaper to write inside the block (SQLite; a
    no-op on PostgreSQL).

    The trigram index is built once at the end, in one statement, for every text it lacks
    (instead of row by row through its trigger in each batch), and FTS5 keeps up to 32 MB
    of pending tokens before writing a segment. One year of JUDGIT! sheets (5,198): 10.0 s
    → 5.4 s CPU of writing (bench/search_index.py). Meanwhile searches of 3+ characters do
    not find the texts stored in the block, by any connection. Whatever happens inside,
    on leaving the texts are indexed, the trigger is back and the settings are as they
    were; a process killed inside leaves that to the next ``bulk_indexing`` or
    :func:`index_missing`.

    Example::

        with bulk_indexing(engine):
            for batch in batches:
                with transaction(engine) as session:
                    write_search_rows(session=session, rows=batch, replace=False)
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with engine.begin() as connection:
        saved = {table: _hash_size(connection, table) for table in _FTS_TABLES}
        for table in _FTS_TABLES:
            _set_hash_size(connection, table, _BULK_HASH_SIZE)
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS sheet_texts_fts_insert")
    try:
        yield
    finally:
        with engine.begin() as connection:
            _index_unindexed_texts(connection)
            for table, size in saved.items():
                _set_hash_size(connection, table, size)


def _index_unindexed_texts(connection: Connection) -> None:
    # The delete and update triggers unindex only indexed texts (migration 0009), so texts
    # left out of the index can be replaced or deleted meanwhile and indexed now.
    connection.exec_driver_sql(_FTS_INSERT_TRIGGER)
    connection.exec_driver_sql(
        "INSERT INTO sheet_fts (rowid, program_name, body) "
        "SELECT sheet_id, program_name, body FROM sheet_texts "
        "WHERE sheet_id NOT IN (SELECT id FROM sheet_fts_docsize)"
    )


def _has_fts_insert_trigger(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'sheet_texts_fts_insert'"
    )
    return found.first() is not None


def _hash_size(connection: Connection, table: str) -> int | None:
    found = connection.exec_driver_sql(f"SELECT v FROM {table}_config WHERE k = 'hashsize'")
    value = found.scalar()
    return None if value is None else int(value)


def _set_hash_size(connection: Connection, table: str, size: int | None) -> None:
    # Through FTS5's command, which tells other connections to reload their settings; an
    # unset value is set to the default that way, then its row removed as before.
    value = _DEFAULT_HASH_SIZE if size is None else size
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (value,)
    )
    if size is None:
        connection.exec_driver_sql(f"DELETE FROM {table}_config WHERE k = 'hashsize'")
