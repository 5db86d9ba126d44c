"""Outcome indicators (4 成果指標): trends, achievement, pace towards a target, and rules.

A *trend* compares a year's actual with the previous year's actual in the indicator's good
direction; the *achievement* compares a year's actual with its target. They are
independent: seed 000's ②-2 fell from 493 to 407 (↘) yet was 達成 against 150.

>>> from hyoka.model import Direction
>>> trend(Decimal(493), Decimal(407), Direction.HIGHER_IS_BETTER)
<Trend.WORSENED: '↘'>
>>> trend(Decimal(493), Decimal(407), Direction.LOWER_IS_BETTER)
<Trend.IMPROVED: '↗'>

"Actual" always means the year's 実績, or its 見込 when no 実績 is known
(``Indicator.actual``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from hyoka.display import number, year_short
from hyoka.model import (
    Achievement,
    Comparison,
    Direction,
    Indicator,
    IndicatorValue,
    Sheet,
    Trend,
    ValueKind,
)
from hyoka.rules.findings import (
    Hit,
    Location,
    RuleContext,
    Severity,
    rounded,
    rule,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- Trends --------------------------------------------------------------------------------


def trend(previous: Decimal | None, current: Decimal | None, direction: Direction) -> Trend:
    """↗ improved, ↘ worsened, → unchanged, ― when either value is missing."""
    if previous is None or current is None:
        return Trend.NO_VALUE
    if current == previous:
        return Trend.UNCHANGED
    rose = current > previous
    improved = rose if direction is Direction.HIGHER_IS_BETTER else not rose
    return Trend.IMPROVED if improved else Trend.WORSENED


def year_trend(indicator: Indicator, fiscal_year: int) -> Trend:
    """The trend of one year: its actual against the previous year's actual."""
    return trend(
        indicator.actual(fiscal_year - 1), indicator.actual(fiscal_year), indicator.direction
    )


def trends(indicator: Indicator) -> dict[int, Trend]:
    """The computed trend of each year with an actual, and of each year the sheet prints one.

    The first year with an actual has no previous one: ―.
    """
    years = {
        item.fiscal_year
        for item in indicator.values
        if item.kind is not ValueKind.TARGET and item.value is not None
    }
    return {
        fiscal_year: year_trend(indicator, fiscal_year)
        for fiscal_year in sorted(years | set(indicator.printed_trends))
    }


# --- Achievement ---------------------------------------------------------------------------


class Assessment(_Frozen):
    """An actual measured against a target: what ``achievement`` decides from.

    For a cumulative target, ``actual`` is the sum of the actuals from ``start_year`` to
    ``fiscal_year`` (the end year); otherwise ``start_year`` equals ``fiscal_year``.
    """

    fiscal_year: int
    start_year: int
    cumulative: bool
    comparison: Comparison
    target: Decimal
    upper: Decimal | None = None
    actual: Decimal
    achievement: Achievement


def target_value(indicator: Indicator, fiscal_year: int) -> IndicatorValue | None:
    """The year's TARGET figure, when the sheet prints one."""
    for item in indicator.values:
        if (
            item.fiscal_year == fiscal_year
            and item.kind is ValueKind.TARGET
            and item.value is not None
        ):
            return item
    return None


def cumulative_actual(indicator: Indicator, start_year: int, end_year: int) -> Decimal | None:
    """The sum of the actuals of ``start_year``‥``end_year``; None if any year lacks one."""
    total = Decimal(0)
    for fiscal_year in range(start_year, end_year + 1):
        actual = indicator.actual(fiscal_year)
        if actual is None:
            return None
        total += actual
    return total


def meets(actual: Decimal, target: IndicatorValue, comparison: Comparison) -> bool:
    """Whether ``actual`` meets ``target`` under ``comparison``.

    A range without ``upper`` is open above.
    """
    bound = target.value
    assert bound is not None  # target_value() only returns printed targets
    match comparison:
        case Comparison.AT_LEAST:
            return actual >= bound
        case Comparison.AT_MOST:
            return actual <= bound
        case Comparison.EXACT:
            return actual == bound
        case Comparison.RANGE:
            return bound <= actual and (target.upper is None or actual <= target.upper)


