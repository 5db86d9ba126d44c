"""Time every ``hyoka report`` over the national sheets (and any prefecture sheets stored).

    uv run python bench/reports.py ../shared/data/judgit/*.ndjson.gz      # import, then time
    uv run python bench/reports.py --db /tmp/judgit.sqlite               # time an existing store

With files, they are imported first into a fresh SQLite file (``--db``, default a temporary
one) through ``hyoka.importers.judgit_import``. Each report then runs ``--repeat`` times in a new
session; the best and the median wall times are printed. Goal: every report < 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hyoka.analytics import (
    achievement_report,
    at_risk_report,
    changes_report,
    execution_report,
    quality_report,
    unit_cost_report,
)
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.analytics_facts import fill_facts
from hyoka.store.tables import SheetRow

GOAL_SECONDS = 2.0

REPORTS: dict[str, Callable[..., Any]] = {
    "achievement": lambda session: achievement_report(session=session),
    "execution": lambda session: execution_report(session=session),
    "unit-cost": lambda session: unit_cost_report(session=session),
    "at-risk": lambda session: at_risk_report(session=session),
    "changes (全体)": lambda session: changes_report(session=session),
    "changes (国土交通省)": lambda session: changes_report(
        session=session, organisation="国土交通省"
    ),
    "quality": lambda session: quality_report(session=session),
}


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
    print(f"{'report':<24}{'best s':>8}{'median s':>10}{'cpu s':>8}  goal < {GOAL_SECONDS} s")
    failed = False
    for name, run in REPORTS.items():
        times, cpu = [], []
        for _ in range(options.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            with transaction(engine) as session:
                run(session)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        best, median = min(times), statistics.median(times)
        failed |= best >= GOAL_SECONDS
        mark = "ok" if best < GOAL_SECONDS else "SLOW"
        print(f"{name:<24}{best:>8.2f}{median:>10.2f}{min(cpu):>8.2f}  {mark}")
    engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
