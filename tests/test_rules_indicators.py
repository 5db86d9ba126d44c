"""Indicators: trend, achievement, pace, and the indicator rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hyoka.model import Achievement, Comparison, Direction, Indicator, Stage, Trend
from hyoka.rules import PaceStatus, Severity, achievement, get_rule, pace, trend, trends
from hyoka.rules.findings import Finding, RuleContext
from hyoka.rules.indicators import derive_indicator
from rules_sheets import excellence, indicator, sdgs, seed_000, sheet

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER


def run(code: str, *indicators: Indicator, stage: Stage = Stage.REVIEW) -> list[Finding]:
    checked = sheet(indicators=list(indicators), stage=stage)
    return get_rule(code).run(checked, RuleContext.for_sheet(checked))


@pytest.mark.parametrize(
    ("previous", "current", "direction", "expected"),
    [
        (493, 407, HIGHER, Trend.WORSENED),
        (407, 493, HIGHER, Trend.IMPROVED),
        (7, 7, HIGHER, Trend.UNCHANGED),
        (493, 407, LOWER, Trend.IMPROVED),
        (407, 493, LOWER, Trend.WORSENED),
        (7, 7, LOWER, Trend.UNCHANGED),
        (None, 407, HIGHER, Trend.NO_VALUE),
        (493, None, HIGHER, Trend.NO_VALUE),
        (None, None, LOWER, Trend.NO_VALUE),
        ("50.1", "50.10", HIGHER, Trend.UNCHANGED),
        ("46.5", "50.1", HIGHER, Trend.IMPROVED),
        (0, -1, LOWER, Trend.IMPROVED),
    ],
)
def test_trend(
    previous: int | str | None, current: int | str | None, direction: Direction, expected: Trend
) -> None:
    as_decimal = [None if value is None else Decimal(value) for value in (previous, current)]
    assert trend(as_decimal[0], as_decimal[1], direction) is expected


def test_trends_of_each_year_with_an_actual() -> None:
    computed = trends(sdgs())
    assert computed == {2021: Trend.NO_VALUE, 2022: Trend.WORSENED, 2023: Trend.WORSENED}


def test_trends_use_estimates_and_cover_printed_years() -> None:
    figures = indicator(
        actuals={2022: 10}, estimates={2023: 12}, printed_trends={2021: "―"}, targets={2023: 9}
    )
    assert trends(figures) == {2021: Trend.NO_VALUE, 2022: Trend.NO_VALUE, 2023: Trend.IMPROVED}


@pytest.mark.parametrize(
    ("comparison", "target", "upper", "actual", "expected"),
    [
        (Comparison.AT_LEAST, 150, None, 407, Achievement.ACHIEVED),
        (Comparison.AT_LEAST, 150, None, 150, Achievement.ACHIEVED),
        (Comparison.AT_LEAST, 150, None, 149, Achievement.NOT_ACHIEVED),
        (Comparison.AT_MOST, 10, None, 9, Achievement.ACHIEVED),
        (Comparison.AT_MOST, 10, None, 10, Achievement.ACHIEVED),
        (Comparison.AT_MOST, 10, None, 11, Achievement.NOT_ACHIEVED),
        (Comparison.EXACT, 7, None, 7, Achievement.ACHIEVED),
        (Comparison.EXACT, 7, None, 8, Achievement.NOT_ACHIEVED),
        (Comparison.EXACT, 7, None, 6, Achievement.NOT_ACHIEVED),
        (Comparison.RANGE, 90, 110, 100, Achievement.ACHIEVED),
        (Comparison.RANGE, 90, 110, 90, Achievement.ACHIEVED),
        (Comparison.RANGE, 90, 110, 110, Achievement.ACHIEVED),
        (Comparison.RANGE, 90, 110, 89, Achievement.NOT_ACHIEVED),
        (Comparison.RANGE, 90, 110, 111, Achievement.NOT_ACHIEVED),
        (Comparison.RANGE, 90, None, 1000, Achievement.ACHIEVED),
    ],
)
def test_achievement_comparisons(
    comparison: Comparison, target: int, upper: int | None, actual: int, expected: Achievement
) -> None:
    figures = indicator(
        actuals={2023: actual}, targets={2023: target}, upper=upper, comparison=comparison
    )
    assert achievement(figures, 2023) is expected


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (indicator(actuals={2023: 7}), None),
        (indicator(targets={2023: 7}), None),
        (indicator(actuals={2023: 7}, targets={2023: None}), None),
        (indicator(actuals={2023: None}, targets={2023: 7}), None),
        (indicator(actuals={2022: 9}, targets={2023: 7}), None),
        (indicator(estimates={2023: 8}, targets={2023: 7}), Achievement.ACHIEVED),
        (
            indicator(actuals={2023: 6}, estimates={2023: 8}, targets={2023: 7}),
            Achievement.NOT_ACHIEVED,
        ),
    ],
)
def test_achievement_needs_target_and_actual(
    figures: Indicator, expected: Achievement | None
) -> None:
    assert achievement(figures, 2023) is expected


@pytest.mark.parametrize(
    ("actuals", "year", "expected"),
    [
        ({2023: 2708, 2024: 4000, 2025: 4500, 2026: 4400, 2027: 4392}, 2027, Achievement.ACHIEVED),
        (
            {2023: 2708, 2024: 4000, 2025: 4500, 2026: 4400, 2027: 4391},
            2027,
            Achievement.NOT_ACHIEVED,
        ),
        ({2023: 2708, 2024: 4000, 2025: 4500, 2026: 4400}, 2027, None),
        ({2023: 2708, 2025: 4500, 2026: 4400, 2027: 9000}, 2027, None),
        ({2023: 20000}, 2023, None),
        ({2023: 2708, 2024: 4000, 2025: 4500, 2026: 4400, 2027: 4392}, 2026, None),
    ],
)
def test_achievement_of_a_cumulative_target_at_its_end_year(
    actuals: dict[int, int | str | None], year: int, expected: Achievement | None
) -> None:
    figures = indicator(actuals=actuals, targets={2027: 20000}, cumulative=(2023, 2027))
    assert achievement(figures, year) is expected


def recurrent(actuals: dict[int, int | str | None], **overrides: object) -> Indicator:
    """Seed 003's 県関与のリカレント講座・訓練の受講者数, 2023〜2027年度の累計 20,000 人."""
    fields: dict[str, object] = {
        "name": "県関与のリカレント(リスキリング)講座・訓練の受講者数",
        "unit": "人",
        "actuals": actuals,
        "targets": {2027: 20000},
        "cumulative": (2023, 2027),
    }
    return indicator(**(fields | overrides))  # type: ignore[arg-type]


