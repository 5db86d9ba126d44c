"""Benchmark: importing 大船渡市's 事務事業評価 workbook into SQLite.

    uv run python bench/city_import.py ../shared/data/ofunato/report.xlsx [--postgres-url URL]

Prints three figures, each measured in a subprocess of its own so that its RSS high-water
mark (resource.getrusage) is its own: the floor (openpyxl reading every cell of the
workbook, read-only), reading it into sheets (hyoka's reader: labels, figures, the model),
and the whole import into a fresh SQLite file (or the PostgreSQL database given), then a
second import of the same file (nothing changes: the idempotent path).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _floor(path: Path) -> dict[str, object]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    return {"cells": cells}


def _read(path: Path) -> dict[str, object]:
    from hyoka.importers.city_workbook import CityRow, read_city_workbook

    items = list(read_city_workbook(path))
    return {"sheets": sum(isinstance(item, CityRow) for item in items), "rows": len(items)}


def _import(path: Path, url: str) -> dict[str, object]:
    from hyoka.importers.city_import import import_city_workbook
    from hyoka.store.database import create_engine_for, migrate

    engine = create_engine_for(url)
    migrate(engine)
    started = time.perf_counter()
    first = import_city_workbook(engine=engine, path=path)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = import_city_workbook(engine=engine, path=path)
    return {
        "new": first.new,
        "skipped": first.skipped,
        "import_s": round(first_seconds, 2),
        "again_s": round(time.perf_counter() - started, 2),
        "again_unchanged": again.unchanged,
    }


def _child(task: str, path: Path, url: str) -> None:
    started = time.perf_counter()
    found = {"floor": _floor, "read": _read}[task](path) if task != "import" else _import(path, url)
    found["wall_s"] = round(time.perf_counter() - started, 2)
    found["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(found, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--child", default="")
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.workbook, args.url)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        for task in ("floor", "read", "import"):
            output = subprocess.run(
                [sys.executable, __file__, str(args.workbook), "--child", task, "--url", url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            print(f"{task:7} {output.strip()}")


if __name__ == "__main__":
    main()
