"""The dashboards of the outcome indicators: 成果目標の達成率 (``achievement``) and
目標未達のおそれ (``at-risk``), built by :func:`hyoka.web.analytics_reports.build_dashboard`.
"""

from __future__ import annotations

from hyoka.analytics import (
    achievement_report,
    at_risk_report,
)
from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, bar_chart
from hyoka.web.analytics_catalog import (
    CHART_BARS,
    REPORTS,
    _Build,
    _grouping_columns,
    _newest_year_bars,
    _rate_by_year,
)
from hyoka.web.analytics_tables import (
    Column,
    Dashboard,
    Table,
    fiscal_year,
    kind_label,
    number,
    percent,
    rate,
    sheet_columns,
    text,
)


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
