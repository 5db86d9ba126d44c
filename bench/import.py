"""Benchmark: importing JUDGIT! national sheets into SQLite and PostgreSQL.

    uv run python bench/import.py ../shared/data/judgit/20*.ndjson.gz [--postgres-url URL]

Prints, in one run: the floor (read and JSON-parse every file), then the wall time and
peak memory of importing all files into a fresh SQLite file and a fresh PostgreSQL
database (a throwaway cluster from /usr/lib/postgresql/*/bin unless --postgres-url is
given), and of importing the first file alone, to show that memory does not grow with the
number of sheets. Each import runs in a subprocess of its own, so that its RSS high-water
mark (resource.getrusage) is its own; --tracemalloc adds the Python heap peak (slower).
The importing process's CPU is printed beside the whole machine's (its worker processes
included); --jobs sets the importer's worker processes (default: one per CPU).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import orjson


def floor(paths: list[Path]) -> tuple[float, int]:
    started, count = time.perf_counter(), 0
    for path in paths:
        with gzip.open(path) as stream:
            for line in stream:
                orjson.loads(line)
                count += 1
    return time.perf_counter() - started, count


def child(url: str, paths: list[Path], trace: bool, search: bool, jobs: int | None) -> None:
    from hyoka.importers.judgit_import import import_files
    from hyoka.store import create_engine_for, migrate

    engine = create_engine_for(url)
    migrate(engine)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    summary = import_files(engine=engine, paths=paths, search_index=search, jobs=jobs)
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    engine.dispose()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "warnings": len(summary.warnings),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "heap_mb": None if peak is None else peak / 2**20,
        "sheets": summary.new,
        "skipped": summary.skipped,
        "links": [summary.links_resolved, summary.links_unresolved, summary.name_matches],
        "programs": summary.programs,
    }
    print(json.dumps(result))


def run(
    url: str, paths: list[Path], trace: bool, search: bool, jobs: int | None
) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", url, *map(str, paths)]
    command += [] if jobs is None else ["--jobs", str(jobs)]
    command += ["--tracemalloc"] if trace else []
    command += [] if search else ["--no-search"]
    busy = _machine_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["machine_cpu"] = _machine_cpu() - busy
    return result


def _machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (/proc/stat): the import's workers are
    forked by a fork server, not by the importing process, so its rusage leaves them out;
    on a quiet machine this is the import's CPU, all processes together."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A throwaway PostgreSQL server in a temporary folder (as tests/conftest.py does)."""

    def __enter__(self) -> str:
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.pg_ctl = str(binaries / "pg_ctl")
        self.folder = Path(tempfile.mkdtemp(prefix="hyoka-bench-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        data = str(self.folder / "data")
        subprocess.run(
            _as_postgres([str(binaries / "initdb"), "-D", data, "-U", "postgres",
                          "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]),
            check=True, capture_output=True,
        )  # fmt: skip
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={self.folder}"
        )
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", data, "-l", str(self.folder / "log"), "-w",
                          "-o", options, "start"]),
            check=True, capture_output=True,
        )  # fmt: skip
        self.data = data
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def __exit__(self, *_: object) -> None:
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _line(name: str, result: dict[str, object], base: float) -> str:
    wall = float(result["wall"])  # type: ignore[arg-type]
    heap = result["heap_mb"]
    heap_text = "" if heap is None else f", heap peak {float(heap):.0f} MB"  # type: ignore[arg-type]
    cpu = float(result["cpu"])  # type: ignore[arg-type]
    machine = float(result["machine_cpu"])  # type: ignore[arg-type]
    return (
        f"{name:<34} {wall:7.1f} s  ({wall / base:4.1f}× floor)  CPU {cpu:.1f} s "
        f"(machine {machine:.1f} s)  "
        f"RSS peak {float(result['rss_mb']):.0f} MB{heap_text}  "  # type: ignore[arg-type]
        f"sheets {result['sheets']} (warnings {result['warnings']}), "
        f"links resolved/unresolved/by name {result['links']}, "
        f"programs {result['programs']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--postgres-url", help="an empty database to use instead of a cluster")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--no-search", action="store_true", help="skip the full-text index")
    parser.add_argument(
        "--jobs", type=int, help="worker processes (default: the importer's, one per CPU)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    search = not args.no_search
    if args.child:
        child(args.child, args.paths, args.tracemalloc, search, args.jobs)
        return

    # The machine is shared: the load average says how much the wall times are inflated.
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    cpu_started = time.process_time()
    base, count = floor(args.paths)
    print(
        f"floor: read + JSON-parse {count} sheets in {len(args.paths)} files: {base:.1f} s "
        f"(CPU {time.process_time() - cpu_started:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as folder:
        for label, search_flag in (("with search index", True), ("without search index", False)):
            if not search and search_flag:
                continue
            url = f"sqlite:///{folder}/all-{search_flag}.sqlite"
            print(
                _line(
                    f"SQLite, all files, {label}",
                    run(url, args.paths, args.tracemalloc, search_flag, args.jobs),
                    base,
                )
            )
        one = run(
            f"sqlite:///{folder}/one.sqlite", args.paths[:1], args.tracemalloc, False, args.jobs
        )
        one_floor, _ = floor(args.paths[:1])
        print(_line(f"SQLite, {args.paths[0].name} only", one, one_floor))
    if args.postgres_url:
        print(
            _line(
                "PostgreSQL, all files",
                run(args.postgres_url, args.paths, args.tracemalloc, search, args.jobs),
                base,
            )
        )
    else:
        with Cluster() as url:
            print(
                _line(
                    "PostgreSQL, all files",
                    run(url, args.paths, args.tracemalloc, search, args.jobs),
                    base,
                )
            )


if __name__ == "__main__":
    main()
    if "--child" not in sys.argv:
        print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
