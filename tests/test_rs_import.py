"""The RS system's CSV tables: every table read into the sheets, checked against the CSVs.

The fixture (tests/data/rs/2024, see tests/data/README.md) holds every row of 11 programs
from each of the 13 tables. Expected values are computed here from the CSVs with the csv
module alone, not with the importer's helpers.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.importers.rs_import import import_rs
from hyoka.importers.rs_tables import is_rs_path
from hyoka.model import FindingKind, MoneyUnit, SheetKind, Stage
from hyoka.store import load_sheet, transaction
from hyoka.store.schema.rs import BudgetItemsRow, ReviewFindingsRow, ReviewsRow

FIXTURE = Path(__file__).parent / "data" / "rs" / "2024"
COMMON = 13


def _read(prefix: str) -> tuple[list[str], list[dict[str, str]]]:
    (path,) = FIXTURE.glob(f"{prefix}_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def _ids() -> list[int]:
    return sorted({int(row["予算事業ID"]) for row in _read("1-2")[1]})


def _blank(header: list[str], row: dict[str, str]) -> bool:
    return not any(row[name].strip() for name in header[COMMON:])


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rs"
    shutil.copytree(FIXTURE, target)
    return target


def _zipped(tmp_path: Path) -> Path:
    # As the site distributes them: one ZIP per table, each holding its CSV.
    folder = tmp_path / "zips"
    folder.mkdir()
    for path in FIXTURE.glob("*.csv"):
        with zipfile.ZipFile(folder / f"{path.stem}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, path.name)
    return folder


def _sheet(engine: Engine, project_id: int):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        sheet = load_sheet(
            session=session, program_number=f"RS-{project_id}", fiscal_year=2024, stage=Stage.REVIEW
        )
    assert sheet is not None
    return sheet


def test_the_tables_are_recognised_by_their_header(tmp_path: Path) -> None:
    assert is_rs_path(FIXTURE) and is_rs_path(_zipped(tmp_path))
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    assert not is_rs_path(other)
    assert not is_rs_path(Path(__file__))


def test_every_program_and_table_is_stored(engine: Engine, tmp_path: Path) -> None:
    summary = import_rs(engine=engine, paths=[_zipped(tmp_path)])
    ids = _ids()
    assert (summary.store.new, summary.store.skipped, summary.sheets_skipped) == (len(ids), 0, 0)
    assert not summary.refused and not summary.store.problems
    # Per table: every row read, and each either placed, blank (only the 13 columns) or a
    # repeat of what the program already had; none skipped.
    for prefix, count in summary.tables.items():
        header, rows = _read(prefix)
        assert count.rows == len(rows), prefix
        assert count.blank == sum(_blank(header, row) for row in rows), prefix
        assert count.placed + count.blank + count.repeated == count.rows, prefix
        assert count.skipped == 0
    assert len(summary.tables) == 13
    # Lists that are items row by row are stored row by row.
    header, items = _read("2-2")
    with transaction(engine) as session:
        stored = session.scalar(select(func.count()).select_from(BudgetItemsRow))
    assert stored == sum(not _blank(header, row) for row in items)

    again = import_rs(engine=engine, paths=[_copy(tmp_path)])
    assert (again.store.new, again.store.updated, again.store.unchanged) == (0, 0, len(ids))


def test_a_sheet_holds_its_figures_exactly_in_yen(engine: Engine, tmp_path: Path) -> None:
    import_rs(engine=engine, paths=[_copy(tmp_path)])
    _, overview = _read("1-2")
    _, summary_rows = _read("2-1")
    for project_id in _ids():
        sheet = _sheet(engine, project_id)
        first = next(row for row in overview if int(row["予算事業ID"]) == project_id)
        assert sheet.header.kind is SheetKind.NATIONAL and sheet.money_unit is MoneyUnit.YEN
        assert sheet.project_id == project_id
        assert (sheet.header.program_name, sheet.header.department) == (
            first["事業名"],
            first["府省庁"],
        )
        assert sheet.purpose == first["事業の目的"].strip()
        assert sheet.program_category == first["事業区分"]
        mine = [r for r in summary_rows if int(r["予算事業ID"]) == project_id]
        totals = {
            int(r["予算年度"]): Decimal(r["計（歳出予算現額合計）"])
            for r in mine
            if not r["会計区分"] and r["計（歳出予算現額合計）"]
        }
        assert {b.fiscal_year: b.total for b in sheet.budgets if b.total is not None} == totals
        # 翌年度要求額 of the sheet's year is the next year's request.
        request = next(
            Decimal(r["翌年度要求額（合計）"])
            for r in mine
            if r["予算年度"] == "2024" and not r["会計区分"]
        )
        assert next(b.requested for b in sheet.budgets if b.fiscal_year == 2025) == request
        accounts = [r for r in mine if r["会計区分"]]
        assert len(sheet.budget_accounts) == len(accounts)
        for stored, row in zip(sheet.budget_accounts, accounts, strict=True):
            assert stored.executed == (Decimal(row["執行額"]) if row["執行額"] else None)
            assert stored.supplementary[0] == (
                Decimal(row["第1次補正予算"]) if row["第1次補正予算"] else None
            )


def test_the_review_and_its_findings(engine: Engine, tmp_path: Path) -> None:
    import_rs(engine=engine, paths=[_copy(tmp_path)])
    header, rows = _read("4-1")
    for project_id in _ids():
        mine = [r for r in rows if int(r["予算事業ID"]) == project_id]
        sheet = _sheet(engine, project_id)
        if all(_blank(header, r) for r in mine):
            assert sheet.review is None
            continue
        review = sheet.review
        assert review is not None
        assert review.verdict == mine[0]["行政事業レビュー推進チームの所見"]
        assert review.reflection == mine[0]["所見を踏まえた改善点／概算要求における反映状況"]
        past = {
            (r["過去に受けた指摘事項－区分"], r["過去に受けた指摘事項－取りまとめ内容"])
            for r in mine
            if r["過去に受けた指摘事項－取りまとめ内容"] or r["過去に受けた指摘事項－区分"]
        }
        other = {
            (r["その他の指摘事項－調査等の名称"], r["その他の指摘事項－指摘内容"])
            for r in mine
            if r["その他の指摘事項－指摘内容"] or r["その他の指摘事項－調査等の名称"]
        }
        kinds = Counter(finding.kind for finding in review.findings)
        assert (kinds[FindingKind.REVIEW], kinds[FindingKind.OTHER]) == (len(past), len(other))
        general = {Decimal(r["反映額（一般会計）"]) for r in mine if r["反映額（一般会計）"]}
        special = {
            Decimal(r["反映額（特別会計）－反映額"])
            for r in mine
            if r["反映額（特別会計）－反映額"]
        }
        assert review.reflected_total() == (
            sum(general | special, Decimal(0)) if general | special else None
        )
    # 645: three years of 会計検査院's findings, in order.
    findings = _sheet(engine, 645).review.findings  # type: ignore[union-attr]
    assert [f.fiscal_year for f in findings] == [2021, 2022, 2023]
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReviewsRow)) == sum(
            _sheet(engine, i).review is not None for i in _ids()
        )
        assert session.scalar(select(func.count()).select_from(ReviewFindingsRow)) >= 3


def test_columns_are_found_by_name_not_position(engine: Engine, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (path,) = folder.glob("2-1_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    # Reverse the columns after the common 13, and the order of the programs (ids out of
    # order are read through a spool), each program's rows kept in their order.
    shuffled = [row[:COMMON] + row[COMMON:][::-1] for row in rows]
    programs: dict[str, list[list[str]]] = {}
    for row in shuffled[1:]:
        programs.setdefault(row[2], []).append(row)
    shuffled = [shuffled[0], *(row for key in reversed(programs) for row in programs[key])]
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(shuffled)
    import_rs(engine=engine, paths=[folder])
    expected = import_rs(engine=engine, paths=[_copy(tmp_path / "again")])
    assert expected.store.unchanged == len(_ids())


def test_commas_full_width_digits_and_bad_cells(engine: Engine, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (path,) = folder.glob("2-1_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    total = header.index("計（歳出予算現額合計）")
    initial = header.index("当初予算（合計）")
    first = next(i for i, row in enumerate(rows) if row[2] == "1" and row[total])
    value = Decimal(rows[first][total])
    rows[first][total] = f"{int(value):,}"  # 33,498,000
    original = int(Decimal(rows[first][initial]))
    rows[first][initial] = str(original).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    bad = next(i for i, row in enumerate(rows) if row[2] == "4" and row[total])
    rows[bad][total] = "三百万"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows([header, *rows])

    summary = import_rs(engine=engine, paths=[folder])
    sheet = _sheet(engine, 1)
    year = int(rows[first][header.index("予算年度")])
    row = next(b for b in sheet.budgets if b.fiscal_year == year)
    assert (row.total, row.initial_budget) == (value, original)
    (problem,) = summary.store.problems
    # Line numbers count physical lines: records before may hold line breaks.
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        for index, _ in enumerate(reader):
            if index == bad + 1:
                end = reader.line_num
    assert (problem.file, problem.field) == (path.name, "計(歳出予算現額合計)")
    assert problem.line <= end and "三百万" in problem.reason
    assert summary.tables["2-1"].skipped == 1 and summary.store.new == len(_ids())
    # The sheet keeps its other rows; the bad year is missing from its budgets only.
    assert _sheet(engine, 4).budget_accounts


def test_a_table_without_a_column_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (path,) = folder.glob("5-3_*.csv")
    text = path.read_text(encoding="utf-8-sig").replace(",使途,", ",使い道,", 1)
    path.write_text(text, encoding="utf-8-sig")
    summary = import_rs(engine=engine, paths=[folder])
    (refused,) = summary.refused
    assert (refused.file, refused.line, refused.field) == (path.name, 1, "使途")
    assert "5-3" not in summary.files and summary.store.new == len(_ids())


def test_cli_imports_a_folder_with_the_counts(sqlite_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["import", "--db", sqlite_url, str(_zipped(tmp_path))])
    assert result.exit_code == 0, result.output
    assert f"新規 {len(_ids())}" in result.output
    assert "4-1 点検・評価: 行 " in result.output and "府省庁+事業名" in result.output


@pytest.mark.parametrize("rule", ["name"])
def test_rs_sheets_link_to_their_judgit_predecessors(
    engine: Engine, tmp_path: Path, rule: str
) -> None:
    from hyoka.importers.judgit_import import import_files
    from hyoka.store.schema.national import NationalSheetRow, ProgramLinkRow
    from hyoka.store.schema.sheets import SheetRow

    judgit = Path(__file__).parent / "data" / "rs" / "judgit-predecessors.ndjson.gz"
    import_files(engine=engine, paths=[judgit], jobs=1)
    summary = import_rs(engine=engine, paths=[_copy(tmp_path)])
    lineage = summary.store.lineage
    assert lineage is not None
    # Independently: the RS programs whose 府省庁 and 事業名 are those of exactly one
    # JUDGIT! sheet of 2022 (the nearest earlier year).
    import gzip

    import orjson

    with gzip.open(judgit) as stream:
        records = [orjson.loads(line) for line in stream]
    names = Counter((r["府省庁"], r["事業名"]) for r in records if r["公開年度"] == 2022)
    _, overview = _read("1-2")
    programs = {int(r["予算事業ID"]): (r["府省庁"], r["事業名"]) for r in overview}
    expected = {pid for pid, key in programs.items() if names[key] == 1}
    assert expected and lineage.name_matches >= len(expected)
    with transaction(engine) as session:
        linked = set(
            session.scalars(
                select(NationalSheetRow.project_id)
                .join(ProgramLinkRow, ProgramLinkRow.sheet_id == NationalSheetRow.sheet_id)
                .join(SheetRow, SheetRow.id == ProgramLinkRow.predecessor_sheet_id)
                .where(ProgramLinkRow.rule == rule, SheetRow.fiscal_year == 2022)
            )
        )
    assert linked == expected


def test_the_review_is_on_the_sheet_page_and_in_the_api(engine: Engine, tmp_path: Path) -> None:
    from hyoka.render.html import sheet_fragment

    import_rs(engine=engine, paths=[_copy(tmp_path)])
    sheet = _sheet(engine, 497)
    review = sheet.review
    assert review is not None and review.reflected
    page = str(sheet_fragment(sheet))
    assert "点検・評価" in page and review.verdict in page
    # 反映額 in the sheet's unit, 円, with its thousands separators.
    amount = review.reflected[-1].amount
    assert amount is not None
    assert "反映額（円）" in page and f"{abs(int(amount)):,}" in page
    findings = _sheet(engine, 645).review.findings  # type: ignore[union-attr]
    page = str(sheet_fragment(_sheet(engine, 645)))
    assert "令和3年度" in page and findings[0].origin in page
