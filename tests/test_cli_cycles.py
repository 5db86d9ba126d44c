"""hyoka cycle set-deadline / list: deadlines stored on SQLite and PostgreSQL, bad input refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.model import Stage
from hyoka.store import create_engine_for, transaction
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.review import deadline, list_cycles

runner = CliRunner()


def _deadline(db_url: str, fiscal_year: int, stage: Stage) -> date | None:
    engine = create_engine_for(db_url)
    try:
        with transaction(engine) as session:
            return deadline(session=session, fiscal_year=fiscal_year, stage=stage)
    finally:
        engine.dispose()


def test_set_deadline_stores_it_moves_it_and_lists_it(db_url: str) -> None:
    first = runner.invoke(
        app,
        [
            "cycle",
            "set-deadline",
            "--year",
            "2024",
            "--stage",
            "点検",
            "--date",
            "2024-08-31",
            "--db",
            db_url,
        ],
    )
    assert first.exit_code == 0, first.output
    assert "令和6年度 点検" in first.output and "2024-08-31" in first.output
    assert _deadline(db_url, 2024, Stage.REVIEW) == date(2024, 8, 31)

    moved = runner.invoke(
        app,
        [
            "cycle",
            "set-deadline",
            "--year",
            "2024",
            "--stage",
            "点検",
            "--date",
            "2024-09-15",
            "--db",
            db_url,
        ],
    )
    assert moved.exit_code == 0, moved.output
    other = runner.invoke(
        app,
        [
            "cycle",
            "set-deadline",
            "--year",
            "2025",
            "--stage",
            "当初要求",
            "--date",
            "2024-10-01",
            "--db",
            db_url,
        ],
    )
    assert other.exit_code == 0, other.output
    assert _deadline(db_url, 2024, Stage.REVIEW) == date(2024, 9, 15)

    engine = create_engine_for(db_url)
    try:
        with transaction(engine) as session:
            cycles = list_cycles(session=session)
            changes = list_changes(session=session, action="cycle.deadline")
    finally:
        engine.dispose()
    assert [(c.fiscal_year, c.stage, c.due_date) for c in cycles] == [
        (2025, Stage.INITIAL_REQUEST, date(2024, 10, 1)),
        (2024, Stage.REVIEW, date(2024, 9, 15)),
    ]
    assert len(changes) == 3 and all(change.actor.startswith("cli") for change in changes)

    listed = runner.invoke(app, ["cycle", "list", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    review = next(line for line in lines if "点検" in line)
    request = next(line for line in lines if "当初要求" in line)
    assert "2024-09-15" in review and "令和6年度" in review
    assert "2024-10-01" in request and "令和7年度" in request
    assert lines.index(request) < lines.index(review)  # newest fiscal year first


def test_list_without_deadlines_says_so(sqlite_url: str) -> None:
    result = runner.invoke(app, ["cycle", "list", "--db", sqlite_url])
    assert result.exit_code == 0
    assert "期限はまだ設定されていません" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stage", "審査", "--date", "2024-08-31"], "「審査」は段階ではありません"),
        (["--stage", "点検", "--date", "2024/08/31"], "「2024/08/31」は日付ではありません"),
        (["--stage", "点検", "--date", "2024-02-30"], "「2024-02-30」は日付ではありません"),
    ],
)
def test_bad_stage_or_date_is_refused_and_nothing_is_stored(
    engine: Engine, args: list[str], message: str
) -> None:
    sqlite_url = engine.url.render_as_string(hide_password=False)
    result = runner.invoke(
        app, ["cycle", "set-deadline", "--year", "2024", *args, "--db", sqlite_url]
    )
    assert result.exit_code != 0
    assert message in result.output
    with transaction(engine) as session:
        assert list_cycles(session=session) == []


def test_a_year_that_is_not_western_is_refused(sqlite_url: str) -> None:
    result = runner.invoke(
        app,
        [
            "cycle",
            "set-deadline",
            "--year",
            "6",
            "--stage",
            "点検",
            "--date",
            "2024-08-31",
            "--db",
            sqlite_url,
        ],
    )
    assert result.exit_code == 2
    assert "西暦" in result.output
