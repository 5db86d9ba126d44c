"""Importing a municipality's 事務事業評価 workbook into the store, in one transaction.

:func:`import_city_workbook` reads the rows (:mod:`hyoka.importers.city_workbook`),
prepares each good one (:func:`hyoka.rows.sheet.prepare_for`, as every save does) and
writes them all in one transaction through the one writer
(:func:`hyoka.store.sheets.writer.write_prepared`): a bad row is reported and skipped, and
either every good row of the file is stored or (an error while writing) none is. A
re-import of the same file changes nothing (same documents, same hashes); a changed row
adds a revision.

Example::

    summary = import_city_workbook(engine=engine, path=Path("report.xlsx"))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from hyoka.importers.city_workbook import MUNICIPALITY, CityRow, read_city_workbook
from hyoka.importers.errors import BadRecord
from hyoka.rows.sheet import PreparedSheet, prepare_for
from hyoka.store.database import transaction
from hyoka.store.sheets.writer import SaveCounts, write_prepared


@dataclass
class CityImportSummary(SaveCounts):
    """Counts of one workbook's import, with what was skipped or left empty."""

    problems: list[BadRecord] = field(default_factory=list)
    warnings: list[BadRecord] = field(default_factory=list)


def import_city_workbook(
    *,
    engine: Engine,
    path: Path,
    municipality: str = MUNICIPALITY,
    on_problem: Callable[[BadRecord], None] | None = None,
    on_warning: Callable[[BadRecord], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> CityImportSummary:
    """Store every program row of the workbook; bad rows reported and skipped.

    ``progress`` is told each row read (1). Raises ``ImportFailed`` (nothing stored) when
    the file is not a workbook of the layout.
    """
    summary = CityImportSummary()
    dialect = engine.dialect.name
    prepared: list[PreparedSheet] = []
    seen: dict[tuple[str, int, str], int] = {}
    for item in read_city_workbook(path, municipality=municipality):
        summary.read += 1
        if progress is not None:
            progress(1)
        if isinstance(item, CityRow):
            number, year, stage = item.sheet.key
            key = (number, year, stage.value)
            if key in seen:
                item = BadRecord(
                    path.name,
                    item.row,
                    "",
                    f"事務事業ID {number} は{seen[key]}行目と重複しています（最初の行を取り込みました）",
                )
            else:
                seen[key] = item.row
        if isinstance(item, BadRecord):
            summary.skipped += 1
            summary.problems.append(item)
            if on_problem is not None:
                on_problem(item)
            continue
        for warning in item.warnings:
            summary.warnings.append(warning)
            if on_warning is not None:
                on_warning(warning)
        prepared.append(prepare_for(item.sheet, f"{path.name}:{item.row}", dialect=dialect))
    if prepared:
        with transaction(engine, write=True) as session:
            saved = write_prepared(session=session, prepared=prepared)
        summary.count(saved)
    return summary
