"""The staff edit form beyond plain fields (SQLite).

Issue 11 finding 6: a sheet edited in the form prints the 推移 and 達成状況 computed from its
figures; an editor's other choice needs a reason and stays visible as such; what an
imported sheet printed against its figures is kept, with its finding. Finding 11: several
rows at once. Issue 12: hostile row counts and ids answer 200/404, never 500."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.model import Achievement, Trend
from hyoka.rules import check_sheet
from hyoka.store import transaction
from hyoka.store.staff.correction_drafts import correction_draft
from hyoka.store.staff.refs import current_sheet
from hyoka.web.request_limits import MAX_BODY_BYTES
from test_web_staff import edit_form, field_named, login, publish_correction, value_field
from test_web_staff import site as site  # the staff tests' fixtures
from test_web_staff import template_database as template_database


def _selected(page: str, name: str) -> str:
    """The text of the selected option of select ``name``."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    chosen = re.search(r"<option[^>]* selected>([^<]*)</option>", select.group(1))
    first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(1))
    found = chosen or first
    assert found
    return found.group(1)


def test_a_corrected_actual_moves_the_printed_trend_with_it(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    page = editor.get(f"/staff/sheets/{seed}/edit").text
    fields = edit_form(editor, seed)
    indicator = field_named(fields, "ind-", "②-1")
    assert _selected(page, f"{indicator}-trend-2023") == "計算どおり（→）"  # 7 → 7
    fields[value_field(fields, indicator, "2023", "actual")] = "8"
    fields["reason"] = "実績の集計誤り"
    saved = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    publish_correction(editor, login(client, "reviewer"), seed)
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=seed)
    [corrected] = [item for item in sheet.indicators if item.number == "②-1"]
    assert corrected.printed_trends[2023] is Trend.IMPROVED  # 7 → 8, higher is better
    assert corrected.printed_achievement is Achievement.ACHIEVED
    codes = {finding.code for finding in check_sheet(sheet)}
    assert "indicator.trend_mismatch" not in codes
    public = client.get(f"/sheets/{seed}").text
    assert "記載の推移" not in public and "R5年度の推移は" not in public


