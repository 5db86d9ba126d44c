"""Sheets for the rules tests, built directly from the model.

``seed_000()`` follows shared/seeds/000 (07 01 01 産業振興のための企画調査・応援事業, R5 点検):
its indicators ②-1 and ②-2, its cost table and its 細事業一覧. The builders make small
variations easy to state in a table of cases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hyoka.model import (
    Achievement,
    Comparison,
    Component,
    Correction,
    CostRow,
    Direction,
    Header,
    Indicator,
    IndicatorValue,
    Method,
    Quantity,
    Sheet,
    Stage,
    SubProject,
    TargetSpec,
    Trend,
    ValueKind,
)

Figures = dict[int, int | str | None]


def header(**overrides: Any) -> Header:
    fields: dict[str, Any] = {
        "program_number": "07 01 01",
        "program_name": "産業振興のための企画調査・応援事業",
        "department": "産業労働部",
        "section": "産業政策課",
        "start_year": 1956,
        "fiscal_year": 2023,
        "stage": Stage.REVIEW,
    }
    return Header(**(fields | overrides))


def sheet(*, stage: Stage = Stage.REVIEW, fiscal_year: int = 2023, **fields: Any) -> Sheet:
    return Sheet(header=header(stage=stage, fiscal_year=fiscal_year), **fields)


def _values(kind: ValueKind, figures: Figures | None) -> list[IndicatorValue]:
    return [
        IndicatorValue(fiscal_year=year, kind=kind, value=None if value is None else Decimal(value))
        for year, value in (figures or {}).items()
    ]


def indicator(
    number: str = "①",
    *,
    actuals: Figures | None = None,
    estimates: Figures | None = None,
    targets: Figures | None = None,
    upper: int | str | None = None,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    comparison: Comparison = Comparison.AT_LEAST,
    cumulative: tuple[int, int] | None = None,
    period: tuple[int | None, int | None] = (None, None),
    printed_trends: dict[int, str] | None = None,
    printed: str | None = None,
    unit: str = "件",
    name: str = "テスト指標",
) -> Indicator:
    """An indicator from figures per year: ``actuals={2022: 493, 2023: 407}``.

    ``upper`` goes on every target (range); ``cumulative=(start, end)`` makes the target
    cumulative; ``period`` sets start and end years of a non-cumulative target.
    """
    targets_ = _values(ValueKind.TARGET, targets)
    if upper is not None:
        targets_ = [item.model_copy(update={"upper": Decimal(upper)}) for item in targets_]
    start, end = cumulative if cumulative else period
    return Indicator(
        number=number,
        name=name,
        unit=unit,
        direction=direction,
        target=TargetSpec(
            comparison=comparison,
            cumulative=cumulative is not None,
            start_year=start,
            end_year=end,
        ),
        values=[
            *_values(ValueKind.ACTUAL, actuals),
            *_values(ValueKind.ESTIMATE, estimates),
            *targets_,
        ],
        printed_trends={year: Trend(arrow) for year, arrow in (printed_trends or {}).items()},
        printed_achievement=None if printed is None else Achievement(printed),
    )


def excellence() -> Indicator:
    """Seed 000 ②-1: R3 11, R4 7 (↘), R5 target 7, actual 7 (→), 達成."""
    return indicator(
        "②-1",
        name="「NAGANOものづくりエクセレンス」認定技術・製品数",
        unit="件",
        actuals={2021: 11, 2022: 7, 2023: 7},
        targets={2023: 7},
        printed_trends={2022: "↘", 2023: "→"},
        printed="達成",
    )


def sdgs() -> Indicator:
    """Seed 000 ②-2: R3 676, R4 493 (corrected from 473) ↘, R5 target 150, actual 407 ↘, 達成."""
    sdgs = indicator(
        "②-2",
        name="長野県SDGs推進企業登録制度　新規登録数",
        unit="者",
        actuals={2021: 676, 2022: 493, 2023: 407},
        targets={2023: 150},
        printed_trends={2022: "↘", 2023: "↘"},
        printed="達成",
    )
    corrected = [
        item.model_copy(
            update={
                "corrections": [
                    Correction(
                        before=Decimal(473),
                        after=Decimal(493),
                        noted_in="R5年度当初予算案のシート",
                    )
                ]
            }
        )
        if item.fiscal_year == 2022
        else item
        for item in sdgs.values
    ]
    return sdgs.model_copy(update={"values": corrected})


def cost_row(
    fiscal_year: int,
    carried_over: int | None,
    initial_budget: int | None,
    supplementary: int | None,
    total: int | None,
    general_revenue: int | None,
    settlement: int | None,
    staff: str | None,
) -> CostRow:
    return CostRow(
        fiscal_year=fiscal_year,
        carried_over=carried_over,
        initial_budget=initial_budget,
        supplementary=supplementary,
        total=total,
        general_revenue=general_revenue,
        settlement=settlement,
        staff=None if staff is None else Decimal(staff),
    )


def seed_000_costs() -> list[CostRow]:
    """Seed 000's cost table as printed: R5, R4, R3 (R5: 0 + 213,739 + △4,000 = 209,739)."""
    return [
        cost_row(2023, 0, 213_739, -4_000, 209_739, 202_004, 206_709, "4.0"),
        cost_row(2022, 0, 213_357, 0, 213_357, 205_622, 211_980, "5.0"),
        cost_row(2021, 2_560_536, 14_851, 0, 2_575_387, 869_934, 2_347_126, "5.0"),
    ]