def test_pace_of_the_cumulative_example() -> None:
    result = pace(recurrent({2023: 2708}), 2023)
    assert result is not None
    assert result.cumulative
    assert (result.start_year, result.end_year, result.as_of_year) == (2023, 2027, 2023)
    assert result.so_far == 2708
    assert (result.elapsed_years, result.total_years, result.remaining_years) == (1, 5, 4)
    assert result.elapsed_share == Decimal("0.2")
    assert result.required_rate == 4323  # (20,000 − 2,708) / 4
    assert result.current_rate == 2708
    assert result.status is PaceStatus.AT_RISK


@pytest.mark.parametrize(
    ("actuals", "as_of", "status", "required"),
    [
        ({2023: 4000}, 2023, PaceStatus.ON_TRACK, 4000),
        ({2023: 3999}, 2023, PaceStatus.AT_RISK, "4000.3"),
        ({2023: 2708, 2024: 6000}, 2024, PaceStatus.ON_TRACK, "3764"),
        ({2023: 12000, 2024: 9000}, 2024, PaceStatus.REACHED, "-333.3"),
        (
            {2023: 2708, 2024: 4000, 2025: 4500, 2026: 4400, 2027: 4391},
            2027,
            PaceStatus.MISSED,
            None,
        ),
        (
            {2023: 2708, 2024: 4000, 2025: 4500, 2026: 4400, 2027: 4392},
            2030,
            PaceStatus.REACHED,
            None,
        ),
    ],
)
def test_pace_of_cumulative_targets(
    actuals: dict[int, int | str | None], as_of: int, status: PaceStatus, required: int | str | None
) -> None:
    result = pace(recurrent(actuals), as_of)
    assert result is not None
    assert result.status is status
    assert result.required_rate == (None if required is None else Decimal(required))


