"""The rendered-PDF cache of the portal's downloads: same sheet, same bytes, one render;
any change to the sheet or its correction notes renders again."""

from __future__ import annotations

from decimal import Decimal

from hyoka.corrections import FigureCorrection
from hyoka.web.downloads import RenderedPdfs
from sheets import sample_sheet


def test_a_sheet_is_rendered_once_and_a_changed_one_again() -> None:
    cache = RenderedPdfs(entries=2)
    sheet = sample_sheet()
    first = cache.pdf(sheet)
    assert first.startswith(b"%PDF")
    assert cache.pdf(sheet.model_copy(deep=True)) == first  # equal content, no new render
    assert cache.renders == 1

    renamed = sheet.model_copy(
        update={"header": sheet.header.model_copy(update={"program_name": "改名した事業"})}
    )
    assert cache.pdf(renamed) != first
    note = FigureCorrection(
        section="事業コスト",
        item="令和5年度 決算額",
        fiscal_year=2023,
        before=Decimal(473),
        after=Decimal(493),
        unit="千円",
        reason="集計誤り",
        noted_in="令和6年度",
    )
    assert cache.pdf(sheet, [note]) != first
    assert cache.renders == 3
    # Bounded: the oldest entry (the first sheet) was dropped and renders again.
    cache.pdf(sheet)
    assert cache.renders == 4
