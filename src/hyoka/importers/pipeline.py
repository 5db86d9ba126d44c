"""Preparing input in worker processes while the main process writes it.

A bulk import spends most of its time on work that needs no database: reading records,
building and checking the model, computing each sheet's rows. :func:`in_order` runs that
work in a pool of processes and hands the results back in input order, a few batches
ahead of the writer, so that the writes (one process: SQLite has one writer) overlap with
the preparing and memory stays flat however long the input is.

Example::

    for rows in in_order(prepare_batch, batches, jobs=2):
        write(rows)
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

Result = TypeVar("Result")

SMALL_INPUT = 1 << 20
"""Bytes of input below which preparing in this process is quicker than starting workers."""


class WorkerLost(RuntimeError):
    """A worker process ended abruptly (killed, out of memory); its batch is not done."""

    def __init__(self) -> None:
        super().__init__(
            "作業プロセスが途中で終了しました(メモリ不足や強制終了など)。"
            "それまでに書き込んだ区切りは保存されています。"
            "--jobs 1 で(同じプロセスで)やり直せます"
        )


MAX_JOBS = 4
"""Beyond this, more workers only wait: one process writes, and preparing a batch takes
about 1.5× as long as writing it (bench/import.py), so two or three keep the writer busy."""


def default_jobs(paths: Sequence[Path]) -> int:
    """Worker processes for these input files: one per CPU up to :data:`MAX_JOBS`, none for
    small input."""
    size = sum(path.stat().st_size for path in paths)
    return 1 if size < SMALL_INPUT else max(1, min(MAX_JOBS, os.cpu_count() or 1))


def in_order(
    function: Callable[..., Result], tasks: Iterable[tuple[Any, ...]], *, jobs: int
) -> Iterator[Result]:
    """``function(*task)`` of each task, in the tasks' order.

    ``jobs`` > 1: computed by that many worker processes, at most ``jobs + 1`` tasks ahead
    of the consumer. ``function`` and the tasks must be picklable. An exception of a task
    is raised here when its result is reached; a worker that dies raises
    :class:`WorkerLost`.

    The workers are forked from a fork server (``forkserver``), a fresh process that has
    imported the main module and ``function``'s module once: no database connection or
    thread of this process is copied into them (as ``fork`` would), and none of them pays
    for importing the model and the store again (as ``spawn`` would, ~1–3 s each).
    """
    if jobs <= 1:
        for task in tasks:
            yield function(*task)
        return
    context = multiprocessing.get_context("forkserver")
    # Takes effect when this process starts its fork server (the first pool).
    context.set_forkserver_preload(["__main__", function.__module__])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: deque[Future[Result]] = deque()
        try:
            for task in tasks:
                pending.append(pool.submit(function, *task))
                if len(pending) > jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise WorkerLost() from None
        finally:
            # The consumer stopped early (an error while writing): drop what is queued.
            for future in pending:
                future.cancel()