def assess(indicator: Indicator, fiscal_year: int) -> Assessment | None:
    """The year's actual against its target, or None when either is missing.

    A cumulative target (``TargetSpec.cumulative``) is judged only at its ``end_year``,
    on the sum of the actuals since ``start_year`` (every year needs one) against the
    end year's target; before that, see :func:`pace`.
    """
    spec = indicator.target
    if spec.cumulative:
        if spec.start_year is None or fiscal_year != spec.end_year:
            return None
        start_year = spec.start_year
        actual = cumulative_actual(indicator, start_year, fiscal_year)
    else:
        start_year = fiscal_year
        actual = indicator.actual(fiscal_year)
    target = target_value(indicator, fiscal_year)
    if target is None or target.value is None or actual is None:
        return None
    return Assessment(
        fiscal_year=fiscal_year,
        start_year=start_year,
        cumulative=spec.cumulative,
        comparison=spec.comparison,
        target=target.value,
        upper=target.upper,
        actual=actual,
        achievement=(
            Achievement.ACHIEVED
            if meets(actual, target, spec.comparison)
            else Achievement.NOT_ACHIEVED
        ),
    )


def achievement(indicator: Indicator, fiscal_year: int) -> Achievement | None:
    """達成 / 未達成 of the year against its target; None when target or actual is missing.

    Honours ``TargetSpec.comparison`` (at_least, at_most, exact, range up to ``upper``) and
    cumulative targets (see :func:`assess`).
    """
    assessment = assess(indicator, fiscal_year)
    return assessment.achievement if assessment else None


# --- Pace towards a target of a later year -------------------------------------------------


class PaceStatus(StrEnum):
    ON_TRACK = "on_track"  # at the current yearly rate the target will be met
    AT_RISK = "at_risk"  # the current yearly rate falls short of the rate still needed
    REACHED = "reached"  # already met (a ceiling: met at the end of the period)
    MISSED = "missed"  # the period is over, or a cumulative ceiling already exceeded


class Pace(_Frozen):
    """Progress towards a target of a later (or the current) year.

    Cumulative target: ``so_far`` is the sum of the actuals from ``start_year`` to
    ``as_of_year``; ``elapsed_years`` counts those years; ``baseline`` is 0.
    Single-year target of a later year: ``so_far`` is the actual of ``as_of_year``,
    ``baseline`` the actual of ``start_year`` (the year progress is counted from) and
    ``elapsed_years`` the years since then.

    ``current_rate`` = (so_far − baseline) / elapsed_years, ``required_rate`` =
    (target − so_far) / remaining_years (None when no year remains). Rates are rounded
    half up to one decimal, shares to three.
    """

    cumulative: bool
    start_year: int
    end_year: int
    as_of_year: int
    target: Decimal
    ceiling: bool  # the target must not be exceeded (at_most)
    so_far: Decimal
    baseline: Decimal
    elapsed_years: int
    total_years: int
    remaining_years: int
    elapsed_share: Decimal
    current_rate: Decimal
    required_rate: Decimal | None
    status: PaceStatus


def _goal(indicator: Indicator, target: IndicatorValue) -> tuple[Decimal, bool]:
    """The bound a pace aims at and whether it is a ceiling.

    at_least aims at the target, at_most stays under it; exact and range aim at the
    target (range: its upper end as a ceiling) in the indicator's good direction.
    """
    assert target.value is not None
    lower_is_better = indicator.direction is Direction.LOWER_IS_BETTER
    match indicator.target.comparison:
        case Comparison.AT_LEAST:
            return target.value, False
        case Comparison.AT_MOST:
            return target.value, True
        case Comparison.EXACT:
            return target.value, lower_is_better
        case Comparison.RANGE:
            if lower_is_better:
                return (target.upper if target.upper is not None else target.value), True
            return target.value, False


