"""Cost per unit of output (単位当たりコスト) and how it moved from the previous year.

National: 執行額 of a year / 活動実績 of each 活動指標 that year, from the same sheet; the
move compares the sheet's latest such year with the year before on the same sheet.
市町村: the full cost (トータルコスト = 事業費 + 人件費, both as the sheet gives them) of a
year / 活動実績 of each 活動指標 that year, moved like the national ones.
Prefecture: the rules' unit costs (``hyoka.rules.budget.unit_costs``): a 細事業's 決算額 /
each output quantity of its components in the sheet's year; the move compares it with the
same sub-project and output (label and unit) on the program's sheet of the year before.
Costs are in yen per unit, rounded half up to the yen. ``shared``: the money also pays for
other outputs (several 活動指標 or quantities), so the figure is an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka import display
from hyoka.analytics.charts import CHART_BARS
from hyoka.analytics.spec import COMMON_FILTERS, Report, Run, TableSpec
from hyoka.analytics.tables import fiscal_year as year_column
from hyoka.analytics.tables import mark, money, number, rate, sheet_columns, text
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, Chart, bar_chart
from hyoka.rules.findings import share
from hyoka.store.reports.fact_reads import UnitCostFact, fill_facts, read_unit_cost_facts
from hyoka.store.reports.scope import Scope, SheetInfo


@dataclass(frozen=True)
class UnitCostRow:
    sheet: SheetInfo
    fiscal_year: int
    output: str  # 活動指標, or 細事業 / quantity label on prefecture sheets
    unit: str
    quantity: Decimal
    money_yen: Decimal  # 執行額 / 決算額 in yen
    cost_per_unit_yen: Decimal
    previous_year: int | None
    previous_cost_per_unit_yen: Decimal | None
    change: Decimal | None  # (cost − previous) / previous, to 0.001
    shared: bool


@dataclass(frozen=True)
class UnitCostReport:
    rows: list[UnitCostRow]  # largest rise first; rows without a previous year last


def _change(current: Decimal, previous: Decimal | None) -> Decimal | None:
    return None if previous is None else share(current - previous, previous)


def _row(fact: UnitCostFact, previous: tuple[int, Decimal] | None) -> UnitCostRow:
    return UnitCostRow(
        sheet=fact.sheet,
        fiscal_year=fact.fiscal_year,
        output=fact.output,
        unit=fact.unit,
        quantity=fact.quantity,
        money_yen=fact.money_yen,
        cost_per_unit_yen=fact.cost_per_unit_yen,
        previous_year=None if previous is None else previous[0],
        previous_cost_per_unit_yen=None if previous is None else previous[1],
        change=_change(fact.cost_per_unit_yen, None if previous is None else previous[1]),
        shared=fact.shared,
    )


def unit_cost_rows(*, session: Session, scope: Scope) -> list[UnitCostRow]:
    """The unit costs stored with each sheet (``hyoka.rules.facts``), national ones with the
    year before on the same sheet, prefecture ones matched to the program's sheet of the
    year before (same 細事業, label and unit)."""
    facts = read_unit_cost_facts(session=session, scope=scope)
    # National and 市町村 facts carry their year before from the same sheet.
    national = [fact for fact in facts if fact.sheet.kind is not SheetKind.PREFECTURE]
    rows = [
        _row(
            fact,
            None
            if fact.previous_year is None or fact.previous_cost_per_unit_yen is None
            else (fact.previous_year, fact.previous_cost_per_unit_yen),
        )
        for fact in national
    ]
    by_program: dict[tuple[str, int], dict[str, UnitCostFact]] = {}
    for fact in facts:
        if fact.sheet.kind is SheetKind.PREFECTURE:
            program = (fact.sheet.program_number, fact.sheet.fiscal_year)
            by_program.setdefault(program, {})[fact.match_key] = fact
    for (program_number, fiscal_year), costs in by_program.items():
        before = by_program.get((program_number, fiscal_year - 1), {})
        for key, fact in costs.items():
            previous = before.get(key)
            rows.append(
                _row(
                    fact,
                    None
                    if previous is None
                    else (previous.fiscal_year, previous.cost_per_unit_yen),
                )
            )
    return rows


def unit_cost_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    limit: int | None = None,
) -> UnitCostReport:
    """Cost per unit of output of both kinds, largest year-over-year rise first."""
    fill_facts(session=session)
    rows = unit_cost_rows(session=session, scope=scope or Scope())
    if fiscal_year is not None:
        rows = [row for row in rows if row.fiscal_year == fiscal_year]
    rows.sort(
        key=lambda row: (
            row.change is None,
            -(row.change or 0),
            row.sheet.kind.value,
            row.sheet.program_number,
            row.output,
        )
    )
    return UnitCostReport(rows=rows if limit is None else rows[:limit])


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> UnitCostReport:
    return unit_cost_report(
        session=session, scope=run.scope(), fiscal_year=run.filters.year, limit=run.limit
    )


def _charts(report: UnitCostReport, run: Run) -> list[Chart]:
    rising = [row for row in report.rows if row.change is not None][:CHART_BARS]
    chart = bar_chart(
        chart_id="chart-unit-cost",
        title="単位当たりコストの前年度からの増減率（%）",
        bars=[
            Bar(f"{row.sheet.program_name}", row.change * 100, display.percent(row.change))
            for row in rising
            if row.change is not None
        ],
        heading="事業名",
        value_heading="増減率",
    )
    return [chart] if chart else []


COLUMNS = (
    *sheet_columns(lambda row: row.sheet),
    year_column("fiscal_year", "年度", lambda row: row.fiscal_year),
    text("output", "アウトプット", lambda row: row.output),
    text("unit", "単位", lambda row: row.unit),
    number("quantity", "実績", lambda row: row.quantity),
    money("money_yen", "執行額・決算額", lambda row: row.money_yen),
    number("cost_per_unit_yen", "単位当たりコスト（円）", lambda row: row.cost_per_unit_yen),
    year_column("previous_year", "前年度", lambda row: row.previous_year),
    number(
        "previous_cost_per_unit_yen",
        "前年度の単位当たりコスト（円）",
        lambda row: row.previous_cost_per_unit_yen,
    ),
    rate("change", "増減率", lambda row: row.change),
    mark("shared", "按分なし", lambda row: row.shared),
)

REPORT: Report[UnitCostReport] = Report(
    slug="unit-cost",
    title="単位当たりコスト",
    summary="アウトプット1単位当たりの執行額（県：決算額）と、その前年度からの増減を示します。",
    year_help="アウトプットの実績の年度",
    filters=(*COMMON_FILTERS, "limit"),
    default_limit=50,
    query=_query,
    order=3,
    tables=(
        TableSpec(
            "unit_costs",
            "単位当たりコスト（前年度からの増加の大きい順）",
            COLUMNS,
            lambda report: report.rows,
        ),
    ),
    notes=lambda report, run: [
        "※ 按分なし：その執行額が他のアウトプットにも充てられているため、単位当たりコストは上限の目安です。"
    ],
    charts=_charts,
)
