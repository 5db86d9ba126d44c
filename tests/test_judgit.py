"""National sheets from JUDGIT! NDJSON: mapping, shapes, bad records, idempotence, lineage.

The fixture holds 34 real records of 2019–2022 (tests/data/README.md); expectations are
computed from the raw JSON here, not taken from the importer.
"""

from __future__ import annotations

import copy
import gzip
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.eras import era_label, era_short
from hyoka.importers.judgit import RecordError, is_judgit_file, sheet_from_record
from hyoka.importers.judgit_import import import_files
from hyoka.model import MoneyUnit, SheetKind, Stage, ValueKind
from hyoka.store import load_sheet, save_sheet, sheet_history, transaction
from hyoka.store.schema.national import NationalSheetRow, ProgramLinkRow
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.sheets.writer import save_sheets

SAMPLE = Path(__file__).parent / "data" / "judgit" / "judgit-sample.ndjson.gz"


def _records() -> list[dict[str, Any]]:
    with gzip.open(SAMPLE) as stream:
        return [orjson.loads(line) for line in stream]


def _write(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, bytes) else orjson.dumps(r) for r in records]
    with gzip.open(path, "wb") as stream:
        stream.write(b"\n".join(lines) + b"\n")
    return path


def _t(text: str | None) -> str:
    # Texts are kept without surrounding blanks (a leading newline is layout, not content).
    return (text or "").strip()


def _exact(number: Decimal | None, raw: float | None) -> bool:
    # Exact: the stored decimal is the float as printed, not its binary expansion.
    if raw is None:
        return number is None
    return number is not None and float(number) == raw and len(str(number)) <= len(repr(raw))


def test_fixture_is_recognised_and_other_files_are_not(tmp_path: Path) -> None:
    assert is_judgit_file(SAMPLE)
    text = tmp_path / "sheet.txt"
    text.write_text("事業番号 07 01 01", encoding="utf-8")
    assert not is_judgit_file(text)
    other = _write(tmp_path / "other.ndjson.gz", [{"a": 1}])
    assert not is_judgit_file(other)


@pytest.mark.parametrize("index", range(34))
def test_every_field_maps_from_the_raw_record(index: int) -> None:
    raw = _records()[index]
    sheet = sheet_from_record(raw)
    header = sheet.header
    assert header.kind is SheetKind.NATIONAL and header.stage is Stage.REVIEW
    assert header.fiscal_year == raw["公開年度"]
    assert header.program_number.endswith(raw["事業番号"])
    assert header.program_number.startswith(str(raw["公開年度"]))
    assert (header.department, header.program_name) == (_t(raw["府省庁"]), _t(raw["事業名"]))
    assert header.bureau == _t(raw["担当部局庁"])
    assert header.section == _t(raw["担当課室"])
    assert (header.start_year, header.end_year) == (raw["開始年度"], raw["終了年度"])
    assert sheet.purpose == _t(raw["事業目的"])
    assert sheet.summary == _t(raw["事業概要"])
    assert sheet.methods == [_t(item) for item in raw["実施方法"]]
    assert sheet.accounts == [_t(item) for item in raw["会計区分"]]
    assert sheet.policies == [_t(item) for item in raw["主要施策"]]
    assert sheet.no_target_reason == _t(raw.get("定量的な目標が設定できない理由"))
    assert sheet.source_url == (raw["url"] or "")
    assert sheet.money_unit is MoneyUnit.MILLION_YEN

    assert len(sheet.budgets) == len(raw["予算"])
    for budget, item in zip(sheet.budgets, raw["予算"], strict=True):
        assert budget.fiscal_year == item["年度"]
        assert _exact(budget.executed, item.get("執行額"))
        assert _exact(budget.total, item.get("予算計"))
        assert _exact(budget.requested, item.get("要求額"))
        assert _exact(budget.carried_forward, item.get("翌年度へ繰越し"))

    assert [r.name for r in sheet.recipients] == [_t(r["支出先名"]) for r in raw["支出先"]]
    for recipient, item in zip(sheet.recipients, raw["支出先"], strict=True):
        assert _exact(recipient.amount, item["支出額"])
        assert recipient.corporate_number == (item["法人番号"] or "")
        assert (recipient.group, recipient.number) == (item["グループ"], item["番号"])

    assert len(sheet.indicators) == len(raw["アウトカム"])
    for indicator, item in zip(sheet.indicators, raw["アウトカム"], strict=True):
        assert indicator.goal == _t(item["成果目標"])
        assert indicator.name == _t(item["成果指標"])
        for year in item["成果実績"]:
            assert _exact(indicator.value(year["年度"], ValueKind.ACTUAL), year["成果実績"])
            assert _exact(indicator.value(year["年度"], ValueKind.TARGET), year["目標値"])
        assert indicator.target.end_year == item["目標最終年度"]
        final = item["目標値"]
        if final is not None and item["目標最終年度"] is not None:
            try:
                expected = Decimal(final)
            except ArithmeticError:
                assert indicator.target_text == final
            else:
                found = indicator.value(item["目標最終年度"], ValueKind.TARGET)
                assert found == expected or indicator.target_text == final

    assert len(sheet.outputs) == len(raw["アウトプット"])
    for output, item in zip(sheet.outputs, raw["アウトプット"], strict=True):
        assert (output.name, output.unit) == (_t(item["活動指標"]), _t(item["単位"]))
        for year in item["活動実績"]:
            assert _exact(output.value(year["年度"], ValueKind.ACTUAL), year["活動実績"])
            assert _exact(output.value(year["年度"], ValueKind.ESTIMATE), year["当初見込み"])

    links = raw["関連する過去のレビューシート"]
    assert [(link.fiscal_year, link.ministry) for link in sheet.predecessors] == [
        (link["年度"], link["府省庁"]) for link in links
    ]


