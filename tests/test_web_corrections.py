"""Corrections of published cost, settlement and quantity figures through the staff edit
route, shown on the public sheet page, in its layout, its API and its PDF (SQLite)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.accounts import Role, add_user
from hyoka.corrections import corrected_figures
from hyoka.model import CostRow
from hyoka.settings import Settings
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.staff.corrections import figure_corrections
from hyoka.store.staff.workflow import create_next_year, current_sheet, save_edit
from hyoka.web.app import create_app
from sheets import sample_sheet
from test_web_staff import PASSWORD, edit_form, login
from web_support import store

REASON = "決算額の転記誤りのため"


@pytest.fixture(scope="module")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corrections") / "template.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    store(engine, [sample_sheet()])
    with transaction(engine) as session:
        add_user(
            session=session,
            login="editor",
            password=PASSWORD,
            role=Role.EDITOR,
            department=sample_sheet().header.department,
            actor="test",
        )
    engine.dispose()
    return path


@pytest.fixture
def site(tmp_path: Path, template_database: Path) -> Iterator[tuple[TestClient, Engine]]:
    path = tmp_path / "hyoka.sqlite"
    shutil.copyfile(template_database, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"))
    with TestClient(app) as client:
        yield client, app.state.engine
    app.state.engine.dispose()


def _field(fields: dict[str, str], prefix: str, suffix: str, value: str) -> str:
    """The name of the ``prefix-N-suffix`` field whose ``prefix-N-year``/number is ``value``."""
    for key, found in fields.items():
        if key.startswith(prefix) and key.count("-") == 2 and found == value:
            return key.rsplit("-", 1)[0] + "-" + suffix
    raise AssertionError((prefix, value))


def test_a_corrected_settlement_shows_its_note_on_the_public_page_layout_api_and_pdf(
    site: tuple[TestClient, Engine],
) -> None:
    client, _engine = site
    sheet = sample_sheet()
    [cost] = [row for row in sheet.costs if row.fiscal_year == sheet.header.fiscal_year]
    assert cost.settlement is not None
    before, after = cost.settlement, cost.settlement + 1_234
    editor = login(client, "editor")
    fields = edit_form(editor, 1)
    fields[_field(fields, "cost-", "settlement", str(cost.fiscal_year))] = str(after)
    sub = sheet.sub_projects[0]
    old_amount = sub.settlements[sheet.header.fiscal_year]
    assert old_amount is not None
    base = _field(fields, "sub-", "set", str(sub.number))  # sub-N-set: its 決算額 by year
    [year] = [
        key.removesuffix("-year") + "-amount"
        for key, found in fields.items()
        if key.startswith(f"{base}-")
        and key.endswith("-year")
        and found == str(sheet.header.fiscal_year)
    ]
    assert fields[year] == str(old_amount)
    fields[year] = str(old_amount + 8)
    refused = editor.post("/staff/sheets/1/edit", data=fields)
    assert refused.status_code == 400 and "修正の理由を入力してください" in refused.text
    fields["reason"] = REASON
    saved = editor.post("/staff/sheets/1/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text

    expected = f"修正前：{before:,}、修正後：{after:,}"
    page = client.get("/sheets/1").text
    corrections = page[page.index('id="corrections"') : page.index('id="findings"')]
    assert "事業コスト 令和5年度 決算額" in corrections and expected in corrections
    assert REASON in corrections
    assert f"細事業{sub.number} 令和5年度 決算額" in corrections
    assert f"修正前：{old_amount:,}、修正後：{old_amount + 8:,}" in corrections
    layout = page[page.index('class="sheet-layout"') :]
    assert f"※事業コスト 令和5年度 決算額：{REASON}（{expected}）" in layout

    api = client.get("/api/sheets/1").json()["corrections"]
    assert {"item": "事業コスト 令和5年度 決算額（千円）", "text": expected}.items() <= next(
        item for item in api if item["item"].startswith("事業コスト")
    ).items()

    pdf = client.get("/sheets/1.pdf")
    assert pdf.status_code == 200
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = "".join((page_.extract_text() or "") for page_ in document.pages)
    assert f"修正前：{before:,}、修正後：{after:,}" in text.replace(" ", "").replace("\n", "")


def test_an_edit_of_an_unpublished_draft_is_no_correction(
    site: tuple[TestClient, Engine],
) -> None:
    client, engine = site
    with transaction(engine) as session:
        draft = create_next_year(session=session, sheet_id=1, actor="editor")
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=draft)
        sheet.costs[0].settlement = 999_999
        save_edit(
            session=session, sheet_id=draft, sheet=sheet, expected_revision=ref.revision, actor="e"
        )
    with transaction(engine) as session:
        assert figure_corrections(session=session, sheet_id=draft) == []
        assert figure_corrections(session=session, sheet_id=1) == []
    assert client.get(f"/sheets/{draft}").status_code == 404  # not public either


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("審議会開催回数 ３回", Decimal(3)),  # full width, as printed
        ("審議会開催回数 12回", Decimal(12)),
        ("審議会開催回数 ２回", None),  # unchanged
        ("審議会を開催しなかった", None),  # the figure is gone: a text change, not a figure's
    ],
)
def test_an_output_quantity_is_corrected_when_its_figure_changes(
    output: str, expected: Decimal | None
) -> None:
    before = sample_sheet()
    after = before.model_copy(deep=True)
    component = after.sub_projects[0].components[0]
    component.output, component.quantities = output, []  # what the staff form keeps
    found = corrected_figures(before, after, reason="誤記")
    if expected is None:
        assert found == []
        return
    [correction] = found
    quantity = before.sub_projects[0].components[0].quantities[0]
    assert correction.item.endswith(quantity.label) and correction.unit == quantity.unit
    assert (correction.before, correction.after) == (quantity.value, expected)
    assert correction.text == f"修正前：{quantity.value}、修正後：{expected}"


def test_cost_fields_and_missing_figures_are_named_and_shown() -> None:
    before = sample_sheet(costs=[CostRow(fiscal_year=2023, staff=Decimal("4.0"), total=100)])
    after = sample_sheet(costs=[CostRow(fiscal_year=2023, staff=Decimal("4.5"), total=None)])
    found = {item.item: item for item in corrected_figures(before, after, reason="")}
    assert set(found) == {"令和5年度 合計（予算現額）", "令和5年度 職員数"}
    assert found["令和5年度 合計（予算現額）"].text == "修正前：100、修正後：ー"
    assert found["令和5年度 職員数"].unit == "人"
    assert found["令和5年度 職員数"].note.startswith("※事業コスト 令和5年度 職員数：")
