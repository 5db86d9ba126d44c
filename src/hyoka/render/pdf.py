"""The sheet as a PDF: the HTML of ``render.html`` and ``static/sheet.css`` through WeasyPrint.

The Japanese font ships with the install (the PyPI packages noto-cjk-sans-jp-regular and
-bold) and is embedded, subset, in every PDF. Nothing is fetched at run time: the URL
fetcher refuses anything but ``file:`` and ``data:`` URLs. The PDF is tagged (PDF/UA-1:
structure tree, /Lang ja, title) so that screen readers can read it.

A :class:`PdfRenderer` parses the stylesheet and loads the fonts once; reuse it for many
sheets (``render_pdf`` uses a shared one): ``render_pdf(sheet)`` gives the PDF bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

# WeasyPrint ships no type information.
from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from hyoka.corrections import FigureCorrection
from hyoka.model import Sheet
from hyoka.render.html import STATIC_DIR, STYLESHEET, document_title, sheet_page

FONT_FAMILY = "Noto Sans CJK JP"
AUTHOR = "hyoka"
ALLOWED_SCHEMES = ("file", "data")


def font_files() -> dict[int, Path]:
    """The packaged font files by CSS font weight."""
    return {
        400: Path(str(files("noto_cjk_sans_jp_regular").joinpath("NotoSansCJKjp-Regular.otf"))),
        700: Path(str(files("noto_cjk_sans_jp_bold").joinpath("NotoSansCJKjp-Bold.otf"))),
    }


def font_face_css() -> str:
    """@font-face rules pointing at the packaged fonts by ``file:`` URI."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
        f'font-style: normal; src: url("{path.as_uri()}"); }}'
        for weight, path in font_files().items()
    )


def local_fetcher() -> Any:
    """A fetcher that refuses the network: a sheet must render from installed files only."""
    return URLFetcher(allowed_protocols=ALLOWED_SCHEMES, fail_on_errors=True)


class PdfRenderer:
    """Renders sheets to PDF with one parsed stylesheet and one font configuration."""

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.url_fetcher = local_fetcher()
        self.stylesheets = [
            CSS(
                string=font_face_css(),
                font_config=self.font_config,
                url_fetcher=self.url_fetcher,
            ),
            CSS(
                filename=str(STYLESHEET),
                font_config=self.font_config,
                url_fetcher=self.url_fetcher,
            ),
        ]

    def render(self, sheet: Sheet, *, corrections: Sequence[FigureCorrection] = ()) -> bytes:
        """One sheet as PDF bytes (A4 landscape, fonts embedded, tagged); ``corrections``
        of cost and sub-project figures are noted under their tables."""
        document = HTML(
            string=sheet_page(sheet, inline_css=False, corrections=corrections),
            base_url=STATIC_DIR.as_uri() + "/",
            url_fetcher=self.url_fetcher,
        ).render(stylesheets=self.stylesheets, font_config=self.font_config)
        metadata: Any = document.metadata
        metadata.title = document_title(sheet)
        metadata.authors = [sheet.header.section or AUTHOR]
        metadata.creator = AUTHOR
        metadata.lang = "ja"
        pdf: bytes = document.write_pdf(
            pdf_variant="pdf/ua-1",
            font_config=self.font_config,
        )
        return pdf


@cache
def shared_renderer() -> PdfRenderer:
    return PdfRenderer()


def render_pdf(sheet: Sheet, *, corrections: Sequence[FigureCorrection] = ()) -> bytes:
    """The sheet as a PDF in the official layout (see :class:`PdfRenderer`)."""
    return shared_renderer().render(sheet, corrections=corrections)
