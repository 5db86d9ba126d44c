"""大船渡市's 事務事業評価 workbook: the reader, the import, the store, the page and the API.

The expected figures are read from the fixture independently of the importer (openpyxl,
by column letter), so a reader that shifted a column or a year would not agree.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.importers.city_import import import_city_workbook
from hyoka.importers.city_workbook import CityRow, is_city_workbook, read_city_workbook
from hyoka.importers.errors import BadRecord, ImportFailed
from hyoka.model import SheetKind, Stage, ValueKind
from hyoka.store import transaction
from hyoka.store.schema.municipal import MunicipalCostRow, MunicipalSheetRow
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.sheets.reader import load_sheet, load_sheets
from web_support import client_for

SAMPLE = Path(__file__).parent / "data" / "ofunato" / "report_sample.xlsx"
runner = CliRunner()


def _source_rows() -> dict[int, tuple[object, ...]]:
    """The fixture's rows by their row number in the sample."""
    book = load_workbook(SAMPLE, read_only=True, data_only=True)
    rows = dict(enumerate(book.worksheets[0].iter_rows(values_only=True), start=1))
    book.close()
    return rows


def _cell(row: tuple[object, ...], letter: str) -> object:
    return row[column_index_from_string(letter) - 1]


def _read() -> tuple[list[CityRow], list[BadRecord]]:
    items = list(read_city_workbook(SAMPLE))
    return (
        [item for item in items if isinstance(item, CityRow)],
        [item for item in items if isinstance(item, BadRecord)],
    )


def test_the_layout_is_recognised_by_its_header_row(tmp_path: Path) -> None:
    assert is_city_workbook(SAMPLE)
    other = tmp_path / "other.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["事業名", "金額"])
    book.save(other)
    assert not is_city_workbook(other)
    with pytest.raises(ImportFailed, match="見出し行"):
        list(read_city_workbook(other))


def test_every_row_is_read_and_the_row_without_an_id_is_reported() -> None:
    rows = _source_rows()
    named = [n for n, row in rows.items() if n > 2 and _cell(row, "H") not in (None, "", 0)]
    good, bad = _read()
    assert [item.row for item in good] == named
    (missing,) = bad
    assert _cell(rows[missing.line], "H") == 0
    assert missing.field == f"H{missing.line}"
    assert missing.reason == "事務事業IDがありません"
    assert "行目" in missing.describe()


def test_a_row_is_stored_with_its_figures_of_the_source() -> None:
    rows = _source_rows()
    good, _ = _read()
    first = good[0]
    source = rows[first.row]
    sheet = first.sheet
    header = sheet.header
    assert header.kind is SheetKind.MUNICIPAL
    assert header.stage is Stage.REVIEW
    assert header.program_number == f"大船渡市-{_cell(source, 'H')}"
    assert header.program_name == _cell(source, "I")
    # 年度 7 is 令和7 (2025); six blocks of figures end with it (the plan).
    assert _cell(source, "G") == 7
    assert header.fiscal_year == 2025
    details = sheet.municipal
    assert details is not None
    assert [cost.fiscal_year for cost in details.costs] == list(range(2020, 2026))
    assert [cost.planned for cost in details.costs] == [False] * 5 + [True]
    # The first block starts at 国庫支出金 (BT); 人件費計 is BT+8, トータルコスト BT+9.
    start = column_index_from_string("BT") - 1
    for block, cost in enumerate(details.costs):
        offset = start + 19 * block
        assert cost.project_cost == Decimal(str(source[offset + 5]))
        assert cost.personnel_cost == Decimal(str(source[offset + 8]))
        assert cost.total_cost == Decimal(str(source[offset + 9]))
        assert cost.work_hours == Decimal(str(source[offset + 7]))
    assert details.policy is not None
    assert details.policy.name == _cell(source, "M")
    assert details.basic_project is not None
    assert details.basic_project.name == _cell(source, "S")
    assert header.department + header.section == _cell(source, "U")
    # Indicators of the three kinds: ア (activity), カ (target size), サ (outcome).
    assert sheet.outputs[0].name == _cell(source, "BB")
    assert sheet.subject_indicators[0].name == _cell(source, "BH")
    assert sheet.indicators[0].name == _cell(source, "BN")
    outcome = sheet.indicators[0]
    assert outcome.value(2025, ValueKind.TARGET) is not None
    assert outcome.value(2020, ValueKind.ACTUAL) == Decimal(str(_cell(source, "CJ")))