def quantity(label: str, value: int | str, unit: str) -> Quantity:
    return Quantity(label=label, value=Decimal(value), unit=unit)


def component(
    number: int, name: str, *quantities: Quantity, method: Method = Method.DIRECT
) -> Component:
    return Component(number=number, name=name, methods=[method], quantities=list(quantities))


def sub_project(
    number: int, name: str, r3: int | None, r4: int | None, r5: int | None, *components: Component
) -> SubProject:
    return SubProject(
        number=number,
        name=name,
        settlements={2021: r3, 2022: r4, 2023: r5},
        components=list(components),
    )


def seed_000_sub_projects() -> list[SubProject]:
    """Seed 000's 細事業一覧: R5 sums to the 決算額 206,709; R4 and R3 list only some."""
    return [
        sub_project(
            1,
            "商工業企画調査事業",
            1_466,
            2_226,
            2_272,
            component(1, "中小企業振興審議会開催事業費", quantity("審議会開催回数", 2, "回")),
        ),
        sub_project(
            2,
            "ものづくり企業応援事業",
            498,
            504,
            537,
            component(1, "ものづくり企業応援事業費", quantity("パンフレット発行部数", 2000, "部")),
        ),
        sub_project(
            3,
            "SDGｓ推進企業支援事業",
            3_910,
            9_551,
            10_384,
            component(
                1,
                "SDGｓ推進企業運営",
                quantity("新規登録者数", 407, "者"),
                quantity("セミナー開催数", 4, "回"),
                method=Method.OUTSOURCED,
            ),
            component(
                2,
                "PR・波及事業",
                quantity("ポータルサイトでの優良事例紹介件数", 5, "件"),
                method=Method.OUTSOURCED,
            ),
        ),
        sub_project(
            4,
            "産業振興機構運営費補助金",
            None,
            194_308,
            185_359,
            component(1, "産業振興機構運営費補助金", method=Method.SUBSIDY),
        ),
        sub_project(
            5,
            "地域内消費促進事業費",
            None,
            None,
            8_157,
            component(
                1,
                "デジタル地域通貨研究事業費",
                quantity("研究会実施回数", 4, "回"),
            ),
            component(
                2,
                "「しあわせバイ信州運動」推進事業費",
                quantity("キャンペーン実施回数", 1, "回"),
                quantity("大学生による提案数", 3, "件"),
            ),
        ),
    ]


def seed_000(**fields: Any) -> Sheet:
    """Seed 000 as far as the rules look at it; keyword arguments replace sheet fields."""
    base: dict[str, Any] = {
        "indicators": [excellence(), sdgs()],
        "costs": seed_000_costs(),
        "sub_projects": seed_000_sub_projects(),
    }
    return sheet(**(base | fields))
