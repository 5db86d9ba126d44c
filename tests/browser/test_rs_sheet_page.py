"""An RS sheet's page (2024, imported from the RS fixture) on a phone and a desktop: the
page never scrolls sideways, its wide RS tables scroll in their own boxes, no two cells
overlap, and axe-core finds nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from browser.conftest import LiveServer, assert_no_axe_violations
from browser.test_mobile import OVERLAPS, UNBOXED_TABLES
from hyoka.importers.rs_import import import_rs
from hyoka.store import create_engine_for, transaction
from hyoka.store.schema.sheets import SheetRow

FIXTURE = Path(__file__).parent.parent / "data" / "rs" / "2024"


@pytest.fixture(scope="module")
def rs_sheet(
    shared_live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, int]]:
    """The live server with the RS fixture imported; the id of RS-11 (contracts, 費目・使途)."""
    folder = tmp_path_factory.mktemp("rs") / "2024"
    shutil.copytree(FIXTURE, folder)
    engine = create_engine_for(shared_live_server.database_url)
    import_rs(engine=engine, paths=[folder])
    with transaction(engine) as session:
        sheet_id = session.scalar(select(SheetRow.id).where(SheetRow.program_number == "RS-11"))
    engine.dispose()
    assert sheet_id is not None
    yield shared_live_server, sheet_id


@pytest.mark.parametrize("width", [390, 1280])
def test_an_rs_sheet_page_fits_and_passes_axe(
    rs_sheet: tuple[LiveServer, int], page: Page, width: int
) -> None:
    server, sheet_id = rs_sheet
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"{server.url}/sheets/{sheet_id}")
    assert response is not None and response.status == 200
    for key in ("rs-orgs", "rs-accounts", "rs-items", "rs-logic", "rs-uses", "rs-contracts"):
        assert page.locator(f"article.sheet--national table.{key}").count() == 1, key
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{scroll_width} px wide at {width} px"
    assert page.evaluate(UNBOXED_TABLES, width) == []
    assert page.evaluate(OVERLAPS, ".sheet table.rs") == []
    assert_no_axe_violations(page)
