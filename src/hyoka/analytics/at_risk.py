"""Outcome indicators at risk of missing their final-year target at their current pace.

The rules' pace (``hyoka.rules.indicators.pace``) as of each indicator's latest actual up
to the sheet's closed year: the change per year so far against the change per year still
needed to reach the target of the final year (national: 目標値 of 目標最終年度; prefecture:
the target's end year or a cumulative target). ``at_risk``: the current rate falls short
of the required one (:func:`hyoka.rules.facts.behind_pace`). Every sheet year is read
unless one is asked for, so the sheets listed are those the public list flags as
目標未達のおそれ: one definition, one count.
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
from hyoka.store.reports.fact_reads import fill_facts, read_outcome_facts
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
    fiscal_year: int | None  # the sheet year read; None: every year
    rows: list[AtRiskRow]  # furthest behind first, at most the limit
    total: int  # indicators at risk, before the limit
    sheet_ids: frozenset[int]  # the sheets holding one: the list's 目標未達のおそれ


def at_risk_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    limit: int | None = None,
) -> AtRiskReport:
    """At-risk indicators (:func:`hyoka.rules.facts.behind_pace`, the definition the list's
    目標未達のおそれ uses too) of the sheets of ``fiscal_year`` (default: every year)."""
    fill_facts(session=session)
    scope = scope or Scope()
    rows = []
    for fact in read_outcome_facts(session=session, scope=scope, at_risk_only=True):
        if fiscal_year is not None and fact.sheet.fiscal_year != fiscal_year:
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
            -row.sheet.fiscal_year,
            row.sheet.program_number,
            row.number,
        )
    )
    return AtRiskReport(
        fiscal_year=fiscal_year,
        rows=rows if limit is None else rows[:limit],
        total=len(rows),
        sheet_ids=frozenset(row.sheet.sheet_id for row in rows),
    )


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> AtRiskReport:
    return at_risk_report(
        session=session, scope=run.scope(), fiscal_year=run.filters.year, limit=run.limit
    )


def _notes(report: AtRiskReport, run: Run) -> list[str]:
    years = era_label(report.fiscal_year) if report.fiscal_year else "すべての年度"
    return [
        f"読んだシート：{years}（事業・年度ごとに最新の段階）。"
        f"目標未達のおそれのある指標 {report.total:,}件（{len(report.sheet_ids):,}件のシート。"
        "一覧の「目標未達のおそれ」と同じ定義・同じ件数です）。"
        "ペース比＝これまでの年あたりの伸び ÷ 目標年度までに必要な年あたりの伸び。"
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
    year_help="シートの年度（指定しなければすべての年度）",
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
