"""The reports over the RS system's 2024 sheets (円) beside their JUDGIT! predecessors (百万円).

The store holds the RS fixture (tests/data/rs/2024: every row of 11 programs) and the 15
JUDGIT! lines of their predecessors (tests/data/rs/judgit-predecessors.ndjson.gz, 2021 and
2022). Every expected figure is computed here from the CSVs with the csv module and from
the JUDGIT! lines with orjson, not with the importers' or the reports' helpers.

Two things the sources differ in and the reports must not mix: the unit (JUDGIT! 百万円,
RS 円: the reports add yen) and the 予算計 (JUDGIT!'s has 翌年度へ繰越し taken off, RS's
計（歳出予算現額合計） has not: the reports take it off, so that a program's series keeps one
meaning where the two sources meet).
"""

from __future__ import annotations

import csv
import gzip
import shutil
from collections import Counter
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from hyoka.analytics import REPORTS, Filters
from hyoka.display import year_short
from hyoka.importers.judgit_import import import_files
from hyoka.importers.rs_import import import_rs
from hyoka.model import SheetKind
from hyoka.store import transaction

DATA = Path(__file__).parent / "data" / "rs"
FIXTURE = DATA / "2024"
JUDGIT = DATA / "judgit-predecessors.ndjson.gz"
MILLION = Decimal(1_000_000)
NATIONAL = Filters(kind=SheetKind.NATIONAL)


