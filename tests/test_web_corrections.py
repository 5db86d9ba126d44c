"""Corrections of published cost, settlement and quantity figures through the staff edit
route, shown on the public sheet page, in its layout, its API and its PDF (SQLite)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.accounts import Role, add_user
from hyoka.corrections import corrected_figures
from hyoka.eras import era_label
from hyoka.model import CostRow
from hyoka.settings import Settings
from hyoka.stages import WorkflowState
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.correction_drafts import correction_draft
from hyoka.store.staff.corrections import figure_corrections
from hyoka.store.staff.refs import current_sheet, program_sheets
from hyoka.store.staff.workflow import create_next_year, save_edit
from hyoka.web.app import create_app
from sheets import sample_sheet
from test_web_staff import PASSWORD, edit_form, login, publish_correction, token
from web_support import store

REASON = "決算額の転記誤りのため"


@pytest.fixture(scope="module")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corrections") / "template.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    store(engine, [sample_sheet()])
    with transaction(engine) as session:
        for login_name, role in (("editor", Role.EDITOR), ("reviewer", Role.REVIEWER)):
            add_user(
                session=session,
                login=login_name,
                password=PASSWORD,
                role=role,
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


def _cells(before: int, after: int) -> str:
    """修正前 and 修正後 as the public correction table shows them."""
    return f'<td class="correction-text">{before:,}</td><td class="correction-text">{after:,}</td>'


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
    assert expected not in client.get("/sheets/1").text  # a draft until it is approved
    publish_correction(editor, login(client, "reviewer"), 1)

    page = client.get("/sheets/1").text
    corrections = page[page.index('id="corrections"') : page.index('id="findings"')]
    assert "事業コスト 令和5年度 決算額" in corrections and _cells(before, after) in corrections
    assert REASON in corrections
    assert f"細事業{sub.number} 令和5年度 決算額" in corrections
    assert _cells(old_amount, old_amount + 8) in corrections
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
        # A figure of the draft's own year: no earlier sheet printed it.
        [own] = [row for row in sheet.costs if row.fiscal_year == sheet.header.fiscal_year]
        own.settlement = 999_999
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


def _post(client: TestClient, url: str, **data: str) -> int:
    response = client.post(url, data={"csrf_token": token(client), **data}, follow_redirects=False)
    return response.status_code


def test_a_text_correction_is_reviewed_before_the_public_sees_it_and_then_listed(
    site: tuple[TestClient, Engine],
) -> None:
    client, engine = site
    editor, reviewer = login(client, "editor"), login(client, "reviewer")
    published_name = sample_sheet().header.program_name
    fields = edit_form(editor, 1)
    fields["program_name"], fields["purpose"] = "新しい事業名", "書き直した事業目的"
    fields["reason"] = "名称の変更を反映するため"
    assert (
        editor.post("/staff/sheets/1/edit", data=fields, follow_redirects=False).status_code == 303
    )
    # The editor's draft is theirs to change again; the public sees the published version.
    assert edit_form(editor, 1)["program_name"] == "新しい事業名"
    public = client.get("/sheets/1").text
    assert published_name in public and "新しい事業名" not in public
    assert client.get("/api/sheets/1").json()["sheet"]["purpose"] != "書き直した事業目的"

    # The reviewer reads the draft against the published version and returns it.
    assert _post(editor, "/staff/sheets/1/actions/submit") == 303
    review = reviewer.get("/staff/sheets/1").text
    assert 'id="correction-state">提出済' in review
    assert "書き直した事業目的" in review and "新しい事業名" in review  # the layout is the draft
    assert _post(reviewer, "/staff/sheets/1/actions/return", comment="事業名は元のままに") == 303
    page = editor.get("/staff/sheets/1").text
    assert 'id="correction-state">差戻し' in page and "事業名は元のままに" in page
    assert published_name in client.get("/sheets/1").text

    fields = edit_form(editor, 1)
    fields["program_name"] = published_name
    assert (
        editor.post("/staff/sheets/1/edit", data=fields, follow_redirects=False).status_code == 303
    )
    publish_correction(editor, reviewer, 1)

    public = client.get("/sheets/1").text
    corrections = public[public.index('id="corrections"') : public.index('id="findings"')]
    assert "2 事業目的" in corrections and "書き直した事業目的" in corrections
    assert (
        "名称の変更を反映するため" in corrections
        and "事業名" not in corrections.split("2 事業目的")[0]
    )
    with transaction(engine) as session:
        [correction] = list_changes(session=session, target_sheet_id=1, action="sheet.correct")
    day = correction.at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{day.year}年{day.month}月{day.day}日" in corrections
    api = client.get("/api/sheets/1").json()
    assert api["sheet"]["purpose"] == "書き直した事業目的"
    [note] = [item for item in api["corrections"] if item["item"] == "2 事業目的"]
    assert note["after"] == "書き直した事業目的" and note["corrected_at"]
    assert editor.get("/staff/sheets/1").text.count('id="correction-state"') == 0  # applied


def test_a_correction_draft_can_be_withdrawn_and_a_stale_one_is_refused(
    site: tuple[TestClient, Engine],
) -> None:
    client, engine = site
    editor = login(client, "editor")
    first, second = edit_form(editor, 1), edit_form(editor, 1)
    first["purpose"], first["reason"] = "一つ目", "誤記"
    assert (
        editor.post("/staff/sheets/1/edit", data=first, follow_redirects=False).status_code == 303
    )
    second["purpose"], second["reason"] = "二つ目", "誤記"
    stale = editor.post("/staff/sheets/1/edit", data=second)
    assert stale.status_code == 409 and "修正案が" not in stale.text.split("<main")[0]
    assert "この修正案は編集中に更新されました" in stale.text and "一つ目" in stale.text
    assert _post(editor, "/staff/sheets/1/correction/discard") == 303
    with transaction(engine) as session:
        assert correction_draft(session=session, sheet_id=1) is None
        [withdrawn] = list_changes(session=session, target_sheet_id=1, action="correction.discard")
    assert withdrawn.actor == "editor"
    assert "修正案" not in editor.get("/staff/sheets/1").text.split('id="changes-heading"')[0]


def test_a_prior_year_figure_changed_in_next_years_draft_corrects_the_published_sheet(
    site: tuple[TestClient, Engine],
) -> None:
    client, engine = site
    editor, reviewer = login(client, "editor"), login(client, "reviewer")
    sheet = sample_sheet()
    year = sheet.header.fiscal_year
    [cost] = [row for row in sheet.costs if row.fiscal_year == year]
    assert cost.settlement is not None
    assert _post(editor, "/staff/sheets/1/next-year") == 303
    with transaction(engine) as session:
        [draft_id] = [
            ref.id
            for ref in program_sheets(session=session, program_number=sheet.header.program_number)
            if ref.fiscal_year == year + 1
        ]
    fields = edit_form(editor, draft_id)
    fields[_field(fields, "cost-", "settlement", str(year))] = str(cost.settlement + 100)
    refused = editor.post(f"/staff/sheets/{draft_id}/edit", data=fields)
    assert refused.status_code == 400
    assert "R5年度点検のシートで公開済みの数値" in refused.text
    assert "事業コスト 令和5年度 決算額" in refused.text  # listed on the form
    fields["reason"] = "決算額の確定値に合わせるため"
    saved = editor.post(f"/staff/sheets/{draft_id}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("notice=prior")

    # The published sheet has a correction draft linked to the next year's draft …
    with transaction(engine) as session:
        linked = correction_draft(session=session, sheet_id=1)
    assert linked is not None and linked.linked_sheet_id == draft_id
    assert [row.settlement for row in linked.sheet.costs if row.fiscal_year == year] == [
        cost.settlement + 100
    ]
    assert 'id="linked-corrections"' in editor.get(f"/staff/sheets/{draft_id}").text
    own = editor.get("/staff/sheets/1").text
    assert "一緒に提出・審査されます" in own and "修正案を取り下げる" not in own
    assert _post(editor, "/staff/sheets/1/actions/submit") == 409  # it moves with the draft
    # … which is submitted and approved with it; the public then sees both agree.
    assert _post(editor, f"/staff/sheets/{draft_id}/actions/submit") == 303
    with transaction(engine) as session:
        linked = correction_draft(session=session, sheet_id=1)
    assert linked is not None and linked.state is WorkflowState.SUBMITTED
    assert f"{cost.settlement + 100:,}" not in client.get("/sheets/1").text
    assert _post(reviewer, f"/staff/sheets/{draft_id}/actions/approve") == 303
    with transaction(engine) as session:
        assert correction_draft(session=session, sheet_id=1) is None
        _ref, corrected = current_sheet(session=session, sheet_id=1)
        [logged] = list_changes(session=session, target_sheet_id=1, action="sheet.correct")
    assert [row.settlement for row in corrected.costs if row.fiscal_year == year] == [
        cost.settlement + 100
    ]
    assert logged.actor == "reviewer" and logged.reason == "決算額の確定値に合わせるため"
    public = client.get("/sheets/1").text
    corrections = public[public.index('id="corrections"') : public.index('id="findings"')]
    assert _cells(cost.settlement, cost.settlement + 100) in corrections
    assert "決算額の確定値に合わせるため" in corrections
    # The new sheet notes the corrected figure too, as published in the earlier sheet.
    page = client.get(f"/sheets/{draft_id}").text
    notes = page[page.index('id="corrections"') : page.index('id="findings"')]
    assert _cells(cost.settlement, cost.settlement + 100) in notes
    assert "R5年度点検のシート" in notes and "決算額の確定値に合わせるため" in notes
    layout = page[page.index('class="sheet-layout"') :]
    assert f"※事業コスト {era_label(year)} 決算額：決算額の確定値に合わせるため" in layout


def test_a_submitted_correction_waits_on_the_dashboard_and_shows_on_my_sheets(
    site: tuple[TestClient, Engine],
) -> None:
    client, _engine = site
    editor, reviewer = login(client, "editor"), login(client, "reviewer")
    fields = edit_form(editor, 1)
    fields["purpose"], fields["reason"] = "直した目的", "誤記"
    assert (
        editor.post("/staff/sheets/1/edit", data=fields, follow_redirects=False).status_code == 303
    )
    assert "修正案：作成中" in editor.get("/staff").text
    assert "審査待ちの修正案はありません" in reviewer.get("/staff/dashboard").text
    assert _post(editor, "/staff/sheets/1/actions/submit") == 303
    board = reviewer.get("/staff/dashboard").text  # any year's corrections, not the cycle's
    waiting = board[board.index('id="corrections-heading"') :]
    assert sample_sheet().header.program_name in waiting and 'href="/staff/sheets/1"' in waiting
    assert "修正案：提出済" in editor.get("/staff").text
