"""Open-data exports of the stored sheets: JSON documents, CSV files and an xlsx workbook.

The CSV files and worksheets are the store's normalised tables, one each, with the columns
in table order (``docs/opendata.md`` describes them). Money is in 千円 as plain integers,
indicator figures are exact decimals written without exponent, and flags are 1 or 0.

Example::

    with transaction(engine) as session:
        export_csv(session=session, directory=Path("out/csv"), bom=True)
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import orjson
from openpyxl import Workbook
from sqlalchemy.orm import Session

from hyoka.store import list_sheets, read_current_tables

UTF8_BOM = "\ufeff"


def export_json(*, session: Session, path: Path) -> None:
    """Write every current sheet as one JSON array of ``Sheet`` documents (UTF-8)."""
    documents = [sheet.model_dump(mode="json") for sheet in list_sheets(session=session)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(documents, option=orjson.OPT_INDENT_2) + b"\n")


def export_csv(*, session: Session, directory: Path, bom: bool = False) -> list[Path]:
    """Write one ``<table>.csv`` per table into ``directory`` and return their paths.

    ``bom=True`` starts each file with a UTF-8 byte order mark, which Excel needs to read
    UTF-8 rather than Shift_JIS.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in read_current_tables(session=session):
        path = directory / f"{table.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            if bom:
                stream.write(UTF8_BOM)
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(table.columns)
            writer.writerows([_text(value) for value in row] for row in table.rows)
        written.append(path)
    return written


def export_xlsx(*, session: Session, path: Path) -> None:
    """Write one worksheet per table, named after it, with a header row."""
    workbook = Workbook(write_only=True)
    for table in read_current_tables(session=session):
        worksheet = workbook.create_sheet(title=table.name)
        worksheet.append(list(table.columns))
        for row in table.rows:
            worksheet.append([_cell(value) for value in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


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