def test_the_evaluation_is_the_shared_review() -> None:
    rows = _source_rows()
    good, _ = _read()
    first = good[0]
    review = first.sheet.review
    assert review is not None
    source = rows[first.row]
    aspects = [rating.aspect for rating in review.ratings]
    assert aspects[0] == "政策体系との整合性"
    assert review.ratings[0].grade == _cell(source, "GG")
    assert review.ratings[0].comment == str(_cell(source, "GH")).strip()
    # 課長等意見 (1) 今後の方向性 without its number; (2) as the detail.
    assert review.verdict == str(_cell(source, "HA")).split("\u3000", 1)[1]
    assert review.verdict_detail == str(_cell(source, "HB")).strip()


def test_commas_full_width_digits_float_noise_and_text_in_figures() -> None:
    rows = _source_rows()
    good, _ = _read()
    by_row = {item.row: item for item in good}
    # Float noise of a formula: Excel shows 15 significant digits.
    noisy = [
        (item, cost)
        for item in good
        for cost in item.sheet.municipal.costs  # type: ignore[union-attr]
        if cost.other is not None and cost.other != cost.other.to_integral_value()
    ]
    assert noisy
    for _item, cost in noisy:
        assert len(cost.other.as_tuple().digits) <= 15  # type: ignore[union-attr]
    # Numbers with commas in indicator cells.
    commas = [
        (number, index, value)
        for number, row in rows.items()
        if number > 2 and number in by_row
        for index, value in enumerate(row)
        if isinstance(value, str) and "," in value and value.replace(",", "").strip().isdigit()
    ]
    assert commas
    for number, _index, value in commas:
        wanted = Decimal(value.replace(",", "").strip())
        sheet = by_row[number].sheet
        figures = {
            item.value
            for indicator in (*sheet.outputs, *sheet.subject_indicators, *sheet.indicators)
            for item in indicator.values
        }
        assert wanted in figures
    # 令和６ (full-width) as a start year.
    full_width = [
        (number, str(_cell(row, "AD")))
        for number, row in rows.items()
        if number in by_row and any(c in str(_cell(row, "AD")) for c in "０１２３４５６７８９")
    ]
    assert full_width
    offsets = {"令和": 2018, "平成": 1988, "昭和": 1925}
    digits = str.maketrans("０１２３４５６７８９", "0123456789")
    for number, text in full_width:
        era, year = text[:2], int(text[2:].translate(digits))
        assert by_row[number].sheet.header.start_year == offsets[era] + year
    # Indicator values such as 29（4） are left empty with a warning naming the cell.
    warned = [w for item in good for w in item.warnings if "29（4）" in w.reason]
    assert warned and warned[0].field.endswith(str(warned[0].line))


def test_import_stores_every_row_and_a_re_import_changes_nothing(
    db_url: str, engine: Engine
) -> None:
    good, bad = _read()
    first = runner.invoke(app, ["import", "--db", db_url, str(SAMPLE)])
    assert first.exit_code == 1  # one row skipped
    assert "事務事業IDがありません" in first.output
    with transaction(engine) as session:
        kinds = session.execute(select(SheetRow.kind, func.count()).group_by(SheetRow.kind)).all()
        assert dict(kinds) == {"municipal": len(good)}
        assert session.scalar(select(func.count()).select_from(MunicipalSheetRow)) == len(good)
        costs = session.scalar(select(func.count()).select_from(MunicipalCostRow))
        plans = len(
            [item for item in good if item.sheet.municipal and item.sheet.municipal.plan_costs]
        )
        assert costs == 6 * len(good) + plans
        stored = load_sheet(
            session=session,
            program_number=good[0].sheet.header.program_number,
            fiscal_year=2025,
            stage=Stage.REVIEW,
        )
        assert stored == good[0].sheet
    again = import_city_workbook(engine=engine, path=SAMPLE)
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(good))
    assert len(again.problems) == len(bad)


