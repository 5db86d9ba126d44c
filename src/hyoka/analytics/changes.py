"""Year-over-year changes in budget and results of a program, an organisation or a policy area.

Money per budget year: for each program (followed across years: the national lineage,
renamed/merged/split programs included, else the 事業番号) and budget year, the figures of
the newest sheet that prints them — so 執行額 is the final one — summed over the subject's
programs. Results per year: the outcome judgements (see ``achievement``) of that judged
year, each program's indicator counted once (newest sheet). For a single program the
indicators' yearly actuals are listed too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics.facts import NATIONAL_TOTAL_NOTE, national_in, to_indicator
from hyoka.analytics.spec import Report, Run, TableSpec
from hyoka.analytics.tables import Column, money, number, rate, sheet_columns, text
from hyoka.analytics.tables import fiscal_year as year_column
from hyoka.display import to_the_yen
from hyoka.eras import era_label
from hyoka.model import SheetKind, ValueKind
from hyoka.render.charts import Chart, Series, line_chart
from hyoka.rules.findings import plain, share
from hyoka.store.reports.fact_reads import fill_facts
from hyoka.store.reports.figures import IndicatorFact, read_indicators
from hyoka.store.reports.scope import Scope, SheetInfo, find_lineage
from hyoka.store.reports.totals import (
    count_newest_judgements,
    read_money_sheets,
    sum_newest_money,
)


@dataclass(frozen=True)
class ChangeRow:
    fiscal_year: int
    programs: int  # programs with a budget that year
    total_yen: Decimal | None  # 予算計 / 合計
    executed_yen: Decimal | None  # 執行額 / 決算額 (final years only)
    rate: Decimal | None
    total_change: Decimal | None  # against the year before, yen
    total_change_rate: Decimal | None
    executed_change: Decimal | None
    executed_change_rate: Decimal | None
    judged: int
    achieved: int
    achievement_rate: Decimal | None


@dataclass(frozen=True)
class IndicatorSeries:
    name: str
    unit: str
    actuals: dict[int, Decimal]  # fiscal year → actual
    targets: dict[int, Decimal]


@dataclass(frozen=True)
class ChangesReport:
    subject: str
    kind: SheetKind | None
    sheets: list[SheetInfo]  # the sheets read, oldest first
    rows: list[ChangeRow]
    indicators: list[IndicatorSeries] = field(default_factory=list)


def _delta(
    current: Decimal | None, previous: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if current is None or previous is None:
        return None, None
    return plain(current - previous), share(current - previous, previous)


def _newest(
    found: dict[tuple[str, int], tuple[int, Decimal]],
    key: tuple[str, int],
    year: int,
    value: Decimal,
) -> None:
    known = found.get(key)
    if known is None or known[0] < year:
        found[key] = (year, value)


def changes_report(
    *,
    session: Session,
    kind: SheetKind | None = None,
    program: str | None = None,
    organisation: str | None = None,
    policy: str | None = None,
    public: bool = False,
) -> ChangesReport:
    """The subject's budget, spending and achievement per year with changes from the year
    before. ``program`` is a 事業番号 (a national one brings its whole lineage); ``public``
    reads only published versions (see :class:`Scope`)."""
    scope = Scope(kind=kind, organisation=organisation, policy=policy, public=public)
    subject = " / ".join(part for part in (organisation, policy) if part) or "全体"
    lineage: int | None = None
    if program:
        lineage = find_lineage(session=session, program_number=program)
        if lineage is not None:
            scope = replace(scope, lineage=lineage)
        else:
            scope = replace(scope, program=program)
        subject = program
    fill_facts(session=session)
    # Each program's money per budget year from its newest sheet, and each indicator's
    # judgement once per judged year, picked in SQL over the facts (a GROUP BY of the newest
    # row for the money, a window function for the judgements).
    number = program if program and lineage is None else None
    sheets = read_money_sheets(session=session, scope=scope, number=number)
    newest = sum_newest_money(session=session, scope=scope, number=number)
    year_totals, year_spent = newest["total_yen"], newest["executed_yen"]
    year_results = count_newest_judgements(session=session, scope=scope, number=number)
    rows: list[ChangeRow] = []
    previous: ChangeRow | None = None
    for year in sorted(set(year_totals) | set(year_spent) | set(year_results)):
        programs, budget = year_totals.get(year, (0, None))
        spent = year_spent.get(year)
        judged, achieved = year_results.get(year, (0, 0))
        total = None if budget is None else plain(budget)
        executed = None if spent is None else plain(spent[1])
        total_change, total_rate = _delta(total, previous.total_yen if previous else None)
        spent_change, spent_rate = _delta(executed, previous.executed_yen if previous else None)
        current = ChangeRow(
            fiscal_year=year,
            programs=programs,
            total_yen=total,
            executed_yen=executed,
            rate=None if total is None or executed is None else share(executed, total),
            total_change=total_change,
            total_change_rate=total_rate,
            executed_change=spent_change,
            executed_change_rate=spent_rate,
            judged=judged,
            achieved=achieved,
            achievement_rate=share(achieved, judged),
        )
        rows.append(current)
        previous = current
    series = _series(_indicators(session, scope, program, lineage)) if program else []
    return ChangesReport(
        subject=subject,
        kind=kind,
        sheets=sorted(sheets, key=lambda info: (info.fiscal_year, info.sheet_id)),
        rows=rows,
        indicators=series,
    )


def _indicators(
    session: Session, scope: Scope, program: str, lineage: int | None
) -> list[IndicatorFact]:
    facts = read_indicators(session=session, scope=scope)
    if lineage is None:
        facts = [fact for fact in facts if fact.sheet.program_number == program]
    return facts


def _series(facts: list[IndicatorFact]) -> list[IndicatorSeries]:
    """Each indicator's actuals (else estimates) and targets per year; the newest sheet wins."""
    found: dict[tuple[str, str], IndicatorSeries] = {}
    for fact in sorted(facts, key=lambda fact: fact.sheet.fiscal_year):
        indicator = to_indicator(fact)
        series = found.setdefault(
            (fact.name, fact.unit), IndicatorSeries(fact.name, fact.unit, {}, {})
        )
        for fiscal_year in sorted({value.fiscal_year for value in fact.values}):
            actual = indicator.actual(fiscal_year)
            if actual is not None:
                series.actuals[fiscal_year] = actual
            target = indicator.value(fiscal_year, ValueKind.TARGET)
            if target is not None:
                series.targets[fiscal_year] = target
    return sorted(found.values(), key=lambda item: item.name)


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> ChangesReport:
    f = run.filters
    report = changes_report(
        session=session,
        kind=f.kind,
        program=f.program,
        organisation=f.organisation,
        policy=f.policy,
        public=run.public,
    )
    if f.year is None:
        return report
    return replace(report, rows=[row for row in report.rows if row.fiscal_year == f.year])


