"""What a table of a sheet's rows is: the shape every module of ``hyoka.rows`` describes its
tables with (``rows.sheet``'s SHEET_TREE, ``rows.rs``, ``rows.municipal``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    """A table of a sheet's current version: its name, the column holding the parent's id,
    the columns :func:`hyoka.rows.sheet.prepare_sheet` gives (after that id), and its child
    tables."""

    name: str
    parent: str
    columns: tuple[str, ...]
    children: tuple[TableSpec, ...] = ()
