"""The normalised tables of the current versions, read whole for the open-data exports
(all of them, or the published sheets' rows only).

Whole sheets are read by :mod:`hyoka.store.sheets.reader`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.orm import Session

from hyoka.store.schema.sheets import SheetRow, current_tables
from hyoka.store.search.catalog import published


@dataclass(frozen=True)
class TableRows:
    """All rows of one table, with its column names in table order."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]


def read_current_tables(
    *, session: Session, public: bool = False, limit: int | None = None
) -> list[TableRows]:
    """Every normalised table of the current versions, rows in key order: for exports.

    ``public``: only the rows of published sheets; ``limit``: the first rows of each table
    (the example row of the columns' documentation). A child table is filtered through its
    parent's key (``indicator_values`` through ``indicators`` through ``sheets``), so
    whatever tables are added later follow suit.
    """
    kept: dict[str, ColumnElement[bool]] = {}
    found = []
    for table in current_tables():
        query = select(table).order_by(*table.primary_key.columns).limit(limit)
        if public:
            kept[table.name] = condition = _published_rows(table, kept)
            query = query.where(condition)
        found.append(
            TableRows(
                name=table.name,
                columns=tuple(column.name for column in table.columns),
                rows=[tuple(row) for row in session.execute(query)],
            )
        )
    return found


def _published_rows(table: Table, parents: dict[str, ColumnElement[bool]]) -> ColumnElement[bool]:
    sheets = SheetRow.__table__
    if table is sheets:
        return published(sheets.c.id)
    # The owning key first (program_links also points at a nullable predecessor sheet).
    for key in sorted(table.foreign_keys, key=lambda key: (key.parent.nullable, key.parent.name)):
        parent = key.column.table
        if parent is sheets:
            return key.parent.in_(select(sheets.c.id).where(published(sheets.c.id)))
        if parent.name in parents:
            return key.parent.in_(select(key.column).where(parents[parent.name]))
    raise ValueError(f"{table.name}: no path to the sheets table")