def _notes(report: ChangesReport, run: Run) -> list[str]:
    f = run.filters
    found = [NATIONAL_TOTAL_NOTE] if national_in(f.kind) else []
    if f.program or f.organisation or f.policy:
        return found
    return [
        "事業番号・府省庁・部局・施策分野を指定すると、その対象の推移を示します（指定なし：全体）。",
        *found,
    ]


def _scaled(yen: Decimal | None, scale: Decimal) -> Decimal | None:
    # To the yen first: national figures carry their source's float noise (…00000005).
    return None if yen is None else to_the_yen(yen) / scale


def _charts(report: ChangesReport, run: Run) -> list[Chart]:
    unit, scale = run.filters.money_unit
    chart = line_chart(
        chart_id="chart-changes",
        title=f"予算と執行額の推移（{unit}）",
        series=[
            Series(
                "予算",
                {row.fiscal_year: _scaled(row.total_yen, scale) for row in report.rows},
                "#003f8e",
                "",
                "square",
            ),
            Series(
                "執行額",
                {row.fiscal_year: _scaled(row.executed_yen, scale) for row in report.rows},
                "#1b6b2f",
                "6 4",
                "circle",
            ),
        ],
        unit=unit,
    )
    return [chart] if chart else []


def _actual_columns(report: ChangesReport) -> list[Column]:
    """One column per year of the indicators' actuals (``actual_2021``…)."""
    years = sorted({year for item in report.indicators for year in (*item.actuals, *item.targets)})
    return [_actual(year) for year in years]


def _actual(year: int) -> Column:
    return number(f"actual_{year}", f"{era_label(year)} 実績", lambda item: item.actuals.get(year))


YEARS = (
    year_column("fiscal_year", "年度", lambda row: row.fiscal_year),
    number("programs", "事業数", lambda row: row.programs),
    money("total_yen", "予算", lambda row: row.total_yen),
    money("total_change", "予算の前年度比", lambda row: row.total_change),
    rate("total_change_rate", "予算の増減率", lambda row: row.total_change_rate),
    money("executed_yen", "執行額", lambda row: row.executed_yen),
    money("executed_change", "執行額の前年度比", lambda row: row.executed_change),
    rate("executed_change_rate", "執行額の増減率", lambda row: row.executed_change_rate),
    rate("rate", "執行率", lambda row: row.rate),
    number("judged", "目標判定数", lambda row: row.judged),
    number("achieved", "達成", lambda row: row.achieved),
    rate("achievement_rate", "達成率", lambda row: row.achievement_rate),
)
INDICATORS = (
    text("name", "指標", lambda item: item.name),
    text("unit", "単位", lambda item: item.unit),
)

REPORT: Report[ChangesReport] = Report(
    slug="changes",
    title="前年度からの増減",
    summary="事業・府省庁・部局・施策分野ごとに、予算・執行額・目標の達成の年度ごとの推移と前年度からの増減を示します。",
    year_help="表に示す年度",
    filters=("kind", "organisation", "program", "policy", "year"),
    query=_query,
    order=5,
    tables=(
        TableSpec(
            "years",
            lambda report, run: f"年度ごとの推移：{report.subject}",
            YEARS,
            lambda report: report.rows,
        ),
        TableSpec(
            "indicators",
            "成果指標の実績の推移",
            INDICATORS,
            lambda report: report.indicators,
            more_columns=_actual_columns,
            more_doc="actual_<year>",
            when=lambda report, run: bool(report.indicators),
        ),
        TableSpec(
            "sheets",
            "読んだシート",
            tuple(sheet_columns(lambda sheet: sheet)),
            lambda report: report.sheets,
            when=lambda report, run: bool(run.filters.program),
        ),
    ),
    notes=_notes,
    charts=_charts,
)
