"""Importing all of rs/2024 (the RS system's 13 CSV tables) beside merely reading them.

Run: ``uv run python bench/rs_import.py [../shared/data/rs/2024]``. Prints the time to read
every record of every ZIP (csv module, nothing else), the import into a fresh SQLite file
(one worker process and the default), the re-import (unchanged), and the peak memory
(max RSS) of this process and of its workers.
"""

from __future__ import annotations

import csv
import io
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from hyoka.importers.rs_import import import_rs
from hyoka.store.database import create_engine_for, migrate

csv.field_size_limit(1 << 30)
FOLDER = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/rs/2024")


def read_only() -> int:
    count = 0
    for path in sorted(FOLDER.glob("*.zip")):
        with zipfile.ZipFile(path) as archive, archive.open(archive.infolist()[0]) as raw:
            for _ in csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")):
                count += 1
    return count


def main() -> None:
    start = time.perf_counter()
    records = read_only()
    print(f"read only: {records} records in {time.perf_counter() - start:.1f} s")
    for jobs in (1, None):
        with tempfile.TemporaryDirectory() as folder:
            engine = create_engine_for(f"sqlite:///{folder}/rs.sqlite")
            migrate(engine)
            start = time.perf_counter()
            summary = import_rs(engine=engine, paths=[FOLDER], jobs=jobs)
            took = time.perf_counter() - start
            print(f"import (jobs={jobs or 'default'}): {summary.store.new} sheets in {took:.1f} s")
            start = time.perf_counter()
            again = import_rs(engine=engine, paths=[FOLDER], jobs=jobs)
            took = time.perf_counter() - start
            print(f"re-import: {again.store.unchanged} unchanged in {took:.1f} s")
            engine.dispose()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MB (this process), {workers:.0f} MB (largest worker)")


if __name__ == "__main__":
    main()
