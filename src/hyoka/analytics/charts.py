"""The dashboards' charts that several reports draw: a rate by year per kind, and the
rates of the newest year by organisation (:mod:`hyoka.render.charts`).
"""

from __future__ import annotations

from decimal import Decimal

from hyoka.display import SHEET_KIND_LABELS, percent
from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, Chart, Series, bar_chart, line_chart

CHART_BARS = 15
KIND_COLOURS = {
    SheetKind.PREFECTURE: ("#1b6b2f", "6 4", "square"),
    SheetKind.NATIONAL: ("#003f8e", "", "circle"),
    SheetKind.MUNICIPAL: ("#8a3b00", "2 3", "circle"),
}


def rate_by_year(
    chart_id: str, title: str, points: list[tuple[SheetKind, int, Decimal | None]]
) -> Chart | None:
    """One line per kind: (kind, year, rate) points in %."""
    series = []
    for kind in SheetKind:
        values = {
            year: value * 100 for item, year, value in points if item is kind and value is not None
        }
        if values:
            colour, dash, marker = KIND_COLOURS[kind]
            series.append(
                Series(SHEET_KIND_LABELS[kind], dict(sorted(values.items())), colour, dash, marker)
            )
    return line_chart(chart_id=chart_id, title=title, series=series, unit="%")


def newest_year_bars(
    chart_id: str,
    title: str,
    rows: list[tuple[str, int, Decimal | None, SheetKind]],
    limit: int,
) -> Chart | None:
    """The (organisation, year, rate, kind) rates of the newest year shown, lowest first,
    ``limit`` of them."""
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
        Bar(f"{name}（{SHEET_KIND_LABELS[kind]}）", value * 100, percent(value))
        for name, value, kind in kept
    ]
    return bar_chart(
        chart_id=chart_id,
        title=f"{title} {era_label(newest)}",
        bars=bars,
        heading="府省庁・部局",
        value_heading="率",
    )


def present(*charts: Chart | None) -> list[Chart]:
    """The charts that have something to draw."""
    return [chart for chart in charts if chart is not None]
