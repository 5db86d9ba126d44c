"""Program cost (6 事業コスト) and the 細事業一覧: arithmetic rules, full cost, unit costs.

Money is an integer in 千円 as printed; △ marks negatives in messages.

>>> from hyoka.model import CostRow
>>> row = CostRow(fiscal_year=2023, carried_over=0, initial_budget=213_739,
...               supplementary=-4_000, total=209_739, settlement=206_709, staff=4)
>>> expected_total(row)
209739
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from hyoka.display import COST_LABELS, money, number, year_short
from hyoka.model import CostRow, Sheet, SubProject
from hyoka.rules.findings import (
    DEFAULT_PERSONNEL_COST_PER_PERSON,
    Hit,
    Location,
    RuleContext,
    Severity,
    rounded,
    rule,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Units of money or shares: dividing a settlement by them gives no cost per unit.
_NOT_COUNTS = frozenset({"円", "千円", "万円", "百万円", "億円", "%", "％"})


def _cell(row: CostRow, field: str) -> Location:
    return Location(
        path=("costs", row.fiscal_year, field),
        label=f"6 事業コスト {year_short(row.fiscal_year)} {COST_LABELS[field]}",
    )


def expected_total(row: CostRow) -> int | None:
    """前年度繰越 + 当初予算 + 補正予算等, or None when one of them is missing."""
    parts = (row.carried_over, row.initial_budget, row.supplementary)
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


# --- Rules on each cost row ----------------------------------------------------------------


@rule("budget.total_mismatch", "合計が内訳の和と一致しない", Severity.ERROR)
def total_mismatch(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """合計（予算現額） must equal 前年度繰越 + 当初予算 + 補正予算等 (△ = minus).

    Checked on every cost row whose four cells are printed.
    """
    for row in sheet.costs:
        expected = expected_total(row)
        if expected is None or row.total is None or row.total == expected:
            continue
        assert row.carried_over is not None and row.initial_budget is not None
        assert row.supplementary is not None
        yield Hit(
            _cell(row, "total"),
            f"合計 {money(row.total)} 千円が 前年度繰越＋当初予算＋補正予算等 = "
            f"{money(row.carried_over)}＋{money(row.initial_budget)}＋"
            f"{money(row.supplementary)} = {money(expected)} 千円と一致しません",
        )


@rule("budget.general_revenue_exceeds_total", "一般財源が合計を超える", Severity.ERROR)
def general_revenue_exceeds_total(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """うち一般財源 is part of 合計（予算現額）, so it cannot exceed it."""
    for row in sheet.costs:
        if row.general_revenue is None or row.total is None:
            continue
        if row.general_revenue > row.total:
            yield Hit(
                _cell(row, "general_revenue"),
                f"うち一般財源 {money(row.general_revenue)} 千円が 合計 "
                f"{money(row.total)} 千円を {money(row.general_revenue - row.total)} 千円"
                "上回っています",
            )


@rule("budget.settlement_exceeds_total", "決算額が予算現額を超える", Severity.WARNING)
def settlement_exceeds_total(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """決算額 above 合計（予算現額）: spending more than the budget is unusual.

    Usually a typing error or a figure of another year; a reviewer should confirm it.
    """
    for row in sheet.costs:
        if row.settlement is None or row.total is None:
            continue
        if row.settlement > row.total:
            yield Hit(
                _cell(row, "settlement"),
                f"決算額 {money(row.settlement)} 千円が 合計（予算現額） "
                f"{money(row.total)} 千円を {money(row.settlement - row.total)} 千円"
                "上回っています",
            )


def _expected_fields(fiscal_year: int, context: RuleContext) -> list[str]:
    # 決算額 of a year that has not closed yet cannot be known.
    if fiscal_year <= context.as_of_year:
        return list(COST_LABELS)
    return [field for field in COST_LABELS if field != "settlement"]


@rule("budget.missing_cell", "事業コストの空欄", Severity.WARNING)
def missing_cell(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """A cell of a cost row is blank, or the sheet has no row for its own fiscal year.

    Every cell is expected, 決算額 only for years up to the as-of year (the sheet's own
    year at 点検, earlier at the budget stages). A printed 0 is a value, not a blank.
    """
    if sheet.cost(context.fiscal_year) is None:
        yield Hit(
            Location(
                path=("costs", context.fiscal_year),
                label=f"6 事業コスト {year_short(context.fiscal_year)}",
            ),
            f"事業コストに{year_short(context.fiscal_year)}の行がありません",
        )
    for row in sheet.costs:
        for field in _expected_fields(row.fiscal_year, context):
            if getattr(row, field) is None:
                yield Hit(
                    _cell(row, field),
                    f"{year_short(row.fiscal_year)}の{COST_LABELS[field]}が空欄です",
                )


# --- The 細事業一覧 against the program's settlement -----------------------------------------


class SubProjectTotal(_Frozen):
    """Sum of the sub-projects' settlements of a year against the program's 決算額."""

    fiscal_year: int
    settlement: int | None
    sub_project_sum: int | None  # None when every sub-project prints ー
    counted: int  # sub-projects with a figure that year
    difference: int | None  # settlement − sum


def sub_project_totals(sheet: Sheet) -> list[SubProjectTotal]:
    """One total per cost row (in sheet order), when the sheet lists sub-projects."""
    if not sheet.sub_projects:
        return []
    totals = []
    for row in sheet.costs:
        figures = _settlements(sheet.sub_projects, row.fiscal_year)
        summed = sum(figures) if figures else None
        totals.append(
            SubProjectTotal(
                fiscal_year=row.fiscal_year,
                settlement=row.settlement,
                sub_project_sum=summed,
                counted=len(figures),
                difference=(
                    None if summed is None or row.settlement is None else row.settlement - summed
                ),
            )
        )
    return totals


def _settlements(sub_projects: list[SubProject], fiscal_year: int) -> list[int]:
    figures = (project.settlements.get(fiscal_year) for project in sub_projects)
    return [figure for figure in figures if figure is not None]


def _sub_project_location(fiscal_year: int) -> Location:
    return Location(
        path=("sub_projects", "settlements", fiscal_year),
        label=f"細事業一覧 {year_short(fiscal_year)} 決算額",
    )


@rule("budget.subproject_sum_mismatch", "細事業の決算額の和が決算額と異なる", Severity.WARNING)
def subproject_sum_mismatch(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """The sub-projects' 決算額 of a year do not add up to the program's 決算額.

    The 細事業一覧 may list only the main sub-projects, so a sum below the settlement
    may be legitimate: the message gives the difference in 千円. A sum above it cannot be
    explained by a partial list. Years where every sub-project prints ー are left to
    ``budget.subproject_year_empty``.
    """
    for total in sub_project_totals(sheet):
        if total.difference is None or total.difference == 0:
            continue
        assert total.settlement is not None and total.sub_project_sum is not None
        fiscal_year = total.fiscal_year
        head = (
            f"{year_short(fiscal_year)}の細事業の決算額の和 {money(total.sub_project_sum)} 千円"
            f"（{total.counted} 件）が 決算額 {money(total.settlement)} 千円と"
        )
        if total.difference > 0:
            message = (
                f"{head} {money(total.difference)} 千円 異なります"
                "（細事業一覧は主な細事業のみを載せている場合があります）"
            )
        else:
            message = f"{head}比べ {money(-total.difference)} 千円 多くなっています"
        yield Hit(_sub_project_location(fiscal_year), message)


@rule("budget.subproject_year_empty", "細事業の決算額がすべて「ー」の年度", Severity.INFO)
def subproject_year_empty(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
    """Every sub-project prints ー for a year that has a 決算額: the sum is not compared.

    Typically the year before the sub-projects existed in their current form.
    """
    for total in sub_project_totals(sheet):
        if total.settlement is not None and total.sub_project_sum is None:
            yield Hit(
                _sub_project_location(total.fiscal_year),
                f"{year_short(total.fiscal_year)}は細事業の決算額がすべて「ー」のため、"
                f"決算額 {money(total.settlement)} 千円との照合を省きました",
            )


# --- Full cost -------------------------------------------------------------------------------


class FullCost(_Frozen):
    """決算額 + 職員数 × personnel cost per person, in 千円; None where a figure is missing."""

    fiscal_year: int
    settlement: int | None
    staff: Decimal | None
    personnel_cost: int | None
    full_cost: int | None


def personnel_cost(staff: Decimal, personnel_cost_per_person: int) -> int:
    """職員数 × cost per person, rounded half up to whole 千円 (the sheets' unit).

    >>> personnel_cost(Decimal("4.5"), 9000), personnel_cost(Decimal("0.15"), 9003)
    (40500, 1350)
    """
    return int((staff * personnel_cost_per_person).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def full_cost(
    sheet: Sheet,
    fiscal_year: int,
    personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON,
) -> int | None:
    """The full cost (フルコスト) of a year in 千円: 決算額 + 職員数 × personnel cost.

    None when the year has no cost row, no 決算額 or no 職員数. With the default 9,000
    千円 per person, R5 of seed 000 (決算額 206,709, 職員数 4.0) costs 242,709 千円.
    """
    row = sheet.cost(fiscal_year)
    if row is None:
        return None
    return _full_cost(row, personnel_cost_per_person).full_cost


def _full_cost(row: CostRow, personnel_cost_per_person: int) -> FullCost:
    people = None if row.staff is None else personnel_cost(row.staff, personnel_cost_per_person)
    return FullCost(
        fiscal_year=row.fiscal_year,
        settlement=row.settlement,
        staff=row.staff,
        personnel_cost=people,
        full_cost=None if people is None or row.settlement is None else row.settlement + people,
    )


def full_costs(
    sheet: Sheet, personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON
) -> list[FullCost]:
    """The full cost of every row of the cost table, in sheet order."""
    return [_full_cost(row, personnel_cost_per_person) for row in sheet.costs]


# --- Cost per unit of output -------------------------------------------------------------


class UnitCost(_Frozen):
    """A sub-project's settlement divided by one output quantity of its components.

    ``shared`` is True when the settlement also pays for other outputs (the sub-project
    has several quantity-bearing components, or the component several quantities): the
    figure is then the whole settlement over this one output, an upper bound of its cost.
    """

    fiscal_year: int
    sub_project: int
    sub_project_name: str
    component: int
    component_name: str
    label: str
    quantity: Decimal
    unit: str
    settlement: int
    cost_per_unit: Decimal  # 千円 per unit, rounded half up to the yen (0.001 千円)
    shared: bool


def unit_costs(sheet: Sheet, fiscal_year: int | None = None) -> list[UnitCost]:
    """Cost per unit of output of the sheet's fiscal year (or ``fiscal_year``).

    For every quantity of every component (e.g. 新規登録者数 407 者) the sub-project's
    settlement of the year is divided by the quantity, in 千円 per unit. The sheets do not
    split a sub-project's settlement among its components, so when only one component
    bears quantities and it has one quantity, the unit cost is exact (``shared`` False);
    otherwise each quantity still gets the whole settlement over it, flagged ``shared``.
    Quantities of money or percentages (円, 千円, %) and quantities ≤ 0 are skipped, as
    are sub-projects printing ー for the year. Seed 000's SDGs推進企業支援事業 (R5 決算額
    10,384 千円) lists 新規登録者数 407 者, セミナー開催数 4 回 and 紹介件数 5 件: 25.514
    千円 per 者, 2,596 千円 per 回, 2,076.8 千円 per 件, all ``shared``. Unit costs are
    rounded half up to the yen (0.001 千円).
    """
    year_ = sheet.header.fiscal_year if fiscal_year is None else fiscal_year
    results = []
    for project in sheet.sub_projects:
        settlement = project.settlements.get(year_)
        if settlement is None:
            continue
        counted = [
            (component, quantity)
            for component in project.components
            for quantity in component.quantities
            if quantity.unit not in _NOT_COUNTS and quantity.value > 0
        ]
        shared = len(counted) > 1
        for component, quantity in counted:
            results.append(
                UnitCost(
                    fiscal_year=year_,
                    sub_project=project.number,
                    sub_project_name=project.name,
                    component=component.number,
                    component_name=component.name,
                    label=quantity.label,
                    quantity=quantity.value,
                    unit=quantity.unit,
                    settlement=settlement,
                    cost_per_unit=rounded(Decimal(settlement) / quantity.value, 3),
                    shared=shared,
                )
            )
    return results


def describe_unit_cost(cost: UnitCost) -> str:
    """The unit cost in words, e.g.
    「SDGs推進企業支援事業 新規登録者数 407 者: 1 者あたり 25.514 千円（他の取組の費用を含む）」."""
    note = "（他の取組の費用を含む）" if cost.shared else ""
    return (
        f"{cost.sub_project_name} {cost.label} {number(cost.quantity)} {cost.unit}: "
        f"1 {cost.unit}あたり {number(cost.cost_per_unit)} 千円{note}"
    )
