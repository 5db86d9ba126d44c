"""The RS system's parts of a national sheet on its page and in its PDF.

Real sheets of the RS fixture (tests/data/rs/2024, see tests/data/README.md) are imported
and rendered; the figures expected on the page and in the PDF are computed here from the
CSVs with the csv module alone. A JUDGIT! sheet shows none of it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest

from hyoka.importers import parse_file
from hyoka.importers.rs_import import import_rs
from hyoka.model import Sheet, Stage
from hyoka.render.html import sheet_fragment
from hyoka.render.pdf import render_pdf
from hyoka.render.view import sheet_view
from hyoka.store import create_engine_for, load_sheet, migrate, transaction
from render_sheets import national_sheet
from test_render_pdf import _descendant_types

FIXTURE = Path(__file__).parent / "data" / "rs" / "2024"
# 4: supplementary budgets and 予備費等; 11: contracts; 46: many 費目・使途; 497: a 特別会計
# and its review; 648: negative supplementary budgets, 46 budget items.
PROGRAMS = [4, 11, 46, 497, 648]


def _rows(prefix: str, project_id: int) -> list[dict[str, str]]:
    """The rows of a program in a table, without the blank ones (13 common columns only)."""
    (path,) = FIXTURE.glob(f"{prefix}_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return [
            dict(zip(header, row, strict=True))
            for row in reader
            if row[2] == str(project_id) and any(cell.strip() for cell in row[13:])
        ]


def printed(text: str) -> str:
    """A CSV amount in 円 as the sheet prints it: separators, △ for negatives."""
    value = int(text.replace(",", ""))
    return f"△{-value:,}" if value < 0 else f"{value:,}"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Sheet]]:
    folder = tmp_path_factory.mktemp("rs-render")
    engine = create_engine_for(f"sqlite:///{folder / 'hyoka.sqlite'}")
    migrate(engine)
    shutil.copytree(FIXTURE, folder / "rs")
    import_rs(engine=engine, paths=[folder / "rs"])
    found = {}
    with transaction(engine) as session:
        for project_id in PROGRAMS:
            sheet = load_sheet(
                session=session,
                program_number=f"RS-{project_id}",
                fiscal_year=2024,
                stage=Stage.REVIEW,
            )
            assert sheet is not None
            found[project_id] = sheet
    engine.dispose()
    yield found


def _part(page: str, key: str) -> str:
    """The HTML of one RS section (by its id) of the page."""
    start = page.index(f'id="{key}"')
    return page[start : page.index("</section>", start)]


def _account_figures(project_id: int) -> list[str]:
    """Every 2-1 figure per 会計/勘定: 当初, each 補正 and 予備費等 that is not 0, 繰越,
    歳出予算現額, 執行額, 翌年度要求額, 要望額."""
    columns = ["当初予算", "前年度から繰越し", "歳出予算現額", "執行額", "翌年度要求額", "要望額"]
    numbered = [f"第{n}次補正予算" for n in range(1, 6)] + [f"予備費等{n}" for n in range(1, 5)]
    figures = []
    for row in _rows("2-1", project_id):
        if not row["会計"]:
            continue  # a （合計） row: the 予算額・執行額 table
        figures += [printed(row[name]) for name in columns if row[name]]
        figures += [printed(row[name]) for name in numbered if row[name] not in ("", "0")]
    return figures


@pytest.mark.parametrize("project_id", PROGRAMS)
def test_the_rs_parts_are_on_the_sheet_page(sheets: dict[int, Sheet], project_id: int) -> None:
    page = str(sheet_fragment(sheets[project_id]))
    accounts = _part(page, "rs-accounts")
    for text in _account_figures(project_id):
        assert text in accounts, text
    assert "（単位：円）" in accounts and "第1次補正予算" in accounts
    items = _part(page, "rs-items")
    for row in _rows("2-2", project_id):
        if row["予算額（歳出予算項目ごと）"]:
            assert printed(row["予算額（歳出予算項目ごと）"]) in items
        assert row["項"] in items and row["目"] in items
    organisations = _part(page, "rs-orgs")
    for row in _rows("1-1", project_id):
        assert row["府省庁"] in organisations and row["課"] in organisations
        if row["府省庁（その他担当組織）"]:
            assert row["課（その他担当組織）"] in organisations
            assert row["作成責任者"] in organisations
    # Every 作成責任者 of the unit in charge itself (rows without その他担当組織): program 4
    # names three.
    own = [
        row["作成責任者"] for row in _rows("1-1", project_id) if not row["府省庁（その他担当組織）"]
    ]
    assert all(name in organisations for name in own if name)
    for row in _rows("1-3", project_id):
        for name in ("政策", "施策", "法令名", "法令番号", "計画通知名"):
            assert row[name] in page, name
    for row in _rows("1-5", project_id):
        assert row["関連事業の事業名"] in _part(page, "rs-related")
        assert row["関連事業の事業ID"] in _part(page, "rs-related")
    for row in _rows("3-2", project_id):
        for name in (
            "派生元ーアクティビティの内容/ 活動目標／成果目標",
            "後続アウトカムへのつながり",
        ):
            assert row[name] in _part(page, "rs-logic"), name
    if _rows("5-3", project_id):
        uses = _part(page, "rs-uses")
        for row in _rows("5-3", project_id):
            assert row["支出先名"] in uses and printed(row["金額"]) in uses
    if _rows("5-4", project_id):
        contracts = _part(page, "rs-contracts")
        for row in _rows("5-4", project_id):
            assert printed(row["契約額（国庫債務負担行為等による契約）"]) in contracts
            assert row["契約先名（国庫債務負担行為等による契約）"] in contracts
    # Money in the sheet's unit only; the missing tables said so; the RS source credited.
    assert set(re.findall("（単位：(.*?)）", page)) == {"円"}
    assert "3-1 効果発現経路" in page and "5-1 支出先" in page
    assert "RSシステム" in page and "JUDGIT!" not in page


def test_the_parts_come_in_the_order_of_the_rs_sheet(sheets: dict[int, Sheet]) -> None:
    page = str(sheet_fragment(sheets[11]))
    order = [
        'id="n-purpose"', 'id="rs-situation"', 'id="n-summary"', 'id="rs-orgs"',
        'id="rs-policies"', 'id="rs-laws"', 'id="n-budget"', 'id="rs-accounts"',
        'id="rs-items"', 'id="rs-no-indicators"', 'id="rs-logic"', 'id="review-title"',
        'id="rs-flows"', 'id="rs-uses"', 'id="rs-contracts"', 'class="sheet-source"',
    ]  # fmt: skip
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert page.count('id="review-title"') == 1


def test_execution_rates_and_reasons_as_the_csv_gives_them(sheets: dict[int, Sheet]) -> None:
    page = str(sheet_fragment(sheets[497]))
    notes = _part(page, "rs-budget-notes")
    for row in _rows("2-1", 497):
        if row["執行率"]:
            rate = (f"{float(row['執行率']) * 100:.3f}").rstrip("0").rstrip(".")
            assert f"{rate}%" in notes
        if row["主な増減理由"]:
            assert row["主な増減理由"] in notes


def test_only_the_numbered_columns_that_hold_a_figure(sheets: dict[int, Sheet]) -> None:
    """第n次補正予算 and 予備費等n up to the last one with a figure; the rest is noted."""
    view = sheet_view(sheets[4])
    (accounts,) = [t for t in view.rs_budget if t.key == "rs-accounts"]
    expected_reserves = max(
        n
        for n in range(1, 5)
        for row in _rows("2-1", 4)
        if row["会計"] and row[f"予備費等{n}"] not in ("", "0")
    )
    assert [h for h in accounts.headings if h.startswith("予備費等")] == [
        f"予備費等{n}" for n in range(1, expected_reserves + 1)
    ]
    assert "第2次〜第5次補正予算" in accounts.note
    assert all(len(row) == len(accounts.headings) for row in accounts.rows)


def test_a_judgit_sheet_shows_no_rs_part() -> None:
    sheet = national_sheet()
    view = sheet_view(sheet)
    assert not view.rs and not view.rs_basics and not view.rs_budget and not view.rs_spending
    page = str(sheet_fragment(sheet))
    assert "rs-" not in page and "RSシステム" not in page
    assert "JUDGIT!（CC BY 4.0）を加工して作成" in page


@pytest.fixture(scope="module", params=[11, 648])
def rendered(request: pytest.FixtureRequest, sheets: dict[int, Sheet]) -> tuple[Sheet, bytes]:
    sheet = sheets[request.param]
    return sheet, render_pdf(sheet)


def test_the_rs_parts_are_in_the_pdf(rendered: tuple[Sheet, bytes]) -> None:
    sheet, pdf = rendered
    assert sheet.project_id is not None
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "".join(
            squeeze(page.within_bbox(page.bbox).extract_text()) for page in document.pages
        )
    for figure in _account_figures(sheet.project_id):
        assert figure in text, figure
    for row in _rows("2-2", sheet.project_id):
        if row["予算額（歳出予算項目ごと）"]:
            assert printed(row["予算額（歳出予算項目ごと）"]) in text
    for row in _rows("5-3", sheet.project_id):
        assert printed(row["金額"]) in text and squeeze(row["支出先名"]) in text
    for row in _rows("5-4", sheet.project_id):
        assert printed(row["契約額（国庫債務負担行為等による契約）"]) in text
    for heading in ("組織情報", "会計・勘定ごとの予算・執行", "目標のつながり", "点検・評価"):
        assert heading in text
    assert (
        text.index("目標のつながり")
        < text.index("点検・評価")
        < text.index("支出ブロックのつながり")
    )


def test_every_table_of_the_rs_pdf_has_header_and_data_cells(
    rendered: tuple[Sheet, bytes],
) -> None:
    tables = _descendant_types(rendered[1], "/Table")
    assert len(tables) >= 8
    untagged = [types for types in tables if "/TH" not in types or "/TD" not in types]
    assert not untagged


def test_the_rs_pdf_reads_back_as_the_sheet(rendered: tuple[Sheet, bytes], tmp_path: Path) -> None:
    sheet, pdf = rendered
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    assert parse_file(path).sheet == sheet
