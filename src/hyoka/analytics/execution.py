"""Execution rate (執行率) by organisation, program and year, and the largest under-executions.

Each sheet contributes its latest closed year (see ``facts.closed_year``) that has both a
budget and a spent amount: national 執行額 / 予算計, prefecture 決算額 / 合計（予算現額）.
Money is normalised to yen exactly (national 百万円, prefecture 千円). The gap is
予算計 − 執行額 in yen: the money not spent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics.facts import ALL, closed_year
from hyoka.model import SheetKind
from hyoka.rules.findings import plain, share, to_yen
from hyoka.store.analytics_facts import fill_facts, read_money_years
from hyoka.store.analytics_figures import SheetMoney
from hyoka.store.analytics_queries import Scope, SheetInfo


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
