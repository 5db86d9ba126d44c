"""Staff editing and review in a real Chromium: the flow, corrections, conflicts, axe."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import LiveServer, assert_no_axe_violations
from hyoka.accounts import Role, add_user
from hyoka.store import create_engine_for, transaction

PASSWORD = "長くて推測されにくい合言葉です"


@pytest.fixture
def staff_server(live_server: LiveServer) -> Iterator[LiveServer]:
    """The live server with an editor of 産業労働部, a second one, and a reviewer."""
    engine = create_engine_for(live_server.database_url)
    with transaction(engine) as session:
        for login, role, department in [
            ("editor", Role.EDITOR, "産業労働部"),
            ("editor2", Role.EDITOR, "産業労働部"),
            ("reviewer", Role.REVIEWER, ""),
        ]:
            add_user(
                session=session,
                login=login,
                password=PASSWORD,
                role=role,
                department=department,
                actor="test",
            )
    engine.dispose()
    yield live_server


def log_in(page: Page, server: LiveServer, login: str) -> None:
    events: list[str] = []
    page.on("request", lambda r: events.append(f"{time.monotonic():.2f} start {r.method} {r.url}"))
    page.on("requestfinished", lambda r: events.append(f"{time.monotonic():.2f} done {r.url}"))
    page.on("requestfailed", lambda r: events.append(f"{time.monotonic():.2f} fail {r.url}"))
    page.on("load", lambda p: events.append(f"{time.monotonic():.2f} load {p.url}"))
    page.goto(server.url + "/login")
    page.fill("#login-name", login)
    page.fill("#login-password", PASSWORD)
    with page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith("/login")
    ) as answer:
        page.get_by_role("button", name="ログイン").click()
    # A refused login answers with the form again: say what the server said.
    assert answer.value.status == 303, f"{login}: {answer.value.status} {page.content()[:2000]}"
    try:
        page.wait_for_url(re.compile(r"/staff$"))
    except Exception as error:
        raise AssertionError(f"{time.monotonic():.2f} {page.url}\n" + "\n".join(events)) from error


def open_seed(page: Page, server: LiveServer) -> int:
    """Open the staff page of 07 01 01 from 自分のシート; its sheet id."""
    page.get_by_role("link", name="産業振興のための企画調査・応援事業").first.click()
    match = re.search(r"/staff/sheets/(\d+)", page.url)
    assert match
    return int(match.group(1))


def new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="ja-JP")
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if "127.0.0.1" in route.request.url or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    return context.new_page()


def test_edit_submit_approve_then_public(
    staff_server: LiveServer, page: Page, browser: Browser
) -> None:
    log_in(page, staff_server, "editor")
    assert_no_axe_violations(page)  # 自分のシート
    open_seed(page, staff_server)
    assert_no_axe_violations(page)  # the sheet's staff page
    page.get_by_role("button", name="翌年度のシートを作成する").click()
    page.wait_for_url(re.compile(r"/staff/sheets/\d+\?notice=created"))
    new_id = int(re.search(r"/staff/sheets/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_role("link", name="編集する").click()
    page.wait_for_url(re.compile(rf"/staff/sheets/{new_id}/edit$"))  # axe on the new page
    assert_no_axe_violations(page)  # the edit form
    # The live check (staff.js) reports the rules' findings while typing.
    page.fill("#f-cost-0-year", "2024")
    page.fill("#f-cost-0-initial_budget", "1000")
    page.fill("#f-cost-0-total", "5")
    expect(page.locator("#live-status")).to_contain_text("点検結果")
    # Findings land next to the new year's cost fields (e.g. 前年度繰越が空欄).
    expect(page.locator("[id^='ff-cost-0-'] .finding").first).to_be_visible()
    page.fill("#f-cost-0-total", "1000")
    page.fill("#f-ind-0-val-4-value", "4321")
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_url(re.compile(r"notice=saved"))
    page.get_by_role("button", name="提出").click()
    # Submitting shows the rules' findings first; 誤り would need a reason there.
    page.wait_for_url(re.compile(rf"/staff/sheets/{new_id}/submit"))
    expect(page.locator("#findings-summary")).to_contain_text("点検結果")
    assert_no_axe_violations(page)  # the submit confirmation
    page.get_by_role("button", name="提出する").click()
    assert page.locator("#workflow-state").inner_text() == "提出済"

    reviewer = new_page(browser)
    log_in(reviewer, staff_server, "reviewer")
    reviewer.goto(f"{staff_server.url}/staff/sheets/{new_id}")
    # The whole draft in its layout, with changes and findings item by item.
    expect(reviewer.locator(".review-sheet .sheet")).to_be_visible()
    expect(reviewer.locator(".field-notes .changes-table").first).to_be_visible()
    assert_no_axe_violations(reviewer)
    reviewer.get_by_role("button", name="承認").click()
    assert reviewer.locator("#workflow-state").inner_text() == "承認済"
    reviewer.goto(f"{staff_server.url}/staff/dashboard?year=2024&stage=当初要求")
    assert_no_axe_violations(reviewer)
    reviewer.goto(f"{staff_server.url}/staff/sheets/{new_id}/versions")
    assert_no_axe_violations(reviewer)
    reviewer.context.close()

    page.goto(f"{staff_server.url}/sheets/{new_id}")
    assert "産業振興のための企画調査・応援事業" in page.content()
    data = page.request.get(f"{staff_server.url}/sheets/{new_id}.json").text()
    assert "4321" in data


def test_correcting_a_published_figure_shows_the_note(
    staff_server: LiveServer, page: Page, browser: Browser
) -> None:
    log_in(page, staff_server, "editor")
    sheet_id = open_seed(page, staff_server)
    page.get_by_role("link", name="修正する").click()
    assert page.input_value("#f-ind-0-number") == "②-1"
    assert page.input_value("#f-ind-0-val-3-year") == "2023"
    page.fill("#f-ind-0-val-3-value", "8")
    page.get_by_role("button", name="保存する", exact=True).click()
    assert "修正の理由を入力してください" in page.content()  # refused without a reason
    page.fill("#f-reason", "集計誤りのため")
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_url(re.compile(r"notice=correction"))
    page.get_by_role("button", name="提出").click()
    page.get_by_role("button", name="提出する").click()
    reviewer = new_page(browser)
    log_in(reviewer, staff_server, "reviewer")
    reviewer.goto(f"{staff_server.url}/staff/sheets/{sheet_id}")
    reviewer.get_by_role("button", name="承認").click()
    expect(reviewer.locator(".notice")).to_contain_text("承認しました")
    reviewer.context.close()
    page.goto(f"{staff_server.url}/sheets/{sheet_id}")
    notes = page.locator("#corrections + .table-wrap").inner_text()
    assert "7\t8" in notes and "集計誤りのため" in notes


def test_the_later_of_two_saves_is_refused(
    staff_server: LiveServer, page: Page, browser: Browser
) -> None:
    other = new_page(browser)
    for tab, login in ((page, "editor"), (other, "editor2")):
        log_in(tab, staff_server, login)
        open_seed(tab, staff_server)
        tab.get_by_role("link", name="修正する").click()
    page.fill("#f-purpose", "先に保存した目的")
    page.fill("#f-reason", "目的の見直し")
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_url(re.compile(r"notice=correction"))
    other.fill("#f-cost-0-settlement", "206000")
    other.fill("#f-reason", "決算額の訂正")
    other.get_by_role("button", name="保存する", exact=True).click()
    alert = other.locator("#form-errors")
    assert "保存できませんでした" in alert.inner_text()
    assert "先に保存した目的" in alert.inner_text()
    assert other.input_value("#f-cost-0-settlement") == "206000"  # their input stays
    assert_no_axe_violations(other)
    other.context.close()
