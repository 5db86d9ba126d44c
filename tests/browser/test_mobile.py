"""The portal on a phone (390 px) and a desktop (1280 px): the page never scrolls sideways,
wide tables scroll inside their own box (first column kept in view) or reflow, no two
cells of the sheet's tables overlap, and axe-core finds nothing.

One live server for the module (the pages are only read); the staff edit form is opened
by an editor added to it once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from browser.conftest import LiveServer, assert_no_axe_violations
from hyoka.accounts import Role, add_user
from hyoka.store import create_engine_for, transaction

PASSWORD = "長くて推測されにくい合言葉です"
WIDTHS = [390, 1280]
PAGES = {
    "list": "/",
    "prefecture-sheet": "/sheets/1",
    "national-sheet": "/sheets/3",
    "dashboard": "/analytics/execution",
    "changes-dashboard": "/analytics/changes",
    "staff-edit": "/staff/sheets/1/edit",
    "api-docs": "/api/docs",
}

# Pages whose axe-core check at 1280 px (the default viewport) other browser tests already
# make: test_public_pages (/, /sheets/1, /api/docs), test_analytics_pages (every
# dashboard), test_staff_flow (the edit form). Here they are checked at 390 px only.
AXE_AT_1280_ELSEWHERE = {
    "list",
    "prefecture-sheet",
    "dashboard",
    "changes-dashboard",
    "staff-edit",
    "api-docs",
}

# Tables wider than the viewport, and those of them without a scrolling box around them
# that fits in the viewport (overflow-x auto/scroll, no wider than the viewport).
UNBOXED_TABLES = """(width) => {
  const out = [];
  for (const table of document.querySelectorAll('main table')) {
    const rect = table.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= width + 0.5) continue;
    let box = table.parentElement, boxed = false;
    while (box && box !== document.body) {
      const style = getComputedStyle(box);
      if (['auto', 'scroll'].includes(style.overflowX)) {
        boxed = box.getBoundingClientRect().right <= width + 0.5;
        break;
      }
      box = box.parentElement;
    }
    if (!boxed) out.push((table.className || table.id || 'table') + ' ' + Math.round(rect.width));
  }
  return out;
}"""

# For each table of the sheet's layout: cells whose text spills out of the cell, and pairs
# of cells whose texts overlap (bounding boxes of the text itself, through a Range).
OVERLAPS = """(selector) => {
  const problems = [];
  const textBox = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) return null;
    return {
      left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)),
    };
  };
  for (const table of document.querySelectorAll(selector)) {
    const cells = [...table.querySelectorAll('th, td')]
      .map((cell) => ({ cell, box: textBox(cell), rect: cell.getBoundingClientRect() }))
      .filter((item) => item.box);
    for (const { cell, box, rect } of cells) {
      if (box.left < rect.left - 0.5 || box.right > rect.right + 0.5) {
        problems.push(`${table.className}: 「${cell.textContent.trim()}」 spills out of its cell`);
      }
    }
    for (let i = 0; i < cells.length; i++) {
      for (let j = i + 1; j < cells.length; j++) {
        const a = cells[i].box, b = cells[j].box;
        const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5
          || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
        if (!apart) {
          problems.push(`${table.className}: 「${cells[i].cell.textContent.trim()}」 overlaps `
            + `「${cells[j].cell.textContent.trim()}」`);
        }
      }
    }
  }
  return problems.slice(0, 10);
}"""

# Lines a cell's text takes (distinct tops of its line boxes).
LINES = """(cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0)
    .map((r) => Math.round(r.top))).size;
}"""


@pytest.fixture(scope="module")
def server(shared_live_server: LiveServer) -> Iterator[LiveServer]:
    """The module's live server with an editor of 産業労働部 (who may edit sheet 1)."""
    engine = create_engine_for(shared_live_server.database_url)
    with transaction(engine) as session:
        add_user(
            session=session,
            login="mobile-editor",
            password=PASSWORD,
            role=Role.EDITOR,
            department="産業労働部",
            actor="test",
        )
    engine.dispose()
    yield shared_live_server


def open_page(page: Page, server: LiveServer, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    if path.startswith("/staff"):
        page.goto(server.url + "/login")
        page.fill("#login-name", "mobile-editor")
        page.fill("#login-password", PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url("**/staff")
    response = page.goto(server.url + path)
    assert response is not None and response.status == 200


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_viewport(server: LiveServer, page: Page, name: str, width: int) -> None:
    open_page(page, server, PAGES[name], width)
    if name == "national-sheet":
        assert page.locator("article.sheet--national").count() == 1
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} is {scroll_width} px wide at {width} px"
    assert page.evaluate(UNBOXED_TABLES, width) == []
    if name.endswith("sheet"):
        assert page.evaluate(OVERLAPS, ".sheet table") == []
    if width < 1280 or name not in AXE_AT_1280_ELSEWHERE:
        assert_no_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_cost_table_reads_in_rows(server: LiveServer, page: Page, width: int) -> None:
    """事業コスト: each figure and each year on one line, and the year still in view when the
    table is scrolled to its last column."""
    open_page(page, server, "/sheets/1", width)
    cells = page.locator(".sheet table.costs tbody tr:first-child > *")
    assert cells.count() == 8
    for index in range(cells.count()):
        cell = cells.nth(index)
        assert cell.evaluate(LINES) == 1, f"「{cell.inner_text()}」 wraps at {width} px"
    year = page.locator(".sheet table.costs tbody th").first
    page.evaluate(
        """() => { const table = document.querySelector('.sheet table.costs');
        let box = table.parentElement;
        while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
          box = box.parentElement;
        }
        if (box) box.scrollLeft = box.scrollWidth; }"""
    )
    staff = page.locator(".sheet table.costs tbody tr:first-child td").last
    year_box, staff_box = year.bounding_box(), staff.bounding_box()
    assert year_box is not None and staff_box is not None
    assert year_box["x"] >= 0 and staff_box["x"] + staff_box["width"] <= width
    assert year_box["x"] + year_box["width"] <= staff_box["x"]


def test_favicon_is_an_svg_from_static(server: LiveServer, page: Page) -> None:
    """The base template links the SVG icon shipped in static/ (no request leaves the server)."""
    page.goto(server.url + "/")
    href = page.locator("head link[rel=icon]").get_attribute("href")
    assert href == "/static/favicon.svg"
    answer = page.request.get(server.url + href)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.body().lstrip().startswith(b"<svg")
