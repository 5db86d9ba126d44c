"""The analytics dashboards the site offers (:data:`REPORTS`: slug, title, filters) and
what several of them share: the build arguments, the grouping columns and the charts by
year and by organisation (:mod:`hyoka.render.charts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, Chart, Series, bar_chart, line_chart
from hyoka.web.analytics_tables import (
    KIND_LABELS,
    AnalyticsFilters,
    Column,
    ReportInfo,
    kind_column,
    organisation_column,
    percent,
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
