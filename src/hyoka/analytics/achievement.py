"""Achievement of outcome targets (成果指標の目標達成率) by organisation and year.

Each outcome indicator of each sheet is judged once, in its *judged year*: the latest
year up to the sheet's closed year (see :func:`hyoka.analytics.facts.closed_year`) that
has both a target and an actual. The judgement is the rules' ``assess`` (達成 / 未達成,
with the indicator's comparison, good direction and cumulative targets), so the
prefecture's and the national sheets are judged alike. Rate = 達成 / judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics.charts import newest_year_bars, present, rate_by_year
from hyoka.analytics.facts import ALL, closed_year, to_indicator
from hyoka.analytics.spec import COMMON_FILTERS, Report, Run, TableSpec
from hyoka.analytics.tables import fiscal_year as year_column
from hyoka.analytics.tables import kind_column, number, organisation_column, rate
from hyoka.model import Achievement, SheetKind
from hyoka.render.charts import Chart
from hyoka.rules.findings import share
from hyoka.rules.indicators import assess
from hyoka.store.reports.fact_reads import count_achievements, fill_facts
from hyoka.store.reports.figures import IndicatorFact
from hyoka.store.reports.scope import Scope, SheetInfo


@dataclass(frozen=True)
class Judgement:
    """One outcome indicator of one sheet judged in its judged year."""

    sheet: SheetInfo
    number: str
    name: str
    unit: str
    fiscal_year: int
    target: Decimal
    actual: Decimal
    achieved: bool


@dataclass(frozen=True)
class AchievementRow:
    kind: SheetKind
    organisation: str  # ALL on total rows
    fiscal_year: int
    judged: int  # targets with an actual
    achieved: int
    not_achieved: int
    rate: Decimal | None  # achieved / judged, to 0.001


@dataclass(frozen=True)
class AchievementReport:
    rows: list[AchievementRow]  # by kind, year, organisation
    totals: list[AchievementRow]  # per kind and year, organisation ALL


def judge(facts: Iterable[IndicatorFact]) -> list[Judgement]:
    """The judgement of each indicator in its judged year (indicators never judged are left out)."""
    found = []
    for fact in facts:
        indicator = to_indicator(fact)
        last = closed_year(fact.sheet)
        years = sorted({value.fiscal_year for value in fact.values if value.fiscal_year <= last})
        for fiscal_year in reversed(years):
            assessment = assess(indicator, fiscal_year)
            if assessment is None:
                continue
            found.append(
                Judgement(
                    sheet=fact.sheet,
                    number=fact.number,
                    name=fact.name,
                    unit=fact.unit,
                    fiscal_year=fiscal_year,
                    target=assessment.target,
                    actual=assessment.actual,
                    achieved=assessment.achievement is Achievement.ACHIEVED,
                )
            )
            break
    return found


def tally(
    judgements: Iterable[Judgement], *, by_bureau: bool = False
) -> tuple[list[AchievementRow], list[AchievementRow]]:
    """Rows per (kind, year, organisation) and totals per (kind, year)."""
    counts: dict[tuple[SheetKind, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for item in judgements:
        organisation = item.sheet.organisation
        if by_bureau and item.sheet.bureau:
            organisation = f"{organisation} {item.sheet.bureau}"
        for name in (organisation, ALL):
            count = counts[(item.sheet.kind, item.fiscal_year, name)]
            count[0] += 1
            count[1] += item.achieved
    return _rows(counts)


def _rows(
    counts: dict[tuple[SheetKind, int, str], list[int]],
) -> tuple[list[AchievementRow], list[AchievementRow]]:
    rows: list[AchievementRow] = []
    totals: list[AchievementRow] = []
    for (kind, fiscal_year, organisation), (judged, achieved) in sorted(
        counts.items(), key=lambda entry: (entry[0][0].value, entry[0][1], entry[0][2])
    ):
        row = AchievementRow(
            kind=kind,
            organisation=organisation,
            fiscal_year=fiscal_year,
            judged=judged,
            achieved=achieved,
            not_achieved=judged - achieved,
            rate=share(achieved, judged),
        )
        (totals if organisation == ALL else rows).append(row)
    return rows, totals


def achievement_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    by_bureau: bool = False,
) -> AchievementReport:
    """Targets met / targets with an actual, per organisation (府省庁/部局; with
    ``by_bureau`` also 担当部局庁) and judged year; ``fiscal_year`` keeps one judged year.

    One aggregate over the judgements stored with each sheet (``hyoka.rules.facts``).
    """
    fill_facts(session=session)
    counts: dict[tuple[SheetKind, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for kind, year, department, bureau, judged, achieved in count_achievements(
        session=session, scope=scope or Scope()
    ):
        if fiscal_year is not None and year != fiscal_year:
            continue
        organisation = f"{department} {bureau}" if by_bureau and bureau else department
        for name in (organisation, ALL):
            count = counts[(kind, year, name)]
            count[0] += judged
            count[1] += achieved
    return AchievementReport(*_rows(counts))


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> AchievementReport:
    return achievement_report(
        session=session,
        scope=run.scope(),
        fiscal_year=run.filters.year,
        by_bureau=run.filters.by_bureau,
    )


def _charts(report: AchievementReport, run: Run) -> list[Chart]:
    return present(
        rate_by_year(
            "chart-achievement-years",
            "全体の達成率の推移（%）",
            [(row.kind, row.fiscal_year, row.rate) for row in report.totals],
        ),
        newest_year_bars(
            "chart-achievement-organisations",
            "達成率（府省庁・部局別、低い順）",
            [(row.organisation, row.fiscal_year, row.rate, row.kind) for row in report.rows],
            run.limit,
        ),
    )


COLUMNS = (
    kind_column(lambda row: row.kind),
    organisation_column("achievement"),
    year_column("fiscal_year", "年度", lambda row: row.fiscal_year),
    number("judged", "判定数", lambda row: row.judged),
    number("achieved", "達成", lambda row: row.achieved),
    number("not_achieved", "未達成", lambda row: row.not_achieved),
    rate("rate", "達成率", lambda row: row.rate),
)

REPORT: Report[AchievementReport] = Report(
    slug="achievement",
    title="成果目標の達成率",
    summary="成果指標の目標に対する達成の割合（達成 ÷ 実績のある目標）を府省庁・部局と年度ごとに示します。",
    year_help="判定した年度（目標と実績がそろう最新の年度）",
    filters=(*COMMON_FILTERS, "limit", "by_bureau"),
    default_limit=20,
    query=_query,
    order=1,
    tables=(
        TableSpec("organisations", "府省庁・部局別", COLUMNS, lambda report: report.rows),
        TableSpec("totals", "全体（種別・年度ごと）", COLUMNS, lambda report: report.totals),
    ),
    charts=_charts,
)
