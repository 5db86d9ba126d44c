"""Staff login in a real Chromium: the login page passes axe (also with its error), a wrong
password is refused, login shows who is logged in, logout ends it."""

from __future__ import annotations

from playwright.sync_api import Page

from browser.conftest import LiveServer, assert_no_axe_violations
from hyoka import accounts
from hyoka.store import create_engine_for, transaction

PASSWORD = "長野県の事業を良くする合言葉"


def _add_editor(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        with transaction(engine) as session:
            accounts.add_user(session=session, login="tanaka", password=PASSWORD, role="editor",
                              department="産業労働部", display_name="田中 一郎", actor="test")  # fmt: skip
    finally:
        engine.dispose()


def test_login_page_is_accessible_and_login_logout_work(
    live_server: LiveServer, page: Page
) -> None:
    _add_editor(live_server.database_url)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="職員ログイン").click()
    page.wait_for_url(live_server.url + "/login")
    assert_no_axe_violations(page)

    page.get_by_label("ログイン名").fill("tanaka")
    page.get_by_label("パスワード").fill("違うパスワードです")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("alert").wait_for()
    assert "ログイン名またはパスワードが違います" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("ログイン名").input_value() == "tanaka"
    assert_no_axe_violations(page)

    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/login" not in url)
    account = page.locator(".site-account")
    assert "ログイン中: 田中 一郎（編集者）" in account.inner_text()

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".site-account").get_by_role("link", name="職員ログイン").is_visible()
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert "hyoka_session" not in cookies
