"""Benchmark: how long SQLite alone takes to store one JUDGIT! file's rows.

    uv run python bench/sqlite_floor.py ../shared/data/judgit/20*.ndjson.gz

The importer's rows of the files are prepared first (``prepare_lines``, untimed, without the search
index); then only the driver's ``executemany`` of those tuples is timed, 500 sheets per
transaction as the importer does, into (a) a fresh store with hyoka's schema, and (b) bare
tables with the same columns and no key, constraint or index. It is the least any import
of these sheets into this schema can cost on this machine, however fast the Python side;
compare it with the floor of reading and JSON-parsing the file (also printed).
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from hyoka.importers.judgit_import import PreparedRecord, prepare_lines
from hyoka.rows.facts import FACT_COLUMNS
from hyoka.rows.sheet import NATIONAL_COLUMNS, SHEET_COLUMNS, SHEET_TREE, TableSpec
from hyoka.store import create_engine_for, migrate
from hyoka.store.schema.facts import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactUnitCostRow,
)

BATCH = 500


def _rows(
    records: list[PreparedRecord],
) -> list[dict[str, tuple[list[str], list[tuple[Any, ...]]]]]:
    """Per batch of sheets: table → (columns, rows), ids numbered as the importer does."""
    batches = []
    last_id: dict[str, int] = {}
    for start in range(0, len(records), BATCH):
        tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}

        def add(
            table: str,
            columns: list[str],
            rows: list[tuple[Any, ...]],
            tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = tables,
        ) -> None:
            tables.setdefault(table, (columns, []))[1].extend(rows)

        def tree(spec: TableSpec, parent: int, rows: list[Any]) -> None:
            columns = [spec.parent, *spec.columns]
            if not spec.children:
                add(spec.name, columns, [(parent, *row) for row in rows])
                return
            for values, children in rows:
                row_id = last_id[spec.name] = last_id.get(spec.name, 0) + 1
                add(spec.name, ["id", *columns], [(row_id, parent, *values)])
                for child, child_rows in zip(spec.children, children, strict=True):
                    tree(child, row_id, child_rows)

        for record in records[start : start + BATCH]:
            item = record.sheet
            sheet_id = last_id["sheets"] = last_id.get("sheets", 0) + 1
            add(
                "sheets",
                ["id", "revision", "content_hash", *SHEET_COLUMNS],
                [(sheet_id, 1, item.content_hash, *item.sheet)],
            )
            if item.national is not None:
                add(
                    "national_sheets", ["sheet_id", *NATIONAL_COLUMNS], [(sheet_id, *item.national)]
                )
            for spec, rows in zip(SHEET_TREE, item.children, strict=True):
                tree(spec, sheet_id, rows)
            add(
                "sheet_revisions",
                ["sheet_id", "revision", "saved_at", "source", "document"],
                [(sheet_id, 1, "2026-11-22 00:00:00.000000", item.source, item.document)],
            )
            facts = item.facts
            assert facts is not None
            add(
                "fact_sheets", list(FACT_COLUMNS["fact_sheets"]), [(sheet_id, facts.closed_year, 1)]
            )
            for table, fact_rows in (
                (FactOutcomeRow, facts.outcomes),
                (FactMoneyRow, facts.money),
                (FactUnitCostRow, facts.unit_costs),
                (FactIssueRow, facts.issues),
            ):
                add(
                    table.__tablename__,
                    list(FACT_COLUMNS[table.__tablename__]),
                    [(sheet_id, *row) for row in fact_rows],
                )
        batches.append(tables)
    return batches


def _store(
    path: Path, batches: list[dict[str, tuple[list[str], list[tuple[Any, ...]]]]]
) -> tuple[float, float]:
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
        connection.execute(f"PRAGMA {pragma}")
    wall, cpu = time.perf_counter(), time.process_time()
    for tables in batches:
        connection.execute("BEGIN")
        for table, (columns, rows) in tables.items():
            names = ", ".join(f'"{name}"' for name in columns)
            marks = ", ".join("?" * len(columns))
            connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        connection.execute("COMMIT")
    result = time.perf_counter() - wall, time.process_time() - cpu
    connection.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    started, count = time.perf_counter(), 0
    for path in args.paths:
        with gzip.open(path) as stream:
            for line in stream:
                if line.strip():
                    orjson.loads(line)
                    count += 1
    print(f"floor: read + JSON-parse {count} sheets: {time.perf_counter() - started:.2f} s")
    records: list[PreparedRecord] = []
    for path in args.paths:
        with gzip.open(path) as stream:
            lines = [(number, line) for number, line in enumerate(stream, 1) if line.strip()]
        for start in range(0, len(lines), BATCH):
            outcomes = prepare_lines(path.name, lines[start : start + BATCH], "sqlite", False)
            records += [item for item in outcomes if isinstance(item, PreparedRecord)]
    batches = _rows(records)
    count = sum(len(rows) for tables in batches for _, rows in tables.values())
    with tempfile.TemporaryDirectory() as folder:
        schema = Path(folder) / "schema.sqlite"
        engine = create_engine_for(f"sqlite:///{schema}")
        migrate(engine)
        engine.dispose()
        wall, cpu = _store(schema, batches)
        print(f"{count} rows into hyoka's schema: {wall:.2f} s wall, {cpu:.2f} s CPU")
        bare = Path(folder) / "bare.sqlite"
        with sqlite3.connect(bare) as connection:
            for table, (columns, _) in batches[0].items():
                names = ", ".join(f'"{name}"' for name in columns)
                connection.execute(f'CREATE TABLE "{table}" ({names})')
        wall, cpu = _store(bare, batches)
        print(
            f"{count} rows into bare tables (no key, constraint or index): {wall:.2f} s wall, {cpu:.2f} s CPU"
        )


if __name__ == "__main__":
    main()
