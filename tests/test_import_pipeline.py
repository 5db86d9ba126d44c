"""Importing with worker processes stores exactly what importing in one process stores.

The records are prepared in spawned processes (``hyoka.importers.pipeline``) and written by
this one; order, bad records, warnings, report facts and search rows must not depend on it.
"""

from __future__ import annotations

import copy
import gzip
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, select

from hyoka.importers.judgit import sheet_from_record
from hyoka.importers.judgit_import import ImportSummary, import_files
from hyoka.importers.pipeline import MAX_JOBS, SMALL_INPUT, WorkerLost, default_jobs, in_order
from hyoka.model import Stage
from hyoka.store import create_engine_for, load_sheet, migrate, transaction
from hyoka.store.schema.sheets import Base
from hyoka.store.search.matching import find, terms_of

SAMPLE = Path(__file__).parent / "data" / "judgit" / "judgit-sample.ndjson.gz"
_TIMES = {"saved_at"}


def _mixed_file(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The fixture's records with a broken line, a bad field and an implausible year."""
    with gzip.open(SAMPLE) as stream:
        records = [orjson.loads(line) for line in stream]
    broken = copy.deepcopy(records[4])
    broken["予算"][0]["当初予算"] = "たくさん"
    records[7]["開始年度"] = 2
    lines = [orjson.dumps(record) for record in records]
    lines[2:2] = [b'{"broken json']
    lines[9:9] = [orjson.dumps(broken)]
    path = tmp_path / "2021.ndjson.gz"
    with gzip.open(path, "wb") as stream:
        stream.write(b"\n".join(lines) + b"\n")
    return path, records


def _reported(summary: ImportSummary) -> tuple[Any, ...]:
    return (
        summary.read,
        summary.new,
        summary.skipped,
        [(p.file, p.line, p.field, p.reason) for p in summary.problems],
        [(w.file, w.line, w.field, w.reason) for w in summary.warnings],
        summary.programs,
    )


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (times left out), in primary key order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns if column.name not in _TIMES]
            order = list(table.primary_key.columns)
            rows = connection.execute(select(*columns).order_by(*order)).all()
            found[table.name] = [tuple(row) for row in rows]
    return found


def test_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    path, _ = _mixed_file(tmp_path)
    stores = {}
    for jobs in (1, 2):
        engine = create_engine_for(f"sqlite:///{tmp_path / f'jobs{jobs}.sqlite'}")
        migrate(engine)
        summary = import_files(engine=engine, paths=[path, SAMPLE], batch=4, jobs=jobs)
        stores[jobs] = (_reported(summary), _snapshot(engine))
        engine.dispose()
    (reported_one, rows_one), (reported_two, rows_two) = stores[1], stores[2]
    assert reported_two == reported_one
    assert reported_one[:3] == (70, 34, 2)  # the second file re-imports unchanged
    assert rows_two == rows_one
    assert len(rows_one["sheets"]) == 34 and len(rows_one["fact_sheets"]) == 34
    assert len(rows_one["sheet_texts"]) == 34


def test_workers_import_on_each_database(engine: Engine, tmp_path: Path) -> None:
    path, records = _mixed_file(tmp_path)
    summary = import_files(engine=engine, paths=[path], batch=3, jobs=2)
    assert (summary.read, summary.new, summary.skipped) == (36, 34, 2)
    assert [(p.line, p.field) for p in summary.problems] == [(3, ""), (10, "予算[1].当初予算")]
    assert [(w.line, w.field) for w in summary.warnings] == [(9, "開始年度")]
    with transaction(engine) as session:
        for record in records:
            sheet = sheet_from_record(record)
            loaded = load_sheet(
                session=session,
                program_number=sheet.header.program_number,
                fiscal_year=sheet.header.fiscal_year,
                stage=Stage.REVIEW,
            )
            assert loaded == sheet
        name = sheet_from_record(records[0]).header.program_name
        assert find(session=session, terms=terms_of(name))


def _dies_on_two(value: int) -> int:
    if value == 2:
        os._exit(1)  # as a worker killed by the system would
    return value


def test_a_dying_worker_is_reported_in_japanese() -> None:
    results = in_order(_dies_on_two, [(n,) for n in range(4)], jobs=2)
    with pytest.raises(WorkerLost, match="作業プロセスが途中で終了しました"):
        list(results)


def _fails_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three")
    return value * 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_come_in_order_and_errors_reach_the_consumer(jobs: int) -> None:
    assert list(in_order(_fails_on_three, [(n,) for n in (5, 1, 2)], jobs=jobs)) == [50, 10, 20]
    results = in_order(_fails_on_three, [(n,) for n in range(6)], jobs=jobs)
    assert [next(results) for _ in range(3)] == [0, 10, 20]
    with pytest.raises(ValueError, match="three"):
        next(results)


def test_small_input_is_prepared_here_and_large_input_by_a_few_workers(tmp_path: Path) -> None:
    assert default_jobs([SAMPLE]) == 1
    large = tmp_path / "large.ndjson"
    with large.open("wb") as stream:
        stream.truncate(SMALL_INPUT)
    expected = max(1, min(MAX_JOBS, os.cpu_count() or 1))
    assert default_jobs([SAMPLE, large]) == expected
    assert 1 <= expected <= MAX_JOBS
