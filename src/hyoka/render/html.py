"""The sheet as HTML in its official layout: the web page, the standalone page and its export.

``sheet_fragment`` gives the ``<article>`` the web app embeds in its own pages;
``sheet_page`` a standalone document with the stylesheet inlined. Both draw the page
context of ``render.view`` (:class:`~hyoka.render.view.SheetView`), which the PDF layout
(``render.pdf``, Typst) draws too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from hyoka.corrections import FigureCorrection
from hyoka.display import figure, year_label, year_short, yen_figure
from hyoka.model import Sheet
from hyoka.render.view import document_title, sheet_view

STATIC_DIR = Path(str(files("hyoka.render").joinpath("static")))
STYLESHEET = STATIC_DIR / "sheet.css"


@cache
def environment() -> Environment:
    """The Jinja2 environment of the sheet templates (shared; templates are cached)."""
    env = Environment(
        loader=PackageLoader("hyoka.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figure"] = figure
    env.filters["yen_figure"] = yen_figure
    env.filters["fiscal_year"] = year_short
    env.filters["era_label"] = year_label
    return env


@cache
def stylesheet() -> str:
    """The text of ``static/sheet.css`` (screen and print)."""
    return STYLESHEET.read_text(encoding="utf-8")


def sheet_fragment(
    sheet: Sheet, *, title_level: int = 2, corrections: Sequence[FigureCorrection] = ()
) -> Markup:
    """The sheet as an ``<article>`` in its official layout, for embedding in a page.

    Its title is an ``<h2>`` under the embedding page's own ``<h1>`` (one h1 per page);
    :func:`sheet_page` makes it the document's ``<h1>``. ``corrections`` of cost and
    sub-project figures (:func:`hyoka.store.staff.corrections.figure_corrections`) are noted
    under their tables.
    """
    template = environment().get_template("sheet/sheet.html")
    view = sheet_view(sheet, title_level=title_level, corrections=corrections)
    return Markup(template.render(view=view))


def sheet_page(
    sheet: Sheet, *, inline_css: bool = True, corrections: Sequence[FigureCorrection] = ()
) -> str:
    """The sheet as a standalone HTML document; no external URL.

    ``inline_css=False`` leaves the stylesheet out (for a page that links it).
    """
    template = environment().get_template("sheet/page.html")
    return template.render(
        title=document_title(sheet),
        css=Markup(stylesheet()) if inline_css else None,
        fragment=sheet_fragment(sheet, title_level=1, corrections=corrections),
    )
