"""What every report shares: rebuilding rule inputs from the stored facts, years, money.

The reports judge with the same rules as ``hyoka check`` (``hyoka.rules``); the store
gives them plain facts, which are turned back into model objects here without
validation (they were validated when saved).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from hyoka.model import (
    Comparison,
    Direction,
    Header,
    Indicator,
    Sheet,
    SheetKind,
    Stage,
    TargetSpec,
)
from hyoka.rules.findings import RuleContext, as_of_year
from hyoka.store.reports.figures import IndicatorFact
from hyoka.store.reports.scope import SheetInfo

ALL = "（全体）"
"""The organisation of a total row."""


def closed_year(sheet: SheetInfo) -> int:
    """The last fiscal year whose actuals and money are final on the sheet.

    Prefecture: the rules' as-of year (the sheet's year at 点検, earlier at the budget
    stages). National: a sheet published in 公開年度 Y reports 実績 and 執行額 up to Y−1.
    """
    if sheet.kind in (SheetKind.NATIONAL, SheetKind.MUNICIPAL):
        return sheet.fiscal_year - 1
    return as_of_year(rule_sheet(sheet))


def rule_context(sheet: SheetInfo) -> RuleContext:
    return RuleContext(fiscal_year=sheet.fiscal_year, as_of_year=closed_year(sheet))


def to_indicator(fact: IndicatorFact) -> Indicator:
    """The stored indicator as a model.Indicator, for the rules."""
    return Indicator.model_construct(
        number=fact.number,
        name=fact.name,
        unit=fact.unit,
        direction=Direction(fact.direction),
        target=TargetSpec.model_construct(
            comparison=Comparison(fact.comparison),
            cumulative=fact.cumulative,
            start_year=fact.start_year,
            end_year=fact.end_year,
        ),
        # The store's ValueFact tuples have the attributes the rules read of an
        # IndicatorValue; building 150,000 models would dominate the reports' time.
        values=fact.values,  # type: ignore[arg-type]
        printed_trends={},
        printed_achievement=None,
    )


@cache
def _blank_sheet() -> Sheet:
    # pydantic's model_construct inspects every default factory's signature on each call
    # (milliseconds for a Sheet); copying one blank sheet is microseconds.
    header = Header(
        program_number="0",
        program_name="",
        department="",
        section="",
        fiscal_year=2000,
        stage=Stage.REVIEW,
    )
    return Sheet(header=header)


def rule_sheet(sheet: SheetInfo, indicators: Iterable[Indicator] = ()) -> Sheet:
    """A sheet carrying only what the indicator and cost rules read."""
    blank = _blank_sheet()
    header = blank.header.model_copy(
        update={
            "kind": sheet.kind,
            "program_number": sheet.program_number,
            "program_name": sheet.program_name,
            "department": sheet.organisation,
            "section": sheet.section,
            "fiscal_year": sheet.fiscal_year,
            "stage": Stage(sheet.stage),
        }
    )
    return blank.model_copy(update={"header": header, "indicators": list(indicators), "costs": []})


def kinds(kind: SheetKind | None) -> tuple[SheetKind, ...]:
    return tuple(SheetKind) if kind is None else (kind,)


NATIONAL_TOTAL_NOTE = (
    "国のシートの予算計は、JUDGIT!（〜令和4年度）は印刷のとおり、RSシステム（令和6年度〜）は"
    "歳出予算現額から翌年度への繰越しを引いた額です（同じ定義で年度・出典をまたいで比べるため。"
    "執行率＝執行額÷予算計）。金額はすべて円に直してから合計します。"
)
"""Said by the reports that add national money: the one 予算計 of
:func:`hyoka.rules.facts.comparable_total`."""


def national_in(kind: SheetKind | None) -> bool:
    """Whether a report filtered to ``kind`` reads national sheets (None: every kind)."""
    return kind is None or kind is SheetKind.NATIONAL
