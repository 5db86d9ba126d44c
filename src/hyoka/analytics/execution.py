"""Execution rate (執行率) by organisation, program and year, and the largest under-executions.

Each sheet contributes its latest closed year (see ``facts.closed_year``) that has both a
budget and a spent amount: national 執行額 / 予算計 (RS sheets: 歳出予算現額 less 翌年度への
繰越し, as JUDGIT!'s 予算計; ``rules.facts.comparable_total``), prefecture 決算額 / 合計（予算現額）.
Money is normalised to yen exactly (national 百万円, prefecture 千円). The gap is
予算計 − 執行額 in yen: the money not spent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics.charts import CHART_BARS, present, rate_by_year
from hyoka.analytics.facts import ALL, NATIONAL_TOTAL_NOTE, closed_year, national_in
from hyoka.analytics.spec import COMMON_FILTERS, Report, Run, TableSpec
from hyoka.analytics.tables import (
    Column,
    kind_column,
    money,
    number,
    organisation_column,
    rate,
    sheet_columns,
    shown_money,
)
from hyoka.analytics.tables import fiscal_year as year_column
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, Chart, bar_chart
from hyoka.rules.findings import plain, share, to_yen
from hyoka.store.reports.fact_reads import fill_facts, read_money_years
from hyoka.store.reports.figures import SheetMoney
from hyoka.store.reports.scope import Scope, SheetInfo


@dataclass(frozen=True)
class ProgramExecution:
    sheet: SheetInfo
    fiscal_year: int  # the budget year
    total_yen: Decimal
    executed_yen: Decimal
    gap_yen: Decimal  # total − executed
    rate: Decimal | None  # executed / total, to 0.001; None when the budget is 0


@dataclass(frozen=True)
class ExecutionRow:
    kind: SheetKind
    organisation: str  # ALL on total rows
    fiscal_year: int
    programs: int
    total_yen: Decimal
    executed_yen: Decimal
    gap_yen: Decimal
    rate: Decimal | None


@dataclass(frozen=True)
class ExecutionReport:
    rows: list[ExecutionRow]  # by kind, year, organisation
    totals: list[ExecutionRow]  # per kind and year
    programs: list[ProgramExecution]  # by kind, year, organisation, 事業番号
    under_executions: list[ProgramExecution]  # largest gap first, ``limit`` of them


def program_execution(money: SheetMoney) -> ProgramExecution | None:
    """The sheet's latest closed year with both budget and spent amount."""
    last = closed_year(money.sheet)
    for row in sorted(money.rows, key=lambda item: item.fiscal_year, reverse=True):
        if row.fiscal_year > last or row.total is None or row.executed is None:
            continue
        unit = money.sheet.money_unit
        total, executed = to_yen(row.total, unit), to_yen(row.executed, unit)
        return ProgramExecution(
            sheet=money.sheet,
            fiscal_year=row.fiscal_year,
            total_yen=total,
            executed_yen=executed,
            gap_yen=plain(total - executed),
            rate=share(executed, total),
        )
    return None


def summarise(
    programs: Iterable[ProgramExecution],
) -> tuple[list[ExecutionRow], list[ExecutionRow]]:
    sums: dict[tuple[SheetKind, int, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0)]
    )
    for item in programs:
        for organisation in (item.sheet.organisation, ALL):
            entry = sums[(item.sheet.kind, item.fiscal_year, organisation)]
            entry[0] += 1
            entry[1] += item.total_yen
            entry[2] += item.executed_yen
    rows: list[ExecutionRow] = []
    totals: list[ExecutionRow] = []
    for (kind, fiscal_year, organisation), (count, total, executed) in sorted(
        sums.items(), key=lambda entry: (entry[0][0].value, entry[0][1], entry[0][2])
    ):
        row = ExecutionRow(
            kind=kind,
            organisation=organisation,
            fiscal_year=fiscal_year,
            programs=int(count),
            total_yen=plain(total),
            executed_yen=plain(executed),
            gap_yen=plain(total - executed),
            rate=share(executed, total),
        )
        (totals if organisation == ALL else rows).append(row)
    return rows, totals