@pytest.mark.parametrize(
    ("actuals", "status"),
    [
        ({2023: 150}, PaceStatus.ON_TRACK),
        ({2023: 250}, PaceStatus.AT_RISK),
        ({2023: 1001}, PaceStatus.MISSED),
    ],
)
def test_pace_of_a_cumulative_ceiling(
    actuals: dict[int, int | str | None], status: PaceStatus
) -> None:
    # At most 1,000 accidents over 2023–2027: 200 a year keeps within it.
    ceiling = recurrent(
        actuals, targets={2027: 1000}, comparison=Comparison.AT_MOST, direction=LOWER
    )
    result = pace(ceiling, 2023)
    assert result is not None
    assert result.ceiling
    assert result.status is status


@pytest.mark.parametrize(
    "figures",
    [
        recurrent({2024: 3000}),  # 2023 missing
        recurrent({2023: 2708}, targets={2026: 20000}),  # no target for the end year
        recurrent({}),
    ],
)
def test_pace_not_computable(figures: Indicator) -> None:
    assert pace(figures, 2024) is None


def test_no_pace_before_the_period() -> None:
    assert pace(recurrent({2023: 2708}), 2022) is None


@pytest.mark.parametrize(
    ("figures", "status", "current", "required"),
    [
        # 生産性 46.5 → 50.1 % (R4 → R5), target 50.0 % in R9: already reached.
        (
            indicator(actuals={2022: "46.5", 2023: "50.1"}, targets={2027: "50.0"}, unit="%"),
            PaceStatus.REACHED,
            "3.6",
            "0",
        ),
        (
            indicator(actuals={2022: "46.5", 2023: "47.5"}, targets={2027: "50.0"}),
            PaceStatus.ON_TRACK,
            "1",
            "0.6",
        ),
        (
            indicator(actuals={2021: "46.0", 2022: "46.5", 2023: "46.6"}, targets={2027: "50.0"}),
            PaceStatus.AT_RISK,
            "0.3",
            "0.9",
        ),
        (
            indicator(
                actuals={2021: "46.0", 2022: "46.5", 2023: "47.0"},
                targets={2027: "50.0"},
                period=(2022, None),
            ),
            PaceStatus.AT_RISK,
            "0.5",
            "0.8",
        ),
        (
            indicator(
                actuals={2022: 30, 2023: 20},
                targets={2027: 5},
                comparison=Comparison.AT_MOST,
                direction=LOWER,
            ),
            PaceStatus.ON_TRACK,
            "-10",
            "-3.8",
        ),
    ],
)
def test_pace_of_a_single_year_target_of_a_later_year(
    figures: Indicator, status: PaceStatus, current: str, required: str
) -> None:
    result = pace(figures, 2023)
    assert result is not None
    assert not result.cumulative
    assert result.status is status
    assert result.current_rate == Decimal(current)
    assert result.required_rate == Decimal(required)


@pytest.mark.parametrize(
    "figures",
    [
        sdgs(),  # the target is of the current year: that is achievement
        indicator(actuals={2023: "47.5"}, targets={2027: "50.0"}),  # nothing to start from
        indicator(actuals={2022: "46.5"}, targets={2027: "50.0"}),  # no actual as of 2023
    ],
)
def test_no_pace_for_single_year_targets_without_a_later_year(figures: Indicator) -> None:
    assert pace(figures, 2023) is None


# --- The domain's example --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "expected_trends"),
    [
        (excellence(), {2021: Trend.NO_VALUE, 2022: Trend.WORSENED, 2023: Trend.UNCHANGED}),
        (sdgs(), {2021: Trend.NO_VALUE, 2022: Trend.WORSENED, 2023: Trend.WORSENED}),
    ],
)
def test_seed_000_indicators_agree_with_the_printed_figures(
    figures: Indicator, expected_trends: dict[int, Trend]
) -> None:
    derived = derive_indicator(figures, fiscal_year=2023)
    assert derived.trends == expected_trends
    assert derived.achievement is Achievement.ACHIEVED
    assert derived.pace is None
    for year, printed in figures.printed_trends.items():
        assert derived.trends[year] is printed
    for code in ("indicator.trend_mismatch", "indicator.achievement_mismatch"):
        assert run(code, figures) == []


def test_seed_000_has_no_indicator_findings() -> None:
    checked = seed_000()
    context = RuleContext.for_sheet(checked)
    for code in [
        "indicator.no_values",
        "indicator.trend_mismatch",
        "indicator.achievement_mismatch",
        "indicator.target_without_actual",
        "indicator.estimate_only",
        "indicator.actual_without_target",
        "indicator.comparison_conflict",
        "indicator.pace_at_risk",
    ]:
        assert get_rule(code).run(checked, context) == [], code


