"""Charts as server-rendered SVG with text alternatives: no script, no outside request.

Each chart is an :class:`Chart`: the SVG (``role="img"`` with ``<title>``/``<desc>``, the
description a one-line summary made from the figures that the page shows too), and
the same figures as a table (caption, headers, rows) that the page shows next to it, so
that the data reach screen readers and print. Colours are SVG presentation attributes
(the portal's CSP forbids inline styles) and pass WCAG AA contrast against white; lines
differ by dash pattern and marker as well as colour.

Example::

    chart = indicator_chart(sheet.indicators[0], chart_id="ind-0")
    html = chart.svg  # Markup
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

from hyoka.display import NO_TREND, VALUE_KIND_LABELS, to_the_yen, trimmed, year_short
from hyoka.eras import era_label, era_of
from hyoka.model import Indicator, Sheet, SheetKind, ValueKind

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 36, 40
INK = "#1a1a1a"
GRID = "#c8c8c8"


@dataclass(frozen=True)
class Series:
    label: str
    values: dict[int, Decimal | None]
    colour: str
    dash: str = ""  # stroke-dasharray
    marker: str = "circle"  # circle | square


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    description: str
    svg: Markup
    caption: str
    headers: list[str]
    rows: list[list[str]]


SERIES_STYLE = {
    ValueKind.ACTUAL: (VALUE_KIND_LABELS[ValueKind.ACTUAL], "#003f8e", "", "circle"),
    ValueKind.TARGET: (VALUE_KIND_LABELS[ValueKind.TARGET], "#a1121b", "6 4", "square"),
    ValueKind.ESTIMATE: (VALUE_KIND_LABELS[ValueKind.ESTIMATE], "#4a4a4a", "2 3", "circle"),
}


def _figure(value: Decimal | None) -> str:
    # The data table's form: no trailing zeros, a plain minus sign, ― without a figure.
    return trimmed(value, missing=NO_TREND, negative="-")


def indicator_chart(indicator: Indicator, *, chart_id: str) -> Chart | None:
    """Each year's actual, target and estimate of one indicator; None without figures."""
    series: list[Series] = []
    for kind in (ValueKind.ACTUAL, ValueKind.TARGET, ValueKind.ESTIMATE):
        values = {
            value.fiscal_year: value.value
            for value in indicator.values
            if value.kind is kind and value.value is not None
        }
        if values:
            label, colour, dash, marker = SERIES_STYLE[kind]
            series.append(Series(label, dict(sorted(values.items())), colour, dash, marker))
    if not series:
        return None
    unit = f"（{indicator.unit}）" if indicator.unit else ""
    title = f"成果指標{indicator.number} {indicator.name}の推移{unit}"
    return _line_chart(chart_id=chart_id, title=title, series=series, unit=indicator.unit)


def budget_chart(sheet: Sheet, *, chart_id: str) -> Chart | None:
    """Budget (予算現額 / 予算計) against settlement (決算額 / 執行額) over the years."""
    if sheet.header.kind is SheetKind.NATIONAL:
        unit, yen = sheet.money_unit.value, sheet.money_unit.yen
        budget = {
            row.fiscal_year: to_the_yen(row.total, yen)
            for row in sheet.budgets
            if row.total is not None
        }
        spent = {
            row.fiscal_year: to_the_yen(row.executed, yen)
            for row in sheet.budgets
            if row.executed is not None
        }
        names = ("予算計", "執行額")
    else:
        unit = "千円"
        budget = {
            row.fiscal_year: Decimal(row.total) for row in sheet.costs if row.total is not None
        }
        spent = {
            row.fiscal_year: Decimal(row.settlement)
            for row in sheet.costs
            if row.settlement is not None
        }
        names = ("予算現額", "決算額")
    if not budget and not spent:
        return None
    series = [
        Series(names[0], dict(sorted(budget.items())), "#003f8e", "", "square"),
        Series(names[1], dict(sorted(spent.items())), "#1b6b2f", "6 4", "circle"),
    ]
    title = f"{names[0]}と{names[1]}の推移（{unit}）"
    return _line_chart(chart_id=chart_id, title=title, series=series, unit=unit)


