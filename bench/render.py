"""Render sheets to PDF: sheets per second, CPU per sheet, peak memory, first-download latency.

    uv run python bench/render.py                       # 400 seed copies: 1 process, pool of 2
    uv run python bench/render.py --national ../shared/data/judgit/20*.ndjson.gz
    uv run python bench/render.py --http 60             # p50/p95 of a first PDF download
    # the engine before (WeasyPrint, removed in 1eaec1b), in the same run of this script:
    git show 1eaec1b~1:src/hyoka/render/pdf.py > /tmp/weasyprint_pdf.py
    uv run --with weasyprint==70.0 python bench/render.py --renderer /tmp/weasyprint_pdf.py

Every copy differs (its copy number is in the program name, printed on every page), so
nothing can come from a cache. One process renders with one renderer (fonts loaded once,
outside the clock, as a server would); the pool is ``hyoka.render.batch.render_pdfs``
(``hyoka render --jobs``), worker start-up inside the clock. ``--national`` renders every
sheet of the JUDGIT! files with the pool, streaming (the time to merely read the files into
sheets is printed beside it). ``--http`` serves a SQLite store of N seed copies with uvicorn
in a subprocess and downloads each sheet's PDF once over HTTP.

Goals (issue 13, 2 cores): ≥ 20 sheets/s in one process (≤ 50 ms CPU a sheet), all 21,477
national sheets with the pool in under 10 minutes, a first PDF download p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

import orjson

from hyoka.importers import parse_file
from hyoka.importers.judgit import read_lines, sheet_from_record
from hyoka.model import Sheet
from hyoka.samples import seed_files
from hyoka.web.threaded import free_port

Renderer = Callable[[Sheet], bytes]


def copies(sheets: list[Sheet], count: int) -> list[Sheet]:
    """``count`` sheets cycling through the seeds, each with its copy number in its name."""
    result = []
    for index in range(count):
        copy = sheets[index % len(sheets)].model_copy(deep=True)
        copy.header.program_name = f"{copy.header.program_name}（写し{index + 1}）"
        result.append(copy)
    return result


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _renderer(path: str | None) -> Renderer:
    if path is None:
        from hyoka.render.pdf import render_pdf

        return render_pdf
    spec = importlib.util.spec_from_file_location("bench_renderer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    render: Renderer = module.render_pdf
    return render


def one_process(sheets: list[Sheet], render: Renderer, name: str) -> None:
    render(sheets[0])  # fonts (and stylesheet) loaded outside the clock
    cpu_before = _cpu(resource.RUSAGE_SELF)
    started = time.perf_counter()
    sizes = [len(render(sheet)) for sheet in sheets]
    elapsed = time.perf_counter() - started
    cpu = _cpu(resource.RUSAGE_SELF) - cpu_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    count = len(sheets)
    print(
        f"{name}, 1 process: {count} sheets in {elapsed:.2f} s = {count / elapsed:.1f} sheets/s; "
        f"CPU {cpu / count * 1000:.0f} ms per sheet; {sum(sizes) / count / 1024:.0f} KiB per PDF; "
        f"peak RSS {peak:.0f} MiB"
    )


def pool(sheets: list[Sheet], processes: int) -> None:
    from hyoka.render.batch import render_pdfs

    cpu_before = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    count = sum(1 for _ in render_pdfs(sheets, processes=processes))
    elapsed = time.perf_counter() - started
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu_before
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"pool of {processes}: {count} sheets in {elapsed:.2f} s = {count / elapsed:.1f} sheets/s "
        f"(worker start-up included); CPU {cpu / count * 1000:.0f} ms per sheet; "
        f"peak RSS per worker {peak:.0f} MiB"
    )


def national_sheets(paths: list[Path]) -> Iterator[Sheet]:
    for path in paths:
        for _, line in read_lines(path):
            if line is not None:
                yield sheet_from_record(orjson.loads(line))


def national(paths: list[Path], processes: int, limit: int | None) -> None:
    from hyoka.render.batch import render_pdfs

    started = time.perf_counter()
    read = sum(1 for _ in islice(national_sheets(paths), limit))
    reading = time.perf_counter() - started
    started = time.perf_counter()
    rendered = 0
    sheets = islice(national_sheets(paths), limit)
    # In slices, so that memory stays flat: render_pdfs takes a sequence.
    while batch := list(islice(sheets, 2000)):
        rendered += sum(1 for _ in render_pdfs(batch, processes=processes))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"national: reading {read} sheets alone {reading:.1f} s; reading and rendering them "
        f"with a pool of {processes}: {elapsed:.1f} s = {rendered / elapsed:.1f} sheets/s; "
        f"peak RSS per worker {peak:.0f} MiB"
    )


def http(seeds: list[Sheet], count: int) -> None:
    from hyoka.store import create_engine_for, migrate, save_sheet, transaction

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        engine = create_engine_for(url)
        migrate(engine)
        with transaction(engine, write=True) as session:
            ids = [save_sheet(session=session, sheet=s).sheet_id for s in copies(seeds, count)]
        engine.dispose()
        port = free_port()
        server = subprocess.Popen(
            [Path(sys.executable).with_name("hyoka"), "serve", "--db", url, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            # The first PDF of the process loads the fonts: a server does that once.
            urllib.request.urlopen(f"{base}/sheets/{ids[0]}.pdf").read()
            times = []
            for sheet_id in ids[1:]:
                started = time.perf_counter()
                with urllib.request.urlopen(f"{base}/sheets/{sheet_id}.pdf") as answer:
                    assert answer.status == 200 and answer.read(4) == b"%PDF"
                    answer.read()
                times.append((time.perf_counter() - started) * 1000)
        finally:
            server.terminate()
            server.wait(10)
    times.sort()
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    print(
        f"HTTP: first download of {len(times)} sheets' PDFs: p50 {statistics.median(times):.0f} ms, "
        f"p95 {p95:.0f} ms, max {times[-1]:.0f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--renderer", help="a module file whose render_pdf to time instead")
    parser.add_argument("--national", type=Path, nargs="*", default=[])
    parser.add_argument("--limit", type=int, help="render at most this many national sheets")
    parser.add_argument("--http", type=int, default=0, help="sheets to download over HTTP")
    options = parser.parse_args(argv)
    seeds = [parse_file(path).sheet for path in seed_files()]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    name = Path(options.renderer).stem if options.renderer else "typst"
    one_process(copies(seeds, options.count), _renderer(options.renderer), name)
    if options.renderer is None:
        pool(copies(seeds, options.count), options.processes)
    if options.national:
        national(options.national, options.processes, options.limit)
    if options.http:
        http(seeds, options.http)


if __name__ == "__main__":
    main(sys.argv[1:])
