"""The store on real SQLite and PostgreSQL: round trips, history, transactions, schema."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from hyoka.model import Sheet, Stage, ValueKind
from hyoka.store import (
    create_engine_for,
    list_sheets,
    load_sheet,
    migrate,
    read_current_tables,
    save_sheet,
    sheet_history,
    transaction,
)
from hyoka.store.schema.search import include_in_schema_comparison
from hyoka.store.schema.sheets import Base, IndicatorRow, RevisionRow
from hyoka.store.sheets.writer import save_sheets
from sheets import other_sheet, row_counts, sample_sheet


def _save(engine: Engine, sheet: Sheet, source: str = "") -> None:
    with transaction(engine) as session:
        save_sheet(session=session, sheet=sheet, source=source)


def _load(engine: Engine, sheet: Sheet) -> Sheet | None:
    program_number, fiscal_year, stage = sheet.key
    with transaction(engine) as session:
        return load_sheet(
            session=session, program_number=program_number, fiscal_year=fiscal_year, stage=stage
        )


def _history(engine: Engine, sheet: Sheet) -> list[tuple[int, str, Sheet]]:
    program_number, fiscal_year, stage = sheet.key
    with transaction(engine) as session:
        revisions = sheet_history(
            session=session, program_number=program_number, fiscal_year=fiscal_year, stage=stage
        )
    for revision in revisions:
        assert revision.saved_at.tzinfo is not None
        assert revision.saved_at.utcoffset() == UTC.utcoffset(None)
    return [(revision.revision, revision.source, revision.sheet) for revision in revisions]


def _stored_counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {table.name: len(table.rows) for table in read_current_tables(session=session)}


def test_migrated_schema_equals_the_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        # The full-text indexes (FTS5, pg_trgm) are built by the migration only.
        opts = {"compare_type": True, "include_name": include_in_schema_comparison}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    _save(engine, sample_sheet())
    migrate(engine)
    assert _load(engine, sample_sheet()) == sample_sheet()


def test_saved_sheets_load_back_equal(engine: Engine) -> None:
    first, second = sample_sheet(), other_sheet()
    with transaction(engine) as session:
        created = save_sheet(session=session, sheet=second, source="003.txt")
        save_sheet(session=session, sheet=first, source="000.txt")
    assert (created.revision, created.created, created.changed) == (1, True, True)

    loaded = _load(engine, first)
    assert loaded == first
    # Exact decimals and the order of every list and mapping, not only equal values.
    assert loaded is not None and loaded.model_dump_json() == first.model_dump_json()
    assert loaded.indicators[2].values[1].value == Decimal("50.1")
    assert str(loaded.costs[0].staff) == "4.0"
    assert loaded.sub_projects[1].settlements[2021] is None
    assert loaded.costs[0].supplementary == -4_000

    # The tables and the JSON history hold the same version.
    assert _history(engine, first) == [(1, "000.txt", first)]
    with transaction(engine) as session:
        assert list_sheets(session=session) == [first, second]
    assert _stored_counts(engine) == row_counts([first, second])


def test_list_sheets_orders_by_number_year_and_stage(engine: Engine) -> None:
    keys = [
        ("07 06 01", 2023, Stage.INITIAL_REQUEST),
        ("07 01 01", 2024, Stage.INITIAL_REQUEST),
        ("07 01 01", 2023, Stage.REVIEW),
        ("07 01 01", 2023, Stage.INITIAL_REQUEST),
        ("07 01 01", 2023, Stage.SUPPLEMENTARY_BUDGET),
        ("07 01 01", 2023, Stage.INITIAL_BUDGET),
    ]
    for number, year, stage in keys:
        _save(engine, sample_sheet(program_number=number, fiscal_year=year, stage=stage))
    with transaction(engine) as session:
        found = [sheet.key for sheet in list_sheets(session=session)]
    assert found == sorted(keys, key=lambda key: (key[0], key[1], list(Stage).index(key[2])))


def test_saving_a_changed_sheet_keeps_the_old_version(engine: Engine) -> None:
    old = sample_sheet()
    new = sample_sheet()
    new.indicators[1].values[-1].value = Decimal(412)
    new.sub_projects = new.sub_projects[:1]
    new.future.issues = []

    _save(engine, old, source="first.txt")
    with transaction(engine) as session:
        result = save_sheet(session=session, sheet=new, source="second.txt")

    assert (result.revision, result.created, result.changed) == (2, False, True)
    loaded = _load(engine, new)
    assert loaded == new
    assert loaded is not None and loaded.indicators[1].actual(2023) == Decimal(412)
    assert _history(engine, new) == [(1, "first.txt", old), (2, "second.txt", new)]
    # The replaced rows are gone, the sheet keeps its identity.
    assert _stored_counts(engine) == row_counts([new])


def test_saving_an_identical_sheet_adds_no_revision(engine: Engine) -> None:
    sheet = sample_sheet()
    with transaction(engine) as session:
        first = save_sheet(session=session, sheet=sheet, source="a.txt")
    with transaction(engine) as session:
        again = save_sheet(session=session, sheet=sample_sheet(), source="b.txt")

    assert again.sheet_id == first.sheet_id
    assert (again.revision, again.created, again.changed) == (1, False, False)
    assert _history(engine, sheet) == [(1, "a.txt", sheet)]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(RevisionRow)) == 1


def test_a_failed_transaction_leaves_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="midway"), transaction(engine) as session:
        save_sheet(session=session, sheet=sample_sheet())
        session.flush()
        raise RuntimeError("failed midway")

    with transaction(engine) as session:
        assert list_sheets(session=session) == []
    assert set(_stored_counts(engine).values()) == {0}
    assert _history(engine, sample_sheet()) == []


def test_a_failed_update_keeps_the_previous_version(engine: Engine) -> None:
    old = sample_sheet()
    _save(engine, old)
    changed = sample_sheet(purpose="変更後の目的")
    with pytest.raises(RuntimeError), transaction(engine) as session:
        save_sheet(session=session, sheet=changed)
        raise RuntimeError("failed midway")

    assert _load(engine, old) == old
    assert [number for number, _source, _sheet in _history(engine, old)] == [1]


def test_unknown_sheets_load_as_none(engine: Engine) -> None:
    assert _load(engine, sample_sheet()) is None
    assert _history(engine, sample_sheet()) == []


def test_each_stage_is_its_own_sheet(engine: Engine) -> None:
    review = sample_sheet()
    request = sample_sheet(stage=Stage.INITIAL_REQUEST, purpose="要求時の目的")
    _save(engine, review)
    _save(engine, request)
    assert _load(engine, review) == review
    assert _load(engine, request) == request


def test_a_sheet_with_nothing_but_its_header(engine: Engine) -> None:
    bare = Sheet(header=sample_sheet().header)
    _save(engine, bare)
    assert _load(engine, bare) == bare


def test_estimates_and_targets_keep_their_kind(engine: Engine) -> None:
    _save(engine, sample_sheet())
    loaded = _load(engine, sample_sheet())
    assert loaded is not None
    kinds = {value.kind for indicator in loaded.indicators for value in indicator.values}
    assert kinds == set(ValueKind)


def test_sqlite_file_folder_is_created(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("deep") / "a" / "b" / "hyoka.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        migrate(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert path.is_file()


def _achievement_a_year_back(sheet: Sheet) -> Sheet:
    """The sheet with each printed 達成状況 dated the year before the sheet's own."""
    year = sheet.header.fiscal_year - 1
    indicators = [
        indicator.model_copy(update={"printed_achievement_year": year})
        if indicator.printed_achievement is not None
        else indicator
        for indicator in sheet.indicators
    ]
    dated = sheet.model_copy(update={"indicators": indicators})
    assert any(i.printed_achievement_year == year for i in dated.indicators)
    return dated