def _line_chart(*, chart_id: str, title: str, series: Sequence[Series], unit: str) -> Chart:
    # Every year from the first to the last, so that a year without figures keeps its place
    # on the axis (and its row, ―, in the table) instead of the next year taking it.
    found = {year for item in series for year in item.values}
    years = list(range(min(found), max(found) + 1))
    figures = [value for item in series for value in item.values.values() if value is not None]
    ticks = axis_ticks(min([Decimal(0), *figures]), max([Decimal(0), *figures]))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (year - years[0]) / (len(years) - 1)

    def y(value: Decimal) -> float:
        return TOP + plot_h * float((high - value) / (high - low))

    parts: list[str] = []
    for level in ticks:
        ypos = y(level)
        parts.append(
            f'<line x1="{LEFT}" y1="{ypos:.1f}" x2="{WIDTH - RIGHT}" y2="{ypos:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{ypos + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{escape(_figure(level))}</text>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
            f'font-size="12" fill="{INK}">{escape(year_short(year, suffix=""))}</text>'
        )
    for index, item in enumerate(series):
        points = [
            (x(year), y(value)) for year, value in sorted(item.values.items()) if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{item.colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
        for px, py in points:
            parts.append(_marker(item, px, py))
        legend_x = LEFT + index * 130
        parts.append(
            f"<g>{_marker(item, legend_x + 6, 16)}"
            f'<text x="{legend_x + 16}" y="20" font-size="12" fill="{INK}">'
            f"{escape(item.label)}</text></g>"
        )
    description = line_summary(series, unit)
    svg = Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart-svg" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        f"{''.join(parts)}</svg>"
    )
    headers = ["年度", *(f"{item.label}（{unit}）" if unit else item.label for item in series)]
    rows = [
        [year_short(year), *(_figure(item.values.get(year)) for item in series)] for year in years
    ]
    return Chart(chart_id, title, description, svg, f"{title}のデータ", headers, rows)


def _marker(item: Series, px: float, py: float) -> str:
    if item.marker == "square":
        return (
            f'<rect x="{px - 4:.1f}" y="{py - 4:.1f}" width="8" height="8" fill="{item.colour}"/>'
        )
    return f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{item.colour}"/>'


STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def axis_ticks(low: Decimal, high: Decimal, *, count: int = 4) -> list[Decimal]:
    """Tick values from ``low`` to ``high`` (widened to whole steps), about ``count`` steps of
    1, 2, 2.5 or 5 × 10ⁿ, so that each label is the tick's exact value (0.75, not 0.8).

    >>> [trimmed(tick) for tick in axis_ticks(Decimal(0), Decimal(1))]
    ['0', '0.25', '0.5', '0.75', '1']
    >>> [trimmed(tick) for tick in axis_ticks(Decimal(0), Decimal(1234))]
    ['0', '500', '1,000', '1,500']
    """
    if high <= low:
        high = low + 1
    rough = (high - low) / count
    unit = Decimal(1).scaleb(rough.adjusted())
    step = next(unit * multiple for multiple in STEPS if unit * multiple >= rough)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
    last = (high / step).to_integral_value(rounding=ROUND_CEILING)
    return [step * index for index in range(int(first), int(last) + 1)]


def _about(value: Decimal) -> str:
    # A figure in a sentence: whole units from 100 up, else at most two decimals.
    places = Decimal(1) if abs(value) >= 100 else Decimal("0.01")
    return _figure(value.quantize(places, rounding=ROUND_HALF_UP))


def years_span(first: int, last: int) -> str:
    """令和2〜5年度, 平成30〜令和5年度, or 令和5年度 for one year."""
    if first == last:
        return era_label(first)
    later = era_label(last)
    if era_of(first) is era_of(last):
        later = later.removeprefix(era_of(last).name)
    return f"{era_label(first, suffix='')}〜{later}"


def line_summary(series: Sequence[Series], unit: str) -> str:
    """What a line chart shows, in one sentence: each series' change from its first to its
    last year and its highest year; years without any figure named.

    e.g. 令和2〜5年度で予算は1.2倍（最大 令和5年度 12,345千円）、執行額は…。
    """
    found = {year: value for item in series for year, value in item.values.items()}
    years = sorted(found)
    parts = []
    for item in series:
        figures = sorted((year, value) for year, value in item.values.items() if value is not None)
        if not figures:
            continue
        (first_year, first), last = figures[0], figures[-1][1]
        if len(figures) == 1:
            parts.append(f"{item.label}は{era_label(first_year)} {_about(first)}{unit}")
            continue
        if unit != "%" and first > 0 and last >= 0:
            change = f"{_figure((last / first).quantize(Decimal('0.1'), ROUND_HALF_UP))}倍"
        else:
            change = f"{_about(first)}{unit}から{_about(last)}{unit}へ"
        top_year, top = max(figures, key=lambda pair: (pair[1], pair[0]))
        parts.append(f"{item.label}は{change}（最大 {era_label(top_year)} {_about(top)}{unit}）")
    gaps = [
        year
        for year in range(years[0], years[-1] + 1)
        if all(item.values.get(year) is None for item in series)
    ]
    missing = f"。{'・'.join(map(era_label, gaps))}は数値なし" if gaps else ""
    return f"{years_span(years[0], years[-1])}で{'、'.join(parts)}{missing}。"


def bar_summary(bars: Sequence[Bar], unit: str = "") -> str:
    """What a bar chart shows, in one sentence: how many bars, the largest and smallest
    (``unit`` after values printed without one)."""
    if len(bars) == 1:
        return f"{bars[0].label} {bars[0].shown}{unit}。"
    top = max(bars, key=lambda bar: bar.value)
    bottom = min(bars, key=lambda bar: bar.value)
    return (
        f"{len(bars)}件。最も大きいのは{top.label}（{top.shown}{unit}）、"
        f"最も小さいのは{bottom.label}（{bottom.shown}{unit}）。"
    )


# --- Charts of the analytics dashboards ------------------------------------------------------


def line_chart(*, chart_id: str, title: str, series: Sequence[Series], unit: str) -> Chart | None:
    """Series over fiscal years (e.g. a program's budget and spending); None without figures."""
    kept = [item for item in series if any(value is not None for value in item.values.values())]
    if not kept:
        return None
    return _line_chart(chart_id=chart_id, title=title, series=kept, unit=unit)


@dataclass(frozen=True)
class Bar:
    label: str  # shown truncated in the SVG; whole in the data table and the description
    value: Decimal
    shown: str  # the value as the table prints it, e.g. "45.0%" or "1,234"


BAR_LABEL_WIDTH = 200
BAR_ROW = 24
BAR_LABEL_CHARS = 14
POSITIVE, NEGATIVE = "#003f8e", "#a1121b"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    heading: str,
    value_heading: str,
    unit: str = "",
) -> Chart | None:
    """Horizontal bars, one per label (negative values to the left of the zero line, in red
    and with their sign printed, so colour is never the only cue); None without bars.
    ``unit``: of values printed without one, for the summary."""
    if not bars:
        return None
    values = [bar.value for bar in bars]
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    if high == low:
        high = low + 1
    top, bottom, right = 8, 8, 80  # room on the right for the printed values
    plot_left = BAR_LABEL_WIDTH + 8
    plot_w = WIDTH - plot_left - right
    height = top + BAR_ROW * len(bars) + bottom

    def x(value: Decimal) -> float:
        return plot_left + plot_w * float((value - low) / (high - low))

    zero = x(Decimal(0))
    parts = [
        f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{height - bottom}" '
        f'stroke="{INK}" stroke-width="1"/>'
    ]
    for index, bar in enumerate(bars):
        ypos = top + BAR_ROW * index
        end = x(bar.value)
        left, width = min(zero, end), abs(end - zero)
        colour = NEGATIVE if bar.value < 0 else POSITIVE
        label = (
            bar.label
            if len(bar.label) <= BAR_LABEL_CHARS
            else bar.label[: BAR_LABEL_CHARS - 1] + "…"
        )
        text_x = end + 4 if bar.value >= 0 else end - 4
        anchor = "start" if bar.value >= 0 else "end"
        if bar.value < 0 and text_x < plot_left + 40:  # no room left of the bar: print inside
            text_x, anchor = zero + 4, "start"
        parts.append(
            f'<text x="{BAR_LABEL_WIDTH}" y="{ypos + 16}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(label)}</text>'
            f'<rect x="{left:.1f}" y="{ypos + 4}" width="{max(width, 1):.1f}" height="{BAR_ROW - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{text_x:.1f}" y="{ypos + 16}" text-anchor="{anchor}" font-size="11" '
            f'fill="{INK}">{escape(bar.shown)}</text>'
        )
    description = bar_summary(bars, unit)
    svg = Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart-svg" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        f"{''.join(parts)}</svg>"
    )
    rows = [[bar.label, bar.shown] for bar in bars]
    return Chart(
        chart_id, title, description, svg, f"{title}のデータ", [heading, value_heading], rows
    )
