"""Render the sample sheets repeated to N PDFs; print sheets per second, CPU and peak memory.

    uv run python bench/render.py                 # 200 sheets, one process, then a pool of 2
    uv run python bench/render.py --count 40 --processes 1

Every copy differs (its copy number is in the program name, printed on every page), so
nothing can be served from a cache: each of the N sheets is laid out and written. One
process renders with one ``PdfRenderer`` (stylesheet and fonts loaded once, outside the
clock); a pool uses ``hyoka.render.batch.render_pdfs`` as ``hyoka render --jobs`` does,
worker start-up included in the clock. Goal (issue 3): at least 5 sheets per second.
Peak memory is the largest resident set of a rendering process (``ru_maxrss``), and the
Python-level peak while rendering one sheet of each seed (``tracemalloc``, run apart as it
slows rendering down).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc

from hyoka.importers import parse_file
from hyoka.model import Sheet
from hyoka.render.batch import render_pdfs
from hyoka.render.pdf import render_pdf
from hyoka.samples import seed_files


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


def run(sheets: list[Sheet], processes: int) -> None:
    if processes == 1:
        render_pdf(sheets[0])  # load fonts and stylesheet outside the clock, as a server would
    cpu_before = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    sizes = [len(pdf) for pdf in render_pdfs(sheets, processes=processes)]
    elapsed = time.perf_counter() - started
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu_before
    who = resource.RUSAGE_SELF if processes == 1 else resource.RUSAGE_CHILDREN
    peak = resource.getrusage(who).ru_maxrss / 1024
    count = len(sheets)
    print(
        f"{processes} process(es): {count} sheets in {elapsed:.1f} s = "
        f"{count / elapsed:.2f} sheets/s; CPU {cpu / count:.2f} s per sheet; "
        f"{sum(sizes) / count / 1024:.0f} KiB per PDF; peak RSS per process {peak:.0f} MiB"
    )


def python_peak(sheets: list[Sheet]) -> None:
    tracemalloc.start()
    for sheet in sheets:
        render_pdf(sheet)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"tracemalloc peak while rendering one sheet of each seed: {peak / 2**20:.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 2])
    options = parser.parse_args(argv)
    seeds = [parse_file(path).sheet for path in seed_files()]
    sheets = copies(seeds, options.count)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for processes in options.processes:
        run(sheets, processes)
    python_peak(seeds)


if __name__ == "__main__":
    main(sys.argv[1:])
