"""The README's pictures, taken in Debian's headless Chromium through Playwright.

    uv run python scripts/screenshots.py [--out docs]

Serves a fresh demo store (both seed sheets, plus the national fixture records of
tests/data/judgit so that the dashboards have both kinds of rows) on 127.0.0.1 and writes:

- screenshot-list.png      the public list with a search for 人材 (1280 px)
- screenshot-sheet.png     a sheet page: summary, downloads, findings (1280 px)
- screenshot-analytics.png the execution dashboard of the national sheets (1280 px)
- screenshot-phone.png     the sheet page on a phone (390 px): the indicator, plan and cost
                           tables, the cost table scrolled in its own box

Chromium sees the packaged Japanese font (Noto Sans CJK JP, the PDF's) through a fontconfig
file of its own, so the pictures look the same on any machine. Every request that does not
go to 127.0.0.1 is aborted and fails the script. The PNGs are reduced to 256 colours
(a few tens to a few hundred KB each).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import Browser, Page, Route, sync_playwright

from hyoka.fonts import font_files
from hyoka.importers.judgit_import import import_files
from hyoka.settings import Settings
from hyoka.store import create_engine_for
from hyoka.web.app import create_app
from hyoka.web.demo import create_demo_database
from hyoka.web.threaded import serve_in_thread

ROOT = Path(__file__).resolve().parents[1]
JUDGIT = ROOT / "tests" / "data" / "judgit" / "judgit-sample.ndjson.gz"
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
MAX_BYTES = 400_000


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """The app over a fresh demo store with the national fixture records; its base URL."""
    database_url = create_demo_database(folder / "screenshots.sqlite")
    engine = create_engine_for(database_url)
    try:
        import_files(engine=engine, paths=[JUDGIT])
    finally:
        engine.dispose()
    with serve_in_thread(create_app(Settings(database_url=database_url))) as url:
        yield url


def fontconfig(folder: Path) -> Path:
    """A fontconfig file adding the packaged font's folder to the system's fonts."""
    folders = "".join(f"<dir>{path.parent}</dir>" for path in font_files().values())
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
        f"</include>{folders}<cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return config


def new_page(browser: Browser, width: int, height: int, outside: list[str]) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=2 if width < 600 else 1,
        locale="ja-JP",
    )

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    return context.new_page()


def save(page: Page, target: Path) -> None:
    """The viewport as a 256-colour PNG."""
    raw = target.with_suffix(".raw.png")
    page.screenshot(path=str(raw))
    with Image.open(raw) as image:
        image.convert("RGB").quantize(colors=256).save(target, optimize=True)
    raw.unlink()
    size = target.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{target} is {size:,} bytes (more than {MAX_BYTES:,})")
    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {size:,} bytes")


def take(browser: Browser, base: str, out: Path) -> list[str]:
    outside: list[str] = []

    page = new_page(browser, 1280, 900, outside)
    page.goto(base + "/?q=人材")
    save(page, out / "screenshot-list.png")

    page.goto(base + "/sheets/1")
    save(page, out / "screenshot-sheet.png")

    page = new_page(browser, 1280, 1200, outside)
    page.goto(base + "/analytics/execution?kind=national")
    page.locator("figure.chart svg[role=img]").first.wait_for()
    save(page, out / "screenshot-analytics.png")

    phone = new_page(browser, 390, 844, outside)
    phone.goto(base + "/sheets/1")
    phone.evaluate(
        """() => {
          document.querySelector('#s4').scrollIntoView();
          const box = document.querySelector('#s6 .ruled-scroll');
          box.scrollLeft = 160;
        }"""
    )
    save(phone, out / "screenshot-phone.png")
    return outside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, served(Path(folder)) as base:
        env: dict[str, str | float | bool] = {**os.environ}
        env["FONTCONFIG_FILE"] = str(fontconfig(Path(folder)))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env
            )
            try:
                outside = take(browser, base, args.out.resolve())
            finally:
                browser.close()
    if outside:
        print(f"requests left 127.0.0.1: {outside}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
