"""The portal's PDF download renders on request: the same sheet gives the same bytes (a
fixed creation date), and any change to the sheet or its correction notes shows at once
(no cache that could serve a stale file)."""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader

from hyoka.corrections import FigureCorrection
from hyoka.web.downloads import formats, sheet_pdf
from sheets import sample_sheet


def _text(pdf: bytes) -> str:
    return "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_same_sheet_gives_the_same_pdf_and_a_changed_one_another() -> None:
    sheet = sample_sheet()
    first = sheet_pdf(sheet)
    assert first.startswith(b"%PDF")
    assert sheet_pdf(sheet.model_copy(deep=True)) == first  # reproducible bytes

    renamed = sheet.model_copy(
        update={"header": sheet.header.model_copy(update={"program_name": "改名した事業"})}
    )
    changed = sheet_pdf(renamed)
    assert changed != first and "改名した事業" in _text(changed)
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
    noted = sheet_pdf(sheet, corrections=[note])
    assert noted != first and note.note.replace(" ", "")[:20] in _text(noted)


def test_the_workbook_is_offered_as_the_entry_workbook() -> None:
    labels = dict(formats(sample_sheet()))
    assert labels["xlsx"] == "Excel（入力用ワークブック・取り込み可）"
    assert labels["pdf"] == "PDF（様式どおり）"
