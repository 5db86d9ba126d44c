"""Time every ``hyoka report`` over the national sheets (and any prefecture sheets stored).

    uv run python bench/reports.py ../shared/data/judgit/*.ndjson.gz      # import, then time
    uv run python bench/reports.py --db /tmp/judgit.sqlite               # time an existing store

With files, they are imported first into a fresh SQLite file (``--db``, default a temporary
one) through ``hyoka.importers.judgit_import``. Each report of ``hyoka.analytics.REPORTS`` then
runs ``--repeat`` times in a new session with its default filters, as ``hyoka report`` runs it
(query and tables); the best and the median wall times are printed, and the time of writing
its JSON (every table's rows and columns, as the CLI and the API do). Goal: every report < 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select

from hyoka.analytics import REPORTS, Filters, Report
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.reports.fact_reads import fill_facts
from hyoka.store.schema.sheets import SheetRow

GOAL_SECONDS = 2.0

RUNS: dict[str, tuple[Report[Any], Filters]] = {
    report.slug if report.slug != "changes" else "changes (全体)": (report, Filters())
    for report in REPORTS.values()
}
RUNS["changes (国土交通省)"] = (REPORTS["changes"], Filters(organisation="国土交通省"))


def _order(name: str) -> int:
    slugs = list(REPORTS)
    return slugs.index(name.split(" ")[0]) * 2 + ("国土交通省" in name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="JUDGIT! .ndjson.gz files to import")
    parser.add_argument("--db", help="SQLite file (or database URL) to use")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    url = options.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'reports.sqlite'}"
    if "://" not in url:
        url = f"sqlite:///{url}"
    engine = create_engine_for(url)
    migrate(engine)
    if options.files:
        from hyoka.importers.judgit_import import import_files

        started = time.perf_counter()
        summary = import_files(engine=engine, paths=options.files)
        print(f"import: {summary.read:,} records in {time.perf_counter() - started:.1f} s")
    with transaction(engine) as session:
        counts = session.execute(
            select(SheetRow.kind, func.count()).group_by(SheetRow.kind).order_by(SheetRow.kind)
        ).all()
    print("sheets: " + ", ".join(f"{kind} {count:,}" for kind, count in counts))
    with transaction(engine) as session:  # facts of sheets stored before they existed
        filled = fill_facts(session=session)
    if filled:
        print(f"report facts computed for {filled:,} sheets stored without them")
    print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    # CPU seconds too: on a shared machine the wall time mostly measures the neighbours.
    print(
        f"{'report':<24}{'best s':>8}{'median s':>10}{'cpu s':>8}{'json s':>8}"
        f"  goal < {GOAL_SECONDS} s"
    )
    failed = False
    for name, (report, filters) in sorted(RUNS.items(), key=lambda item: _order(item[0])):
        times, cpu, writing = [], [], []
        for _ in range(options.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            with transaction(engine) as session:
                result = report.run(session=session, filters=filters)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            started = time.perf_counter()
            orjson.dumps(result.document())
            writing.append(time.perf_counter() - started)
        best, median = min(times), statistics.median(times)
        failed |= best >= GOAL_SECONDS
        mark = "ok" if best < GOAL_SECONDS else "SLOW"
        print(f"{name:<24}{best:>8.2f}{median:>10.2f}{min(cpu):>8.2f}{min(writing):>8.2f}  {mark}")
    engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
