"""Importers by source format. The CLI and web use ``parse_file``; formats register here.

>>> sorted(IMPORTERS)
['.pdf', '.txt', '.xlsx']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hyoka.importers.errors import ImportFailed, ImportNotes, Problem
from hyoka.importers.sheet_text import ParsedSheet, parse_sheet_file

Importer = Callable[[Path], ParsedSheet]

IMPORTERS: dict[str, Importer] = {
    ".txt": parse_sheet_file,
}


def _parse_workbook_file(path: Path) -> ParsedSheet:
    # Imported when used: openpyxl is only needed for workbooks.
    from hyoka.importers.workbook import parse_workbook_file

    return parse_workbook_file(path)


IMPORTERS[".xlsx"] = _parse_workbook_file


def _parse_pdf_file(path: Path) -> ParsedSheet:
    # Imported when used: pdfplumber is only needed for PDFs.
    from hyoka.importers.pdf import parse_pdf_file

    return parse_pdf_file(path)


IMPORTERS[".pdf"] = _parse_pdf_file


def register_importer(suffix: str, importer: Importer) -> None:
    IMPORTERS[suffix.lower()] = importer


def parse_file(path: Path) -> ParsedSheet:
    """Parse one file with the importer registered for its suffix."""
    importer = IMPORTERS.get(path.suffix.lower())
    if importer is None:
        known = "、".join(sorted(IMPORTERS))
        raise ImportFailed(
            str(path), [Problem("ファイル", f"この形式は取り込めません(対応: {known})")]
        )
    if not path.is_file():
        raise ImportFailed(str(path), [Problem("ファイル", "ファイルがありません")])
    return importer(path)


__all__ = [
    "IMPORTERS",
    "ImportFailed",
    "ImportNotes",
    "ParsedSheet",
    "parse_file",
    "register_importer",
]
