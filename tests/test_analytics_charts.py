"""The dashboards' SVG charts (hyoka.render.charts, hyoka.analytics.charts): every year of
the span on the axis, tick labels with their exact decimals, and a one-line summary made
from the figures that is also the SVG's accessible description."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from hyoka.analytics.charts import rate_by_year
from hyoka.display import trimmed
from hyoka.model import SheetKind
from hyoka.render.charts import Bar, Series, axis_ticks, bar_chart, line_chart, years_span

D = Decimal


def _axis_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="11" fill="#1a1a1a">([^<]*)</text>', svg)


def _year_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="middle" font-size="12" fill="#1a1a1a">([^<]*)</text>', svg)


def test_a_year_without_figures_keeps_its_place_on_the_axis_and_in_the_table() -> None:
    series = [Series("予算", {2020: D(10), 2021: D(11), 2023: D(12)}, "#003f8e")]
    chart = line_chart(chart_id="c", title="予算", series=series, unit="千円")
    assert chart is not None
    assert _year_labels(chart.svg) == ["R2", "R3", "R4", "R5"]
    assert [row[0] for row in chart.rows] == ["R2年度", "R3年度", "R4年度", "R5年度"]
    assert chart.rows[2] == ["R4年度", "―"]
    # R5 is three steps from R2, not two: the x positions follow the years.
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', chart.svg)][:3]
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[1]) / 2, abs=0.2)
    assert "令和4年度は数値なし" in chart.description


def test_rates_by_year_keep_a_missing_year() -> None:
    points = [(SheetKind.NATIONAL, 2020, D("0.5")), (SheetKind.NATIONAL, 2022, D("0.6"))]
    chart = rate_by_year("r", "率", points)
    assert chart is not None
    assert _year_labels(chart.svg) == ["R2", "R3", "R4"]


@pytest.mark.parametrize(
    ("low", "high", "labels"),
    [
        (D(0), D(1), ["0", "0.25", "0.5", "0.75", "1"]),
        (D(0), D("0.75"), ["0", "0.2", "0.4", "0.6", "0.8"]),
        (D(0), D(100), ["0", "25", "50", "75", "100"]),
        (D(0), D(1234), ["0", "500", "1,000", "1,500"]),
        (D(-30), D(20), ["-40", "-20", "0", "20"]),
        (D(0), D("0.003"), ["0", "0.001", "0.002", "0.003"]),
        (D(0), D(0), ["0", "0.25", "0.5", "0.75", "1"]),
    ],
)
def test_ticks_are_round_steps_shown_with_their_real_decimals(
    low: Decimal, high: Decimal, labels: list[str]
) -> None:
    ticks = axis_ticks(low, high)
    assert [trimmed(tick, negative="-") for tick in ticks] == labels
    assert ticks[0] <= low and ticks[-1] >= high


def test_tick_labels_are_not_rounded_away() -> None:
    # The axis 0–1 in quarters used to be labelled 0, 0.2, 0.5, 0.8, 1.
    series = [Series("実績", {2021: D("0.25"), 2022: D("0.5"), 2023: D(1)}, "#003f8e")]
    chart = line_chart(chart_id="c", title="t", series=series, unit="")
    assert chart is not None
    assert _axis_labels(chart.svg) == ["0", "0.25", "0.5", "0.75", "1"]


def test_the_line_summary_says_what_the_chart_shows() -> None:
    series = [
        Series("予算", {2020: D(10000), 2021: D(11000), 2023: D(12000)}, "#003f8e"),
        Series("執行額", {2020: D(9000), 2023: D("8500.4")}, "#1b6b2f"),
    ]
    chart = line_chart(chart_id="c", title="予算と執行額の推移（千円）", series=series, unit="千円")
    assert chart is not None
    assert chart.description == (
        "令和2〜5年度で予算は1.2倍（最大 令和5年度 12,000千円）、"
        "執行額は0.9倍（最大 令和2年度 9,000千円）。令和4年度は数値なし。"
    )
    assert f'<desc id="c-desc">{chart.description}</desc>' in chart.svg


def test_the_summary_of_rates_names_the_first_and_last_figures() -> None:
    points = [(SheetKind.PREFECTURE, 2022, D("0.5")), (SheetKind.PREFECTURE, 2023, D("0.755"))]
    chart = rate_by_year("r", "率", points)
    assert chart is not None
    assert chart.description == "令和4〜5年度で県は50%から75.5%へ（最大 令和5年度 75.5%）。"


def test_years_span_across_eras() -> None:
    assert years_span(2018, 2023) == "平成30〜令和5年度"
    assert years_span(2020, 2023) == "令和2〜5年度"
    assert years_span(2023, 2023) == "令和5年度"


def test_the_bar_summary_names_the_largest_and_smallest() -> None:
    bars = [Bar("甲事業", D(40), "40.0%"), Bar("乙事業", D(-25), "△25.0%"), Bar("丙", D(5), "5%")]
    chart = bar_chart(chart_id="b", title="増減率", bars=bars, heading="事業", value_heading="率")
    assert chart is not None
    assert chart.description == (
        "3件。最も大きいのは甲事業（40.0%）、最も小さいのは乙事業（△25.0%）。"
    )
    assert f'<desc id="b-desc">{chart.description}</desc>' in chart.svg
