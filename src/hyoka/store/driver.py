"""Bulk inserts through the driver for the one sheet writer, the report facts and search:
``executemany`` on SQLite, ``COPY`` on PostgreSQL.

SQLAlchemy's per-row parameter processing cost more than SQLite's own work when 20,000+
sheets are imported, so the tables are written through the driver with values in the
form it takes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from hyoka.rows.exact import exact_for

IN_CHUNK = 500
"""Values per ``IN (…)`` list or per bulk chunk: well below every driver's parameter limit."""


def in_chunks(values: Sequence[int], size: int = IN_CHUNK) -> Iterator[Sequence[int]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class RowWriter:
    """Rows of tuples written through the driver: ``executemany`` on SQLite, psycopg's
    ``COPY … FROM STDIN`` on PostgreSQL (one round trip a table instead of one a row).

    Values are given as the driver takes them: :meth:`exact` turns decimals into the
    column type's storage form (text on SQLite, as ``ExactDecimal`` does), :meth:`instant`
    a UTC datetime into ``UTCDateTime``'s, and JSON documents are passed as their text.
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        self.sqlite = dialect.name == "sqlite"
        self._mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self._quote = dialect.identifier_preparer.quote
        self.exact = exact_for(dialect.name)

    def instant(self, value: datetime) -> Any:
        if not self.sqlite:
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def insert_ids(
        self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> list[int]:
        """Insert rows (values as :meth:`insert` takes them); their new ids, in order."""
        if not rows:
            return []
        if not self.sqlite:
            # The ids are taken from the table's sequence first, then written with COPY.
            found = self.connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (table.name, len(rows)),
            )
            pg_ids = [row_id for (row_id,) in found]
            self.insert(
                table,
                ["id", *columns],
                [(row_id, *row) for row_id, row in zip(pg_ids, rows, strict=True)],
            )
            return pg_ids
        # SQLite has no RETURNING for executemany, and SQLAlchemy then inserts row by row.
        # Take the write lock first (a write statement that changes nothing), so that no
        # other connection can insert between reading the largest id and using the next ones.
        name = self._quote(table.name)
        self.connection.exec_driver_sql(f"DELETE FROM {name} WHERE 0")
        start = self.connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {name}")
        first = int(start.scalar_one()) + 1
        ids = list(range(first, first + len(rows)))
        self.insert(
            table, ["id", *columns], [(row_id, *row) for row_id, row in zip(ids, rows, strict=True)]
        )
        return ids

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(self._quote(name) for name in columns)
        if not self.sqlite:
            driver = self.connection.connection.driver_connection
            statement = f"COPY {self._quote(table.name)} ({names}) FROM STDIN"
            with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join([self._mark] * len(columns))
        self.connection.exec_driver_sql(
            f"INSERT INTO {self._quote(table.name)} ({names}) VALUES ({marks})", rows
        )
