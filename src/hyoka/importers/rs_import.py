"""Importing the RS system's CSV tables into the store: streaming, in batches.

:func:`import_rs` opens every table of the download at once and walks them together by
予算事業ID (each is sorted by it; :mod:`hyoka.importers.rs_tables` spools one that is not),
so that only one program's rows are in memory per table. Programs go in batches to the
JUDGIT! import's pipeline (:func:`hyoka.importers.judgit_import.write_outcomes`): worker
processes make each sheet (:func:`hyoka.importers.rs.sheet_from_rows`) and its rows, this
process writes each batch in one transaction through the one writer, and the program
lineage is rebuilt at the end. Re-importing the same files changes nothing (each sheet's
content hash); a row that cannot be read is reported with file, line, column and reason
and left out, and a table whose header lacks a column is refused whole.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from hyoka.importers.errors import BadRecord
from hyoka.importers.judgit_import import ImportSummary, PreparedRecord, write_outcomes
from hyoka.importers.pipeline import MAX_JOBS, SMALL_INPUT
from hyoka.importers.rs import (
    Rows,
    TableCount,
    missing_columns,
    sheet_from_rows,
)
from hyoka.importers.rs_tables import (
    TABLE_NAMES,
    Line,
    Source,
    TableError,
    find_sources,
    grouped,
    is_sorted,
    open_table,
)
from hyoka.rows.exact import exact_for
from hyoka.rows.sheet import prepare_for, prepare_sheet

BATCH = 200
"""Programs per transaction (each has rows in up to 13 tables)."""


@dataclass
class RsSummary:
    """What an RS import did: the store's counts (as for JUDGIT!), per table what became of
    its rows, and what could not be read."""

    store: ImportSummary = field(default_factory=ImportSummary)
    tables: dict[str, TableCount] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # table number → file read
    refused: list[BadRecord] = field(default_factory=list)  # whole files not read
    sheets_skipped: int = 0  # programs whose sheet could not be made


def prepare_programs(
    programs: list[tuple[int, Rows]], dialect: str, search: bool
) -> list[tuple[PreparedRecord | BadRecord, list[BadRecord], dict[str, TableCount]]]:
    """Make the sheets of a batch of programs and their rows (pure; runs in workers)."""
    exact = exact_for(dialect)
    done: list[tuple[PreparedRecord | BadRecord, list[BadRecord], dict[str, TableCount]]] = []
    for project_id, rows in programs:
        read = sheet_from_rows(project_id, rows)
        problems = [row for row in read.problems]
        first = next(line for lines in rows.values() for _, line in lines)
        if read.sheet is None:
            reason = problems.pop() if problems else None
            bad = reason or BadRecord(
                "", first.number, "予算事業ID", f"{project_id}: 行がありません"
            )
            done.append((bad, problems, read.counts))
            continue
        source = f"RS:{read.sheet.header.fiscal_year}:{project_id}"
        prepared = (
            prepare_for(read.sheet, source, dialect=dialect)
            if search
            else prepare_sheet(read.sheet, source, exact=exact)
        )
        done.append((PreparedRecord(first.number, prepared, []), problems, read.counts))
    return done


def _merged(
    stack: ExitStack,
    sources: Sequence[Source],
    summary: RsSummary,
    progress: Callable[[int], None] | None,
    on_problem: Callable[[BadRecord], None] | None,
) -> Iterator[tuple[int, Rows]]:
    """Every program's rows of every table, by ascending 予算事業ID."""

    def refuse(row: BadRecord) -> None:
        summary.refused.append(row)
        if on_problem is not None:
            on_problem(row)

    streams: list[tuple[str, str, Iterator[tuple[int | None, list[Line]]]]] = []
    for source in sources:
        try:
            table, lines = stack.enter_context(open_table(source, progress))
        except TableError as error:
            refuse(BadRecord(error.file, error.line, error.column, error.reason))
            continue
        missing = missing_columns(table.number, table.columns)
        if missing:
            refuse(
                BadRecord(source.name, 1, missing[0], f"列がありません(ほかに{len(missing) - 1}列)")
            )
            continue
        if table.number in summary.files:
            refuse(
                BadRecord(
                    source.name,
                    1,
                    "",
                    f"表{table.number}は {summary.files[table.number]} で読みました(2つ目は読みません)",
                )
            )
            continue
        summary.files[table.number] = source.name
        summary.tables.setdefault(table.number, TableCount())
        in_order = is_sorted(source)
        streams.append((table.number, source.name, grouped(table, lines, sorted_ids=in_order)))

    def keyed(position: int) -> Iterator[tuple[int, int, str, str, list[Line]]]:
        number, name, groups = streams[position]
        try:
            for project_id, lines in groups:
                if project_id is None:
                    # A row without a usable 予算事業ID belongs to no sheet.
                    count = summary.tables[number]
                    count.rows += 1
                    count.skipped += 1
                    cells = lines[0].cells
                    reason = cells.get("", "予算事業IDが整数ではありません")
                    refuse(
                        BadRecord(
                            name, lines[0].number, "" if "" in cells else "予算事業ID", reason
                        )
                    )
                    continue
                yield project_id, position, number, name, lines
        except TableError as error:
            # The rows before the damage are read; the rest of the file is one problem.
            refuse(BadRecord(error.file, error.line, error.column, error.reason))

    current: int | None = None
    rows: Rows = {}
    for project_id, _, number, name, group in heapq.merge(
        *(keyed(position) for position in range(len(streams))), key=lambda item: item[:2]
    ):
        if project_id != current and rows:
            assert current is not None
            yield current, rows
            rows = {}
        current = project_id
        rows.setdefault(number, []).extend((name, line) for line in group)
    if rows and current is not None:
        yield current, rows


