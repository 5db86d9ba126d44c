"""The cross-sheet reports, on SQLite and PostgreSQL, over prefecture and national sheets.

Expected values are computed here by plain Python over the model objects the test saves
(simple comparisons and sums written out, not the rules or the SQL under test).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from hyoka.analytics import (
    ALL,
    CHECKS,
    Scope,
    achievement_report,
    at_risk_report,
    changes_report,
    execution_report,
    quality_report,
    unit_cost_report,
)
from hyoka.cli import app
from hyoka.model import (
    BudgetRow,
    Comparison,
    CostRow,
    Header,
    Indicator,
    IndicatorValue,
    MoneyUnit,
    Sheet,
    SheetKind,
    SheetLink,
    Stage,
    TargetSpec,
    ValueKind,
)
from hyoka.store import create_engine_for, migrate, save_sheet, transaction
from hyoka.store.sheets.lineage import rebuild_lineage
from sheets import other_sheet, sample_sheet

D = Decimal


def _values(kind: ValueKind, figures: dict[int, str | int] | None) -> list[IndicatorValue]:
    return [
        IndicatorValue(fiscal_year=year, kind=kind, value=D(str(value)))
        for year, value in (figures or {}).items()
    ]


def outcome(
    name: str,
    *,
    unit: str = "件",
    actuals: dict[int, str | int] | None = None,
    targets: dict[int, str | int] | None = None,
    end_year: int | None = None,
    comparison: Comparison = Comparison.AT_LEAST,
) -> Indicator:
    return Indicator(
        number="1",
        name=name,
        goal=f"{name}を増やす",
        unit=unit,
        target=TargetSpec(comparison=comparison, end_year=end_year),
        values=[*_values(ValueKind.ACTUAL, actuals), *_values(ValueKind.TARGET, targets)],
    )


def budget(year: int, total: str | None, executed: str | None = None, **parts: str) -> BudgetRow:
    fields: dict[str, Any] = {"fiscal_year": year, "total": None if total is None else D(total)}
    if executed is not None:
        fields["executed"] = D(executed)
    fields |= {key: D(value) for key, value in parts.items()}
    return BudgetRow(**fields)


def national(
    number: str,
    year: int,
    name: str,
    ministry: str = "国土交通省",
    *,
    budgets: list[BudgetRow],
    outcomes: list[Indicator] = (),  # type: ignore[assignment]
    outputs: list[Indicator] = (),  # type: ignore[assignment]
    predecessors: list[SheetLink] = (),  # type: ignore[assignment]
) -> Sheet:
    return Sheet(
        header=Header(
            kind=SheetKind.NATIONAL,
            program_number=number,
            program_name=name,
            department=ministry,
            bureau="総合政策局",
            section="政策課",
            fiscal_year=year,
            stage=Stage.REVIEW,
        ),
        money_unit=MoneyUnit.MILLION_YEN,
        budgets=budgets,
        indicators=list(outcomes),
        outputs=list(outputs),
        predecessors=list(predecessors),
    )


def _parts(
    *,
    initial: str,
    supplementary: str = "0",
    carried_over: str = "0",
    carried_forward: str = "0",
    reserve: str = "0",
) -> dict[str, str]:
    return {
        "initial_budget": initial,
        "supplementary": supplementary,
        "carried_over": carried_over,
        "carried_forward": carried_forward,
        "reserve": reserve,
    }


# --- The sheets --------------------------------------------------------------------------

ROAD_2021 = national(
    "2021-国交-21-0001",
    2021,
    "道路点検支援事業",
    budgets=[
        budget(2019, "100", "90", **_parts(initial="100")),
        budget(2020, "120.5", "100.25", **_parts(initial="100", supplementary="20.5")),
        budget(2021, "130", **_parts(initial="130")),
    ],
    outcomes=[
        outcome("点検済み橋梁数", actuals={2019: 50, 2020: 80}, targets={2019: 60, 2020: 70})
    ],
    outputs=[outcome("点検講習会の開催数", unit="回", actuals={2019: 10, 2020: 12})],
)
# The same program a year later, renamed, linked to the earlier sheet.
ROAD_2022 = national(
    "2022-国交-22-0007",
    2022,
    "道路・橋梁点検支援事業",
    budgets=[
        budget(2020, "120.5", "100.5", **_parts(initial="100", supplementary="20.5")),
        budget(2021, "130", "97.5", **_parts(initial="130")),
        budget(2022, "150", **_parts(initial="150")),
    ],
    outcomes=[
        outcome("点検済み橋梁数", unit="橋", actuals={2020: 80, 2021: 85}, targets={2021: 90}),
        # 1,000 by 2025 from 100 in 2019: +50 a year so far, +200 a year needed.
        outcome(
            "長寿命化計画の策定数",
            actuals={2019: 100, 2020: 150, 2021: 200},
            targets={2025: 1000},
            end_year=2025,
        ),
    ],
    outputs=[outcome("点検講習会の開催数", unit="回", actuals={2020: 12, 2021: 13})],
    predecessors=[
        SheetLink(fiscal_year=2021, ministry="国土交通省", program_number="2021-国交-21-0001")
    ],
)
CARE_2022 = national(
    "2022-厚労-22-0100",
    2022,
    "介護人材確保事業",
    "厚生労働省",
    budgets=[
        # 予算計 printed 5 百万円 above 当初 + 補正 + 繰越 + 予備費 + 翌年度へ繰越し(△).
        budget(
            2021,
            "1005.5",
            "800",
            **_parts(initial="1000", carried_over="10", carried_forward="-9.5"),
        ),
        budget(2022, "990", **_parts(initial="1000", carried_forward="-10")),
    ],
    outcomes=[
        outcome("介護職員数", unit="人", actuals={2021: 95}, targets={2021: 100}),
        outcome("離職率", unit="%"),  # no target at all
        # A lower-is-better ceiling, met.
        outcome(
            "待機者数",
            unit="人",
            actuals={2021: 40},
            targets={2021: 50},
            comparison=Comparison.AT_MOST,
        ),
    ],
    predecessors=[SheetLink(fiscal_year=2021, ministry="厚生労働省", program_number="0099")],
)
CARE_TWIN = national(
    "2022-厚労-22-0101",
    2022,
    "介護人材確保事業",
    "厚生労働省",
    budgets=[budget(2021, "10", "10", **_parts(initial="10"))],
    outcomes=[outcome("研修修了者数", actuals={2020: 5}, targets={2020: 5, 2021: 6})],
)
NATIONAL = [ROAD_2021, ROAD_2022, CARE_2022, CARE_TWIN]


def prefecture() -> list[Sheet]:
    earlier = sample_sheet(fiscal_year=2022)
    # Seed 003's 合計 printed 1,000 千円 too high, for the quality report.
    other = other_sheet()
    other.costs[0] = other.costs[0].model_copy(update={"total": 261_553})
    # A budget-stage version of 07 01 01 FY2023: the 点検 replaces it in every report.
    stage = sample_sheet(stage=Stage.INITIAL_BUDGET)
    stage.costs = [CostRow(fiscal_year=2023, total=1, settlement=0)]
    return [sample_sheet(), other, earlier, stage]


PREFECTURE = prefecture()
LATEST = [sheet for sheet in [*PREFECTURE, *NATIONAL] if sheet.header.stage is Stage.REVIEW]


@pytest.fixture
def store(engine: Engine) -> Engine:
    with transaction(engine) as session:
        for sheet in [*PREFECTURE, *NATIONAL]:
            save_sheet(session=session, sheet=sheet)
        rebuild_lineage(session=session)
    return engine


# --- Independent expectations -------------------------------------------------------------


def closed(sheet: Sheet) -> int:
    year = sheet.header.fiscal_year
    return year - 1 if sheet.header.kind is SheetKind.NATIONAL else year


def unit_of(sheet: Sheet) -> int:
    return 1_000_000 if sheet.header.kind is SheetKind.NATIONAL else 1_000


def figure(indicator: Indicator, year: int, kind: ValueKind) -> Decimal | None:
    found = [v.value for v in indicator.values if v.fiscal_year == year and v.kind is kind]
    return found[0] if found else None


def expected_judgements(sheets: list[Sheet]) -> list[tuple[Sheet, int, bool]]:
    found = []
    for sheet in sheets:
        for indicator in sheet.indicators:
            if indicator.target.cumulative:
                continue  # judged at its end year only; none here ends by then
            comparison = indicator.target.comparison
            assert comparison is not Comparison.EXACT
            years = sorted({v.fiscal_year for v in indicator.values}, reverse=True)
            for year in years:
                target = figure(indicator, year, ValueKind.TARGET)
                actual = figure(indicator, year, ValueKind.ACTUAL)
                if actual is None:
                    actual = figure(indicator, year, ValueKind.ESTIMATE)
                if year > closed(sheet) or target is None or actual is None:
                    continue
                if comparison is Comparison.AT_LEAST:
                    met = actual >= target
                elif comparison is Comparison.AT_MOST:
                    met = actual <= target
                else:  # a range, open above without an upper bound
                    upper = next(
                        v.upper
                        for v in indicator.values
                        if v.fiscal_year == year and v.kind is ValueKind.TARGET
                    )
                    met = target <= actual and (upper is None or actual <= upper)
                found.append((sheet, year, met))
                break
    return found


def money_rows(sheet: Sheet) -> list[tuple[int, Decimal | None, Decimal | None]]:
    if sheet.header.kind is SheetKind.NATIONAL:
        return [(row.fiscal_year, row.total, row.executed) for row in sheet.budgets]
    return [
        (
            row.fiscal_year,
            None if row.total is None else D(row.total),
            None if row.settlement is None else D(row.settlement),
        )
        for row in sheet.costs
    ]


def expected_execution(sheet: Sheet) -> tuple[int, Decimal, Decimal] | None:
    rows = [row for row in money_rows(sheet) if row[0] <= closed(sheet) and None not in row]
    if not rows:
        return None
    year, total, executed = max(rows, key=lambda row: row[0])
    assert total is not None and executed is not None
    return year, total * unit_of(sheet), executed * unit_of(sheet)


def yen(value: Decimal) -> Decimal:
    return value.quantize(D(1), rounding=ROUND_HALF_UP)


# --- Reports ------------------------------------------------------------------------------


def test_achievement_matches_plain_judgements(store: Engine) -> None:
    expected: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for sheet, year, met in expected_judgements(LATEST):
        for organisation in (sheet.header.department, ALL):
            entry = expected[(sheet.header.kind.value, organisation, year)]
            entry[0] += 1
            entry[1] += met
    with transaction(store) as session:
        report = achievement_report(session=session)
    got = {
        (row.kind.value, row.organisation, row.fiscal_year): [row.judged, row.achieved]
        for row in [*report.rows, *report.totals]
    }
    assert got == dict(expected)
    national_2021 = next(
        row for row in report.totals if row.kind is SheetKind.NATIONAL and row.fiscal_year == 2021
    )
    assert national_2021.rate == (D(national_2021.achieved) / national_2021.judged).quantize(
        D("0.001")
    )
    # The at_most ceiling 待機者数 (40 ≤ 50) is met, 介護職員数 (95 < 100) is not.
    with transaction(store) as session:
        care = achievement_report(
            session=session, scope=Scope(kind=SheetKind.NATIONAL, organisation="厚生労働省")
        )
    assert [(row.fiscal_year, row.judged, row.achieved) for row in care.rows] == [
        (2020, 1, 1),
        (2021, 2, 1),
    ]


def test_execution_rates_and_largest_gaps(store: Engine) -> None:
    per_sheet = {
        sheet.header.program_number + str(sheet.header.fiscal_year): expected_execution(sheet)
        for sheet in LATEST
    }
    with transaction(store) as session:
        report = execution_report(session=session, limit=3)
    got = {
        item.sheet.program_number + str(item.sheet.fiscal_year): (
            item.fiscal_year,
            item.total_yen,
            item.executed_yen,
        )
        for item in report.programs
    }
    assert got == {key: value for key, value in per_sheet.items() if value is not None}
    sums: dict[tuple[str, str, int], list[Decimal]] = defaultdict(lambda: [D(0), D(0)])
    for sheet in LATEST:
        found = expected_execution(sheet)
        if found is None:
            continue
        entry = sums[(sheet.header.kind.value, sheet.header.department, found[0])]
        entry[0] += found[1]
        entry[1] += found[2]
    assert {
        (row.kind.value, row.organisation, row.fiscal_year): [row.total_yen, row.executed_yen]
        for row in report.rows
    } == dict(sums)
    gaps = sorted((total - executed for _, total, executed in got.values()), reverse=True)
    assert [item.gap_yen for item in report.under_executions] == gaps[:3]
    # 2021 of 道路・橋梁点検支援事業: 97.5 / 130 百万円 executed.
    road = next(
        item for item in report.programs if item.sheet.program_number == "2022-国交-22-0007"
    )
    assert (road.total_yen, road.executed_yen, road.rate) == (
        D(130_000_000),
        D(97_500_000),
        D("0.75"),
    )


def test_unit_costs_of_both_kinds(store: Engine) -> None:
    with transaction(store) as session:
        report = unit_cost_report(session=session)
    rows = {
        (row.sheet.program_number, row.sheet.fiscal_year, row.output): row for row in report.rows
    }
    # National: 執行額 (百万円 → 円) / 活動実績, the latest closed year and the year before.
    road = rows[("2022-国交-22-0007", 2022, "点検講習会の開催数")]
    assert (road.fiscal_year, road.quantity) == (2021, D(13))
    assert road.cost_per_unit_yen == yen(D("97.5") * 1_000_000 / 13)
    assert road.previous_cost_per_unit_yen == yen(D("100.5") * 1_000_000 / 12)
    previous = road.previous_cost_per_unit_yen
    assert road.change == ((road.cost_per_unit_yen - previous) / previous).quantize(
        D("0.001"), rounding=ROUND_HALF_UP
    )
    # Prefecture: 細事業 決算額 (千円 → 円) / each output quantity of its components.
    for sheet in (sample_sheet(), sample_sheet(fiscal_year=2022)):
        year = sheet.header.fiscal_year
        for project in sheet.sub_projects:
            settlement = project.settlements.get(year)
            quantities = [q for c in project.components for q in c.quantities]
            for quantity in quantities:
                if settlement is None:
                    continue
                row = rows[("07 01 01", year, f"{project.name} {quantity.label}")]
                assert row.cost_per_unit_yen == yen(D(settlement) * 1000 / quantity.value)
                assert row.shared == (len(quantities) > 1)
    current = rows[("07 01 01", 2023, "商工業企画調査事業 審議会開催回数")]
    assert (current.previous_year, current.previous_cost_per_unit_yen) == (2022, D(2_226_000) / 2)
    changes = [row.change for row in report.rows if row.change is not None]
    assert changes == sorted(changes, reverse=True)


def test_at_risk_indicators(store: Engine) -> None:
    with transaction(store) as session:
        report = at_risk_report(session=session)
    assert report.fiscal_year is None  # every sheet year
    names = [row.name for row in report.rows]
    assert names == ["長寿命化計画の策定数"]
    row = report.rows[0]
    current = (D(200) - D(100)) / (2021 - 2019)
    required = (D(1000) - D(200)) / (2025 - 2021)
    assert (row.current_rate, row.required_rate) == (current, required)
    assert row.projected == D(200) + current * (2025 - 2021)
    assert row.pace_ratio == (current / required).quantize(D("0.001"))
    with transaction(store) as session:
        earlier = at_risk_report(session=session, fiscal_year=2021)
    assert earlier.rows == []


def test_changes_follow_a_renamed_program(store: Engine) -> None:
    with transaction(store) as session:
        report = changes_report(session=session, program="2021-国交-21-0001")
    assert [sheet.program_number for sheet in report.sheets] == [
        "2021-国交-21-0001",
        "2022-国交-22-0007",
    ]
    # Per budget year the newest sheet's figures: 2020 executed 100.5 (2022's sheet), not 100.25.
    newest: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for sheet in (ROAD_2021, ROAD_2022):
        for year, total, executed in money_rows(sheet):
            done = executed if year <= closed(sheet) else None
            old = newest.get(year, (None, None))
            newest[year] = (
                total if total is not None else old[0],
                done if done is not None else old[1],
            )
    got = {row.fiscal_year: (row.total_yen, row.executed_yen) for row in report.rows}
    assert got == {
        year: (
            None if total is None else total * 1_000_000,
            None if executed is None else executed * 1_000_000,
        )
        for year, (total, executed) in newest.items()
    }
    by_year = {row.fiscal_year: row for row in report.rows}
    assert by_year[2021].total_change == (D(130) - D("120.5")) * 1_000_000
    assert by_year[2020].achieved == 1 and by_year[2021].judged == 1
    series = {(item.name, item.unit): item for item in report.indicators}
    assert series[("点検済み橋梁数", "件")].actuals == {2019: D(50), 2020: D(80)}
    assert series[("点検済み橋梁数", "橋")].actuals == {2020: D(80), 2021: D(85)}


def test_changes_of_an_organisation_and_a_policy_area(store: Engine) -> None:
    with transaction(store) as session:
        care = changes_report(session=session, organisation="厚生労働省")
        policy = changes_report(session=session, policy="2-1①")
    row_2021 = next(row for row in care.rows if row.fiscal_year == 2021)
    assert row_2021.total_yen == (D("1005.5") + D(10)) * 1_000_000
    assert row_2021.executed_yen == D(810) * 1_000_000
    # Both prefecture programs carry 施策分野 2-1① (seed data); FY2022 only 07 01 01's rows.
    totals = defaultdict(list)
    for sheet in [s for s in LATEST if s.header.kind is SheetKind.PREFECTURE]:
        for row in sheet.costs:
            totals[row.fiscal_year].append(
                (sheet.header.fiscal_year, sheet.header.program_number, row.total)
            )
    expected = {}
    for year, entries in totals.items():
        newest: dict[str, tuple[int, int]] = {}
        for sheet_year, number, total in entries:
            if total is not None and (number not in newest or newest[number][0] < sheet_year):
                newest[number] = (sheet_year, total)
        expected[year] = D(sum(total for _, total in newest.values())) * 1000
    assert {row.fiscal_year: row.total_yen for row in policy.rows} == expected


def test_quality_checks(store: Engine) -> None:
    with transaction(store) as session:
        report = quality_report(session=session)
    no_target = sum(
        1
        for sheet in LATEST
        for indicator in sheet.indicators
        if not any(v.kind is ValueKind.TARGET and v.value is not None for v in indicator.values)
    )
    without_actual = sum(
        1
        for sheet in LATEST
        for indicator in sheet.indicators
        if not indicator.target.cumulative
        for v in indicator.values
        if v.kind is ValueKind.TARGET
        and v.value is not None
        and v.fiscal_year <= closed(sheet)
        and figure(indicator, v.fiscal_year, ValueKind.ACTUAL) is None
        and figure(indicator, v.fiscal_year, ValueKind.ESTIMATE) is None
    )
    assert report.counts == {
        "outcome.no_target": no_target,
        "outcome.target_without_actual": without_actual,
        "budget.total_mismatch": 2,  # seed 003's 合計 and 介護人材確保事業's 2021 予算計
        "program.duplicate_number": 0,
        "program.duplicate_name": 1,  # 介護人材確保事業 twice in 厚生労働省 2022
        "program.orphan_link": 1,  # 2021 厚生労働省 0099 was never stored
        "indicator.unit_change": 1,  # 点検済み橋梁数: 件 → 橋 across the renamed program
    }
    assert list(report.counts) == list(CHECKS)
    mismatch = [issue for issue in report.issues if issue.check == "budget.total_mismatch"]
    assert {issue.sheet.program_number for issue in mismatch if issue.sheet} == {
        "07 06 01",
        "2022-厚労-22-0100",
    }
    care = next(i for i in mismatch if i.sheet and i.sheet.kind is SheetKind.NATIONAL)
    assert "5 百万円" in care.message
    unit = next(issue for issue in report.issues if issue.check == "indicator.unit_change")
    assert "令和3年度 件" in unit.message and "令和4年度 橋" in unit.message


def test_kind_filter_keeps_one_kind(store: Engine) -> None:
    # The third kind (市町村): 大船渡市's sample rows beside the prefecture and national ones.
    from hyoka.importers.city_import import import_city_workbook

    import_city_workbook(
        engine=store, path=Path(__file__).parent / "data" / "ofunato" / "report_sample.xlsx"
    )
    with transaction(store) as session:
        for kind in SheetKind:
            scope = Scope(kind=kind)
            kinds = {row.kind for row in execution_report(session=session, scope=scope).rows}
            kinds |= {row.kind for row in achievement_report(session=session, scope=scope).rows}
            kinds |= {row.sheet.kind for row in unit_cost_report(session=session, scope=scope).rows}
            assert kinds == {kind}


# --- CLI -------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    path = tmp_path / "reports.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    with transaction(engine) as session:
        for sheet in [*PREFECTURE, *NATIONAL]:
            save_sheet(session=session, sheet=sheet)
        rebuild_lineage(session=session)
    engine.dispose()
    return str(path)


def test_cli_csv_json_and_table(sqlite_store: str, tmp_path: Path) -> None:
    runner = CliRunner()
    output = tmp_path / "execution.csv"
    result = runner.invoke(
        app,
        [
            "report",
            "execution",
            "--db",
            sqlite_store,
            "--kind",
            "national",
            "--format",
            "csv",
            "--bom",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    text = output.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    # Every table under its title, in the dashboard's order (未執行額の大きい事業 first).
    sections = text.lstrip("\ufeff").split("\n\n")
    lines = next(part for part in sections if part.startswith("府省庁・部局別\n")).splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for sheet in NATIONAL:
        found = expected_execution(sheet)
        if found:
            totals[(sheet.header.department, str(found[0]))] += found[1]
    assert {(row["府省庁・部局"], row["年度"]): D(row["予算（円）"]) for row in rows} == dict(
        totals
    )

    result = runner.invoke(app, ["report", "achievement", "--db", sqlite_store, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = orjson.loads(result.stdout)
    assert {row["organisation"] for row in table_rows(document, "totals")} == {ALL}

    result = runner.invoke(app, ["report", "quality", "--db", sqlite_store, "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "program.orphan_link" in result.stdout and "令和" in result.stdout

    for command in ("unit-cost", "at-risk"):
        result = runner.invoke(
            app, ["report", command, "--db", sqlite_store, "--kind", "prefecture"]
        )
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["report", "changes", "--db", sqlite_store, "--program", "07 01 01", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert [row["fiscal_year"] for row in table_rows(orjson.loads(result.stdout), "years")] == [
        2021,
        2022,
        2023,
    ]


def table_rows(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The rows of table ``key`` of a report's JSON (that of the API)."""
    rows: list[dict[str, Any]] = next(t for t in document["tables"] if t["key"] == key)["rows"]
    return rows


def test_cli_unknown_table_names_the_tables(sqlite_store: str) -> None:
    result = CliRunner().invoke(
        app, ["report", "execution", "--db", sqlite_store, "--table", "nope"]
    )
    assert result.exit_code == 2
    assert "under_executions" in result.stderr and "organisations" in result.stderr