def _variant(change: str) -> dict[str, Any]:
    record = copy.deepcopy(next(r for r in _records() if r["予算"] and r["支出先"]))
    budget, recipient = record["予算"][1], record["支出先"][0]
    if change == "text numbers":
        budget["執行額"], budget["当初予算"], recipient["支出額"] = "1,234.5", "△12", "－"
    elif change == "nulls":
        for key in ("担当部局庁", "担当課室", "作成責任者", "開始年度", "url", "会計区分", "予算"):
            record[key] = None
    elif change == "missing keys":
        for key in ("予算", "支出先", "アウトカム", "アウトプット", "url", "担当課室", "事業番号"):
            record.pop(key, None)
    elif change == "scalars for lists":
        record["会計区分"] = "一般会計"
        record["予算"] = budget
    elif change == "full-width digits":
        budget["執行額"] = "１２３．４"
    return record


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (
            "text numbers",
            lambda s: (
                (s.budgets[1].executed, s.budgets[1].initial_budget, s.recipients[0].amount)
                == (Decimal("1234.5"), Decimal(-12), None)
            ),
        ),
        ("nulls", lambda s: (s.header.bureau, s.accounts, s.budgets) == ("", [], [])),
        ("missing keys", lambda s: (s.budgets, s.recipients, s.indicators) == ([], [], [])),
        ("scalars for lists", lambda s: (s.accounts, len(s.budgets)) == (["一般会計"], 1)),
        ("full-width digits", lambda s: s.budgets[1].executed == Decimal("123.4")),
    ],
)
def test_shapes_of_records_are_accepted(change: str, check: Any) -> None:
    assert check(sheet_from_record(_variant(change)))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["予算"][2].update({"執行額": "abc"}), "予算[3].執行額"),
        (lambda r: r.pop("府省庁"), "府省庁"),
        (lambda r: r["予算"][0].pop("年度"), "予算[1].年度"),
        (lambda r: r.update({"支出先": ["x"]}), "支出先[1]"),
    ],
)
def test_a_bad_field_is_named(change: Any, field: str) -> None:
    record = copy.deepcopy(_records()[0])
    change(record)
    with pytest.raises(RecordError) as caught:
        sheet_from_record(record)
    assert caught.value.field == field


