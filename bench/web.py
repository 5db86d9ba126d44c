"""Benchmark: the public portal against Datasette on the same 20,000+ sheets.

    uv run python bench/web.py [--db var/bench/web.sqlite] [--requests 400] [--concurrency 8]

The store is the national sheets of ../shared/data/judgit (``hyoka import`` of every
*.ndjson.gz into --db when the file does not exist yet; about 21,000 sheets). hyoka is
served by ``hyoka serve`` (uvicorn, one process) and Datasette by ``datasette serve`` on
the same SQLite file, both on 127.0.0.1 in subprocesses. A pool of threads, each with its
own httpx client, sends the requests; the table gives requests per second and p50/p95
latency per page:

- list:   hyoka ``/`` (20 a page, with facet counts)   — Datasette's table page of
          ``sheet_summaries`` sorted by 事業番号 (20 a page)
- search: hyoka ``/?q=…`` (ranked, snippets, facets)   — Datasette's FTS search
          ``?_search=…`` on the same FTS5 trigram index
- sheet:  hyoka ``/sheets/{id}`` (layout, charts, rules) — Datasette's row page
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
JUDGIT = ROOT.parent / "shared" / "data" / "judgit"
BIN = Path(sys.executable).parent
# 3+ characters: both use their trigram index (Datasette cannot search 1–2 characters).
QUERIES = ["地方創生", "デジタル", "補助金", "観光振興", "防災対策", "子ども", "脱炭素", "人材育成"]


@dataclass(frozen=True)
class Result:
    server: str
    page: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def ensure_store(path: Path) -> int:
    """Import the JUDGIT! files into ``path`` unless it exists; index what is missing."""
    if not path.exists():
        files = sorted(str(file) for file in JUDGIT.glob("*.ndjson.gz"))
        if not files:
            sys.exit(f"no store at {path} and no JUDGIT! files in {JUDGIT}")
        print(f"importing {len(files)} files into {path} …", flush=True)
        subprocess.run([BIN / "hyoka", "import", "--db", str(path), *files], check=True)
    from sqlalchemy import func, select

    from hyoka.store import create_engine_for, index_missing, migrate, transaction
    from hyoka.store.search_tables import SheetSummaryRow

    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    with transaction(engine) as session:
        index_missing(session=session)
        count = session.scalar(select(func.count()).select_from(SheetSummaryRow)) or 0
    engine.dispose()
    return count


def sheet_ids(path: Path, count: int) -> list[int]:
    import sqlite3

    with sqlite3.connect(path) as connection:
        ids = [row[0] for row in connection.execute("SELECT sheet_id FROM sheet_summaries")]
    return random.Random(4).sample(ids, min(count, len(ids)))


def start(
    command: list[str], url: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    log = tempfile.NamedTemporaryFile(prefix="bench-web-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{command[0]} stopped; see {log.name}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    sys.exit(f"{command[0]} did not answer at {url}; see {log.name}")


def measure(
    server: str, page: str, paths: Callable[[int], str], base: str, requests: int, concurrency: int
) -> Result:
    local = threading.local()

    def one(index: int) -> tuple[float, bool]:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=60)
        began = time.perf_counter()
        try:
            ok = client.get(paths(index)).status_code == 200
        except httpx.HTTPError:
            ok = False
        return time.perf_counter() - began, ok

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(min(20, requests))))  # warm up caches and connections
        began = time.perf_counter()
        outcomes = list(pool.map(one, range(requests)))
        seconds = time.perf_counter() - began
    return Result(
        server,
        page,
        requests,
        sum(1 for _latency, ok in outcomes if not ok),
        seconds,
        [latency for latency, _ok in outcomes],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "var" / "bench" / "web.sqlite")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    count = ensure_store(args.db)
    ids = sheet_ids(args.db, 200)
    print(f"{count:,} sheets in {args.db}", flush=True)

    hyoka_port, datasette_port = free_port(), free_port()
    hyoka_base = f"http://127.0.0.1:{hyoka_port}"
    datasette_base = f"http://127.0.0.1:{datasette_port}"
    metadata = Path(tempfile.mkdtemp()) / "metadata.json"
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    args.db.stem: {
                        "tables": {
                            "sheet_summaries": {"fts_table": "sheet_fts", "fts_pk": "sheet_id"}
                        }
                    }
                }
            }
        )
    )
    hyoka = start(
        [str(BIN / "hyoka"), "serve", "--db", str(args.db), "--port", str(hyoka_port)],
        hyoka_base + "/",
        env={**os.environ, "HYOKA_PAGE_SIZE": "20"},
    )
    datasette_command = [str(BIN / "datasette"), "serve", "-i", str(args.db)]
    datasette_command += ["-m", str(metadata), "-h", "127.0.0.1", "-p", str(datasette_port)]
    datasette = start(datasette_command, datasette_base + "/")
    table = f"/{args.db.stem}/sheet_summaries"
    listing = f"{table}?_sort=program_number&_size=20"

    def query(index: int) -> str:
        return QUERIES[index % len(QUERIES)]

    def sheet(index: int) -> int:
        return ids[index % len(ids)]

    # Both lists show their first page of 20 sorted by 事業番号 (Datasette pages by cursor).
    cases: list[tuple[str, str, Callable[[int], str], str]] = [
        ("hyoka", "list", lambda i: "/", hyoka_base),
        ("datasette", "list", lambda i: listing, datasette_base),
        ("hyoka", "search", lambda i: f"/?q={query(i)}", hyoka_base),
        ("datasette", "search", lambda i: f"{table}?_search={query(i)}&_size=20", datasette_base),
        ("hyoka", "sheet", lambda i: f"/sheets/{sheet(i)}", hyoka_base),
        ("datasette", "sheet", lambda i: f"{table}/{sheet(i)}", datasette_base),
    ]
    results = []
    try:
        for server, page, paths, base in cases:
            result = measure(server, page, paths, base, args.requests, args.concurrency)
            results.append(result)
            print(f"  {server:9} {page:6} done", flush=True)
    finally:
        for process in (hyoka, datasette):
            process.terminate()
            process.wait(timeout=30)

    print(f"\n{count:,} sheets; {args.requests} requests per row, {args.concurrency} concurrent")
    print("| page | server | req/s | p50 ms | p95 ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {result.page} | {result.server} | {result.throughput:.1f} | "
            f"{result.percentile(0.5):.1f} | {result.percentile(0.95):.1f} | {result.errors} |"
        )


if __name__ == "__main__":
    main()
