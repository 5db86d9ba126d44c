"""Issue 11: a whole stage of the yearly cycle in a real Chromium, across roles, with
nothing done on the command line.

An editor creates a sheet for a new program and fills it in, uploads a workbook for
another, submits; a reviewer reads the whole draft, comments on an item and returns it;
the editor sees the reason, fixes and resubmits; the reviewer approves and the public page
shows it; the editor corrects a published figure and a text, which the public does not
see until the reviewer approves the correction, and then reads in 修正のお知らせ; the
next stage is started. Every page on the way is checked with axe-core, and no request
leaves 127.0.0.1 (the ``page`` fixture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import LiveServer, assert_no_axe_violations
from browser.test_staff_flow import PASSWORD, log_in, new_page
from hyoka.accounts import Role, add_user
from hyoka.eras import era_label
from hyoka.render.workbook import sheet_workbook
from hyoka.store import create_engine_for, transaction
from hyoka.web.staff_create import year_choices
from sheets import sample_sheet

NEW_PROGRAM = "ブラウザで始める新規事業"
UPLOADED_PROGRAM = "Excelで届いた事業"


@pytest.fixture
def cycle_server(live_server: LiveServer) -> Iterator[LiveServer]:
    """The live server with an editor of 産業労働部 and a reviewer, with display names."""
    engine = create_engine_for(live_server.database_url)
    with transaction(engine) as session:
        for login, role, name in [
            ("editor", Role.EDITOR, "田中 一郎"),
            ("reviewer", Role.REVIEWER, "審査 花子"),
        ]:
            add_user(
                session=session,
                login=login,
                password=PASSWORD,
                role=role,
                department="産業労働部" if role is Role.EDITOR else "",
                display_name=name,
                actor="test",
            )
    engine.dispose()
    yield live_server


def _sheet_id(page: Page) -> int:
    found = re.search(r"/staff/sheets/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _submit(page: Page) -> None:
    """提出 from the sheet's page: the confirmation, with a reason where it has 誤り."""
    page.get_by_role("button", name="提出", exact=True).click()
    page.wait_for_url(re.compile(r"/submit\??$"))
    assert_no_axe_violations(page)
    reason = page.locator("#submit-reason")
    if reason.count():
        reason.fill("新規事業のため、決算額は翌年度に記入します")
    page.get_by_role("button", name="提出する").click()
    expect(page.locator(".notice")).to_contain_text("提出しました")


def _save(page: Page, notice: str) -> None:
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_url(re.compile(rf"notice={notice}"))


