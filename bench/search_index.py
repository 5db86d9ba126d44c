"""Benchmark: building the search index of one JUDGIT! year into a fresh SQLite store.

    uv run python bench/search_index.py ../shared/data/judgit/2019.ndjson.gz [--variants a,b]

The sheets are read once; a template store holds one bare ``sheets`` row per sheet (the
index tables refer to it), so that only the index is timed, not the national writer. Each
variant then runs on a fresh copy of the template, in batches of 500 sheets, one
transaction each, as ``hyoka import`` does, and prints CPU (this process: Python and
SQLite) and wall time per part:

- ``rows``: :func:`hyoka.store.search.index.search_rows` (summary, normalised text, grams);
- ``write``: :func:`hyoka.store.search.index.write_search_rows` (summaries, texts and the
  trigram index through its trigger, grams, policies);
- ``finish``: what the variant does after the last batch (FTS5 ``optimize``, ``rebuild``).

Variants: ``index_sheets`` (the one-call path with deletes, as a re-import pays),
``plain`` (rows + write, replace=False), FTS5 settings (``automerge``/``crisismerge``/
``pgsz``/``hashsize``), ``optimize`` at the end, ``rebuild`` (the trigram trigger dropped
during the load, one ``'rebuild'`` at the end), ``deferred`` (the trigger dropped, the
texts the index lacks inserted at the end; ``hashsize+deferred`` with 64 MB of pending
tokens) and ``bulk`` (:func:`hyoka.store.search.index.bulk_indexing`: the latter with 32 MB).
Every variant's store is checked to answer a few searches alike.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from hyoka.importers.judgit import RecordError, sheet_from_record
from hyoka.model import Sheet
from hyoka.rows.grams import gram_query
from hyoka.rows.search import search_rows
from hyoka.rules.summaries import normalize
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.search import index as search_module
from hyoka.store.search.matching import MIN_TRIGRAM

BATCH = 500
PROBES = ["県", "農業", "DX", "(", "人材育成", "研究開発の推進"]


class Clock:
    """CPU and wall seconds summed per part."""

    def __init__(self) -> None:
        self.parts: dict[str, list[float]] = {}

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            spent = self.parts.setdefault(name, [0.0, 0.0])
            spent[0] += time.process_time() - cpu
            spent[1] += time.perf_counter() - wall

    def line(self, name: str) -> str:
        total = [sum(values) for values in zip(*self.parts.values(), strict=True)]
        parts = "  ".join(
            f"{part} {cpu:5.2f}/{wall:5.2f}" for part, (cpu, wall) in self.parts.items()
        )
        return f"{name:<22} total CPU {total[0]:5.2f} s, wall {total[1]:5.2f} s   ({parts})"


def load(path: Path) -> list[Sheet]:
    sheets = []
    with gzip.open(path) if path.name.endswith(".gz") else path.open("rb") as lines:
        for line in lines:
            if line.strip():
                try:
                    sheets.append(sheet_from_record(orjson.loads(line)))
                except RecordError:
                    continue
    return sheets


def template(folder: Path, sheets: Sequence[Sheet]) -> Path:
    path = folder / "template.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sheets (id, program_number, fiscal_year, stage, revision, "
            "program_name, department, section, email, purpose, kind) "
            "VALUES (?, ?, ?, ?, 1, ?, '', '', '', '', 'national')",
            [
                (number, f"bench-{number}", sheet.header.fiscal_year, sheet.header.stage.value,
                 sheet.header.program_name)
                for number, sheet in enumerate(sheets, start=1)
            ],
        )  # fmt: skip
    engine.dispose()
    return path


def _batches(sheets: Sequence[Sheet]) -> Iterator[list[tuple[int, Sheet]]]:
    numbered = list(enumerate(sheets, start=1))
    for start in range(0, len(numbered), BATCH):
        yield numbered[start : start + BATCH]


Run = Callable[[Any, Sequence[Sheet], Clock], None]


def run_index_sheets(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
    for batch in _batches(sheets):
        with clock.part("index_sheets"), transaction(engine) as session:
            search_module.index_sheets(session=session, sheets=batch)


def run_split(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
    for batch in _batches(sheets):
        with clock.part("rows"):
            rows = [(number, search_rows(sheet)) for number, sheet in batch]
        with clock.part("write"), transaction(engine) as session:
            search_module.write_search_rows(session=session, rows=rows, replace=False)


def with_settings(*settings: str) -> Run:
    def run(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
        with engine.begin() as connection:
            for setting in settings:
                connection.exec_driver_sql(setting)
        run_split(engine, sheets, clock)

    return run


def with_optimize(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
    run_split(engine, sheets, clock)
    with clock.part("finish"), engine.begin() as connection:
        for table in ("sheet_fts", "sheet_grams"):
            connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def with_rebuild(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER sheet_texts_fts_insert")
    run_split(engine, sheets, clock)
    with clock.part("finish"), engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO sheet_fts(sheet_fts) VALUES ('rebuild')")
        connection.exec_driver_sql(
            "CREATE TRIGGER sheet_texts_fts_insert AFTER INSERT ON sheet_texts BEGIN "
            "INSERT INTO sheet_fts(rowid, program_name, body) "
            "VALUES (new.sheet_id, new.program_name, new.body); END"
        )


_HASHSIZE = [
    f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {64 * 2**20})"
    for table in ("sheet_fts", "sheet_grams")
]


def with_deferred(*settings: str) -> Run:
    """The trigram trigger dropped, the texts the index lacks inserted at the end."""

    def run(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
        with engine.begin() as connection:
            for setting in settings:
                connection.exec_driver_sql(setting)
            connection.exec_driver_sql("DROP TRIGGER sheet_texts_fts_insert")
        run_split(engine, sheets, clock)
        with clock.part("finish"), engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO sheet_fts(rowid, program_name, body) "
                "SELECT sheet_id, program_name, body FROM sheet_texts "
                "WHERE sheet_id NOT IN (SELECT id FROM sheet_fts_docsize)"
            )

    return run


def with_bulk(engine: Any, sheets: Sequence[Sheet], clock: Clock) -> None:
    bulk = search_module.bulk_indexing(engine)  # type: ignore[attr-defined]
    with clock.part("start"):
        bulk.__enter__()
    run_split(engine, sheets, clock)
    with clock.part("finish"):
        bulk.__exit__(None, None, None)


VARIANTS: dict[str, Run] = {
    "index_sheets": run_index_sheets,
    "plain": run_split,
    "automerge=0": with_settings(
        "INSERT INTO sheet_fts(sheet_fts, rank) VALUES ('automerge', 0)",
        "INSERT INTO sheet_grams(sheet_grams, rank) VALUES ('automerge', 0)",
    ),
    "automerge=16": with_settings(
        "INSERT INTO sheet_fts(sheet_fts, rank) VALUES ('automerge', 16)",
        "INSERT INTO sheet_grams(sheet_grams, rank) VALUES ('automerge', 16)",
    ),
    "crisismerge=64": with_settings(
        "INSERT INTO sheet_fts(sheet_fts, rank) VALUES ('crisismerge', 64)",
        "INSERT INTO sheet_grams(sheet_grams, rank) VALUES ('crisismerge', 64)",
    ),
    "pgsz=4000": with_settings(
        "INSERT INTO sheet_fts(sheet_fts, rank) VALUES ('pgsz', 4000)",
        "INSERT INTO sheet_grams(sheet_grams, rank) VALUES ('pgsz', 4000)",
    ),
    "hashsize": with_settings(*_HASHSIZE),
    "deferred": with_deferred(),
    "hashsize+deferred": with_deferred(*_HASHSIZE),
    "optimize": with_optimize,
    "rebuild": with_rebuild,
    "bulk": with_bulk,
}


def answers(path: Path) -> tuple[list[int], float]:
    """How many sheets each probe finds, and the milliseconds of 10 rounds of the probes
    (an index left in many segments is slower to query)."""
    with sqlite3.connect(path) as connection:
        started = time.perf_counter()
        for _round in range(10):
            found = _probe(connection)
        return found, (time.perf_counter() - started) * 1000


def _probe(connection: sqlite3.Connection) -> list[int]:
    return [
        connection.execute(
            "SELECT count(*) FROM sheet_grams WHERE sheet_grams MATCH ?",
            (gram_query(term),),
        ).fetchone()[0]
        if len(term) < MIN_TRIGRAM
        else connection.execute(
            "SELECT count(*) FROM sheet_fts WHERE sheet_fts MATCH ?",
            ('"' + term.replace('"', '""') + '"',),
        ).fetchone()[0]
        for term in (normalize(probe) for probe in PROBES)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    arguments = parser.parse_args()
    started = time.perf_counter()
    sheets = load(arguments.path)
    print(f"read {len(sheets)} sheets in {time.perf_counter() - started:.1f} s")
    split = hasattr(search_module, "search_rows")
    with tempfile.TemporaryDirectory(prefix="hyoka-bench-search-") as folder:
        base = template(Path(folder), sheets)
        expected: list[int] | None = None
        for name in arguments.variants.split(","):
            if name != "index_sheets" and not split:
                continue
            if name == "bulk" and not hasattr(search_module, "bulk_indexing"):
                continue
            path = Path(folder) / f"{name}.sqlite"
            shutil.copyfile(base, path)
            engine = create_engine_for(f"sqlite:///{path}")
            clock = Clock()
            VARIANTS[name](engine, sheets, clock)
            engine.dispose()
            found, milliseconds = answers(path)
            expected = found if expected is None else expected
            size = path.stat().st_size / 2**20
            check = "" if found == expected else f"  DIFFERENT ANSWERS {found} != {expected}"
            print(
                f"{clock.line(name)}  file {size:.0f} MB  queries {milliseconds:.0f} ms  "
                f"hits {found}{check}"
            )
            path.unlink()


if __name__ == "__main__":
    main()