# --- Rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "count"),
    [
        (sdgs(), 0),
        (indicator(actuals={2023: 1}), 0),
        (indicator(targets={2023: 1}), 0),
        (indicator(), 1),
        (indicator(actuals={2022: None, 2023: None}, targets={2023: None}), 1),
    ],
)
def test_no_values(figures: Indicator, count: int) -> None:
    found = run("indicator.no_values", figures)
    assert len(found) == count
    if found:
        assert found[0].severity is Severity.WARNING
        assert found[0].location.path == ("indicators", "①")
        assert "目標値・実績が一つも記載されていません" in found[0].message


@pytest.mark.parametrize(
    ("printed_trends", "expected"),
    [
        ({2022: "↘", 2023: "↘"}, []),
        ({2022: "↘", 2023: "↗"}, [2023]),
        ({2021: "―", 2022: "→", 2023: "↘"}, [2022]),
        ({2021: "↗"}, [2021]),
        ({2024: "―"}, []),
    ],
)
def test_trend_mismatch(printed_trends: dict[int, str], expected: list[int]) -> None:
    figures = indicator(
        "②-2", actuals={2021: 676, 2022: 493, 2023: 407}, printed_trends=printed_trends, unit="者"
    )
    found = run("indicator.trend_mismatch", figures)
    assert [finding.location.path[-1] for finding in found] == expected


def test_no_trend_mismatch_without_any_figure() -> None:
    figures = indicator(printed_trends={2022: "↗", 2023: "↘"})
    assert run("indicator.trend_mismatch", figures) == []
    assert len(run("indicator.no_values", figures)) == 1


def test_trend_mismatch_names_both_arrows_and_figures() -> None:
    figures = indicator(
        "②-2", actuals={2022: 493, 2023: 407}, printed_trends={2023: "↗"}, unit="者"
    )
    [found] = run("indicator.trend_mismatch", figures)
    assert found.severity is Severity.WARNING
    assert found.location.path == ("indicators", "②-2", "trends", 2023)
    assert found.location.label == "4 成果指標 ②-2 R5年度 推移"
    assert found.message == (
        "R5年度の推移は ↗ と記載されていますが、R4年度 493 者 → R5年度 407 者 は"
        "（値が大きいほど良い指標）↘ です"
    )


def test_trend_mismatch_with_a_missing_figure() -> None:
    figures = indicator(actuals={2023: 12}, printed_trends={2023: "↗"}, direction=LOWER)
    [found] = run("indicator.trend_mismatch", figures)
    assert "R4年度 数値なし → R5年度 12 件" in found.message
    assert "（値が小さいほど良い指標）― です" in found.message


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        (indicator(actuals={2023: 407}, targets={2023: 150}, printed="達成"), None),
        (indicator(actuals={2023: 140}, targets={2023: 150}, printed="未達成"), None),
        (indicator(actuals={2023: 407}, targets={2023: 150}), None),
        (indicator(actuals={2023: 407}, printed="未達成"), None),
        (
            indicator(actuals={2023: 140}, targets={2023: 150}, printed="達成"),
            "達成状況は「達成」と記載されていますが、R5年度の実績 140 件 は目標値 150 件 以上"
            "ではないため「未達成」です",
        ),
        (
            indicator(actuals={2023: 407}, targets={2023: 150}, printed="未達成"),
            "達成状況は「未達成」と記載されていますが、R5年度の実績 407 件 は目標値 150 件 以上"
            "のため「達成」です",
        ),
        (
            indicator(
                actuals={2023: 12},
                targets={2023: 10},
                comparison=Comparison.AT_MOST,
                direction=LOWER,
                printed="達成",
            ),
            "達成状況は「達成」と記載されていますが、R5年度の実績 12 件 は目標値 10 件 以下"
            "ではないため「未達成」です",
        ),
        (
            indicator(
                actuals={2023: 8}, targets={2023: 7}, comparison=Comparison.EXACT, printed="達成"
            ),
            "達成状況は「達成」と記載されていますが、R5年度の実績 8 件 は目標値 7 件 と同じ"
            "ではないため「未達成」です",
        ),
        (
            indicator(
                actuals={2023: 120},
                targets={2023: 90},
                upper=110,
                comparison=Comparison.RANGE,
                printed="達成",
            ),
            "達成状況は「達成」と記載されていますが、R5年度の実績 120 件 は目標範囲 90〜110 件 の内"
            "ではないため「未達成」です",
        ),
    ],
)
def test_achievement_mismatch(figures: Indicator, message: str | None) -> None:
    found = run("indicator.achievement_mismatch", figures)
    if message is None:
        assert found == []
        return
    [finding] = found
    assert finding.severity is Severity.WARNING
    assert finding.location.path == ("indicators", "①", "achievement")
    assert finding.location.label == "4 成果指標 ① 達成状況"
    assert finding.message == message


