"""Importing JUDGIT! files into the store: streaming, in batches, with worker processes.

:func:`import_files` streams the files (flat memory) in batches of 500 lines: worker
processes read each batch into prepared rows (:func:`prepare_lines`: the records read by
:func:`hyoka.importers.judgit.sheet_from_record`, the rows by :mod:`hyoka.rows.sheet`),
this process writes each batch in one transaction, and the program lineage is rebuilt at
the end. A bad record is reported with file, line, field and reason, and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine

from hyoka.importers.errors import BadRecord
from hyoka.importers.judgit import (
    RecordError,
    UnreadableFile,
    read_lines,
    sheet_from_record,
)
from hyoka.importers.limits import MAX_RECORD_BYTES, megabytes
from hyoka.importers.pipeline import default_jobs, in_order
from hyoka.rows.exact import exact_for
from hyoka.rows.sheet import PreparedSheet, prepare_for, prepare_sheet
from hyoka.store.database import transaction
from hyoka.store.search.index import bulk_indexing
from hyoka.store.sheets.lineage import LineageSummary, rebuild_lineage
from hyoka.store.sheets.writer import SaveCounts, write_prepared

BATCH = 500


@dataclass
class ImportSummary(SaveCounts):
    """Counts of one import run."""

    links_resolved: int = 0
    links_unresolved: int = 0
    name_matches: int = 0
    programs: int = 0
    problems: list[BadRecord] = field(default_factory=list)
    warnings: list[BadRecord] = field(default_factory=list)  # imported, a value set unknown
    lineage: LineageSummary | None = None  # every rule's count (rebuild_lineage)


@dataclass(frozen=True)
class PreparedRecord:
    """A record read and turned into the rows of its sheet, with the warnings it gave."""

    line: int
    sheet: PreparedSheet
    warnings: list[BadRecord]


# Settings of each import transaction, for a bulk load.
_BULK_SETTINGS = {
    # In WAL mode NORMAL still never corrupts; it only skips the fsync per commit (a power
    # cut may lose the last batches, which re-importing redoes). A 64 MB page cache (2 MB by
    # default) keeps the indexes' pages between batches: ~7 % less time writing one year.
    "sqlite": ("PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -65536"),
    # For the transaction only: the GIN indexes (trigrams, 1–2 character tokens) merge their
    # pending entries less often and with more memory. One year into PostgreSQL 15: 33 → 27 s.
    "postgresql": ("SET LOCAL gin_pending_list_limit = '32MB'", "SET LOCAL work_mem = '64MB'"),
}


def prepare_lines(
    file: str, lines: list[tuple[int, bytes | None]], dialect: str, search: bool
) -> list[PreparedRecord | BadRecord]:
    """Read lines of one file into prepared sheets (pure; runs in worker processes).

    ``dialect``: the store's (``exact_for``); ``search``: with the search rows. A line
    that ``read_lines`` found too long (None) is a bad record.
    """
    exact = exact_for(dialect)
    done: list[PreparedRecord | BadRecord] = []
    for line, text in lines:
        warnings: list[RecordError] = []
        try:
            if text is None:
                raise RecordError(
                    "", f"行が長すぎます(上限 {megabytes(MAX_RECORD_BYTES)}): 1行に1シートです"
                )
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as error:
                raise RecordError("", f"JSONとして読めません({error})") from None
            sheet = sheet_from_record(record, warnings)
        except RecordError as error:
            done.append(BadRecord(file, line, error.field, error.reason))
            continue
        source = f"{file}:{line}"
        prepared = (
            prepare_for(sheet, source, dialect=dialect)
            if search
            else prepare_sheet(sheet, source, exact=exact)
        )
        noted = [BadRecord(file, line, warning.field, warning.reason) for warning in warnings]
        done.append(PreparedRecord(line, prepared, noted))
    return done


def _tally(
    summary: ImportSummary,
    outcomes: list[PreparedRecord | BadRecord],
    on_problem: Callable[[BadRecord], None] | None,
    on_warning: Callable[[BadRecord], None] | None,
) -> list[PreparedSheet]:
    """Count and report a batch's outcomes; its sheets to write."""
    sheets: list[PreparedSheet] = []
    for outcome in outcomes:
        summary.read += 1
        if isinstance(outcome, BadRecord):
            summary.skipped += 1
            summary.problems.append(outcome)
            if on_problem is not None:
                on_problem(outcome)
            continue
        for warning in outcome.warnings:
            summary.warnings.append(warning)
            if on_warning is not None:
                on_warning(warning)
        sheets.append(outcome.sheet)
    return sheets


