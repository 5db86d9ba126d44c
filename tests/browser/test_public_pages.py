"""The public portal in a real Chromium: search → sheet → PDF, accessibility, no outside request."""

from __future__ import annotations

from playwright.sync_api import Page

from browser.conftest import LiveServer, assert_no_axe_violations


def test_the_list_page_is_accessible(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() != ""
    assert_no_axe_violations(page)