def _table(prefix: str, folder: Path = FIXTURE) -> tuple[list[str], list[dict[str, str]]]:
    (path,) = folder.glob(f"{prefix}_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def _yen(text: str) -> Decimal | None:
    text = text.replace(",", "").strip()
    return Decimal(text) if text else None


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if not whole else (part / whole).quantize(Decimal("0.001"), ROUND_HALF_UP)


def _rs_years() -> dict[int, dict[int, tuple[Decimal, Decimal | None]]]:
    """Per 予算事業ID and 予算年度: (予算計 as the reports mean it, 執行額) in yen, from 2-1's
    summary rows (those without 会計区分/会計): 計（歳出予算現額合計） − 翌年度への繰越し."""
    _, rows = _table("2-1")
    found: dict[int, dict[int, tuple[Decimal, Decimal | None]]] = {}
    for row in rows:
        if row["会計区分"] or row["会計"]:
            continue
        total = _yen(row["計（歳出予算現額合計）"])
        assert total is not None
        carried = _yen(row["翌年度への繰越し(合計）"]) or Decimal(0)
        executed = _yen(row["執行額（合計）"])
        found.setdefault(int(row["予算事業ID"]), {})[int(row["予算年度"])] = (
            total - carried,
            executed,
        )
    return found


def _judgit() -> list[dict[str, Any]]:
    with gzip.open(JUDGIT) as stream:
        return [orjson.loads(line) for line in stream]


def _programs() -> dict[int, tuple[str, str]]:
    _, rows = _table("1-2")
    return {int(row["予算事業ID"]): (row["府省庁"], row["事業名"]) for row in rows}


def _import(engine: Engine, *folders: Path) -> None:
    import_files(engine=engine, paths=[JUDGIT], jobs=1)
    for folder in folders or (FIXTURE,):
        import_rs(engine=engine, paths=[folder])


def _run(engine: Engine, slug: str, filters: Filters = NATIONAL) -> Any:
    with transaction(engine) as session:
        return REPORTS[slug].run(session=session, filters=replace(filters, limit=500))


def _records(result: Any, table: str) -> list[dict[str, Any]]:
    return [dict(record) for record in result.table(table).records()]


def test_execution_of_each_rs_program_in_yen(engine: Engine) -> None:
    _import(engine)
    years = _rs_years()
    expected_total = {"total": Decimal(0), "executed": Decimal(0)}
    for project_id in _programs():
        # A 2024 sheet's latest closed year is 2023 (its 2024 執行額 is not final).
        total, executed = years[project_id][2023]
        assert executed is not None
        result = _run(
            engine, "execution", Filters(kind=SheetKind.NATIONAL, program=f"RS-{project_id}")
        )
        (row,) = _records(result, "programs")
        assert (row["fiscal_year"], row["sheet_year"]) == (2023, 2024)
        assert (Decimal(row["total_yen"]), Decimal(row["executed_yen"])) == (total, executed)
        assert Decimal(row["gap_yen"]) == total - executed
        rate = _rate(executed, total)
        assert (None if row["rate"] is None else Decimal(row["rate"])) == rate
        expected_total["total"] += total
        expected_total["executed"] += executed
    (total_2023,) = [
        row for row in _records(_run(engine, "execution"), "totals") if row["fiscal_year"] == 2023
    ]
    assert total_2023["programs"] == len(_programs())
    assert Decimal(total_2023["total_yen"]) == expected_total["total"]
    assert Decimal(total_2023["executed_yen"]) == expected_total["executed"]
    assert any("翌年度への繰越し" in note for note in _run(engine, "execution").notes)


def test_the_rs_total_less_its_carry_over_is_the_judgit_total_of_the_same_year(
    engine: Engine,
) -> None:
    """Why the reports take 翌年度への繰越し off the RS 予算計: the 2021 figures of the 2022
    JUDGIT! sheets (百万円, rounded) are then the RS 2024 sheets' 2021 figures (円)."""
    years = _rs_years()
    programs = {key: project_id for project_id, key in _programs().items()}
    compared = 0
    for record in _judgit():
        project_id = programs.get((record["府省庁"], record["事業名"]))
        if record["公開年度"] != 2022 or project_id is None:
            continue
        for item in record["予算"]:
            # (船舶活用医療推進経費 has 0 in JUDGIT! 2022, a new program's year before its
            # budget; RS gives what it was then allotted.)
            if item["年度"] == 2021 and item.get("予算計") and 2021 in years[project_id]:
                total, _ = years[project_id][2021]
                # JUDGIT! prints whole 百万円 (each part cut to the 百万円): within one.
                judgit = Decimal(str(item["予算計"])) * MILLION
                assert abs(total - judgit) < MILLION, record["事業名"]
                compared += 1
    assert compared == 7


def _expected_series(project_id: int) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """A linked program's 予算計 and 執行額 per year in yen: each figure from the newest sheet
    printing it (RS 2024, else JUDGIT! 2022, else 2021); 執行額 only of closed years (a sheet
    of year Y closes Y−1)."""
    key = _programs()[project_id]
    sheets: list[tuple[int, dict[int, tuple[Decimal | None, Decimal | None]]]] = []
    for record in _judgit():
        if (record["府省庁"], record["事業名"]) != key:
            continue
        figures: dict[int, tuple[Decimal | None, Decimal | None]] = {}
        for item in record["予算"]:
            total = item.get("予算計")
            executed = item.get("執行額") if item["年度"] <= record["公開年度"] - 1 else None
            figures[item["年度"]] = (
                None if total is None else Decimal(str(total)) * MILLION,
                None if executed is None else Decimal(str(executed)) * MILLION,
            )
        sheets.append((record["公開年度"], figures))
    rs = {
        year: (total, executed if year <= 2023 else None)
        for year, (total, executed) in _rs_years()[project_id].items()
    }
    sheets.append((2024, rs))  # type: ignore[arg-type]
    sheets.sort(key=lambda item: item[0])
    series: dict[int, list[Decimal | None]] = {}
    for _year, figures in sheets:
        for year, (total, executed) in figures.items():
            found = series.setdefault(year, [None, None])
            if total is not None:
                found[0] = total
            if executed is not None:
                found[1] = executed
    return {year: (values[0], values[1]) for year, values in series.items()}


def _linked() -> list[int]:
    """The RS programs whose 府省庁 and 事業名 are those of one JUDGIT! 2022 sheet."""
    names = Counter((r["府省庁"], r["事業名"]) for r in _judgit() if r["公開年度"] == 2022)
    return sorted(pid for pid, key in _programs().items() if names[key] == 1)


def test_a_programs_series_joins_judgit_and_rs_in_one_unit(engine: Engine, db_url: str) -> None:
    from web_support import client_for

    _import(engine)
    linked = _linked()
    full = 0
    for project_id in linked:
        expected = _expected_series(project_id)
        filters = Filters(kind=SheetKind.NATIONAL, program=f"RS-{project_id}")
        result = _run(engine, "changes", filters)
        rows = {row["fiscal_year"]: row for row in _records(result, "years")}
        got = {
            year: (
                None if row["total_yen"] is None else Decimal(row["total_yen"]),
                None if row["executed_yen"] is None else Decimal(row["executed_yen"]),
            )
            for year, row in rows.items()
        }
        assert got == {year: value for year, value in expected.items() if value != (None, None)}
        sheets = _records(result, "sheets")
        assert {row["sheet_year"] for row in sheets} >= {2022, 2024}
        if all(got.get(year, (None, None))[0] is not None for year in range(2019, 2025)):
            full += 1
        # The chart: one unit (百万円) for every year, JUDGIT!'s and RS's alike.
        (chart,) = result.charts()
        assert "百万円" in chart.title
        budget = {row[0]: row[1] for row in chart.rows}
        for year, (total, _) in got.items():
            if total is not None:
                shown = Decimal(budget[year_short(year)].replace(",", ""))
                assert shown * MILLION == total, (project_id, year)
    assert len(linked) == 8 and full == 8  # every linked program runs 2019–2024 (from 2018)
    # The API gives the same series in yen.
    with client_for(db_url) as client:
        document = client.get(
            "/api/analytics/changes", params={"kind": "national", "program": f"RS-{linked[0]}"}
        ).json()
    (years_table,) = [table for table in document["tables"] if table["key"] == "years"]
    api = {row["fiscal_year"]: row["total_yen"] for row in years_table["rows"]}
    expected = _expected_series(linked[0])
    assert {int(year): Decimal(total) for year, total in api.items() if total is not None} == {
        year: total for year, (total, _) in expected.items() if total is not None
    }


def test_quality_checks_the_rs_total_by_its_own_definition_in_yen(
    engine: Engine, tmp_path: Path
) -> None:
    _import(engine)
    issues = _records(_run(engine, "quality"), "issues")
    assert not [
        row
        for row in issues
        if row["check"] == "budget.total_mismatch" and row["program_number"].startswith("RS-")
    ]
    # One yen too many in one program's 2023 計 (an edited copy of the CSV) is found, in 円.
    folder = tmp_path / "rs"
    shutil.copytree(FIXTURE, folder)
    (path,) = folder.glob("2-1_*.csv")
    header, rows = _table("2-1", folder)
    target = next(
        r for r in rows if r["予算事業ID"] == "46" and r["予算年度"] == "2023" and not r["会計"]
    )
    target["計（歳出予算現額合計）"] = str(int(target["計（歳出予算現額合計）"]) + 1)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([row[name] for name in header] for row in rows)
    import_rs(engine=engine, paths=[folder])
    found = [
        row
        for row in _records(_run(engine, "quality"), "issues")
        if row["check"] == "budget.total_mismatch" and row["program_number"].startswith("RS-")
    ]
    assert [row["program_number"] for row in found] == ["RS-46"]
    message = found[0]["message"]
    assert "令和5年度" in message and " 1 円" in message and "百万円" not in message


def test_reports_without_rs_data_are_unchanged_by_the_rs_sheets(engine: Engine) -> None:
    """The RS download has no 3-1 indicators: achievement, at-risk and unit cost have nothing
    of the RS sheets, and the JUDGIT! rows stay as they were."""
    import_files(engine=engine, paths=[JUDGIT], jobs=1)
    slugs = ("achievement", "at-risk", "unit-cost")
    before = {slug: _run(engine, slug).tables for slug in slugs}
    import_rs(engine=engine, paths=[FIXTURE])
    for slug in slugs:
        result = _run(engine, slug)
        for table, earlier in zip(result.tables, before[slug], strict=True):
            assert table.records() == earlier.records(), (slug, table.key)
            assert not any(
                str(record.get("program_number", "")).startswith("RS-")
                for record in table.records()
            )


def test_open_data_gives_every_national_figure_with_its_unit(engine: Engine, db_url: str) -> None:
    from web_support import client_for

    _import(engine)
    years = _rs_years()

    def table(client: Any, name: str) -> list[dict[str, str]]:
        text = client.get(f"/opendata/{name}.csv").content.decode("utf-8-sig")
        return list(csv.DictReader(text.splitlines()))

    with client_for(db_url) as client:
        sheets = {row["id"]: row for row in table(client, "sheets")}
        units = {row["sheet_id"]: row["money_unit"] for row in table(client, "national_sheets")}
        budgets = table(client, "budgets")
    rs = {sid for sid, row in sheets.items() if row["program_number"].startswith("RS-")}
    assert len(rs) == len(_programs())
    assert {units[sid] for sid in rs} == {"円"}
    assert {units[sid] for sid in units if sid not in rs} == {"百万円"}
    for row in budgets:
        if row["sheet_id"] not in rs:
            continue
        project_id = int(sheets[row["sheet_id"]]["program_number"].removeprefix("RS-"))
        year = int(row["fiscal_year"])
        if year in years[project_id] and row["executed"]:
            # The open data keeps the sheet's own figure (円), with its unit beside it.
            assert Decimal(row["executed"]) == years[project_id][year][1]


def _later_year(folder: Path, project_id: int, year: int, response: str) -> Path:
    """A copy of one program's rows of every table with 事業年度 ``year``, its first
    過去に受けた指摘事項 answered with ``response`` and a 反映額（一般会計） of −1,000,000 円."""
    folder.mkdir()
    for path in FIXTURE.glob("*.csv"):
        header, rows = _table(path.name[:3])
        mine = [row for row in rows if int(row["予算事業ID"]) == project_id]
        for row in mine:
            row["事業年度"] = str(year)
            if path.name.startswith("4-1"):
                if row["過去に受けた指摘事項－取りまとめ内容"]:
                    row["過去に受けた指摘事項－対応状況"] = response
                row["反映額（一般会計）"] = "-1000000"
        with (folder / path.name).open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([row[name] for name in header] for row in mine)
    return folder


def test_a_finding_is_followed_across_years_with_its_reflected_amounts(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """指摘 → 対応状況 → 反映額 over a program's years.

    Only one RS year (2024) exists, so the second year is constructed: program 648's rows
    copied with 事業年度 2025, a new 対応状況 for its 公開プロセス finding and a 反映額 of
    −1,000,000 円. The program's JUDGIT! sheets (2021, 2022, 百万円) are in its lineage too.
    """
    from hyoka.model import Stage
    from hyoka.reviews import finding_trail
    from hyoka.store import load_sheet, load_sheets
    from web_support import client_for

    later = _later_year(tmp_path / "rs2025", 648, 2025, "2025年度：一者応札の割合を公表した。")
    _import(engine, FIXTURE, later)
    _, review_rows = _table("4-1")
    mine = [row for row in review_rows if row["予算事業ID"] == "648"]
    # Independently: the findings of 648 as the CSV lists them (a row per combination).
    review = {
        (r["過去に受けた指摘事項－区分"], int(r["過去に受けた指摘事項－取りまとめ年度"])): (
            r["過去に受けた指摘事項－取りまとめ内容"],
            r["過去に受けた指摘事項－対応状況"],
        )
        for r in mine
        if r["過去に受けた指摘事項－取りまとめ内容"]
    }
    other = {
        (r["その他の指摘事項－調査等の名称"], int(r["その他の指摘事項－指摘年度"])): (
            r["その他の指摘事項－指摘内容"],
            r["その他の指摘事項－対応状況"],
        )
        for r in mine
        if r["その他の指摘事項－指摘内容"]
    }
    with transaction(engine) as session:
        sheet_2024 = load_sheet(
            session=session, program_number="RS-648", fiscal_year=2024, stage=Stage.REVIEW
        )
        assert sheet_2024 is not None
        ids = {
            item.sheet.header.fiscal_year: item.sheet_id
            for item in load_sheets(session=session)
            if item.sheet.header.program_name == "放射性物質汚染廃棄物処理事業"
        }
        trail = finding_trail(session=session, sheet_id=ids[2024])
    assert [item.fiscal_year for item in trail.sheets] == [2021, 2022, 2024, 2025]
    assert {item.money_unit.value for item in trail.sheets} == {"百万円", "円"}
    assert len(trail.findings) == len(review) + len(other)
    for item in trail.findings:
        assert [step.fiscal_year for step in item.steps] == [2024, 2025]
        source = (review if item.kind.value == "review" else other)[(item.origin, item.fiscal_year)]
        assert item.finding.strip() == source[0].strip()
        assert item.steps[0].response.strip() == source[1].strip()
        if item.kind.value == "review":
            assert item.steps[1].response == "2025年度：一者応札の割合を公表した。"
        else:
            assert item.steps[1].response == item.steps[0].response
    # 反映額: none given on the 2024 sheet (a 反映状況 only), −1,000,000 円 on the 2025 copy.
    reflected = {item.fiscal_year: item for item in trail.reflected}
    assert (
        reflected[2024].total_yen is None
        and reflected[2024].reflection == mine[0]["所見を踏まえた改善点／概算要求における反映状況"]
    )
    assert reflected[2025].total_yen == Decimal(-1_000_000)
    # The same trail from the later sheet, on the page and in the API.
    with transaction(engine) as session:
        assert finding_trail(session=session, sheet_id=ids[2025]) == trail
    with client_for(db_url) as client:
        page = client.get(f"/sheets/{ids[2025]}").text
        assert "この事業の各年度" in page and "2025年度：一者応札の割合を公表した。" in page
        assert "△1,000,000" in page and f'href="/sheets/{ids[2021]}"' in page
        document = client.get(f"/api/sheets/{ids[2024]}/trail").json()
        assert client.get("/api/sheets/999999/trail").status_code == 404
    assert [item["fiscal_year"] for item in document["sheets"]] == [2021, 2022, 2024, 2025]
    assert len(document["findings"]) == len(trail.findings)
    assert document["reflected"][-1]["total_yen"] == "-1000000"


@pytest.mark.parametrize(
    "slug", ["execution", "unit-cost", "at-risk", "changes", "quality", "achievement"]
)
def test_the_city_is_a_kind_in_every_dashboard_and_the_open_data(
    engine: Engine, db_url: str, slug: str
) -> None:
    from hyoka.importers.city_import import import_city_workbook
    from web_support import client_for

    sample = Path(__file__).parent / "data" / "ofunato" / "report_sample.xlsx"
    import_city_workbook(engine=engine, path=sample)
    with client_for(db_url) as client:
        page = client.get(f"/analytics/{slug}", params={"kind": "municipal"})
        assert page.status_code == 200
        assert '<option value="municipal" selected>市町村</option>' in page.text
        api = client.get(f"/api/analytics/{slug}", params={"kind": "municipal"})
        assert api.status_code == 200
        if slug == "unit-cost":
            rows = api.json()["tables"][0]["rows"]
            assert rows and {row["kind"] for row in rows} == {"municipal"}
        if slug == "execution":
            sheets = client.get("/opendata/sheets.csv").content.decode("utf-8-sig")
            kinds = Counter(row["kind"] for row in csv.DictReader(sheets.splitlines()))
            assert set(kinds) == {"municipal"} and kinds["municipal"] > 0
