"""The new staff pages in a real Chromium, each checked with axe: a new sheet (and its
error), a workbook upload (its cell-named errors, then the preview and the draft), and
the account pages."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page

from browser.conftest import LiveServer, assert_no_axe_violations
from hyoka import accounts
from hyoka.render import workbook as layout
from hyoka.render.workbook import sheet_workbook
from hyoka.store import create_engine_for, transaction
from sheets import sample_sheet

PASSWORD = "長野県の事業を良くする合言葉"


def _add_accounts(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        with transaction(engine) as session:
            accounts.add_user(session=session, login="b-admin", password=PASSWORD, role="admin",
                              display_name="管理 花子", actor="test")  # fmt: skip
            accounts.add_user(session=session, login="b-editor", password=PASSWORD, role="editor",
                              department="産業労働部", display_name="田中 一郎", actor="test")  # fmt: skip
    finally:
        engine.dispose()


def _login(page: Page, server: LiveServer, name: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("ログイン名").fill(name)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _workbooks(tmp_path: Path) -> tuple[Path, Path]:
    good = sheet_workbook(sample_sheet(program_number="07 09 03", program_name="ブラウザ事業"))
    book = load_workbook(BytesIO(good))
    ws = book[layout.BASIC]
    [row] = [row for row in ws.iter_rows() if row[0].value == "事業名"]
    row[1].value = None
    broken_path, good_path = tmp_path / "broken.xlsx", tmp_path / "good.xlsx"
    book.save(broken_path)
    good_path.write_bytes(good)
    return broken_path, good_path


def test_new_sheet_and_upload_pages(live_server: LiveServer, page: Page, tmp_path: Path) -> None:
    _add_accounts(live_server.database_url)
    _login(page, live_server, "b-editor")
    page.goto(live_server.url + "/staff")
    page.get_by_role("link", name="新しいシート").click()
    assert_no_axe_violations(page)
    page.get_by_label("事業番号（必須）").fill("07-09-04")
    page.get_by_label("事業名（必須）").fill("ブラウザで作る事業")
    page.get_by_label("課・室（必須）").fill("産業政策課")
    page.get_by_label("年度", exact=True).select_option("2025")
    page.get_by_label("段階").select_option("点検")
    page.get_by_role("button", name="作成する").click()
    page.get_by_role("alert").wait_for()
    assert "数字の組を空白で区切って" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("事業番号（必須）").fill("07 09 04")
    page.get_by_role("button", name="作成する").click()
    page.wait_for_url(lambda url: "/staff/sheets/" in url)
    assert "ブラウザで作る事業" in page.content()

    broken, good = _workbooks(tmp_path)
    page.goto(live_server.url + "/staff/upload")
    assert_no_axe_violations(page)
    page.get_by_label("Excelブック（.xlsx）").set_input_files(broken)
    page.get_by_role("button", name="読み込んで確認する").click()
    page.get_by_role("alert").wait_for()
    assert "基本情報!B" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Excelブック（.xlsx）").set_input_files(good)
    page.get_by_role("button", name="読み込んで確認する").click()
    page.get_by_role("button", name="保存する").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(lambda url: "/staff/sheets/" in url)
    assert "ブラウザ事業" in page.content()


def test_account_pages(live_server: LiveServer, page: Page) -> None:
    _add_accounts(live_server.database_url)
    _login(page, live_server, "b-admin")
    page.goto(live_server.url + "/staff")
    page.get_by_role("link", name="アカウント管理").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="アカウントを作成する").click()
    assert_no_axe_violations(page)
    page.get_by_label("ログイン名").fill("b-sato")
    page.get_by_label("表示名").fill("佐藤 次郎")
    page.get_by_label("役割").select_option("reviewer")
    page.get_by_label("初期パスワード（必須）", exact=True).fill(PASSWORD)
    page.get_by_label("初期パスワード（確認）（必須）").fill(PASSWORD + "違う")
    page.get_by_role("button", name="作成する").click()
    page.get_by_role("alert").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("初期パスワード（必須）", exact=True).fill(PASSWORD)
    page.get_by_label("初期パスワード（確認）（必須）").fill(PASSWORD)
    page.get_by_role("button", name="作成する").click()
    page.wait_for_url(lambda url: url.endswith("/staff/accounts?notice=added"))
    page.get_by_role("link", name="b-sato").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="無効にする").click()
    page.get_by_role("status").wait_for()
    assert "無効（ログインできません）" in page.content()
    assert_no_axe_violations(page)
