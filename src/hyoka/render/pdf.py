"""The sheet as a PDF: the page context of ``render.view`` typeset by Typst.

``typst/sheet.typ`` draws the official layout (A4 landscape) from the view as JSON; the
sheet itself is attached as ``sheet.json`` (the schema of docs/sheet.schema.json, version
:data:`hyoka.model.SCHEMA_VERSION`), so that ``hyoka import`` reads a hyoka PDF back exactly, like an
e-invoice carries its XML. The Japanese font ships with the install (the PyPI packages
noto-cjk-sans-jp-regular and -bold) and is embedded, subset; Typst reads no other file
and fetches nothing. The PDF is PDF/UA-1: tagged, /Lang ja, title, author (the 課), one
bookmark per section, table headers tagged as headers.

``render_pdf(sheet)`` gives the PDF bytes; a sheet takes tens of milliseconds, so the web
app renders on request.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson
import typst

from hyoka.corrections import FigureCorrection
from hyoka.fonts import font_files, printable
from hyoka.model import ATTACHED_SHEET, SCHEMA_VERSION, Sheet
from hyoka.render.view import SheetView, sheet_view

TEMPLATE_DIR = Path(str(files("hyoka.render").joinpath("typst")))
TEMPLATE = TEMPLATE_DIR / "sheet.typ"
# A fixed creation date: the same sheet gives the same bytes (caches, tests, archives).
TIMESTAMP = 0


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(type(value).__name__)


def view_json(view: SheetView) -> bytes:
    """The page context as the Typst template reads it; a character the font cannot show
    is printed as 〓 (:func:`hyoka.fonts.printable`; JSON's own syntax is ASCII).

    orjson writes the dataclasses itself: ``dataclasses.asdict`` deep-copied the whole
    sheet first (~3 ms a render, measured interleaved in one process)."""
    return printable(orjson.dumps(view, default=_plain).decode()).encode()


def sheet_json(sheet: Sheet) -> bytes:
    """The attached sheet: its fields as docs/sheet.schema.json describes them."""
    return orjson.dumps({"schema": SCHEMA_VERSION, "sheet": sheet.model_dump(mode="json")})


class PdfRenderer:
    """One Typst compiler with the fonts loaded; renders one sheet at a time (a lock, as
    the compiler keeps its state between runs; each run takes milliseconds)."""

    def __init__(self) -> None:
        self.compiler = typst.Compiler(
            str(TEMPLATE),
            root=TEMPLATE_DIR,
            font_paths=sorted({str(path.parent) for path in font_files().values()}),
            ignore_system_fonts=True,
        )
        self.lock = threading.Lock()

    def render(
        self,
        sheet: Sheet,
        *,
        corrections: Sequence[FigureCorrection] = (),
        attach: bool = True,
    ) -> bytes:
        """One sheet as PDF bytes (A4 landscape, fonts embedded, PDF/UA-1, its data
        attached unless ``attach=False``); ``corrections`` of cost and sub-project figures
        are noted under their tables."""
        view = view_json(sheet_view(sheet, corrections=corrections))
        return self.compile(view, sheet_json(sheet) if attach else None)

    def compile(self, view: bytes, attached: bytes | None) -> bytes:
        """The PDF of a page context (:func:`view_json`) with ``attached`` as its
        :data:`~hyoka.model.ATTACHED_SHEET` (none when None)."""
        inputs = {"view": view.decode(), "schema": SCHEMA_VERSION, "attachment": ATTACHED_SHEET}
        if attached is not None:
            inputs["sheet"] = attached.decode()
        with self.lock:
            pdf = self.compiler.compile(
                format="pdf", sys_inputs=inputs, pdf_standards=["ua-1"], timestamp=TIMESTAMP
            )
        assert isinstance(pdf, bytes)
        return pdf


@cache
def shared_renderer() -> PdfRenderer:
    return PdfRenderer()


def render_pdf(
    sheet: Sheet, *, corrections: Sequence[FigureCorrection] = (), attach: bool = True
) -> bytes:
    """The sheet as a PDF in the official layout (see :class:`PdfRenderer`); without
    ``attach`` it carries only what it shows, like a PDF of another producer."""
    return shared_renderer().render(sheet, corrections=corrections, attach=attach)