def test_an_override_needs_a_reason_and_stays_visible(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    indicator = field_named(fields, "ind-", "②-1")
    fields[f"{indicator}-trend-2023"] = Trend.IMPROVED.value  # computed: →
    fields["reason"] = "推移の記載を改めるため"
    refused = editor.post(f"/staff/sheets/{seed}/edit", data=fields)
    assert refused.status_code == 400
    assert f'id="e-{indicator}-override_reason"' in refused.text
    assert "その理由を入力してください" in refused.text
    assert _selected(refused.text, f"{indicator}-trend-2023").startswith("↗")  # input kept
    assert "計算どおり（→）" in refused.text  # the computed arrow is still offered

    fields[f"{indicator}-override_reason"] = "年度途中で集計方法が変わったため"
    saved = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with transaction(engine) as session:
        draft = correction_draft(session=session, sheet_id=seed)
    assert draft is not None
    [chosen] = [item for item in draft.sheet.indicators if item.number == "②-1"]
    assert chosen.printed_trends[2023] is Trend.IMPROVED
    assert chosen.printed_override_reason == "年度途中で集計方法が変わったため"
    [finding] = [f for f in check_sheet(draft.sheet) if f.code == "indicator.printed_override"]
    assert "R5年度の推移 ↗（計算では →）" in finding.message
    assert "年度途中で集計方法が変わったため" in finding.message
    page = editor.get(f"/staff/sheets/{seed}").text  # the draft in its layout
    assert (
        "※指標②-1：推移・達成状況は計算によらない記載。理由：年度途中で集計方法が変わったため"
        in page
    )
    again = editor.get(f"/staff/sheets/{seed}/edit").text
    assert _selected(again, f"{indicator}-trend-2023").startswith("↗")
    assert "年度途中で集計方法が変わったため" in again


def test_what_an_imported_sheet_printed_against_its_figures_is_kept_unless_changed(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    page = editor.get(f"/staff/sheets/{seed}/edit").text
    fields = edit_form(editor, seed)
    indicator = field_named(fields, "ind-", "②-2")
    # 達成 is printed; the cumulative target cannot be judged from the figures.
    assert _selected(page, f"{indicator}-achievement") == "シートの記載どおり（達成）"
    fields[f"{indicator}-achievement"] = ""  # as computed: no 達成状況
    fields["reason"] = "達成状況を計算に合わせるため"
    saved = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with transaction(engine) as session:
        draft = correction_draft(session=session, sheet_id=seed)
    assert draft is not None
    [changed] = [item for item in draft.sheet.indicators if item.number == "②-2"]
    assert changed.printed_achievement is None and changed.printed_override_reason == ""


def test_several_rows_are_added_at_once_keeping_the_input_and_saving_nothing(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    rows = int(fields["cost-count"])
    fields["purpose"] = "入力途中の目的"
    fields["add"], fields["cost-count-more"] = "cost-count", "3"
    shown = editor.post(f"/staff/sheets/{seed}/edit", data=fields)
    assert shown.status_code == 200 and "3行を追加しました" in shown.text
    assert f'name="cost-count" value="{rows + 3}"' in shown.text
    assert f'name="cost-{rows + 2}-year"' in shown.text and "入力途中の目的" in shown.text
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=seed)
        assert correction_draft(session=session, sheet_id=seed) is None
    assert ref.revision == 1 and sheet.purpose != "入力途中の目的"
    # Every group has its control; nested groups are addressed by their own count field.
    for count in ("ind-count", "ind-0-val-count", "sub-0-comp-count", "sub-count", "plan-count"):
        assert f'name="add" value="{count}"' in shown.text
    nested = {**edit_form(editor, seed), "add": "sub-0-comp-count", "sub-0-comp-count-more": "2"}
    before = int(nested["sub-0-comp-count"])
    again = editor.post(f"/staff/sheets/{seed}/edit", data=nested)
    assert f'name="sub-0-comp-count" value="{before + 2}"' in again.text


def test_hostile_row_counts_are_bounded(site: tuple[TestClient, Engine, list[int]]) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    for count in ("abc", "-1x", "²", "20000"):
        fields = {**edit_form(editor, seed), "ind-count": count, "add": "ind-count"}
        fields["ind-count-more"] = "999999"
        shown = editor.post(f"/staff/sheets/{seed}/edit", data=fields)
        assert shown.status_code == 200, (count, shown.status_code)
        assert len(shown.content) < 5_000_000
        checked = editor.post(f"/staff/sheets/{seed}/check", data={**fields, "add": ""})
        assert checked.status_code == 200, (count, checked.status_code)


def test_a_staff_url_with_an_id_past_the_database_is_not_found(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, _ids = site
    editor = login(client, "editor")
    for path in ("", "/edit", "/history", "/versions", "/submit", "/workbook.xlsx"):
        answer = editor.get(f"/staff/sheets/99999999999999999999{path}")
        assert answer.status_code == 404, (path, answer.status_code)


def test_a_long_sheets_form_is_not_refused_for_its_number_of_fields(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    # 1,500 more cost rows' fields than the seed has: Starlette's default allows 1,000.
    extra = {
        f"cost-{100 + i}-{name}": ""
        for i in range(300)
        for name in ("year", "total", "staff", "settlement", "carried_over")
    }
    checked = editor.post(f"/staff/sheets/{seed}/check", data={**fields, **extra})
    assert checked.status_code == 200, checked.text[:500]


def test_a_body_past_the_limit_is_refused_in_japanese_before_it_is_read(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    big = b"purpose=" + b"a" * (MAX_BODY_BYTES + 1)
    declared = editor.post(
        f"/staff/sheets/{seed}/check",
        content=big,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert declared.status_code == 413 and "送信された内容が大きすぎます" in declared.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536

    streamed = editor.post(
        f"/staff/sheets/{seed}/check",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413 and "「戻る」" in streamed.text
