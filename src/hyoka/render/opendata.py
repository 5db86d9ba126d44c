"""Open-data exports of the stored sheets: JSON documents, CSV files and an xlsx workbook.

The CSV files and worksheets are the store's normalised tables, one each, with the columns
in table order (``opendata_columns.md`` in this package describes them, see
:func:`column_documentation`). Money is in 千円 as plain integers, indicator figures are
exact decimals written without exponent, and flags are 1 or 0.

``public=True`` exports only what the public portal shows (the published version of each
sheet, :mod:`hyoka.store.sheets.published`); the default exports every current version, drafts
included, for staff (``hyoka export``).

Example::

    with transaction(engine) as session:
        export_csv(session=session, directory=Path("out/csv"), bom=True, public=True)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

import orjson
from markupsafe import Markup, escape
from openpyxl import Workbook
from sqlalchemy.orm import Session

from hyoka.model import Sheet
from hyoka.store import load_sheets, read_current_tables
from hyoka.store.schema.sheets import current_tables
from hyoka.store.sheets.tables import TableRows

UTF8_BOM = "\ufeff"
COLUMN_DOCUMENTATION = "opendata_columns.md"


@cache
def column_documentation() -> str:
    """The conventions and columns of the exported tables (Markdown, package data).

    Read from the installed package, not the repository's ``docs`` folder, so that the
    portal's ``/opendata`` page shows it wherever hyoka is installed.
    """
    return files("hyoka.render").joinpath(COLUMN_DOCUMENTATION).read_text("utf-8")


TYPE_NAMES = {
    "Integer": "整数",
    "Text": "文字列",
    "ExactDecimal": "小数",
    "Boolean": "フラグ（1/0）",
}


@dataclass(frozen=True)
class ColumnDoc:
    """One exported column: its name, Japanese name, type, unit and what it holds."""

    name: str
    label: str  # 名称
    type: str  # 型, from the stored table's definition
    unit: str  # 単位 ("" when none)
    description: str  # 説明 (Markdown inline code in backticks)

    @property
    def description_html(self) -> Markup:
        return inline_code(self.description)


@dataclass(frozen=True)
class TableDoc:
    name: str  # the table, e.g. sheets (sheets.csv)
    summary: str
    columns: list[ColumnDoc]


@dataclass(frozen=True)
class Documentation:
    """The open-data documentation as data, read from ``opendata_columns.md``."""

    conventions: list[str]  # the bullets of 決まりごと
    national: str  # the paragraph on national sheets
    tables: list[TableDoc]

    @property
    def conventions_html(self) -> list[Markup]:
        return [inline_code(item) for item in self.conventions]

    @property
    def national_html(self) -> Markup:
        return inline_code(self.national)


def inline_code(text: str) -> Markup:
    """Markdown's `code` as <code>, the rest escaped."""
    parts = re.split(r"`([^`]+)`", text)
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )


_TABLE_HEADING = re.compile(r"### `(\w+)\.csv`")
_COLUMN_ROW = re.compile(r"\| `(\w+)` \|\s*(.+?)\s*\|\s*(.*?)\s*\|\s*(.+?)\s*\|")


@cache
def documentation() -> Documentation:
    """:func:`column_documentation` as data, each column's 型 from its stored table.

    Example::

        [column.name for column in documentation().tables[0].columns][:2]  # ['id', 'program_number']
    """
    types = {
        table.name: {column.name: type(column.type).__name__ for column in table.columns}
        for table in current_tables()
    }
    conventions: list[str] = []
    national: list[str] = []
    tables: list[TableDoc] = []
    section, table = "", None
    for line in column_documentation().splitlines():
        if line.startswith("## "):
            section, table = line, None
        elif heading := _TABLE_HEADING.fullmatch(line):
            table = TableDoc(heading[1], "", [])
            tables.append(table)
        elif table is not None and (row := _COLUMN_ROW.fullmatch(line)):
            kind = types[table.name][row[1]]
            table.columns.append(
                ColumnDoc(row[1], row[2], TYPE_NAMES.get(kind, kind), row[3], row[4])
            )
        elif table is not None and line and not line.startswith("|"):
            tables[-1] = table = TableDoc(table.name, table.summary + line, table.columns)
        elif table is None and section == "## 決まりごと" and line.startswith("- "):
            conventions.append(line[2:])
        elif table is None and section == "## 決まりごと" and line.startswith("  "):
            conventions[-1] += line.strip()
        elif table is None and section.startswith("## 国のシート") and line:
            national.append(line)
    return Documentation(conventions, "".join(national), tables)


def example_rows(*, session: Session, public: bool = True) -> dict[str, dict[str, str]]:
    """The first row of each table (as the CSV writes it) by column: the page's examples."""
    return {
        table.name: dict(zip(table.columns, map(_text, table.rows[0]), strict=True))
        for table in read_current_tables(session=session, public=public, limit=1)
        if table.rows
    }


def export_json(*, session: Session, path: Path, public: bool = False) -> None:
    """Write every current sheet as one JSON array of ``Sheet`` documents (UTF-8)."""
    documents = [sheet.model_dump(mode="json") for sheet in _sheets(session, public)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(documents, option=orjson.OPT_INDENT_2) + b"\n")


def export_csv(
    *, session: Session, directory: Path, bom: bool = False, public: bool = False
) -> list[Path]:
    """Write one ``<table>.csv`` per table into ``directory`` and return their paths.

    ``bom=True`` starts each file with a UTF-8 byte order mark, which Excel needs to read
    UTF-8 rather than Shift_JIS.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in _tables(session, public):
        path = directory / f"{table.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            if bom:
                stream.write(UTF8_BOM)
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(table.columns)
            writer.writerows([_text(value) for value in row] for row in table.rows)
        written.append(path)
    return written


def export_xlsx(*, session: Session, path: Path, public: bool = False) -> None:
    """Write one worksheet per table, named after it, with a header row."""
    workbook = Workbook(write_only=True)
    for table in _tables(session, public):
        worksheet = workbook.create_sheet(title=table.name)
        worksheet.append(list(table.columns))
        for row in table.rows:
            worksheet.append([_cell(value) for value in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _sheets(session: Session, public: bool) -> list[Sheet]:
    return [stored.sheet for stored in load_sheets(session=session, public=public)]


def _tables(session: Session, public: bool) -> list[TableRows]:
    return read_current_tables(session=session, public=public)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    return value
