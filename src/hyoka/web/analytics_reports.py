"""One dashboard per report of :mod:`hyoka.analytics`: call the report function with the
filters, lay its rows out as tables (:mod:`hyoka.web.analytics_tables`) and draw the charts
that help (:mod:`hyoka.render.charts`; each chart's figures are also in a table).

Example::

    board = build_dashboard(session=session, slug="at-risk", filters=AnalyticsFilters(limit=10))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics import (
    CHECKS,
    ChangesReport,
    achievement_report,
    at_risk_report,
    changes_report,
    execution_report,
    quality_report,
    unit_cost_report,
)
from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, Chart, Series, bar_chart, line_chart
from hyoka.web.analytics_tables import (
    KIND_LABELS,
    AnalyticsFilters,
    Column,
    Dashboard,
    ReportInfo,
    Table,
    fiscal_year,
    kind_column,
    kind_label,
    money,
    number,
    organisation_column,
    percent,
    rate,
    sheet_columns,
    text,
    yen_column,
)

COMMON = ("kind", "organisation", "year", "program")
REPORTS: dict[str, ReportInfo] = {
    info.slug: info
    for info in (
        ReportInfo(
            "achievement",
            "成果目標の達成率",
            "成果指標の目標に対する達成の割合（達成 ÷ 実績のある目標）を府省庁・部局と年度ごとに示します。",
            "判定した年度（目標と実績がそろう最新の年度）",
            (*COMMON, "limit"),
            20,
        ),
        ReportInfo(
            "execution",
            "執行率",
            "予算に対する執行額（県：決算額）の割合を府省庁・部局と年度ごとに示し、未執行額の大きい事業を挙げます。",
            "予算の年度",
            (*COMMON, "limit"),
            20,
        ),
        ReportInfo(
            "unit-cost",
            "単位当たりコスト",
            "アウトプット1単位当たりの執行額（県：決算額）と、その前年度からの増減を示します。",
            "アウトプットの実績の年度",
            (*COMMON, "limit"),
            50,
        ),
        ReportInfo(
            "at-risk",
            "目標未達のおそれ",
            "これまでのペースでは目標年度の目標値に届かない成果指標を、遅れの大きい順に示します。",
            "シートの年度（指定しなければ県・国それぞれの最新年度）",
            (*COMMON, "limit"),
            50,
        ),
        ReportInfo(
            "changes",
            "前年度からの増減",
            "事業・府省庁・部局・施策分野ごとに、予算・執行額・目標の達成の年度ごとの推移と前年度からの増減を示します。",
            "表に示す年度",
            ("kind", "organisation", "program", "policy", "year"),
        ),
        ReportInfo(
            "quality",
            "データ品質",
            "目標値のない成果指標、実績のない目標、合計の合わない予算、重複・リンク切れの事業、年度で変わる単位を数えます。",
            "シートの年度",
            (*COMMON, "limit"),
            20,
        ),
    )
}

CHART_BARS = 15
KIND_COLOURS = {
    SheetKind.PREFECTURE: ("#1b6b2f", "6 4", "square"),
    SheetKind.NATIONAL: ("#003f8e", "", "circle"),
}


@dataclass(frozen=True)
class _Build:
    session: Session
    filters: AnalyticsFilters
    limit: int


def _grouping_columns(
    slug: str, filters: AnalyticsFilters, *, with_organisation: bool
) -> list[Column]:
    """種別, and the organisation (a link narrowing the report to it) when grouped by it."""
    found = [kind_column(lambda row: row.kind)]
    if with_organisation:
        found.append(
            organisation_column(slug, lambda row: row.organisation, lambda row: row.kind, filters)
        )
    return found


def _achievement(build: _Build) -> Dashboard:
    filters = build.filters
    report = achievement_report(
        session=build.session, scope=filters.scope(), fiscal_year=filters.year
    )

    def columns(with_organisation: bool) -> list[Column]:
        return [
            *_grouping_columns("achievement", filters, with_organisation=with_organisation),
            fiscal_year("fiscal_year", "年度", lambda row: row.fiscal_year),
            number("judged", "判定数", lambda row: row.judged),
            number("achieved", "達成", lambda row: row.achieved),
            number("not_achieved", "未達成", lambda row: row.not_achieved),
            rate("rate", "達成率", lambda row: row.rate),
        ]

    charts = [
        chart
        for chart in (
            _rate_by_year(
                "chart-achievement-years",
                "全体の達成率の推移（%）",
                [(row.kind, row.fiscal_year, row.rate) for row in report.totals],
            ),
            _newest_year_bars(
                "chart-achievement-organisations",
                "達成率（府省庁・部局別、低い順）",
                [(row.organisation, row.fiscal_year, row.rate, row.kind) for row in report.rows],
                build.limit,
            ),
        )
        if chart is not None
    ]
    return Dashboard(
        REPORTS["achievement"],
        filters,
        [
            Table("organisations", "府省庁・部局別", columns(True), report.rows),
            Table("totals", "全体（種別・年度ごと）", columns(False), report.totals),
        ],
        charts,
    )


def _rate_by_year(
    chart_id: str, title: str, points: list[tuple[SheetKind, int, Decimal | None]]
) -> Chart | None:
    series = []
    for kind in SheetKind:
        values = {
            year: value * 100 for item, year, value in points if item is kind and value is not None
        }
        if values:
            colour, dash, marker = KIND_COLOURS[kind]
            series.append(
                Series(KIND_LABELS[kind], dict(sorted(values.items())), colour, dash, marker)
            )
    return line_chart(chart_id=chart_id, title=title, series=series, unit="%")


def _newest_year_bars(
    chart_id: str,
    title: str,
    rows: list[tuple[str, int, Decimal | None, SheetKind]],
    limit: int,
) -> Chart | None:
    """The rates of the newest year shown, lowest first, ``limit`` of them."""
    if not rows:
        return None
    newest = max(year for _, year, _, _ in rows)
    kept = sorted(
        (
            (name, value, kind)
            for name, year, value, kind in rows
            if year == newest and value is not None
        ),
        key=lambda item: (item[1], item[0]),
    )[: min(limit, CHART_BARS)]
    bars = [
        Bar(f"{name}（{KIND_LABELS[kind]}）", value * 100, percent(value))
        for name, value, kind in kept
    ]
    return bar_chart(
        chart_id=chart_id,
        title=f"{title} {era_label(newest)}",
        bars=bars,
        heading="府省庁・部局",
        value_heading="率",
    )


def _execution(build: _Build) -> Dashboard:
    filters = build.filters
    report = execution_report(
        session=build.session, scope=filters.scope(), fiscal_year=filters.year, limit=build.limit
    )

    def summary(with_organisation: bool) -> list[Column]:
        return [
            *_grouping_columns("execution", filters, with_organisation=with_organisation),
            fiscal_year("fiscal_year", "年度", lambda row: row.fiscal_year),
            number("programs", "事業数", lambda row: row.programs),
            *_money_columns(filters),
        ]

    programs = [
        *sheet_columns(lambda row: row.sheet, filters),
        fiscal_year("fiscal_year", "予算年度", lambda row: row.fiscal_year),
        *_money_columns(filters),
    ]
    tables = [
        Table("under_executions", "未執行額の大きい事業", programs, report.under_executions),
        Table("organisations", "府省庁・部局別", summary(True), report.rows),
        Table("totals", "全体（種別・年度ごと）", summary(False), report.totals),
    ]
    notes = []
    if filters.organisation or filters.program:
        tables.append(Table("programs", "事業別", programs, report.programs))
    else:
        notes.append("府省庁・部局または事業で絞り込むと、事業別の執行率も表示します。")
    gap_unit = filters.money_unit[0]
    charts = [
        chart
        for chart in (
            bar_chart(
                chart_id="chart-execution-gaps",
                title=f"未執行額の大きい事業（{gap_unit}）",
                bars=[
                    Bar(
                        row.sheet.program_name,
                        row.gap_yen / filters.money_unit[1],
                        money(row.gap_yen, filters),
                    )
                    for row in report.under_executions[:CHART_BARS]
                ],
                heading="事業名",
                value_heading=f"未執行額（{gap_unit}）",
            ),
            _rate_by_year(
                "chart-execution-years",
                "全体の執行率の推移（%）",
                [(row.kind, row.fiscal_year, row.rate) for row in report.totals],
            ),
        )
        if chart is not None
    ]
    return Dashboard(REPORTS["execution"], filters, tables, charts, notes)


def _money_columns(filters: AnalyticsFilters) -> list[Column]:
    return [
        yen_column("total_yen", "予算", lambda row: row.total_yen, filters),
        yen_column("executed_yen", "執行額", lambda row: row.executed_yen, filters),
        yen_column("gap_yen", "未執行額", lambda row: row.gap_yen, filters),
        rate("rate", "執行率", lambda row: row.rate),
    ]


def _unit_cost(build: _Build) -> Dashboard:
    filters = build.filters
    report = unit_cost_report(
        session=build.session, scope=filters.scope(), fiscal_year=filters.year, limit=build.limit
    )
    columns = [
        *sheet_columns(lambda row: row.sheet, filters),
        fiscal_year("fiscal_year", "年度", lambda row: row.fiscal_year),
        text("output", "アウトプット", lambda row: row.output),
        text("unit", "単位", lambda row: row.unit),
        number("quantity", "実績", lambda row: row.quantity),
        yen_column("money_yen", "執行額・決算額", lambda row: row.money_yen, filters),
        number("cost_per_unit_yen", "単位当たりコスト（円）", lambda row: row.cost_per_unit_yen),
        fiscal_year("previous_year", "前年度", lambda row: row.previous_year),
        number(
            "previous_cost_per_unit_yen",
            "前年度の単位当たりコスト（円）",
            lambda row: row.previous_cost_per_unit_yen,
        ),
        rate("change", "増減率", lambda row: row.change),
        Column("shared", "按分なし", lambda row: row.shared, lambda row: "※" if row.shared else ""),
    ]
    rising = [row for row in report.rows if row.change is not None][:CHART_BARS]
    chart = bar_chart(
        chart_id="chart-unit-cost",
        title="単位当たりコストの前年度からの増減率（%）",
        bars=[
            Bar(f"{row.sheet.program_name}", row.change * 100, percent(row.change))
            for row in rising
            if row.change is not None
        ],
        heading="事業名",
        value_heading="増減率",
    )
    return Dashboard(
        REPORTS["unit-cost"],
        filters,
        [
            Table(
                "unit_costs", "単位当たりコスト（前年度からの増加の大きい順）", columns, report.rows
            )
        ],
        [chart] if chart else [],
        [
            "※ 按分なし：その執行額が他のアウトプットにも充てられているため、単位当たりコストは上限の目安です。"
        ],
    )


def _at_risk(build: _Build) -> Dashboard:
    filters = build.filters
    report = at_risk_report(
        session=build.session, scope=filters.scope(), fiscal_year=filters.year, limit=build.limit
    )
    columns = [
        *sheet_columns(lambda row: row.sheet, filters),
        text("name", "指標", lambda row: row.name),
        text("unit", "単位", lambda row: row.unit),
        fiscal_year("as_of_year", "実績年度", lambda row: row.as_of_year),
        fiscal_year("end_year", "目標年度", lambda row: row.end_year),
        number("target", "目標値", lambda row: row.target),
        number("so_far", "現在値", lambda row: row.so_far),
        number("current_rate", "年あたり実績", lambda row: row.current_rate),
        number("required_rate", "年あたり必要", lambda row: row.required_rate),
        number("projected", "見通し", lambda row: row.projected),
        rate("pace_ratio", "ペース比", lambda row: row.pace_ratio),
    ]
    years = "、".join(
        f"{kind_label(SheetKind(kind))} {era_label(year)}"
        for kind, year in sorted(report.fiscal_years.items())
    )
    chart = bar_chart(
        chart_id="chart-at-risk",
        title="必要なペースに対する実績のペース（%、遅れの大きい順）",
        bars=[
            Bar(row.name, row.pace_ratio * 100, percent(row.pace_ratio))
            for row in report.rows[:CHART_BARS]
            if row.pace_ratio is not None
        ],
        heading="指標",
        value_heading="ペース比",
    )
    return Dashboard(
        REPORTS["at-risk"],
        filters,
        [Table("indicators", "目標年度の目標に届かないおそれのある指標", columns, report.rows)],
        [chart] if chart else [],
        [
            f"読んだシート：{years or 'なし'}。ペース比＝これまでの年あたりの伸び ÷ 目標年度までに必要な年あたりの伸び。"
        ],
    )


def _changes(build: _Build) -> Dashboard:
    filters = build.filters
    report: ChangesReport = changes_report(
        session=build.session,
        kind=filters.kind,
        program=filters.program,
        organisation=filters.organisation,
        policy=filters.policy,
        public=True,
    )
    rows = [row for row in report.rows if filters.year is None or row.fiscal_year == filters.year]
    unit = filters.money_unit[0]
    columns = [
        fiscal_year("fiscal_year", "年度", lambda row: row.fiscal_year),
        number("programs", "事業数", lambda row: row.programs),
        yen_column("total_yen", "予算", lambda row: row.total_yen, filters),
        yen_column("total_change", "予算の前年度比", lambda row: row.total_change, filters),
        rate("total_change_rate", "予算の増減率", lambda row: row.total_change_rate),
        yen_column("executed_yen", "執行額", lambda row: row.executed_yen, filters),
        yen_column("executed_change", "執行額の前年度比", lambda row: row.executed_change, filters),
        rate("executed_change_rate", "執行額の増減率", lambda row: row.executed_change_rate),
        rate("rate", "執行率", lambda row: row.rate),
        number("judged", "目標判定数", lambda row: row.judged),
        number("achieved", "達成", lambda row: row.achieved),
        rate("achievement_rate", "達成率", lambda row: row.achievement_rate),
    ]
    tables = [Table("years", f"年度ごとの推移：{report.subject}", columns, rows)]
    if report.indicators:
        years = sorted(
            {year for item in report.indicators for year in (*item.actuals, *item.targets)}
        )
        series = [
            text("name", "指標", lambda item: item.name),
            text("unit", "単位", lambda item: item.unit),
            *[_actual(year) for year in years],
        ]
        tables.append(Table("indicators", "成果指標の実績の推移", series, report.indicators))
    if filters.program:
        tables.append(
            Table(
                "sheets", "読んだシート", sheet_columns(lambda sheet: sheet, filters), report.sheets
            )
        )
    scale = filters.money_unit[1]
    chart = line_chart(
        chart_id="chart-changes",
        title=f"予算と執行額の推移（{unit}）",
        series=[
            Series(
                "予算",
                {row.fiscal_year: _scaled(row.total_yen, scale) for row in rows},
                "#003f8e",
                "",
                "square",
            ),
            Series(
                "執行額",
                {row.fiscal_year: _scaled(row.executed_yen, scale) for row in rows},
                "#1b6b2f",
                "6 4",
                "circle",
            ),
        ],
        unit=unit,
    )
    notes = (
        []
        if filters.program or filters.organisation or filters.policy
        else [
            "事業番号・府省庁・部局・施策分野を指定すると、その対象の推移を示します（指定なし：全体）。"
        ]
    )
    return Dashboard(REPORTS["changes"], filters, tables, [chart] if chart else [], notes)


def _scaled(yen: Decimal | None, scale: Decimal) -> Decimal | None:
    return None if yen is None else yen / scale


def _actual(year: int) -> Column:
    return number(f"actual_{year}", f"{era_label(year)} 実績", lambda item: item.actuals.get(year))


def _quality(build: _Build) -> Dashboard:
    filters = build.filters
    report = quality_report(
        session=build.session, scope=filters.scope(), fiscal_year=filters.year, limit=build.limit
    )
    counts = [
        text("check", "検査", lambda item: item[0]),
        text("title", "内容", lambda item: CHECKS[item[0]]),
        number("count", "件数", lambda item: item[1]),
    ]
    sheet = sheet_columns(lambda row: row.sheet, filters)
    issues = [
        text("check", "検査", lambda row: row.check),
        *[_optional_sheet(column) for column in sheet],
        text("subject", "対象", lambda row: row.subject),
        text("message", "内容", lambda row: row.message),
    ]
    chart = bar_chart(
        chart_id="chart-quality",
        title="データ品質の検査ごとの件数",
        bars=[
            Bar(CHECKS[code], Decimal(count), f"{count:,}件")
            for code, count in report.counts.items()
        ],
        heading="検査",
        value_heading="件数",
    )
    return Dashboard(
        REPORTS["quality"],
        filters,
        [
            Table("counts", "検査ごとの件数", counts, list(report.counts.items())),
            Table("issues", f"明細（検査ごとに最初の{build.limit}件）", issues, report.issues),
        ],
        [chart] if chart else [],
    )


def _optional_sheet(column: Column) -> Column:
    """A sheet column of an issue that may concern no single sheet."""

    def value(row: object) -> object:
        return None if row.sheet is None else column.value(row)  # type: ignore[attr-defined]

    def show(row: object) -> str:
        return "" if row.sheet is None or column.show is None else column.show(row)  # type: ignore[attr-defined]

    def link(row: object) -> str | None:
        return None if row.sheet is None or column.link is None else column.link(row)  # type: ignore[attr-defined]

    return Column(
        column.key,
        column.heading,
        value,
        show if column.show else None,
        link if column.link else None,
        column.numeric,
        column.data_heading,
    )


BUILDERS: dict[str, Callable[[_Build], Dashboard]] = {
    "achievement": _achievement,
    "execution": _execution,
    "unit-cost": _unit_cost,
    "at-risk": _at_risk,
    "changes": _changes,
    "quality": _quality,
}


def build_dashboard(*, session: Session, slug: str, filters: AnalyticsFilters) -> Dashboard:
    """The dashboard of report ``slug`` (a key of :data:`REPORTS`) under ``filters``."""
    report = REPORTS[slug]
    limit = filters.limit or report.default_limit or 20
    return BUILDERS[slug](_Build(session=session, filters=filters, limit=limit))