def test_a_stage_of_the_cycle_runs_in_the_browser(
    cycle_server: LiveServer, page: Page, browser: Browser, tmp_path: Path
) -> None:
    server = cycle_server
    year = year_choices()[1][0]  # the form offers the years around today's
    # 1. The editor creates a sheet for a new program and fills it in.
    log_in(page, server, "editor")
    page.get_by_role("link", name="新しいシート").click()
    page.get_by_label("事業番号（必須）").fill("07 09 05")
    page.get_by_label("事業名（必須）").fill(NEW_PROGRAM)
    page.get_by_label("課・室（必須）").fill("産業政策課")
    page.get_by_label("年度", exact=True).select_option(str(year))
    page.get_by_label("段階").select_option("当初要求")
    page.get_by_role("button", name="作成する").click()
    page.wait_for_url(re.compile(r"notice=created"))
    new_id = _sheet_id(page)
    expect(page.locator("#workflow-state")).to_have_text("作成中")
    page.get_by_role("link", name="編集する").click()
    page.fill("#f-purpose", "県内企業の新しい取組を支える")
    page.fill("#f-ind-0-number", "①")
    page.fill("#f-ind-0-name", "支援した企業数")
    page.fill("#f-ind-0-unit", "社")
    page.fill("#f-ind-0-val-0-year", str(year))
    page.select_option("#f-ind-0-val-0-kind", "target")
    page.fill("#f-ind-0-val-0-value", "30")
    # Two more cost years at once, without saving.
    page.fill("#more-cost-count", "2")
    page.get_by_role("button", name="年度の行を追加").click()
    expect(page.locator(".notice")).to_contain_text("2行を追加しました")
    assert page.input_value("#f-purpose") == "県内企業の新しい取組を支える"  # kept
    page.fill("#f-cost-0-year", str(year))
    page.fill("#f-cost-0-initial_budget", "1000")
    page.fill("#f-cost-0-total", "1000")
    page.fill("#f-cost-0-general_revenue", "1000")
    page.fill("#f-cost-1-year", str(year + 1))
    assert_no_axe_violations(page)  # the edit form with its add-rows controls
    _save(page, "saved")

    # 2. … uploads a filled-in workbook for another program …
    workbook = tmp_path / "upload.xlsx"
    workbook.write_bytes(
        sheet_workbook(sample_sheet(program_number="07 09 06", program_name=UPLOADED_PROGRAM))
    )
    page.goto(server.url + "/staff/upload")
    page.get_by_label("Excelブック（.xlsx）").set_input_files(workbook)
    page.get_by_role("button", name="読み込んで確認する").click()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(re.compile(r"/staff/sheets/\d+\?notice=saved"))
    assert UPLOADED_PROGRAM in page.content()
    expect(page.locator("#workflow-state")).to_have_text("作成中")

    # … and submits the new sheet.
    page.goto(f"{server.url}/staff/sheets/{new_id}")
    _submit(page)
    expect(page.locator("#workflow-state")).to_have_text("提出済")

    # 3. The reviewer reads the whole draft, comments on an item and returns it.
    reviewer = new_page(browser)
    log_in(reviewer, server, "reviewer")
    reviewer.goto(f"{server.url}/staff/sheets/{new_id}")
    expect(reviewer.locator(".review-sheet .sheet")).to_contain_text("支援した企業数")
    expect(reviewer.locator("#review-baseline")).to_contain_text("新規のシート")
    reviewer.select_option("#comment-field", label="2 事業目的")
    reviewer.fill("#comment-body", "目的に対象の企業規模を書いてください")
    reviewer.get_by_role("button", name="コメントする", exact=True).click()
    expect(
        reviewer.locator(".field-notes").filter(has_text="目的に対象の企業規模")
    ).to_contain_text("審査 花子")
    reviewer.fill("#return-comment", "事業目的を具体的にしてください")
    reviewer.get_by_role("button", name="差戻し").click()
    expect(reviewer.locator("#workflow-state")).to_have_text("差戻し")
    assert_no_axe_violations(reviewer)

    # 4. The editor sees the reason, fixes and resubmits.
    page.goto(f"{server.url}/staff/sheets/{new_id}")
    expect(page.locator("#return-note")).to_contain_text("事業目的を具体的にしてください")
    expect(page.locator("#return-note")).to_contain_text("審査 花子")
    page.get_by_role("link", name="編集する").click()
    page.fill("#f-purpose", "県内の中小企業の新しい取組を支える")
    _save(page, "saved")
    _submit(page)

    # 5. The reviewer approves; the public page shows the sheet.
    reviewer.goto(f"{server.url}/staff/sheets/{new_id}")
    expect(reviewer.locator(".review-sheet .sheet")).to_contain_text("県内の中小企業")
    reviewer.get_by_role("button", name="承認").click()
    expect(reviewer.locator("#workflow-state")).to_have_text("承認済")
    public = new_page(browser)
    public.goto(f"{server.url}/sheets/{new_id}")
    expect(public.locator("h1")).to_contain_text(NEW_PROGRAM)
    assert "県内の中小企業の新しい取組を支える" in public.content()

    # 6. The editor corrects a published figure and a text: a draft until approved.
    page.goto(f"{server.url}/staff/sheets/{new_id}")
    page.get_by_role("link", name="修正する").click()
    page.fill("#f-cost-0-initial_budget", "1200")
    page.fill("#f-cost-0-total", "1200")
    page.fill("#f-cost-0-general_revenue", "1200")
    page.fill("#f-purpose", "県内の中小企業と小規模事業者の新しい取組を支える")
    page.fill("#f-reason", "予算額の転記誤りと対象の書き漏れのため")
    _save(page, "correction")
    expect(page.locator("#correction-state")).to_have_text("作成中")
    assert_no_axe_violations(page)  # a published sheet with its correction draft
    _submit(page)
    expect(page.locator("#correction-state")).to_have_text("提出済")
    public.reload()
    assert "小規模事業者" not in public.content()
    assert public.locator("#corrections").count() == 0

    # 7. The reviewer approves the correction: the public sees both corrections.
    reviewer.goto(f"{server.url}/staff/sheets/{new_id}")
    expect(reviewer.locator("#correction-note")).to_contain_text("予算額の転記誤り")
    reviewer.get_by_role("button", name="承認").click()
    expect(reviewer.locator(".notice")).to_contain_text("承認しました")
    public.reload()
    notes = public.locator("#corrections + .table-wrap")
    expect(notes).to_contain_text(f"事業コスト {era_label(year)} 当初予算")
    expect(notes).to_contain_text("2 事業目的")
    expect(notes).to_contain_text("小規模事業者")
    expect(notes).to_contain_text("予算額の転記誤りと対象の書き漏れのため")
    assert_no_axe_violations(public)  # the public page with its correction notes

    # 8. The next stage starts from the approved version.
    page.goto(f"{server.url}/staff/sheets/{new_id}")
    page.get_by_role("button", name="この版から次の段階を始める").click()
    page.wait_for_url(re.compile(r"notice=created"))
    assert _sheet_id(page) != new_id
    expect(page.locator("#workflow-state")).to_have_text("作成中")
    assert "当初予算案" in page.content()
    for other in (reviewer, public):
        other.context.close()
