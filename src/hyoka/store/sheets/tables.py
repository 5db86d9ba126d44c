"""The normalised tables of the current versions, read whole for the open-data exports.

Whole sheets are read by :mod:`hyoka.store.sheets.reader`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.store.schema.sheets import current_tables


@dataclass(frozen=True)
class TableRows:
    """All rows of one table, with its column names in table order."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]


def read_current_tables(*, session: Session) -> list[TableRows]:
    """Every normalised table of the current versions, rows in key order: for exports."""
    found = []
    for table in current_tables():
        result = session.execute(select(table).order_by(*table.primary_key.columns))
        found.append(
            TableRows(
                name=table.name,
                columns=tuple(column.name for column in table.columns),
                rows=[tuple(row) for row in result],
            )
        )
    return found