def import_files(
    *,
    engine: Engine,
    paths: Sequence[Path],
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    on_problem: Callable[[BadRecord], None] | None = None,
    on_warning: Callable[[BadRecord], None] | None = None,
    search_index: bool = True,
    jobs: int | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Stream JUDGIT! files into the store: one transaction per ``batch`` lines.

    Bad records are reported to ``on_problem`` (and kept in the summary) and skipped; the
    program lineage is rebuilt at the end. ``progress`` gets bytes read (see
    :func:`read_lines`); the total is the sum of the file sizes. ``search_index=False``
    leaves the full-text index to a later ``index_missing`` (for benchmarks and bulk loads).
    ``jobs``: processes preparing the records while this one writes (default: one per CPU,
    none for small input; see :mod:`hyoka.importers.pipeline`). ``on_stage`` is told (in
    Japanese, for the user) when the work after the last record begins: building the
    full-text index, linking the programs across years.
    """
    summary = ImportSummary()
    dialect = engine.dialect.name
    workers = default_jobs(paths) if jobs is None else jobs

    def batches() -> Iterator[tuple[str, list[tuple[int, bytes | None]], str, bool]]:
        for path in paths:
            lines: list[tuple[int, bytes | None]] = []
            try:
                for number, text in read_lines(path, progress):
                    lines.append((number, text))
                    if len(lines) >= batch:
                        yield path.name, lines, dialect, search_index
                        lines = []
            except UnreadableFile as error:
                # The lines before the damage are imported; the rest of the file is one
                # problem, counted as skipped, and the next file goes on.
                bad = BadRecord(error.file, error.line, "", error.reason)
                summary.skipped += 1
                summary.problems.append(bad)
                if on_problem is not None:
                    on_problem(bad)
            if lines:
                yield path.name, lines, dialect, search_index

    write_outcomes(
        engine=engine,
        summary=summary,
        prepare=prepare_lines,
        tasks=batches(),
        jobs=workers,
        on_problem=on_problem,
        on_warning=on_warning,
        search_index=search_index,
        on_stage=on_stage,
    )
    return summary


def write_outcomes(
    *,
    engine: Engine,
    summary: ImportSummary,
    prepare: Callable[..., Any],
    tasks: Iterable[tuple[Any, ...]],
    jobs: int,
    adapt: Callable[[Any], list[PreparedRecord | BadRecord]] | None = None,
    on_problem: Callable[[BadRecord], None] | None = None,
    on_warning: Callable[[BadRecord], None] | None = None,
    search_index: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> None:
    """Prepare batches in workers and write each in one transaction; then the lineage.

    ``prepare(*task)`` gives a batch's outcomes (``adapt`` turns them into prepared records
    and bad records when they carry more); the counts go into ``summary``. Shared by the
    JUDGIT! and the RS imports, so that both write, index and link alike.
    """
    dialect = engine.dialect.name
    with bulk_indexing(engine) if search_index else nullcontext():
        for found in in_order(prepare, tasks, jobs=jobs):
            outcomes = found if adapt is None else adapt(found)
            pending = _tally(summary, outcomes, on_problem, on_warning)
            if not pending:
                continue
            with transaction(engine) as session:
                connection = session.connection()
                for setting in _BULK_SETTINGS.get(dialect, ()):
                    connection.exec_driver_sql(setting)
                saved = write_prepared(session=session, prepared=pending)
            summary.count(saved)
        if search_index and on_stage is not None:
            on_stage("全文検索の索引を作成しています")
    if on_stage is not None:
        on_stage("年度をまたいで事業をつないでいます")
    with transaction(engine) as session:
        lineage = rebuild_lineage(session=session)
    summary.links_resolved = lineage.links_resolved
    summary.links_unresolved = lineage.links_unresolved
    summary.name_matches = lineage.name_matches
    summary.programs = lineage.programs
    summary.lineage = lineage