def _pace_status(
    *,
    so_far: Decimal,
    bound: Decimal,
    ceiling: bool,
    cumulative: bool,
    remaining: int,
    current_rate: Decimal,
    required_rate: Decimal | None,
) -> PaceStatus:
    if ceiling:
        if cumulative and so_far > bound:
            return PaceStatus.MISSED
        if (not cumulative or remaining == 0) and so_far <= bound:
            return PaceStatus.REACHED
        if required_rate is None:
            return PaceStatus.MISSED
        return PaceStatus.ON_TRACK if current_rate <= required_rate else PaceStatus.AT_RISK
    if so_far >= bound:
        return PaceStatus.REACHED
    if required_rate is None:
        return PaceStatus.MISSED
    return PaceStatus.ON_TRACK if current_rate >= required_rate else PaceStatus.AT_RISK


def latest_figure_year(indicator: Indicator, up_to: int) -> int | None:
    """The latest year up to ``up_to`` with an actual (or estimate)."""
    years = [
        item.fiscal_year
        for item in indicator.values
        if item.kind is not ValueKind.TARGET
        and item.value is not None
        and item.fiscal_year <= up_to
    ]
    return max(years, default=None)


def pace(indicator: Indicator, as_of_year: int) -> Pace | None:
    """Progress towards a multi-year target as of ``as_of_year``; None when not computable.

    Cumulative targets (``TargetSpec.cumulative``): the actuals of ``start_year``‥
    ``as_of_year`` (all needed) against the target printed for ``end_year``. A 2023–2027
    cumulative target of 20,000 with a 2023 actual of 2,708: one year of five elapsed, the
    remaining four years need (20,000 − 2,708) / 4 = 4,323 a year against 2,708 so far:
    at_risk. After ``end_year`` the pace is that of the end year (reached or missed).

    Single-year targets, when the target's year (``TargetSpec.end_year``, else the last
    year with a target) is later than ``as_of_year``: the change per year since
    ``TargetSpec.start_year`` (else the first year with an actual) against the change per
    year still needed. None when the target's year is not later: that is achievement.
    """
    spec = indicator.target
    if spec.cumulative:
        if spec.start_year is None or spec.end_year is None:
            return None
        start, end = spec.start_year, spec.end_year
        as_of = min(as_of_year, end)
        target = target_value(indicator, end)
        if target is None or as_of < start:
            return None
        so_far = cumulative_actual(indicator, start, as_of)
        baseline: Decimal | None = Decimal(0)
        elapsed, total = as_of - start + 1, end - start + 1
    else:
        target_years = [
            item.fiscal_year
            for item in indicator.values
            if item.kind is ValueKind.TARGET and item.value is not None
        ]
        end_year = spec.end_year if spec.end_year is not None else max(target_years, default=None)
        if end_year is None or end_year <= as_of_year:
            return None
        end, as_of = end_year, as_of_year
        target = target_value(indicator, end)
        start_year = spec.start_year
        if start_year is None:
            start_year = _first_actual_year(indicator)
        if target is None or start_year is None or start_year >= as_of:
            return None
        start = start_year
        so_far = indicator.actual(as_of)
        baseline = indicator.actual(start)
        elapsed, total = as_of - start, end - start
    if so_far is None or baseline is None:
        return None
    remaining = total - elapsed
    bound, ceiling = _goal(indicator, target)
    current_rate = (so_far - baseline) / elapsed
    required_rate = (bound - so_far) / remaining if remaining > 0 else None
    return Pace(
        cumulative=spec.cumulative,
        start_year=start,
        end_year=end,
        as_of_year=as_of,
        target=bound,
        ceiling=ceiling,
        so_far=so_far,
        baseline=baseline,
        elapsed_years=elapsed,
        total_years=total,
        remaining_years=remaining,
        elapsed_share=rounded(Decimal(elapsed) / total, 3),
        current_rate=rounded(current_rate),
        required_rate=None if required_rate is None else rounded(required_rate),
        status=_pace_status(
            so_far=so_far,
            bound=bound,
            ceiling=ceiling,
            cumulative=spec.cumulative,
            remaining=remaining,
            current_rate=current_rate,
            required_rate=required_rate,
        ),
    )


