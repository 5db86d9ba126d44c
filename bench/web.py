"""Benchmark: the public portal against Datasette on the same 20,000+ sheets.

    uv run python bench/web.py [--db var/bench/web.sqlite] [--requests 300] [--concurrency 8]
                               [--sequential 60]

The store is the national sheets of ../shared/data/judgit (``hyoka import`` of every
*.ndjson.gz into --db when the file does not exist yet; about 21,000 sheets). hyoka is
served by ``hyoka serve`` (uvicorn, one process) and Datasette by ``datasette serve`` on
the same SQLite file, both on 127.0.0.1 in subprocesses. Each row is measured twice: one
client sending --sequential requests one after another (the latency of one request: p50,
p95), then a pool of --concurrency threads, each with its own httpx client, sending
--requests requests (throughput, and the latency under that load):

- list:   hyoka ``/`` (20 a page, with facet counts)   — Datasette's table page of
          ``sheet_summaries`` sorted by 事業番号 (20 a page)
- search: hyoka ``/?q=…`` (ranked, snippets, facets) over a mix of 1-, 2-, 3+-character
          and two-word queries, and per kind of query — Datasette's FTS search
          ``?_search=…`` on the same FTS5 trigram index, for the 3+-character words only
          (its trigram index cannot search 1–2 characters)
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
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
JUDGIT = ROOT.parent / "shared" / "data" / "judgit"
BIN = Path(sys.executable).parent
# Queries people type, by kind; the sheets of 2019–2022 holding each are in brackets.
SHORT = ["県", "森", "農業", "観光", "防災", "医療", "地方", "教育"]  # 県 [5,731], 地方 [4,333]
LONG = ["地方創生", "デジタル", "補助金", "観光振興", "防災対策", "子ども", "脱炭素", "人材育成"]
WORDS = ["人材 育成", "補助金 地方", "防災 対策", "デジタル 人材"]
MIX = [*SHORT, *LONG, *WORDS]


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
        return percentile(self.latencies, share)


def percentile(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
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
    from hyoka.store.schema.search import SheetSummaryRow

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
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sequential", type=int, default=60)
    args = parser.parse_args()

    count = ensure_store(args.db)
    ids = sheet_ids(args.db, 200)
    load = f"{os.getloadavg()[0]:.1f}"
    print(f"{count:,} sheets in {args.db}; load average {load}", flush=True)

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

    def sheet(index: int) -> int:
        return ids[index % len(ids)]

    def searching(words: list[str], base: str) -> Callable[[int], str]:
        if base == hyoka_base:
            return lambda i: "/?" + urlencode({"q": words[i % len(words)]})
        return lambda i: f"{table}?" + urlencode({"_search": words[i % len(words)], "_size": 20})

    # Both lists show their first page of 20 sorted by 事業番号 (Datasette pages by cursor).
    cases: list[tuple[str, str, Callable[[int], str], str]] = [
        ("hyoka", "list", lambda i: "/", hyoka_base),
        ("datasette", "list", lambda i: listing, datasette_base),
        ("hyoka", "search, mix", searching(MIX, hyoka_base), hyoka_base),
        ("hyoka", "search, 1–2 chars", searching(SHORT, hyoka_base), hyoka_base),
        ("hyoka", "search, 3+ chars", searching(LONG, hyoka_base), hyoka_base),
        ("datasette", "search, 3+ chars", searching(LONG, datasette_base), datasette_base),
        ("hyoka", "search, two words", searching(WORDS, hyoka_base), hyoka_base),
        ("hyoka", "sheet", lambda i: f"/sheets/{sheet(i)}", hyoka_base),
        ("datasette", "sheet", lambda i: f"{table}/{sheet(i)}", datasette_base),
    ]
    rows = []
    try:
        for server, page, paths, base in cases:
            alone = measure(server, page, paths, base, args.sequential, 1)
            loaded = measure(server, page, paths, base, args.requests, args.concurrency)
            rows.append((alone, loaded))
            print(f"  {server:9} {page:18} done", flush=True)
    finally:
        for process in (hyoka, datasette):
            process.terminate()
            process.wait(timeout=30)

    print(
        f"\n{count:,} sheets; one client: {args.sequential} requests per row; "
        f"{args.concurrency} clients: {args.requests} requests per row; "
        f"load average before/after: {load} / {os.getloadavg()[0]:.1f}"
    )
    print(
        "| page | server | p50 ms, 1 client | p95 ms, 1 client "
        f"| req/s, {args.concurrency} clients | p50 ms | p95 ms | errors |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for alone, loaded in rows:
        print(
            f"| {alone.page} | {alone.server} | {alone.percentile(0.5):.1f} | "
            f"{alone.percentile(0.95):.1f} | {loaded.throughput:.1f} | "
            f"{loaded.percentile(0.5):.1f} | {loaded.percentile(0.95):.1f} | "
            f"{alone.errors + loaded.errors} |"
        )


if __name__ == "__main__":
    main()
