"""Render the two sample sheets repeated to N PDFs; print sheets per second and peak memory.

    uv run python bench/render.py                 # 200 sheets, one process, then a pool of 2
    uv run python bench/render.py --count 40 --processes 1

The seeds are parsed once; each process renders its share with one shared ``PdfRenderer``
(stylesheet and fonts loaded once per process). Goal: at least 5 sheets per second.
Peak memory is the largest resident set of a rendering process (``ru_maxrss``) and the
Python-level peak of the single-process run (``tracemalloc``, run separately as it slows
rendering down).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hyoka.importers import parse_file
from hyoka.model import Sheet
from hyoka.render.pdf import render_pdf

SEEDS = sorted((Path(__file__).parent.parent / "tests" / "data" / "seeds").glob("*.txt"))


def _render_share(documents: list[str]) -> tuple[int, int, int]:
    """Render the sheets (as JSON, cheap to send to a process); pages, bytes, peak RSS KiB."""
    pages = size = 0
    for document in documents:
        pdf = render_pdf(Sheet.model_validate_json(document))
        size += len(pdf)
        pages += pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    return pages, size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(sheets: list[Sheet], count: int, processes: int) -> None:
    documents = [sheets[i % len(sheets)].model_dump_json() for i in range(count)]
    started = time.perf_counter()
    if processes == 1:
        render_pdf(sheets[0])  # load fonts and stylesheet outside the clock, as a server would
        started = time.perf_counter()
        results = [_render_share(documents)]
    else:
        shares = [documents[i::processes] for i in range(processes)]
        with ProcessPoolExecutor(max_workers=processes) as pool:
            results = list(pool.map(_render_share, shares))
    elapsed = time.perf_counter() - started
    size = sum(result[1] for result in results)
    peak = max(result[2] for result in results) / 1024
    print(
        f"{processes} process(es): {count} sheets in {elapsed:.1f} s = "
        f"{count / elapsed:.2f} sheets/s, {size / count / 1024:.0f} KiB per PDF, "
        f"peak RSS per process {peak:.0f} MiB"
    )


def python_peak(sheets: list[Sheet]) -> None:
    tracemalloc.start()
    for sheet in sheets:
        render_pdf(sheet)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"tracemalloc peak while rendering one sheet of each seed: {peak / 2**20:.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 2])
    options = parser.parse_args(argv)
    sheets = [parse_file(path).sheet for path in SEEDS]
    for processes in options.processes:
        run(sheets, options.count, processes)
    python_peak(sheets)


if __name__ == "__main__":
    main(sys.argv[1:])