def _count(engine: Engine, table: Any) -> int:
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_bad_records_are_reported_and_skipped(engine: Engine, tmp_path: Path) -> None:
    records: list[Any] = _records()[:6]
    broken = copy.deepcopy(records[2])
    broken["予算"][0]["当初予算"] = "たくさん"
    lines = [orjson.dumps(r) for r in records[:2]]
    lines += [b'{"broken json', orjson.dumps(broken), orjson.dumps(records[3]), b"[1, 2]"]
    path = _write(tmp_path / "2019.ndjson.gz", lines)
    summary = import_files(engine=engine, paths=[path], batch=2)
    found = [(p.file, p.line, p.field) for p in summary.problems]
    assert found == [
        ("2019.ndjson.gz", 3, ""),
        ("2019.ndjson.gz", 4, "予算[1].当初予算"),
        ("2019.ndjson.gz", 6, ""),
    ]
    assert "2019.ndjson.gz 4行目 予算[1].当初予算" in summary.problems[1].describe()
    assert (summary.read, summary.new, summary.skipped) == (6, 3, 3)
    assert _count(engine, SheetRow) == 3


def test_reimport_is_idempotent_and_keeps_history(engine: Engine, tmp_path: Path) -> None:
    first = import_files(engine=engine, paths=[SAMPLE])
    assert (first.read, first.new, first.updated, first.skipped) == (34, 34, 0, 0)
    again = import_files(engine=engine, paths=[SAMPLE])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 34)

    records = _records()
    records[5]["予算"][0]["執行額"] = 12.345678
    changed = import_files(engine=engine, paths=[_write(tmp_path / "x.ndjson.gz", records)])
    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 33)
    sheet = sheet_from_record(records[5])
    with transaction(engine) as session:
        history = sheet_history(
            session=session,
            program_number=sheet.header.program_number,
            fiscal_year=sheet.header.fiscal_year,
            stage=Stage.REVIEW,
        )
        loaded = load_sheet(
            session=session,
            program_number=sheet.header.program_number,
            fiscal_year=sheet.header.fiscal_year,
            stage=Stage.REVIEW,
        )
    assert [revision.revision for revision in history] == [1, 2]
    assert loaded == sheet and loaded.budgets[0].executed == Decimal("12.345678")


@pytest.mark.parametrize("path", ["orm", "bulk"])
def test_national_sheets_load_back_exactly(engine: Engine, path: str) -> None:
    sheets = [sheet_from_record(record) for record in _records()]
    with transaction(engine) as session:
        if path == "orm":
            for sheet in sheets:
                save_sheet(session=session, sheet=sheet, source="fixture")
        else:
            save_sheets(session=session, sheets=[(sheet, "fixture") for sheet in sheets])
    with transaction(engine) as session:
        for sheet in sheets:
            number, year, stage = sheet.key
            loaded = load_sheet(
                session=session, program_number=number, fiscal_year=year, stage=stage
            )
            assert loaded is not None
            assert loaded.model_dump_json() == sheet.model_dump_json()


def _lineage(engine: Engine) -> tuple[dict[str, int], list[tuple[str, str | None, str]]]:
    with transaction(engine) as session:
        numbers = {
            sheet_id: number
            for sheet_id, number in session.execute(select(SheetRow.id, SheetRow.program_number))
        }
        programs = {
            numbers[sheet_id]: program_id
            for sheet_id, program_id in session.execute(
                select(NationalSheetRow.sheet_id, NationalSheetRow.program_id)
            )
        }
        links = [
            (numbers[a], None if b is None else numbers[b], how)
            for a, b, how in session.execute(
                select(
                    ProgramLinkRow.sheet_id,
                    ProgramLinkRow.predecessor_sheet_id,
                    ProgramLinkRow.how,
                )
            )
        ]
    return programs, links