def execution_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    limit: int = 20,
) -> ExecutionReport:
    """執行率 per organisation and budget year, per program, and the ``limit`` largest gaps."""
    fill_facts(session=session)
    programs = [
        ProgramExecution(
            sheet=sheet,
            fiscal_year=row.fiscal_year,
            total_yen=row.total_yen,
            executed_yen=row.executed_yen,
            gap_yen=plain(row.total_yen - row.executed_yen),
            rate=share(row.executed_yen, row.total_yen),
        )
        for sheet, years in read_money_years(
            session=session, scope=scope or Scope(), execution_only=True
        )
        for row in years
        if row.execution
        and row.total_yen is not None
        and row.executed_yen is not None
        and (fiscal_year is None or row.fiscal_year == fiscal_year)
    ]
    programs.sort(
        key=lambda item: (
            item.sheet.kind.value,
            item.fiscal_year,
            item.sheet.organisation,
            item.sheet.program_number,
        )
    )
    rows, totals = summarise(programs)
    under = sorted(
        (item for item in programs if item.gap_yen > 0),
        key=lambda item: (-item.gap_yen, item.sheet.sheet_id),
    )[:limit]
    return ExecutionReport(rows=rows, totals=totals, programs=programs, under_executions=under)


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> ExecutionReport:
    return execution_report(
        session=session, scope=run.scope(), fiscal_year=run.filters.year, limit=run.limit
    )


def _narrowed(report: ExecutionReport, run: Run) -> bool:
    return bool(run.filters.organisation or run.filters.program)


def _notes(report: ExecutionReport, run: Run) -> list[str]:
    found = [NATIONAL_TOTAL_NOTE] if national_in(run.filters.kind) else []
    if _narrowed(report, run):
        return found
    return ["府省庁・部局または事業で絞り込むと、事業別の執行率も表示します。", *found]


def _charts(report: ExecutionReport, run: Run) -> list[Chart]:
    unit, scale = run.filters.money_unit
    return present(
        bar_chart(
            chart_id="chart-execution-gaps",
            title=f"未執行額の大きい事業（{unit}）",
            bars=[
                Bar(row.sheet.program_name, row.gap_yen / scale, shown_money(row.gap_yen, scale))
                for row in report.under_executions[:CHART_BARS]
            ],
            heading="事業名",
            value_heading=f"未執行額（{unit}）",
            unit=unit,
        ),
        rate_by_year(
            "chart-execution-years",
            "全体の執行率の推移（%）",
            [(row.kind, row.fiscal_year, row.rate) for row in report.totals],
        ),
    )


MONEY: tuple[Column, ...] = (
    money("total_yen", "予算", lambda row: row.total_yen),
    money("executed_yen", "執行額", lambda row: row.executed_yen),
    money("gap_yen", "未執行額", lambda row: row.gap_yen),
    rate("rate", "執行率", lambda row: row.rate),
)
SUMMARY = (
    kind_column(lambda row: row.kind),
    organisation_column("execution"),
    year_column("fiscal_year", "年度", lambda row: row.fiscal_year),
    number("programs", "事業数", lambda row: row.programs),
    *MONEY,
)
PROGRAMS = (
    *sheet_columns(lambda row: row.sheet),
    year_column("fiscal_year", "予算年度", lambda row: row.fiscal_year),
    *MONEY,
)

REPORT: Report[ExecutionReport] = Report(
    slug="execution",
    title="執行率",
    summary="予算に対する執行額（県：決算額）の割合を府省庁・部局と年度ごとに示し、未執行額の大きい事業を挙げます。",
    year_help="予算の年度",
    filters=(*COMMON_FILTERS, "limit"),
    default_limit=20,
    query=_query,
    order=2,
    tables=(
        TableSpec(
            "under_executions",
            "未執行額の大きい事業",
            PROGRAMS,
            lambda report: report.under_executions,
        ),
        TableSpec("organisations", "府省庁・部局別", SUMMARY, lambda report: report.rows),
        TableSpec("totals", "全体（種別・年度ごと）", SUMMARY, lambda report: report.totals),
        TableSpec("programs", "事業別", PROGRAMS, lambda report: report.programs, when=_narrowed),
    ),
    notes=_notes,
    charts=_charts,
)