def test_a_malformed_row_is_skipped_and_the_others_are_stored(
    tmp_path: Path, engine: Engine
) -> None:
    book = load_workbook(SAMPLE)
    sheet = book.worksheets[0]
    # 事業費計 of the third row's first year: text where a number belongs.
    sheet["CA5"] = "千円"
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    summary = import_city_workbook(engine=engine, path=broken)
    reasons = {(bad.line, bad.field): bad.reason for bad in summary.problems}
    assert reasons[(5, "CA5")] == "数値として読めません: '千円'"
    good, _ = _read()
    assert summary.new == len(good) - 1
    with transaction(engine) as session:
        numbers = set(session.scalars(select(SheetRow.program_number)))
    assert good[2].sheet.header.program_number not in numbers
    assert good[3].sheet.header.program_number in numbers


def test_the_sheet_page_list_filter_and_api_show_the_city(db_url: str, engine: Engine) -> None:
    import_city_workbook(engine=engine, path=SAMPLE)
    good, _ = _read()
    target = good[0].sheet
    with transaction(engine) as session:
        (stored,) = [
            item
            for item in load_sheets(session=session)
            if item.sheet.header.program_number == target.header.program_number
        ]
    with client_for(db_url) as client:
        page = client.get(f"/sheets/{stored.sheet_id}")
        assert page.status_code == 200
        text = page.text
        assert "事務事業評価シート" in text
        assert "令和7年度" in text and "令和2年度（実績）" in text
        assert "人件費計（B）" in text
        assert target.review is not None and target.review.verdict in text
        listed = client.get("/api/sheets", params={"kind": "municipal", "per_page": "100"})
        assert listed.status_code == 200
        assert listed.json()["total"] == len(good)
        assert client.get("/api/sheets", params={"kind": "prefecture"}).json()["total"] == 0
        home = client.get("/", params={"kind": "municipal"})
        assert home.status_code == 200 and "市町村" in home.text
        detail = client.get(f"/api/sheets/{stored.sheet_id}").json()
        assert "municipal" in str(detail)


def test_unit_cost_uses_the_sheets_full_cost_with_its_personnel_cost(engine: Engine) -> None:
    from hyoka.analytics.unit_cost import unit_cost_report
    from hyoka.model import SheetKind
    from hyoka.store.reports.scope import Scope

    import_city_workbook(engine=engine, path=SAMPLE)
    rows = _source_rows()
    # Independently: R6 (2024) is the fifth block; トータルコスト at BT+9, activity ア at BT+10.
    start = column_index_from_string("BT") - 1 + 19 * 4
    expected = {}
    for number, row in rows.items():
        if number <= 2 or _cell(row, "H") in (None, "", 0):
            continue
        name = str(_cell(row, "BB") or "").strip()
        total, quantity = row[start + 9], row[start + 10]
        try:
            amount = Decimal(str(total)) * 1000
            count = Decimal(str(quantity).replace(",", ""))
        except ArithmeticError:
            continue
        if name and count > 0:
            expected[(f"大船渡市-{_cell(row, 'H')}", name)] = (amount / count).quantize(
                Decimal(1), rounding="ROUND_HALF_UP"
            )
    with transaction(engine) as session:
        report = unit_cost_report(session=session, scope=Scope(kind=SheetKind.MUNICIPAL))
    found = {
        (row.sheet.program_number, row.output): row.cost_per_unit_yen
        for row in report.rows
        if row.fiscal_year == 2024
    }
    assert expected
    for key, cost in expected.items():
        assert found[key] == cost