def _first_actual_year(indicator: Indicator) -> int | None:
    years = [
        item.fiscal_year
        for item in indicator.values
        if item.kind is not ValueKind.TARGET and item.value is not None
    ]
    return min(years, default=None)


# --- Derived values of one indicator -------------------------------------------------------


class IndicatorDerived(_Frozen):
    """What hyoka computes for one indicator; the printed arrows and status stay on the sheet."""

    number: str
    name: str
    unit: str
    trends: dict[int, Trend]
    achievement_year: int
    assessment: Assessment | None
    achievement: Achievement | None
    pace: Pace | None


def derive_indicator(indicator: Indicator, *, fiscal_year: int) -> IndicatorDerived:
    """Computed trends of every year, achievement of ``fiscal_year`` and pace as of the
    latest figure up to ``fiscal_year``."""
    assessment = assess(indicator, fiscal_year)
    pace_year = latest_figure_year(indicator, up_to=fiscal_year)
    return IndicatorDerived(
        number=indicator.number,
        name=indicator.name,
        unit=indicator.unit,
        trends=trends(indicator),
        achievement_year=fiscal_year,
        assessment=assessment,
        achievement=assessment.achievement if assessment else None,
        pace=None if pace_year is None else pace(indicator, pace_year),
    )


# --- Rules ---------------------------------------------------------------------------------


def _label(indicator: Indicator, *parts: str) -> str:
    return " ".join(["4 成果指標", indicator.number, *parts])


