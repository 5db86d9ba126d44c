"""The dashboards of money: 執行率 (``execution``), 単位当たりコスト (``unit-cost``) and
前年度からの増減 (``changes``), built by :func:`hyoka.web.analytics_reports.build_dashboard`.
"""

from __future__ import annotations

from decimal import Decimal

from hyoka.analytics import (
    ChangesReport,
    changes_report,
    execution_report,
    unit_cost_report,
)
from hyoka.eras import era_label
from hyoka.render.charts import Bar, Series, bar_chart, line_chart
from hyoka.web.analytics_catalog import (
    CHART_BARS,
    REPORTS,
    _Build,
    _grouping_columns,
    _rate_by_year,
)
from hyoka.web.analytics_tables import (
    AnalyticsFilters,
    Column,
    Dashboard,
    Table,
    fiscal_year,
    money,
    number,
    percent,
    rate,
    sheet_columns,
    text,
    yen_column,
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
