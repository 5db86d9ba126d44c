"""hyoka serve / demo, the demo store, and indexing sheets stored before the search existed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.samples import national_files, seed_files
from hyoka.store import create_engine_for, index_missing, transaction
from hyoka.store.schema.search import SheetPolicyRow, SheetSummaryRow
from hyoka.store.search.listing import SheetFilters, list_summaries
from hyoka.web.demo import create_demo_database
from sheets import other_sheet, sample_sheet
from web_support import store


def test_serve_refuses_the_default_secret_on_a_public_address(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", str(tmp_path / "x.sqlite"), "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2
    assert "HYOKA_SECRET_KEY" in result.output


def test_demo_refuses_a_folder_without_samples(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        create_demo_database(tmp_path / "demo.sqlite", samples=tmp_path)


def test_the_demo_store_holds_every_sample_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    for _run in range(2):
        url = create_demo_database(path)
        engine = create_engine_for(url)
        with transaction(engine) as session:
            page = list_summaries(session=session, filters=SheetFilters(), facets=False)
        engine.dispose()
        national = sum(
            1 for file in national_files() for line in file.read_text().splitlines() if line
        )
        assert page.total == len(seed_files()) + national
        kinds = {item.kind for item in page.items}
        assert kinds == {"prefecture", "national"}


def test_sheets_without_a_summary_are_indexed_later(engine: Engine) -> None:
    store(engine, [sample_sheet(), other_sheet()])
    with transaction(engine) as session:
        session.execute(delete(SheetPolicyRow))
        session.execute(delete(SheetSummaryRow))
    with transaction(engine) as session:
        assert index_missing(session=session) == 2
        assert index_missing(session=session) == 0
        assert session.scalar(select(func.count()).select_from(SheetPolicyRow)) == 4
        found = list_summaries(session=session, filters=SheetFilters(q="人材育成"), facets=False)
    assert [item.program_number for item in found.items] == ["07 06 01"]
