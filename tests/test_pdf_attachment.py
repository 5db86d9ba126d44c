"""The sheet a hyoka PDF attaches (sheet.json): read back exactly, and trusted only where
the pages agree with it.

Tampered PDFs are made the way such a file would come about: the pages typeset from an
edited sheet, the attachment left as it was (the renderer's compiler, fed mismatched
inputs).
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from pypdf import PdfReader

from hyoka.importers import ImportFailed, parse_file
from hyoka.model import SCHEMA_VERSION, Sheet
from hyoka.render.pdf import render_pdf, shared_renderer, sheet_json, view_json
from hyoka.render.view import sheet_view
from render_sheets import national_sheet
from sheets import sample_sheet


def _tampered(shown: Sheet, attached: bytes, path: Path) -> Path:
    """A PDF whose pages show ``shown`` and whose attachment is ``attached``."""
    path.write_bytes(shared_renderer().compile(view_json(sheet_view(shown)), attached))
    return path


def test_the_pdf_attaches_its_sheet_with_the_schema_version() -> None:
    sheet = sample_sheet()
    reader = PdfReader(io.BytesIO(render_pdf(sheet)))
    [data] = reader.attachments["sheet.json"]
    document = orjson.loads(data)
    assert document["schema"] == SCHEMA_VERSION
    assert Sheet.model_validate(document["sheet"]) == sheet
    # Without the attachment the PDF carries only its pages.
    assert "sheet.json" not in PdfReader(io.BytesIO(render_pdf(sheet, attach=False))).attachments


def test_a_national_sheet_reads_back_from_its_attachment(tmp_path: Path) -> None:
    sheet = national_sheet()
    path = tmp_path / "national.pdf"
    path.write_bytes(render_pdf(sheet))
    assert parse_file(path).sheet == sheet


def test_a_character_the_font_lacks_prints_as_geta_and_reads_back(tmp_path: Path) -> None:
    """PDF/UA refuses text without a glyph; sheets carry Word's private-use symbols."""
    sheet = sample_sheet()
    sheet.purpose = "\uf0d8" + sheet.purpose
    sheet.situation = [*sheet.situation, "\uf0fc 印のついた項目"]
    pdf = render_pdf(sheet)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "〓" + sheet.purpose[1:20] in text and "\uf0d8" not in text
    path = tmp_path / "symbols.pdf"
    path.write_bytes(pdf)
    assert parse_file(path).sheet == sheet  # the data keeps what was written


def _city_sheet() -> Sheet:
    from hyoka.importers.city_workbook import CityRow, read_city_workbook

    fixture = Path(__file__).parent / "data" / "ofunato" / "report_sample.xlsx"
    row = next(item for item in read_city_workbook(fixture) if isinstance(item, CityRow))
    return row.sheet


def test_a_municipal_sheet_prints_its_own_layout_and_reads_back(tmp_path: Path) -> None:
    sheet = _city_sheet()
    assert sheet.municipal is not None and sheet.municipal.costs and sheet.review is not None
    pdf = render_pdf(sheet)
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "事務事業評価シート" in text and "事業改善シート" not in text
    assert "総投入量" in text and "トータルコスト" in text and "政策体系" in text
    cost = sheet.municipal.costs[0]
    assert cost.total_cost is not None and f"{cost.total_cost:,}" in text
    path = tmp_path / "city.pdf"
    path.write_bytes(pdf)
    assert parse_file(path).sheet == sheet
    edited = sheet.model_copy(deep=True)
    assert edited.municipal is not None
    edited.municipal.costs[0].total_cost = cost.total_cost + 1
    with pytest.raises(ImportFailed) as caught:
        parse_file(_tampered(edited, sheet_json(sheet), tmp_path / "edited.pdf"))
    assert f"総投入量 {cost.fiscal_year}年度 トータルコスト" in caught.value.describe()


def test_an_edited_figure_on_the_page_is_refused_with_the_field_named(tmp_path: Path) -> None:
    sheet = sample_sheet()
    edited = sheet.model_copy(deep=True)
    row = edited.costs[0]
    assert row.initial_budget is not None
    row.initial_budget += 1000
    edited.purpose = sheet.purpose + "（加筆）"
    path = _tampered(edited, sheet_json(sheet), tmp_path / "edited.pdf")
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    message = caught.value.describe()
    assert "[添付データ]" in message
    year = f"{row.fiscal_year}年度"
    assert f"6 事業コスト {year} 当初予算" in message
    assert f"表示 {row.initial_budget:,}" in message
    assert "2 事業目的" in message


def test_an_edited_national_budget_figure_is_refused(tmp_path: Path) -> None:
    sheet = national_sheet()
    edited = sheet.model_copy(deep=True)
    budget = edited.budgets[0]
    assert budget.executed is not None
    budget.executed = budget.executed + Decimal("7.25")
    path = _tampered(edited, sheet_json(sheet), tmp_path / "edited.pdf")
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    assert f"予算額・執行額 {budget.fiscal_year}年度 執行額" in caught.value.describe()


@pytest.mark.parametrize(
    ("attached", "expected"),
    [
        (orjson.dumps({"schema": "99", "sheet": {}}), "版 '99' には対応していません"),
        (b"{not json", "JSON として読めません"),
        (orjson.dumps({"schema": SCHEMA_VERSION, "sheet": {"header": {}}}), "header."),
    ],
    ids=["unknown-version", "not-json", "invalid-sheet"],
)
def test_a_bad_attachment_is_refused(attached: bytes, expected: str, tmp_path: Path) -> None:
    path = _tampered(sample_sheet(), attached, tmp_path / "bad.pdf")
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    message = caught.value.describe()
    assert "[添付データ]" in message and expected in message