def _figure(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "数値なし"
    return f"{number(value)} {unit}".rstrip()


def _direction_phrase(direction: Direction) -> str:
    if direction is Direction.HIGHER_IS_BETTER:
        return "値が大きいほど良い指標"
    return "値が小さいほど良い指標"


def _has_values(indicator: Indicator) -> bool:
    return any(item.value is not None for item in indicator.values)


@rule("indicator.no_values", "成果指標の数値がない", Severity.WARNING)
def no_values(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """An indicator has no figure at all: no target, no actual, no estimate.

    The figures of the indicator are missing; nothing about it can be computed.
    """
    for indicator in sheet.indicators:
        if not _has_values(indicator):
            yield Hit(
                Location(path=("indicators", indicator.number), label=_label(indicator)),
                f"成果指標 {indicator.number}「{indicator.name}」の目標値・実績が"
                "一つも記載されていません",
            )


@rule("indicator.trend_mismatch", "記載の推移が実績と合わない", Severity.WARNING)
def trend_mismatch(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """A printed trend arrow differs from the one computed from the two actuals.

    The trend of a year compares its actual with the previous year's actual in the
    indicator's good direction (↗ improved, ↘ worsened, → unchanged, ― either missing).
    The printed arrow is kept as printed; the finding names both arrows and both figures.
    An indicator without any figure is left to ``indicator.no_values``.
    """
    for indicator in sheet.indicators:
        if not _has_values(indicator) or indicator.printed_override_reason:
            continue  # an override with its reason is indicator.printed_override's
        for fiscal_year, printed in sorted(indicator.printed_trends.items()):
            computed = year_trend(indicator, fiscal_year)
            if computed is printed:
                continue
            previous = indicator.actual(fiscal_year - 1)
            current = indicator.actual(fiscal_year)
            yield Hit(
                Location(
                    path=("indicators", indicator.number, "trends", fiscal_year),
                    label=_label(indicator, year_short(fiscal_year), "推移"),
                ),
                f"{year_short(fiscal_year)}の推移は {printed.value} と記載されていますが、"
                f"{year_short(fiscal_year - 1)} {_figure(previous, indicator.unit)} → "
                f"{year_short(fiscal_year)} {_figure(current, indicator.unit)} は"
                f"（{_direction_phrase(indicator.direction)}）{computed.value} です",
            )


def _condition(assessment: Assessment, unit: str) -> str:
    target = _figure(assessment.target, unit)
    match assessment.comparison:
        case Comparison.AT_LEAST:
            return f"目標値 {target} 以上"
        case Comparison.AT_MOST:
            return f"目標値 {target} 以下"
        case Comparison.EXACT:
            return f"目標値 {target} と同じ"
        case Comparison.RANGE:
            upper = "" if assessment.upper is None else _figure(assessment.upper, unit)
            return f"目標範囲 {number(assessment.target)}〜{upper} の内"


def explain(assessment: Assessment, unit: str) -> str:
    """The assessment in words: 「R5年度の実績 407 者 は目標値 150 者 以上のため「達成」です」."""
    if assessment.cumulative:
        subject = (
            f"{year_short(assessment.start_year)}〜{year_short(assessment.fiscal_year)}の累計 "
            f"{_figure(assessment.actual, unit)}"
        )
    else:
        subject = f"{year_short(assessment.fiscal_year)}の実績 {_figure(assessment.actual, unit)}"
    condition = _condition(assessment, unit)
    if assessment.achievement is Achievement.ACHIEVED:
        return f"{subject} は{condition}のため「{assessment.achievement.value}」です"
    return f"{subject} は{condition}ではないため「{assessment.achievement.value}」です"


@rule("indicator.achievement_mismatch", "記載の達成状況が実績と合わない", Severity.WARNING)
def achievement_mismatch(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """The printed 達成状況 differs from the one computed for its year (the column it is
    printed in, ``printed_achievement_year``; the sheet's fiscal year when not known).

    The actual (or estimate) is compared with the target under the indicator's comparison
    (以上, 以下, 同じ, 範囲); a cumulative target is judged in its end year on the sum of
    the actuals. Nothing is reported when the achievement cannot be computed (a missing
    figure is a finding of its own).
    """
    for indicator in sheet.indicators:
        if indicator.printed_override_reason:
            continue  # an override with its reason is indicator.printed_override's
        printed = indicator.printed_achievement
        assessment = assess(indicator, indicator.printed_achievement_year or context.fiscal_year)
        if printed is None or assessment is None or assessment.achievement is printed:
            continue
        yield Hit(
            Location(
                path=("indicators", indicator.number, "achievement"),
                label=_label(indicator, "達成状況"),
            ),
            f"達成状況は「{printed.value}」と記載されていますが、"
            f"{explain(assessment, indicator.unit)}",
        )


def printed_trend_years(fiscal_year: int) -> tuple[int, int]:
    """The years whose 推移 a 事業改善シート prints: the year before and its own year."""
    return fiscal_year - 1, fiscal_year


def computed_printing(
    indicator: Indicator, fiscal_year: int
) -> tuple[dict[int, Trend], Achievement | None]:
    """What a sheet authored in hyoka prints as the indicator's 推移 and 達成状況 unless the
    editor chooses otherwise: the trend computed from the figures for each year the sheet
    shows one (:func:`printed_trend_years`; none where it cannot be computed, ―), and the
    achievement of ``fiscal_year`` (None where it cannot be computed)."""
    arrows = {year: year_trend(indicator, year) for year in printed_trend_years(fiscal_year)}
    printed: dict[int, Trend] = {
        year: arrow for year, arrow in arrows.items() if arrow is not Trend.NO_VALUE
    }
    return printed, achievement(indicator, fiscal_year)


def overridden(indicator: Indicator, fiscal_year: int) -> list[str]:
    """What of the indicator's printed 推移 and 達成状況 differs from the computed ones, in
    words (「R5年度の推移 → （計算では ↗）」); empty when all agree."""
    found = [
        f"{year_short(year)}の推移 {printed.value}（計算では {computed.value}）"
        for year, printed in sorted(indicator.printed_trends.items())
        if (computed := year_trend(indicator, year)) is not printed
    ]
    printed_achievement = indicator.printed_achievement
    computed_achievement = achievement(indicator, indicator.printed_achievement_year or fiscal_year)
    if printed_achievement is not None and printed_achievement is not computed_achievement:
        shown = "計算できません" if computed_achievement is None else computed_achievement.value
        found.append(f"達成状況「{printed_achievement.value}」（計算では{shown}）")
    return found


@rule("indicator.printed_override", "推移・達成状況を計算と異なる記載にしている", Severity.INFO)
def printed_override(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """The sheet prints a 推移 or 達成状況 other than the computed one and says why
    (``printed_override_reason``, given in the staff form): shown with the reason, so that
    a reviewer sees the override. Without a reason the mismatch rules report it instead.
    """
    for indicator in sheet.indicators:
        if not indicator.printed_override_reason:
            continue
        differing = overridden(indicator, context.fiscal_year)
        if differing:
            yield Hit(
                Location(path=("indicators", indicator.number), label=_label(indicator)),
                f"{'、'.join(differing)}と記載しています。理由：{indicator.printed_override_reason}",
            )


@rule("indicator.target_without_actual", "目標値に対する実績がない", Severity.WARNING)
def target_without_actual(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """A year that has ended (up to the sheet's as-of year) has a target but no actual.

    For a cumulative target, every year from its start to the as-of year needs an actual
    for the sum. The as-of year is the sheet's own year at 点検, the year before at
    補正予算案, two years before at 当初要求 / 当初予算案.
    """
    for indicator in sheet.indicators:
        spec = indicator.target
        if spec.cumulative and spec.start_year is not None and spec.end_year is not None:
            if target_value(indicator, spec.end_year) is None:
                continue
            period = f"{year_short(spec.start_year)}〜{year_short(spec.end_year)}"
            for fiscal_year in range(spec.start_year, min(context.as_of_year, spec.end_year) + 1):
                if indicator.actual(fiscal_year) is None:
                    yield Hit(
                        _actual_location(indicator, fiscal_year),
                        f"累計目標（{period}）に数える{year_short(fiscal_year)}の実績が"
                        "記載されていません",
                    )
            continue
        for item in indicator.values:
            fiscal_year = item.fiscal_year
            if (
                item.kind is ValueKind.TARGET
                and item.value is not None
                and fiscal_year <= context.as_of_year
                and indicator.actual(fiscal_year) is None
            ):
                yield Hit(
                    _actual_location(indicator, fiscal_year),
                    f"{year_short(fiscal_year)}の目標値 {_figure(item.value, indicator.unit)} に"
                    "対する実績が記載されていません",
                )


def _actual_location(indicator: Indicator, fiscal_year: int) -> Location:
    return Location(
        path=("indicators", indicator.number, "values", fiscal_year, "actual"),
        label=_label(indicator, year_short(fiscal_year), "実績"),
    )


@rule("indicator.estimate_only", "確定しているはずの年度が見込値のまま", Severity.INFO)
def estimate_only(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """A year up to the as-of year has an estimate (見込) but no actual (実績).

    Its actual should be known by now; estimates printed as actuals are a common cause of
    later corrections.
    """
    for indicator in sheet.indicators:
        for item in indicator.values:
            if (
                item.kind is ValueKind.ESTIMATE
                and item.value is not None
                and item.fiscal_year <= context.as_of_year
                and indicator.value(item.fiscal_year, ValueKind.ACTUAL) is None
            ):
                yield Hit(
                    _actual_location(indicator, item.fiscal_year),
                    f"{year_short(item.fiscal_year)}の値 {_figure(item.value, indicator.unit)} は"
                    "見込値のままで、実績が記載されていません",
                )


@rule("indicator.actual_without_target", "実績に対する目標値がない", Severity.WARNING)
def actual_without_target(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """The sheet's fiscal year has an actual but no target, so achievement cannot be judged.

    Earlier years print actuals without targets by design and are not reported. For a
    cumulative target, the target of its end year is needed once any year of the period
    has an actual.
    """
    for indicator in sheet.indicators:
        spec = indicator.target
        if spec.cumulative and spec.start_year is not None and spec.end_year is not None:
            counted = range(spec.start_year, spec.end_year + 1)
            if target_value(indicator, spec.end_year) is None and any(
                indicator.actual(fiscal_year) is not None for fiscal_year in counted
            ):
                yield Hit(
                    _target_location(indicator, spec.end_year),
                    f"{year_short(spec.start_year)}〜{year_short(spec.end_year)}の累計目標の"
                    f"目標値（{year_short(spec.end_year)}）が記載されていません",
                )
            continue
        actual = indicator.actual(context.fiscal_year)
        if actual is not None and target_value(indicator, context.fiscal_year) is None:
            yield Hit(
                _target_location(indicator, context.fiscal_year),
                f"{year_short(context.fiscal_year)}の実績 {_figure(actual, indicator.unit)} に"
                "対する目標値が記載されていないため、達成状況を判定できません",
            )


def _target_location(indicator: Indicator, fiscal_year: int) -> Location:
    return Location(
        path=("indicators", indicator.number, "values", fiscal_year, "target"),
        label=_label(indicator, year_short(fiscal_year), "目標値"),
    )


@rule("indicator.comparison_conflict", "目標の判定方法が指標の向きと逆", Severity.INFO)
def comparison_conflict(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """The target is judged 以上 (at_least) on a lower-is-better indicator, or 以下
    (at_most) on a higher-is-better one.

    Achievement follows the comparison as set; this asks to confirm it is not reversed.
    """
    for indicator in sheet.indicators:
        comparison = indicator.target.comparison
        lower = indicator.direction is Direction.LOWER_IS_BETTER
        if (lower and comparison is Comparison.AT_LEAST) or (
            not lower and comparison is Comparison.AT_MOST
        ):
            judged = "以上" if comparison is Comparison.AT_LEAST else "以下"
            yield Hit(
                Location(
                    path=("indicators", indicator.number, "target"),
                    label=_label(indicator, "目標"),
                ),
                f"{_direction_phrase(indicator.direction)}ですが、目標値は「{judged}」で"
                "達成を判定する設定です。判定が逆になっていないか確認してください",
            )


def _percent(share: Decimal) -> str:
    return f"{rounded(share * 100, 0)}%"


def describe_pace(value: Pace, unit: str) -> str:
    """The pace in words, with the rate still needed and the rate so far."""
    period = f"{year_short(value.start_year)}〜{year_short(value.end_year)}"
    target = _figure(value.target, unit)
    so_far = _figure(value.so_far, unit)
    needed = "" if value.required_rate is None else _figure(value.required_rate, unit)
    current = _figure(value.current_rate, unit)
    if value.cumulative:
        text = (
            f"{period}の累計目標 {target} に対し、{year_short(value.as_of_year)}までの累計は "
            f"{so_far}（期間の {_percent(value.elapsed_share)} が経過）"
        )
        rates = f"年 {needed} が必要ですが、これまでは年平均 {current} です"
    else:
        text = (
            f"{year_short(value.end_year)}の目標値 {target} に対し、"
            f"{year_short(value.as_of_year)}の実績は {so_far}"
        )
        rates = (
            f"年 {needed} ずつの変化が必要ですが、{year_short(value.start_year)}からの変化は"
            f"年平均 {current} です"
        )
    if value.required_rate is None:
        return text
    return f"{text}。残り {value.remaining_years} 年で{rates}"


@rule("indicator.pace_at_risk", "複数年度の目標の達成が危ぶまれる", Severity.WARNING)
def pace_at_risk(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """At the yearly rate so far, a target of a later year will not be reached.

    Applies to cumulative targets during their period, and to single-year targets of a
    later year (see ``pace``), as of the latest figure up to the sheet's fiscal year.
    Severity info while less than half of the period has elapsed, warning from then on.
    """
    for indicator in sheet.indicators:
        as_of = latest_figure_year(indicator, up_to=context.fiscal_year)
        value = None if as_of is None else pace(indicator, as_of)
        if value is None or value.status is not PaceStatus.AT_RISK:
            continue
        late = value.elapsed_share * 2 >= 1
        yield Hit(
            Location(
                path=("indicators", indicator.number, "target"),
                label=_label(indicator, "目標"),
            ),
            describe_pace(value, indicator.unit),
            Severity.WARNING if late else Severity.INFO,
        )
