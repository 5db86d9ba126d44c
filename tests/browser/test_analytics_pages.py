"""The analytics dashboards in a real Chromium: every dashboard passes axe-core (WCAG 2.x
A/AA) and loads nothing from outside 127.0.0.1 (the ``page`` fixture fails the test if it
does); the filter form works without script.

The live server holds the two seed sheets; the national fixture records are imported into
it here so that the dashboards have both kinds of rows.

The README's pictures are taken by ``scripts/screenshots.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from browser.conftest import LiveServer, _serve, assert_no_axe_violations
from hyoka.importers.judgit_import import import_files
from hyoka.store import create_engine_for

JUDGIT = Path(__file__).parents[1] / "data" / "judgit" / "judgit-sample.ndjson.gz"
PATHS = [
    "/analytics",
    "/analytics/achievement",
    "/analytics/execution",
    "/analytics/unit-cost",
    "/analytics/at-risk",
    "/analytics/changes",
    "/analytics/changes?program=2021-官房-20-0004",
    "/analytics/quality",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server over both seeds and the national fixture records."""
    for served in _serve(tmp_path_factory.mktemp("analytics")):
        engine = create_engine_for(served.database_url)
        try:
            import_files(engine=engine, paths=[JUDGIT])
        finally:
            engine.dispose()
        yield served


@pytest.mark.parametrize("path", PATHS)
def test_dashboards_have_no_wcag_violation(server: LiveServer, page: Page, path: str) -> None:
    page.goto(server.url + path)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert_no_axe_violations(page)


def test_filter_form_narrows_without_script(server: LiveServer, browser: object) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(server.url + "/analytics/execution")
        page.get_by_label("種別（県・国・市町村）").select_option("prefecture")
        page.get_by_role("button", name="表示する").click()
        page.wait_for_url("**/analytics/execution?*kind=prefecture*")
        kinds = page.locator("#table-organisations tbody tr td:first-child").all_inner_texts()
        assert kinds and set(kinds) == {"県"}
        # A program row leads to the sheet page.
        page.locator("#table-under_executions tbody tr td:nth-child(4) a").first.click()
        page.wait_for_url("**/sheets/*")
        assert "07 0" in page.locator("main > h1").inner_text()
    finally:
        context.close()


def test_dashboard_screenshot(server: LiveServer, browser: object, tmp_path: Path) -> None:
    """The execution dashboard in a Chromium that sees the packaged Japanese font (through a
    fontconfig file of its own), as docs/screenshot-analytics.png shows it."""
    from playwright.sync_api import Browser

    from browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from hyoka.fonts import font_files

    folders = "".join(f"<dir>{path.parent}</dir>" for path in font_files().values())
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
        f"</include>{folders}<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    target = tmp_path / "screenshot-analytics.png"
    assert isinstance(browser, Browser)
    # A second Chromium of the session's Playwright, so that it reads our fontconfig file.
    with_fonts = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    try:
        page = with_fonts.new_page(viewport={"width": 1280, "height": 1200}, locale="ja-JP")
        page.goto(server.url + "/analytics/execution?kind=national")
        assert page.locator("figure.chart svg[role=img]").count() >= 1
        page.screenshot(path=str(target))
    finally:
        with_fonts.close()
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