def test_achievement_mismatch_of_a_cumulative_target() -> None:
    figures = indicator(
        actuals={2021: 5000, 2022: 5000, 2023: 9000},
        targets={2023: 20000},
        cumulative=(2021, 2023),
        printed="達成",
        unit="人",
    )
    [finding] = run("indicator.achievement_mismatch", figures)
    assert finding.message == (
        "達成状況は「達成」と記載されていますが、R3年度〜R5年度の累計 19,000 人 は"
        "目標値 20,000 人 以上ではないため「未達成」です"
    )


@pytest.mark.parametrize(
    ("figures", "stage", "expected"),
    [
        (sdgs(), Stage.REVIEW, []),
        (indicator(targets={2023: 150}), Stage.REVIEW, [2023]),
        (indicator(targets={2023: 150}, estimates={2023: 140}), Stage.REVIEW, []),
        (indicator(targets={2022: 100, 2023: 150}, actuals={2022: 90}), Stage.REVIEW, [2023]),
        (indicator(targets={2023: 150}), Stage.SUPPLEMENTARY_BUDGET, []),
        (indicator(targets={2022: 150}), Stage.SUPPLEMENTARY_BUDGET, [2022]),
        (indicator(targets={2022: 150}), Stage.INITIAL_BUDGET, []),
        (indicator(targets={2021: 150}), Stage.INITIAL_REQUEST, [2021]),
        (recurrent({2023: 2708}), Stage.REVIEW, []),
        (recurrent({2024: 2708}), Stage.REVIEW, [2023]),
        (recurrent({}, targets={}), Stage.REVIEW, []),
    ],
)
def test_target_without_actual(figures: Indicator, stage: Stage, expected: list[int]) -> None:
    found = run("indicator.target_without_actual", figures, stage=stage)
    assert [finding.location.path[3] for finding in found] == expected
    for finding in found:
        assert finding.severity is Severity.WARNING
        assert finding.location.path[-1] == "actual"


def test_target_without_actual_messages() -> None:
    [plain] = run("indicator.target_without_actual", indicator(targets={2023: 150}, unit="者"))
    assert plain.message == "R5年度の目標値 150 者 に対する実績が記載されていません"
    assert plain.location.label == "4 成果指標 ① R5年度 実績"
    [summed] = run("indicator.target_without_actual", recurrent({}))
    assert summed.message == "累計目標（R5年度〜R9年度）に数えるR5年度の実績が記載されていません"


@pytest.mark.parametrize(
    ("figures", "stage", "expected"),
    [
        (sdgs(), Stage.REVIEW, []),
        (indicator(estimates={2023: 140}, targets={2023: 150}), Stage.REVIEW, [2023]),
        (indicator(actuals={2023: 139}, estimates={2023: 140}), Stage.REVIEW, []),
        (indicator(estimates={2022: 140}), Stage.INITIAL_BUDGET, []),
        (indicator(estimates={2022: 140}), Stage.SUPPLEMENTARY_BUDGET, [2022]),
    ],
)
def test_estimate_only(figures: Indicator, stage: Stage, expected: list[int]) -> None:
    found = run("indicator.estimate_only", figures, stage=stage)
    assert [finding.location.path[3] for finding in found] == expected
    for finding in found:
        assert finding.severity is Severity.INFO
        assert "見込値のまま" in finding.message


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (sdgs(), []),
        (indicator(actuals={2021: 3, 2022: 4}, targets={2023: 5}), []),
        (indicator(actuals={2022: 4, 2023: 5}), [("values", 2023, "target")]),
        (indicator(estimates={2023: 5}, printed="達成"), [("values", 2023, "target")]),
        (recurrent({2023: 2708}), []),
        (recurrent({2023: 2708}, targets={2023: 4000}), [("values", 2027, "target")]),
        (recurrent({}, targets={}), []),
    ],
)
def test_actual_without_target(figures: Indicator, expected: list[tuple[object, ...]]) -> None:
    found = run("indicator.actual_without_target", figures)
    assert [finding.location.path[2:] for finding in found] == expected
    for finding in found:
        assert finding.severity is Severity.WARNING