def import_rs(
    *,
    engine: Engine,
    paths: Sequence[Path],
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    on_problem: Callable[[BadRecord], None] | None = None,
    search_index: bool = True,
    jobs: int | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> RsSummary:
    """Stream the RS tables in these ZIPs, CSVs or folders into the store.

    ``progress`` gets bytes of CSV read (the total is :func:`total_size`); ``on_problem``
    every row or file left out. Otherwise as :func:`hyoka.importers.judgit_import.import_files`.
    """
    summary = RsSummary()
    dialect = engine.dialect.name
    try:
        sources = find_sources(list(paths))
    except TableError as error:
        bad = BadRecord(error.file, error.line, error.column, error.reason)
        summary.refused.append(bad)
        if on_problem is not None:
            on_problem(bad)
        return summary
    size = sum(source.size for source in sources)
    # By the CSVs' size: a folder's own size says nothing of what it holds.
    workers = (
        (min(MAX_JOBS, os.cpu_count() or 1) if size >= SMALL_INPUT else 1) if jobs is None else jobs
    )

    def tallied(
        outcomes: list[tuple[PreparedRecord | BadRecord, list[BadRecord], dict[str, TableCount]]],
    ) -> list[PreparedRecord | BadRecord]:
        kept: list[PreparedRecord | BadRecord] = []
        for outcome, problems, counts in outcomes:
            for number, count in counts.items():
                summary.tables.setdefault(number, TableCount()).add(count)
            for problem in problems:
                summary.store.problems.append(problem)
                if on_problem is not None:
                    on_problem(problem)
            if isinstance(outcome, BadRecord):
                summary.sheets_skipped += 1
            kept.append(outcome)
        return kept

    with ExitStack() as stack:

        def batches() -> Iterator[tuple[list[tuple[int, Rows]], str, bool]]:
            pending: list[tuple[int, Rows]] = []
            for program in _merged(stack, sources, summary, progress, on_problem):
                pending.append(program)
                if len(pending) >= batch:
                    yield pending, dialect, search_index
                    pending = []
            if pending:
                yield pending, dialect, search_index

        write_outcomes(
            engine=engine,
            summary=summary.store,
            prepare=prepare_programs,
            tasks=batches(),
            jobs=workers,
            adapt=tallied,
            on_problem=on_problem,
            search_index=search_index,
            on_stage=on_stage,
        )
    return summary


def total_size(paths: Sequence[Path]) -> int:
    """Bytes of CSV in these paths (the progress bar's total)."""
    return sum(source.size for source in find_sources(list(paths)))


def describe_tables(summary: RsSummary) -> list[str]:
    """One line per table: rows read, placed, blank, repeated, skipped (Japanese)."""
    lines = []
    for number in sorted(summary.tables):
        count = summary.tables[number]
        lines.append(
            f"{number} {TABLE_NAMES.get(number, '')}: 行 {count.rows}, 格納 {count.placed}, "
            f"空欄 {count.blank}, 重複 {count.repeated}, スキップ {count.skipped}"
        )
    missing = sorted(set(TABLE_NAMES) - set(summary.files))
    if missing:
        lines.append("読まなかった表: " + "、".join(f"{n} {TABLE_NAMES[n]}" for n in missing))
    return lines
