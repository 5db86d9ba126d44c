"""Browser-test fixtures: a live server on 127.0.0.1, Debian's Chromium through Playwright,
a guard against any request leaving 127.0.0.1, and axe-core checks.

Staff tests reuse these: ``live_server`` (base URL and database URL of a fresh SQLite
store holding both seed sheets), ``page`` (a new page whose outside requests are aborted
and fail the test), ``assert_no_axe_violations(page)``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hyoka.settings import Settings
from hyoka.web.app import create_app
from hyoka.web.demo import create_demo_database
from hyoka.web.threaded import serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LOCAL_HOSTS = {"127.0.0.1"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class LiveServer:
    url: str  # base URL without a trailing slash, e.g. http://127.0.0.1:40123
    database_url: str


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app served by uvicorn in a thread over a fresh SQLite store with both seeds."""
    yield from _serve(tmp_path)


@pytest.fixture(scope="module")
def shared_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One live server for the tests of a module that only read (faster)."""
    yield from _serve(tmp_path_factory.mktemp("live"))


def _serve(tmp_path: Path) -> Iterator[LiveServer]:
    database_url = create_demo_database(tmp_path / "live.sqlite")
    app = create_app(Settings(database_url=database_url))
    with serve_in_thread(app, log_level="info") as url:
        yield LiveServer(url=url, database_url=database_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, without its background networking."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A new page in a new context; any request not to 127.0.0.1 is aborted and fails the test."""
    from playwright.sync_api import Browser, Route

    assert isinstance(browser, Browser)
    context = browser.new_context(accept_downloads=True, locale="ja-JP")
    outside: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"


def assert_no_axe_violations(page: object) -> None:
    """axe-core (bundled by axe_playwright_python) finds no WCAG 2.x A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Page

    # A click that navigates returns once the new page is committed, not loaded: axe on a
    # page whose stylesheet is still on its way finds what the stylesheet would fix.
    assert isinstance(page, Page)
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    described = [
        f"{item['id']} ({item['impact']}): {item['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in item["nodes"][:5])
        for item in violations
    ]
    assert violations == [], "axe-core found WCAG violations:\n" + "\n".join(described)
