"""Many sheets as PDF at once, on every CPU: a pool of rendering processes.

Typst typesets a sheet in tens of milliseconds, on one core per process. ``render_pdfs``
spreads the sheets over worker processes, each with its own
:class:`hyoka.render.pdf.PdfRenderer` (fonts loaded once per worker), and gives the PDFs
back in the order of the sheets::

    for sheet, pdf in zip(sheets, render_pdfs(sheets, processes=2)):
        path.write_bytes(pdf)

Every sheet is rendered: nothing is cached by content.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from hyoka.model import Sheet
from hyoka.render.pdf import render_pdf

# Sheets go to the workers in chunks: a sheet takes milliseconds, so a chunk must be large
# enough that the pipe's cost per chunk is small, small enough that a progress bar moves.
CHUNK = 32


def default_processes() -> int:
    """One rendering process per CPU this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _render_document(document: str) -> bytes:
    # Sheets travel to the workers as JSON, cheaper to send than pickled models.
    return render_pdf(Sheet.model_validate_json(document))


def render_pdfs(sheets: Sequence[Sheet], *, processes: int | None = None) -> Iterator[bytes]:
    """The PDF of each sheet, in order; ``processes`` workers (default: one per CPU).

    With one process, or one sheet, the sheets are rendered here, in this process.
    """
    count = min(default_processes() if processes is None else processes, len(sheets))
    if count <= 1:
        for sheet in sheets:
            yield render_pdf(sheet)
        return
    documents = [sheet.model_dump_json() for sheet in sheets]
    # Fresh interpreters, not forks: the caller may run threads (a progress bar, a server)
    # whose locks must not be copied mid-use. Starting costs about a second.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        yield from pool.map(_render_document, documents, chunksize=CHUNK)
