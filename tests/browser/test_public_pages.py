"""The public portal in a real Chromium: search → sheet → PDF, accessibility of every public
page type, and no request leaving 127.0.0.1 (the ``page`` fixture fails the test if one does)."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from playwright.sync_api import Page

from browser.conftest import LiveServer, assert_no_axe_violations


def test_search_open_a_sheet_and_download_its_pdf(
    live_server: LiveServer, page: Page, tmp_path: object
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("シートの全文を検索").fill("人材育成")
    page.get_by_role("button", name="検索").click()
    page.wait_for_url(re.compile(r"q="))
    assert page.locator("mark").first.inner_text() == "人材育成"
    page.get_by_role("link", name=re.compile("産業人材育成支援事業")).first.click()
    page.wait_for_url(re.compile(r"/sheets/\d+$"))
    assert "07 06 01" in page.locator("main > h1").inner_text()
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("link", name=re.compile("PDF")).click()
    download = download_info.value
    path = download.path()
    with open(path, "rb") as stream:
        assert stream.read(5) == b"%PDF-"
    with pdfplumber.open(path) as pdf:
        text = "".join(page_.extract_text() or "" for page_ in pdf.pages)
    assert "07 06 01" in text or "070601" in text.replace(" ", "")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=産業",
        "/?q=存在しない語",
        "/sheets/1",
        "/policies",
        "/policies/2-1①",
        "/opendata",
        "/api/docs",
        "/no-such-page",
    ],
)
def test_public_page_types_have_no_wcag_violation(
    shared_live_server: LiveServer, page: Page, path: str
) -> None:
    page.goto(shared_live_server.url + path)
    assert page.locator("html").get_attribute("lang") == "ja"
    # One h1 per page: the sheet layout's own title is an h2 inside the sheet page.
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)