def test_actual_without_target_messages() -> None:
    [plain] = run("indicator.actual_without_target", indicator(actuals={2023: 5}, unit="校"))
    assert plain.message == (
        "R5年度の実績 5 校 に対する目標値が記載されていないため、達成状況を判定できません"
    )
    [summed] = run("indicator.actual_without_target", recurrent({2023: 2708}, targets={}))
    assert summed.message == "R5年度〜R9年度の累計目標の目標値（R9年度）が記載されていません"


@pytest.mark.parametrize(
    ("direction", "comparison", "found"),
    [
        (HIGHER, Comparison.AT_LEAST, False),
        (LOWER, Comparison.AT_MOST, False),
        (HIGHER, Comparison.EXACT, False),
        (LOWER, Comparison.RANGE, False),
        (LOWER, Comparison.AT_LEAST, True),
        (HIGHER, Comparison.AT_MOST, True),
    ],
)
def test_comparison_conflict(direction: Direction, comparison: Comparison, found: bool) -> None:
    figures = indicator(
        actuals={2023: 5}, targets={2023: 5}, direction=direction, comparison=comparison
    )
    result = run("indicator.comparison_conflict", figures)
    assert bool(result) is found
    if result:
        assert result[0].severity is Severity.INFO
        assert result[0].location.path == ("indicators", "①", "target")


@pytest.mark.parametrize(
    ("figures", "severity"),
    [
        (sdgs(), None),
        (recurrent({2023: 4000}), None),
        (recurrent({2023: 2708}), Severity.INFO),
        (
            recurrent(
                {2021: 2708, 2022: 3000, 2023: 4000}, cumulative=(2021, 2025), targets={2025: 20000}
            ),
            Severity.WARNING,
        ),
        (
            recurrent(
                {2021: 5000, 2022: 5000, 2023: 5000}, cumulative=(2021, 2023), targets={2023: 20000}
            ),
            None,
        ),
        (indicator(actuals={2022: "46.5", 2023: "46.6"}, targets={2027: "50.0"}), Severity.INFO),
    ],
)
def test_pace_at_risk(figures: Indicator, severity: Severity | None) -> None:
    found = run("indicator.pace_at_risk", figures)
    assert [finding.severity for finding in found] == ([] if severity is None else [severity])


def test_pace_at_risk_message_of_the_cumulative_example() -> None:
    [found] = run("indicator.pace_at_risk", recurrent({2023: 2708}))
    assert found.location.path == ("indicators", "①", "target")
    assert found.message == (
        "R5年度〜R9年度の累計目標 20,000 人 に対し、R5年度までの累計は 2,708 人"
        "（期間の 20% が経過）。残り 4 年で年 4,323 人 が必要ですが、これまでは年平均 2,708 人 です"
    )


def test_pace_at_risk_message_of_a_later_single_year_target() -> None:
    figures = indicator(actuals={2022: "46.5", 2023: "46.6"}, targets={2027: "50.0"}, unit="%")
    [found] = run("indicator.pace_at_risk", figures)
    assert found.message == (
        "R9年度の目標値 50.0 % に対し、R5年度の実績は 46.6 %。残り 4 年で年 0.9 % ずつの変化が"
        "必要ですが、R4年度からの変化は年平均 0.1 % です"
    )


@pytest.mark.parametrize(
    ("printed_year", "expected"),
    [
        # 達成 is right for 2022 (8 ≥ 7) and wrong for 2023 (5 < 7): the year it is printed
        # for decides; without a year the sheet's own year (2023) is meant.
        (2022, []),
        (2023, ["R5年度の実績 5 件"]),
        (None, ["R5年度の実績 5 件"]),
    ],
)
def test_achievement_mismatch_judges_the_year_the_status_is_printed_for(
    printed_year: int | None, expected: list[str]
) -> None:
    figures = indicator(
        actuals={2022: 8, 2023: 5}, targets={2022: 7, 2023: 7}, printed="達成"
    ).model_copy(update={"printed_achievement_year": printed_year})
    found = run("indicator.achievement_mismatch", figures)
    assert [
        finding.message.split("は「達成」と記載されていますが、")[1][:12].strip()
        for finding in found
    ] == (expected)