@pytest.mark.parametrize("writer", ["save_sheet", "save_sheets"])
def test_a_printed_achievement_keeps_a_year_other_than_the_sheets(
    engine: Engine, writer: str
) -> None:
    sheet = _achievement_a_year_back(sample_sheet())
    with transaction(engine) as session:
        if writer == "save_sheet":
            save_sheet(session=session, sheet=sheet, source="")
        else:  # the national bulk path writes the same indicator rows
            save_sheets(session=session, sheets=[(sheet, "")])
    loaded = _load(engine, sheet)
    assert loaded is not None
    assert [i.printed_achievement_year for i in loaded.indicators] == [
        i.printed_achievement_year for i in sheet.indicators
    ]
    assert loaded == sheet
    with transaction(engine) as session:
        stored = session.scalars(
            select(IndicatorRow.printed_achievement_year).order_by(IndicatorRow.position)
        ).all()
    assert stored == [i.printed_achievement_year for i in sheet.indicators]


def test_migrating_recomputes_the_stored_at_risk_flag_by_todays_definition(
    engine: Engine,
) -> None:
    from sqlalchemy import update

    from hyoka.rules.summaries import summarize
    from hyoka.store.database import downgrade
    from hyoka.store.schema.search import SheetSummaryRow

    with transaction(engine) as session:
        ids = [
            save_sheet(session=session, sheet=s, source="t").sheet_id
            for s in (sample_sheet(), other_sheet())
        ]
    expected = {
        sheet_id: summarize(s).at_risk
        for sheet_id, s in zip(ids, (sample_sheet(), other_sheet()), strict=True)
    }
    downgrade(engine, "0011_correction_drafts")
    with transaction(engine) as session:  # flags as an older definition left them
        session.execute(update(SheetSummaryRow).values(at_risk=True))
    migrate(engine)
    with transaction(engine) as session:
        rows = session.execute(select(SheetSummaryRow.sheet_id, SheetSummaryRow.at_risk))
        stored = {sheet_id: flag for sheet_id, flag in rows}
    assert stored == expected and not all(stored.values())
