"""The ``hyoka`` command end to end: parse, import, check, export, schema."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.importers import parse_file
from hyoka.model import Sheet

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt"))
DOCS = Path(__file__).parent.parent / "docs"
runner = CliRunner()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_parse_prints_the_sheet_as_json(seed: Path) -> None:
    result = runner.invoke(app, ["parse", str(seed)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert Sheet.model_validate(document) == parse_file(seed).sheet


def test_parse_with_notes_and_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", "--notes", str(SEEDS[1])])
    notes = json.loads(result.stdout)["notes"]
    assert any("数値" in note["message"] for note in notes["missing"])
    bad = tmp_path / "memo.txt"
    bad.write_text("議事録\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(bad)])
    assert result.exit_code == 2
    assert "memo.txt" in result.stderr and "細事業一覧" in result.stderr


def test_import_export_round_trip_and_check(tmp_path: Path) -> None:
    db = tmp_path / "hyoka.sqlite"
    refused = runner.invoke(app, ["import", "--db", str(db), *map(str, SEEDS)])
    assert refused.exit_code == 1 and "欠落" in refused.stderr  # incomplete sources refused
    result = runner.invoke(
        app, ["import", "--db", str(db), "--accept-incomplete", *map(str, SEEDS)]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "all.json"
    assert (
        runner.invoke(
            app, ["export", "--db", str(db), "--format", "json", "-o", str(out)]
        ).exit_code
        == 0
    )
    exported = [Sheet.model_validate(item) for item in orjson.loads(out.read_bytes())]
    assert exported == [parse_file(seed).sheet for seed in SEEDS]
    again = runner.invoke(app, ["import", "--db", str(db), "--accept-incomplete", str(SEEDS[0])])
    assert "変更なし" in again.stderr
    check = runner.invoke(app, ["check", "--db", str(db), "--format", "json"])
    assert check.exit_code == 0, check.output
    findings = {item["program_number"]: item["findings"] for item in json.loads(check.stdout)}
    assert set(findings) == {"07 01 01", "07 06 01"}
    csv_dir = tmp_path / "csv"
    assert (
        runner.invoke(
            app, ["export", "--db", str(db), "--format", "csv", "--bom", "-o", str(csv_dir)]
        ).exit_code
        == 0
    )
    assert (csv_dir / "sheets.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    tables = tmp_path / "tables.xlsx"
    result = runner.invoke(
        app, ["export", "--db", str(db), "--format", "tables-xlsx", "-o", str(tables)]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(tables, read_only=True).sheetnames[0] == "sheets"
    # --format xlsx: one workbook per sheet in the sheet's layout, read back as the sheet.
    folder = tmp_path / "workbooks"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "xlsx", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    workbooks = sorted(folder.glob("*.xlsx"))
    assert [parse_file(path).sheet for path in workbooks] == exported


def test_schema_in_docs_is_current() -> None:
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.stdout) == json.loads((DOCS / "sheet.schema.json").read_text()), (
        "docs/sheet.schema.json is stale: run `make schema`"
    )
