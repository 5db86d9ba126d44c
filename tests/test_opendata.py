"""Open-data exports read back: JSON, CSV (with and without BOM), xlsx, and their docs."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import orjson
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from hyoka.model import Sheet
from hyoka.render.opendata import (
    column_documentation,
    documentation,
    export_csv,
    export_json,
    export_xlsx,
)
from hyoka.store import save_sheet, transaction
from hyoka.store.schema.sheets import current_tables
from sheets import other_sheet, row_counts, sample_sheet

DOCS = Path(__file__).parent.parent / "docs" / "opendata.md"
COLUMNS = {table.name: [column.name for column in table.columns] for table in current_tables()}


@pytest.fixture
def stored(engine: Engine) -> list[Sheet]:
    """Two sheets saved in the store, in the order the exports list them."""
    sheets = [sample_sheet(), other_sheet()]
    with transaction(engine) as session:
        for sheet in sheets:
            save_sheet(session=session, sheet=sheet)
    return sheets


def test_json_export_reads_back_as_the_saved_sheets(
    engine: Engine, stored: list[Sheet], tmp_path: Path
) -> None:
    path = tmp_path / "out" / "sheets.json"
    with transaction(engine) as session:
        export_json(session=session, path=path)
    raw = path.read_bytes()
    assert "産業振興のための企画調査・応援事業".encode() in raw  # UTF-8, not \u escapes
    assert [Sheet.model_validate(item) for item in orjson.loads(raw)] == stored


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_csv_export_writes_one_file_per_table(
    engine: Engine, stored: list[Sheet], tmp_path: Path, bom: bool
) -> None:
    with transaction(engine) as session:
        written = export_csv(session=session, directory=tmp_path / "csv", bom=bom)

    assert [path.name for path in written] == [f"{name}.csv" for name in COLUMNS]
    counts = {}
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") is bom
        assert raw.removeprefix(b"\xef\xbb\xbf").startswith(b"id,")  # one BOM at most
        with path.open(encoding="utf-8-sig", newline="") as stream:
            header, *rows = list(csv.reader(stream))
        assert header == COLUMNS[path.stem]
        counts[path.stem] = len(rows)
    assert counts == row_counts(stored)

    costs = _csv_dicts(tmp_path / "csv" / "cost_rows.csv")
    assert costs[0]["supplementary"] == "-4000"
    assert costs[0]["initial_budget"] == "213739"
    assert costs[0]["staff"] == "4.0"
    assert costs[2]["staff"] == ""
    values = [row["value"] for row in _csv_dicts(tmp_path / "csv" / "indicator_values.csv")]
    assert "50.1" in values
    goals = _csv_dicts(tmp_path / "csv" / "plan_goals.csv")
    assert [row["main"] for row in goals] == ["1", "0", "0", "1", "0", "0"]


def _csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_xlsx_export_has_the_csv_tables(
    engine: Engine, stored: list[Sheet], tmp_path: Path
) -> None:
    path = tmp_path / "sheets.xlsx"
    with transaction(engine) as session:
        export_xlsx(session=session, path=path)

    workbook = load_workbook(path, read_only=True)
    try:
        assert workbook.sheetnames == list(COLUMNS)
        counts = {}
        for name in workbook.sheetnames:
            header, *rows = list(workbook[name].iter_rows(values_only=True))
            assert list(header) == COLUMNS[name]
            counts[name] = len(rows)
        assert counts == row_counts(stored)
        costs = list(workbook["cost_rows"].iter_rows(min_row=2, values_only=True))
        supplementary = COLUMNS["cost_rows"].index("supplementary")
        assert costs[0][supplementary] == -4_000
    finally:
        workbook.close()


def test_every_exported_column_is_documented_and_nothing_else() -> None:
    documented: dict[str, list[str]] = {}
    for table in documentation().tables:
        documented[table.name] = [column.name for column in table.columns]
        assert table.summary, table.name
        for column in table.columns:
            where = f"{table.name}.{column.name}"
            assert column.label and column.description, f"{where} needs 名称 and 説明"
            assert column.type in {"整数", "文字列", "小数", "フラグ（1/0）"}, where
            # In Japanese: the description has Japanese words beside any code.
            words = re.sub(r"`[^`]*`", "", column.description)
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", words), where
    assert documented == COLUMNS
    money = {
        (table.name, column.name): column.unit
        for table in documentation().tables
        for column in table.columns
        if column.unit in {"千円", "百万円", "シートの単位"}
    }
    # National budgets come in 百万円 (JUDGIT!) and in 円 (RS): their unit is the sheet's.
    assert money[("cost_rows", "total")] == "千円"
    assert money[("budgets", "total")] == "シートの単位"


def test_the_documentation_has_no_english_prose_left() -> None:
    text = column_documentation()
    assert "| column | 日本語 | English |" not in text
    assert "## 決まりごと" in text and len(documentation().conventions) >= 5


def test_docs_tell_the_two_xlsx_exports_apart() -> None:
    from hyoka.cli.sheets import ExportFormat

    text = DOCS.read_text(encoding="utf-8")
    assert {item.value for item in ExportFormat} >= {"xlsx", "tables-xlsx"}
    assert "`hyoka export --format tables-xlsx" in text  # these tables
    assert "`hyoka export --format xlsx`" in text  # the sheet layout, told apart


def test_docs_point_to_the_packaged_columns_without_a_copy() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "src/hyoka/render/opendata_columns.md" in text
    assert not re.search(r"^### `\w+\.csv`", text, flags=re.MULTILINE)
    assert not re.search(r"^\| `\w+` \|", text, flags=re.MULTILINE)
