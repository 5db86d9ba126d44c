"""Outcome indicators at risk of missing their final-year target at their current pace.

The rules' pace (``hyoka.rules.indicators.pace``) as of each indicator's latest actual up
to the sheet's closed year: the change per year so far against the change per year still
needed to reach the target of the final year (national: 目標値 of 目標最終年度; prefecture:
the target's end year or a cumulative target). ``at_risk``: the current rate falls short
of the required one. By default only the newest sheets of each kind are read (a program's
sheets of earlier years repeat its indicators).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka import display
from hyoka.analytics.charts import CHART_BARS
from hyoka.analytics.spec import COMMON_FILTERS, Report, Run, TableSpec
from hyoka.analytics.tables import fiscal_year as year_column
from hyoka.analytics.tables import number, rate, sheet_columns, text
from hyoka.eras import era_label
from hyoka.render.charts import Bar, Chart, bar_chart
from hyoka.rules.findings import rounded, share
from hyoka.store.reports.fact_reads import fill_facts, newest_outcome_years, read_outcome_facts
from hyoka.store.reports.scope import Scope, SheetInfo


@dataclass(frozen=True)
class AtRiskRow:
    sheet: SheetInfo
    number: str
    name: str
    unit: str
    cumulative: bool
    as_of_year: int
    end_year: int
    target: Decimal
    so_far: Decimal
    current_rate: Decimal  # per year so far
    required_rate: Decimal  # per year still needed
    projected: Decimal  # so_far + current_rate × remaining years
    pace_ratio: Decimal | None  # current / required, to 0.001 (how much of the pace needed)


@dataclass(frozen=True)
class AtRiskReport:
    fiscal_years: dict[str, int]  # sheet year read per kind
    rows: list[AtRiskRow]  # furthest behind first


def at_risk_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    limit: int | None = None,
) -> AtRiskReport:
    """At-risk indicators of the sheets of ``fiscal_year`` (default: each kind's newest year)."""
    fill_facts(session=session)
    scope = scope or Scope()
    newest = newest_outcome_years(session=session, scope=scope)
    years = {kind: fiscal_year for kind in newest} if fiscal_year is not None else newest
    rows = []
    for fact in read_outcome_facts(session=session, scope=scope, at_risk_only=True):
        if fact.sheet.fiscal_year != years[fact.sheet.kind.value]:
            continue
        assert fact.pace_year is not None and fact.pace_end_year is not None
        assert fact.pace_target is not None and fact.so_far is not None
        assert fact.current_rate is not None and fact.required_rate is not None
        assert fact.remaining_years is not None  # at_risk needs years remaining
        rows.append(
            AtRiskRow(
                sheet=fact.sheet,
                number=fact.number,
                name=fact.name,
                unit=fact.unit,
                cumulative=fact.cumulative,
                as_of_year=fact.pace_year,
                end_year=fact.pace_end_year,
                target=fact.pace_target,
                so_far=fact.so_far,
                current_rate=fact.current_rate,
                required_rate=fact.required_rate,
                projected=rounded(fact.so_far + fact.current_rate * fact.remaining_years),
                pace_ratio=share(fact.current_rate, fact.required_rate),
            )
        )
    rows.sort(
        key=lambda row: (
            row.pace_ratio if row.pace_ratio is not None else Decimal("-Infinity"),
            row.sheet.kind.value,
            row.sheet.program_number,
            row.number,
        )
    )
    return AtRiskReport(fiscal_years=years, rows=rows if limit is None else rows[:limit])


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> AtRiskReport:
    return at_risk_report(
        session=session, scope=run.scope(), fiscal_year=run.filters.year, limit=run.limit
    )


def _notes(report: AtRiskReport, run: Run) -> list[str]:
    years = "、".join(
        f"{display.SHEET_KIND_LABELS[kind]} {era_label(year)}"
        for kind, year in sorted(report.fiscal_years.items())
    )
    return [
        f"読んだシート：{years or 'なし'}。ペース比＝これまでの年あたりの伸び ÷ 目標年度までに必要な年あたりの伸び。"
    ]


def _charts(report: AtRiskReport, run: Run) -> list[Chart]:
    chart = bar_chart(
        chart_id="chart-at-risk",
        title="必要なペースに対する実績のペース（%、遅れの大きい順）",
        bars=[
            Bar(row.name, row.pace_ratio * 100, display.percent(row.pace_ratio))
            for row in report.rows[:CHART_BARS]
            if row.pace_ratio is not None
        ],
        heading="指標",
        value_heading="ペース比",
    )
    return [chart] if chart else []


COLUMNS = (
    *sheet_columns(lambda row: row.sheet),
    text("name", "指標", lambda row: row.name),
    text("unit", "単位", lambda row: row.unit),
    year_column("as_of_year", "実績年度", lambda row: row.as_of_year),
    year_column("end_year", "目標年度", lambda row: row.end_year),
    number("target", "目標値", lambda row: row.target),
    number("so_far", "現在値", lambda row: row.so_far),
    number("current_rate", "年あたり実績", lambda row: row.current_rate),
    number("required_rate", "年あたり必要", lambda row: row.required_rate),
    number("projected", "見通し", lambda row: row.projected),
    rate("pace_ratio", "ペース比", lambda row: row.pace_ratio),
)

REPORT: Report[AtRiskReport] = Report(
    slug="at-risk",
    title="目標未達のおそれ",
    summary="これまでのペースでは目標年度の目標値に届かない成果指標を、遅れの大きい順に示します。",
    year_help="シートの年度（指定しなければ県・国それぞれの最新年度）",
    filters=(*COMMON_FILTERS, "limit"),
    default_limit=50,
    query=_query,
    order=4,
    tables=(
        TableSpec(
            "indicators",
            "目標年度の目標に届かないおそれのある指標",
            COLUMNS,
            lambda report: report.rows,
        ),
    ),
    notes=_notes,
    charts=_charts,
)
