"""One writer, one reader: every way into the store stores the same rows, and every sheet
reads back as it was saved.

The single-sheet path (``save_sheet``: the CLI import of a sheet file, the staff editor)
and the import path (``import_files`` of JUDGIT! records, ``write_prepared`` of prepared
sheets in bulk) must leave byte-identical rows in every table, on SQLite and PostgreSQL,
for both seeds, the factory sheets of the tests and national records.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, select, text

from hyoka.importers import parse_file
from hyoka.importers.city_workbook import CityRow, read_city_workbook
from hyoka.importers.judgit import read_lines, sheet_from_record
from hyoka.importers.judgit_import import import_files
from hyoka.importers.rs_import import import_rs
from hyoka.model import Sheet
from hyoka.rows.facts import FACT_COLUMNS
from hyoka.rows.sheet import NATIONAL_COLUMNS, SHEET_COLUMNS, SHEET_TREE, prepare_for
from hyoka.rows.spec import TableSpec
from hyoka.store import (
    create_engine_for,
    list_sheets,
    load_sheet,
    load_sheets,
    migrate,
    save_sheet,
    transaction,
)
from hyoka.store.schema.sheets import Base
from hyoka.store.sheets.lineage import rebuild_lineage
from hyoka.store.sheets.writer import write_prepared
from hyoka.store.staff.refs import current_sheet
from render_sheets import lengthen, national_sheet
from rules_sheets import seed_000
from sheets import other_sheet, sample_sheet

DATA = Path(__file__).parent / "data"
NATIONAL = DATA / "judgit" / "judgit-sample.ndjson.gz"
_TIMES = {"saved_at"}
# A counter of changes for the listing's cache: it counts statements, not rows.
_COUNTERS = {"store_revision"}


@cache
def _rs_sheets() -> tuple[Sheet, ...]:
    """The RS fixture's programs as the RS import reads them (through a scratch store: the
    import streams tables into a store, and the one reader gives the sheets back)."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{Path(folder) / 'rs.sqlite'}")
        try:
            migrate(engine)
            import_rs(engine=engine, paths=[DATA / "rs" / "2024"], jobs=1, search_index=False)
            with transaction(engine) as session:
                return tuple(list_sheets(session=session))
        finally:
            engine.dispose()


def _city_sheets() -> list[Sheet]:
    rows = read_city_workbook(DATA / "ofunato" / "report_sample.xlsx")
    return [row.sheet for row in rows if isinstance(row, CityRow)][:3]


def _fixture_sheets() -> list[tuple[Sheet, str]]:
    """Every fixture sheet with a source, keys all different: every kind, and RS sheets
    with their parts."""
    seeds = [(parse_file(path).sheet, path.name) for path in sorted((DATA / "seeds").glob("*.txt"))]
    made = [
        (_in_year(sample_sheet(), 2024), "sample"),
        (_in_year(other_sheet(), 2024), "other"),
        (_in_year(seed_000(), 2025), "seed_000"),
        (national_sheet(), "national"),
    ]
    made += [(sheet.model_copy(deep=True), f"rs:{n}") for n, sheet in enumerate(_rs_sheets())]
    made += [(sheet, f"city:{n}") for n, sheet in enumerate(_city_sheets())]
    sheets = [*seeds, *made]
    keys = [sheet.key for sheet, _ in sheets]
    assert len(set(keys)) == len(keys), keys
    return sheets


def _in_year(sheet: Sheet, fiscal_year: int) -> Sheet:
    # The factory sheets share their keys with the seeds they copy.
    header = sheet.header.model_copy(update={"fiscal_year": fiscal_year})
    return sheet.model_copy(update={"header": header})


def _edits() -> list[tuple[Sheet, str]]:
    """Later versions of fixture sheets: a longer sample (a changed sheet) and the other
    sheet again (unchanged)."""
    return [
        (_in_year(lengthen(sample_sheet(), 3)[0], 2024), "sample, longer"),
        (_in_year(other_sheet(), 2024), "other again"),
    ]


def _national_records() -> list[tuple[Sheet, str]]:
    return [
        (sheet_from_record(orjson.loads(line)), f"{NATIONAL.name}:{number}")
        for number, line in read_lines(NATIONAL)
    ]


def _all_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in _COUNTERS:
                continue
            columns = [column for column in table.columns if column.name not in _TIMES]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            found[table.name] = [tuple(row) for row in rows]
        if engine.dialect.name != "sqlite":  # the token column only PostgreSQL has
            tokens = connection.execute(
                text("SELECT sheet_id, body_grams FROM sheet_texts ORDER BY sheet_id")
            )
            found["sheet_texts.body_grams"] = [tuple(row) for row in tokens]
    return found


def _one_by_one(engine: Engine, sheets: list[tuple[Sheet, str]]) -> None:
    for sheet, source in sheets:
        with transaction(engine) as session:
            save_sheet(session=session, sheet=sheet, source=source)