def test_lineage_follows_links_merges_splits_renames_and_names(engine: Engine) -> None:
    records = _records()
    import_files(engine=engine, paths=[SAMPLE])
    programs, links = _lineage(engine)
    number = {id(r): sheet_from_record(r).header.program_number for r in records}
    stored = set(programs)

    def predecessors(record: dict[str, Any]) -> list[str]:
        found = []
        for link in record["関連する過去のレビューシート"]:
            parts = "-".join(link[f"事業番号{i}"] for i in (1, 2, 3) if link[f"事業番号{i}"])
            found.append(f"{link['年度']}-{link['府省庁']}-{parts}")
        return found

    by_link = {(a, b) for a, b, how in links if how == "link"}
    for record in records:
        for predecessor in predecessors(record):
            expected = predecessor if predecessor in stored else None
            assert (number[id(record)], expected) in by_link
            if expected is not None:  # merged, split and renamed programs stay one program
                assert programs[number[id(record)]] == programs[expected]
    merged = [r for r in records if sum(p in stored for p in predecessors(r)) >= 2]
    targets = [p for r in records for p in predecessors(r) if p in stored]
    split = [p for p in set(targets) if targets.count(p) >= 2]
    renamed = [
        r
        for r in records
        for p in predecessors(r)
        if p in stored and next(x for x in records if number[id(x)] == p)["事業名"] != r["事業名"]
    ]
    assert merged and split and renamed  # the fixture has each case
    assert sum(1 for _, b, how in links if how == "link" and b is None) == sum(
        1 for r in records for p in predecessors(r) if p not in stored
    )

    # Without links: the same 府省庁 and 事業名 in consecutive years, unique in both.
    by_name = [(a, b) for a, b, how in links if how == "name"]
    assert by_name
    for a, b in by_name:
        later = next(r for r in records if number[id(r)] == a)
        earlier = next(r for r in records if number[id(r)] == b)
        assert (later["府省庁"], later["事業名"]) == (earlier["府省庁"], earlier["事業名"])
        assert later["公開年度"] == earlier["公開年度"] + 1
        assert programs[a] == programs[b]
    chained = [r for r in records if r["公開年度"] == 2022]
    for record in chained:
        older = [
            r
            for r in records
            if (r["府省庁"], r["事業名"]) == (record["府省庁"], record["事業名"])
            and r["公開年度"] in (2020, 2021)
        ]
        if len(older) == 2:
            assert len({programs[number[id(r)]] for r in [record, *older]}) == 1


def test_cli_import_streams_judgit_files(sqlite_url: str) -> None:
    # SQLite only: the command does not dispose of its engine (PostgreSQL connections would
    # be closed by the garbage collector, with a warning); the library is tested on both.
    runner = CliRunner()
    result = runner.invoke(app, ["import", "--db", sqlite_url, str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "新規 34" in result.output
    # The work after the last record is announced, in order; no bar for other files.
    index, lineage = result.output.find("索引を作成"), result.output.find("事業をつないで")
    assert 0 <= index < lineage < result.output.find("新規 34")
    assert "取り込み " not in result.output.replace("取り込み(国)", "")
    again = runner.invoke(app, ["import", "--db", sqlite_url, str(SAMPLE)])
    assert "変更なし 34" in again.output


def test_implausible_years_are_unknown_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    # The 2021 data has one sheet with 開始年度 2 and outcomes with 目標最終年度 4048.
    records = _records()[1:4]  # the third has an outcome
    records[1]["開始年度"] = 2
    records[2]["アウトカム"] = [{**records[2]["アウトカム"][0], "目標最終年度": 4048}]
    path = _write(tmp_path / "2021.ndjson.gz", records)
    summary = import_files(engine=engine, paths=[path])
    assert (summary.new, summary.skipped) == (3, 0)
    assert [(w.file, w.line, w.field) for w in summary.warnings] == [
        ("2021.ndjson.gz", 2, "開始年度"),
        ("2021.ndjson.gz", 3, "アウトカム[1].目標最終年度"),
    ]
    assert "2021.ndjson.gz 2行目 開始年度" in summary.warnings[0].describe()
    assert sheet_from_record(records[1]).header.start_year is None
    assert sheet_from_record(records[2]).indicators[0].target.end_year is None
    assert sheet_from_record(records[0]).header.start_year == records[0]["開始年度"]
    # Labels of such years, wherever they still come from, do not fail.
    assert era_label(2) == "2年度" and era_short(2) == "2"
    assert era_label(2019) == "令和元年度"


def test_reimport_after_a_change_of_hashing_adds_no_revision(engine: Engine) -> None:
    # Stores written with another content hash (an earlier hyoka) re-import as unchanged.
    import_files(engine=engine, paths=[SAMPLE])
    with transaction(engine) as session:
        session.execute(update(SheetRow).values(content_hash="older"))
    again = import_files(engine=engine, paths=[SAMPLE])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 34)
    with transaction(engine) as session:
        assert session.scalar(select(func.max(SheetRow.revision))) == 1
        hashes = set(session.scalars(select(SheetRow.content_hash)))
    assert "older" not in hashes and len(hashes) == 34