def test_the_single_sheet_path_and_the_bulk_path_store_the_same_rows(
    engine: Engine, other_engine: Engine
) -> None:
    sheets = [*_fixture_sheets(), *_national_records()[:8], *_edits()]
    _one_by_one(engine, sheets)
    dialect = other_engine.dialect.name
    with transaction(other_engine) as session:
        write_prepared(
            session=session,
            prepared=[prepare_for(sheet, source, dialect=dialect) for sheet, source in sheets],
        )
    one, bulk = _all_rows(engine), _all_rows(other_engine)
    assert one == bulk
    # Every table of a sheet's tree holds rows here, so the comparison compares something.
    assert [spec.name for spec in SHEET_TREE if not one[spec.name]] == []
    assert len(one["sheet_revisions"]) == len(sheets) - 1  # the unchanged save added none


def test_the_national_import_stores_what_saving_each_record_stores(
    engine: Engine, other_engine: Engine
) -> None:
    records = _national_records()
    _one_by_one(engine, records)
    with transaction(engine) as session:
        rebuild_lineage(session=session)
    summary = import_files(engine=other_engine, paths=[NATIONAL], jobs=0)
    assert summary.new == len(records)
    one, imported = _all_rows(engine), _all_rows(other_engine)
    assert one == imported
    assert one["budgets"] and one["recipients"] and one["indicator_values"]


def test_every_stored_sheet_loads_back_as_saved(engine: Engine) -> None:
    sheets = [*_fixture_sheets(), *_national_records()]
    _one_by_one(engine, sheets)
    expected = {sheet.key: sheet for sheet, _ in sheets}
    with transaction(engine) as session:
        listed = list_sheets(session=session)
        stored = load_sheets(session=session)
        staff = {
            item.sheet_id: current_sheet(session=session, sheet_id=item.sheet_id)[1]
            for item in stored
        }
        public = load_sheets(
            session=session, sheet_ids=[item.sheet_id for item in stored], public=True
        )
        single = [
            load_sheet(session=session, program_number=number, fiscal_year=year, stage=stage)
            for number, year, stage in expected
        ]
    assert {sheet.key: sheet for sheet in listed} == expected
    assert len(listed) == len(expected)
    assert [item.sheet for item in stored] == listed
    assert [staff[item.sheet_id] for item in stored] == listed
    assert [item.sheet for item in public] == listed  # nothing here is a draft
    assert single == list(expected.values())
    sources = {item.sheet.key: item.source for item in stored}
    assert sources == {sheet.key: source for sheet, source in sheets}


def test_history_and_one_revision_load_as_saved(engine: Engine) -> None:
    first, longer = sample_sheet(), lengthen(sample_sheet(), 2)[0]
    _one_by_one(engine, [(first, "first"), (longer, "second")])
    with transaction(engine) as session:
        (current,) = load_sheets(session=session)
        history = load_sheets(session=session, sheet_ids=[current.sheet_id], versions="all")
        (old,) = load_sheets(session=session, sheet_ids=[current.sheet_id], versions=[1])
    assert [(item.revision, item.source, item.sheet) for item in history] == [
        (1, "first", first),
        (2, "second", longer),
    ]
    assert (current.revision, current.sheet) == (2, longer)
    assert old.sheet == first


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_unknown_ids_are_left_out_and_order_is_kept(engine: Engine) -> None:
    sheets = _fixture_sheets()
    _one_by_one(engine, sheets)
    with transaction(engine) as session:
        ids = [item.sheet_id for item in load_sheets(session=session)]
        asked = [ids[2], 999, ids[0], ids[2]]
        found = load_sheets(session=session, sheet_ids=asked)
    assert [item.sheet_id for item in found] == [ids[2], ids[0]]


def _specs(specs: tuple[TableSpec, ...]) -> list[TableSpec]:
    return [item for spec in specs for item in (spec, *_specs(spec.children))]


@pytest.mark.parametrize("spec", _specs(SHEET_TREE), ids=lambda spec: spec.name)
def test_the_rows_of_a_sheet_fill_every_column_of_their_table(spec: TableSpec) -> None:
    # A column added to the schema but not to hyoka.rows.sheet (or the other way) fails here.
    table = Base.metadata.tables[spec.name]
    assert {"id", spec.parent, *spec.columns} == set(table.columns.keys())
    assert len(spec.columns) == len(set(spec.columns))


def test_the_sheet_and_fact_rows_name_their_tables_columns() -> None:
    sheets = Base.metadata.tables["sheets"].columns.keys()
    assert {"id", "revision", "content_hash", *SHEET_COLUMNS} == set(sheets)
    national = Base.metadata.tables["national_sheets"].columns.keys()
    assert {"id", "sheet_id", "program_id", *NATIONAL_COLUMNS} == set(national)
    for name, columns in FACT_COLUMNS.items():
        assert set(columns) == set(Base.metadata.tables[name].columns.keys()) - {"id"}, name
