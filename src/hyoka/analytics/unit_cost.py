"""Cost per unit of output (単位当たりコスト) and how it moved from the previous year.

National: 執行額 of a year / 活動実績 of each 活動指標 that year, from the same sheet; the
move compares the sheet's latest such year with the year before on the same sheet.
Prefecture: the rules' unit costs (``hyoka.rules.budget.unit_costs``): a 細事業's 決算額 /
each output quantity of its components in the sheet's year; the move compares it with the
same sub-project and output (label and unit) on the program's sheet of the year before.
Costs are in yen per unit, rounded half up to the yen. ``shared``: the money also pays for
other outputs (several 活動指標 or quantities), so the figure is an upper bound.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics.facts import closed_year, rule_sheet, share, to_indicator, to_yen, yen_per
from hyoka.model import Component, MoneyUnit, Quantity, SheetKind, SubProject, ValueKind
from hyoka.rules.budget import unit_costs
from hyoka.store.analytics_queries import (
    OUTPUT,
    Scope,
    SheetInfo,
    SheetSubProjects,
    read_indicators,
    read_money,
    read_sub_projects,
)


@dataclass(frozen=True)
class UnitCostRow:
    sheet: SheetInfo
    fiscal_year: int
    output: str  # 活動指標, or 細事業 / quantity label on prefecture sheets
    unit: str
    quantity: Decimal
    money_yen: Decimal  # 執行額 / 決算額 in yen
    cost_per_unit_yen: Decimal
    previous_year: int | None
    previous_cost_per_unit_yen: Decimal | None
    change: Decimal | None  # (cost − previous) / previous, to 0.001
    shared: bool


@dataclass(frozen=True)
class UnitCostReport:
    rows: list[UnitCostRow]  # largest rise first; rows without a previous year last


def _change(current: Decimal, previous: Decimal | None) -> Decimal | None:
    return None if previous is None else share(current - previous, previous)


def national_unit_costs(*, session: Session, scope: Scope) -> list[UnitCostRow]:
    """執行額 / 活動実績 per 活動指標, latest closed year of each sheet and the year before."""
    if scope.kind is SheetKind.PREFECTURE:
        return []
    scope = Scope(**{**scope.__dict__, "kind": SheetKind.NATIONAL})
    spent_by_sheet = {
        money.sheet.sheet_id: {
            row.fiscal_year: to_yen(row.executed, money.sheet.money_unit)
            for row in money.rows
            if row.executed is not None
        }
        for money in read_money(session=session, scope=scope)
    }
    facts = read_indicators(session=session, scope=scope, role=OUTPUT)
    outputs = Counter(fact.sheet.sheet_id for fact in facts)
    rows = []
    for fact in facts:
        spent = spent_by_sheet.get(fact.sheet.sheet_id, {})
        indicator = to_indicator(fact)
        last = closed_year(fact.sheet)
        costs: dict[int, tuple[Decimal, Decimal]] = {}
        for fiscal_year, money in spent.items():
            quantity = indicator.value(fiscal_year, ValueKind.ACTUAL)
            if fiscal_year <= last and quantity is not None and quantity > 0:
                costs[fiscal_year] = (quantity, yen_per(money, quantity))
        if not costs:
            continue
        latest = max(costs)
        quantity, cost = costs[latest]
        previous = costs.get(latest - 1)
        rows.append(
            UnitCostRow(
                sheet=fact.sheet,
                fiscal_year=latest,
                output=fact.name,
                unit=fact.unit,
                quantity=quantity,
                money_yen=spent[latest],
                cost_per_unit_yen=cost,
                previous_year=None if previous is None else latest - 1,
                previous_cost_per_unit_yen=None if previous is None else previous[1],
                change=_change(cost, None if previous is None else previous[1]),
                shared=outputs[fact.sheet.sheet_id] > 1,
            )
        )
    return rows


def _rule_costs(entry: SheetSubProjects) -> list[tuple[tuple[int, str, str], UnitCostRow]]:
    """The rules' unit costs of one prefecture sheet, keyed by (細事業, label, unit)."""
    components: dict[tuple[int, int], Component] = {}
    for quantity in entry.quantities:
        component = components.get((quantity.sub_project, quantity.component))
        if component is None:
            component = components[(quantity.sub_project, quantity.component)] = (
                Component.model_construct(
                    number=quantity.component,
                    name=quantity.component_name,
                    methods=[],
                    quantities=[],
                )
            )
        component.quantities.append(
            Quantity.model_construct(label=quantity.label, value=quantity.value, unit=quantity.unit)
        )
    sheet = rule_sheet(entry.sheet)
    sheet.__dict__["sub_projects"] = [
        SubProject.model_construct(
            number=number,
            name=entry.names[number],
            settlements=entry.settlements.get(number, {}),
            components=[item for key, item in components.items() if key[0] == number],
        )
        for number in entry.names
    ]
    found = []
    for cost in unit_costs(sheet):
        yen = cost.cost_per_unit * MoneyUnit.THOUSAND_YEN.yen
        found.append(
            (
                (cost.sub_project, cost.label, cost.unit),
                UnitCostRow(
                    sheet=entry.sheet,
                    fiscal_year=cost.fiscal_year,
                    output=f"{cost.sub_project_name} {cost.label}",
                    unit=cost.unit,
                    quantity=cost.quantity,
                    money_yen=to_yen(Decimal(cost.settlement), MoneyUnit.THOUSAND_YEN),
                    cost_per_unit_yen=yen.quantize(Decimal(1))
                    if yen == yen.to_integral_value()
                    else yen,
                    previous_year=None,
                    previous_cost_per_unit_yen=None,
                    change=None,
                    shared=cost.shared,
                ),
            )
        )
    return found


def prefecture_unit_costs(*, session: Session, scope: Scope) -> list[UnitCostRow]:
    """The rules' unit costs of each sheet, against the program's sheet of the year before."""
    if scope.kind is SheetKind.NATIONAL:
        return []
    by_program: dict[tuple[str, int], dict[tuple[int, str, str], UnitCostRow]] = {}
    for entry in read_sub_projects(session=session, scope=scope):
        if entry.sheet.fiscal_year > closed_year(entry.sheet):
            continue  # the year's 決算額 is not known at the budget stages
        by_program[(entry.sheet.program_number, entry.sheet.fiscal_year)] = dict(_rule_costs(entry))
    rows = []
    for (program, fiscal_year), costs in by_program.items():
        before = by_program.get((program, fiscal_year - 1), {})
        for key, row in costs.items():
            previous = before.get(key)
            if previous is None:
                rows.append(row)
                continue
            rows.append(
                UnitCostRow(
                    **{
                        **row.__dict__,
                        "previous_year": previous.fiscal_year,
                        "previous_cost_per_unit_yen": previous.cost_per_unit_yen,
                        "change": _change(row.cost_per_unit_yen, previous.cost_per_unit_yen),
                    }
                )
            )
    return rows


def unit_cost_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    limit: int | None = None,
) -> UnitCostReport:
    """Cost per unit of output of both kinds, largest year-over-year rise first."""
    scope = scope or Scope()
    rows = national_unit_costs(session=session, scope=scope) + prefecture_unit_costs(
        session=session, scope=scope
    )
    if fiscal_year is not None:
        rows = [row for row in rows if row.fiscal_year == fiscal_year]
    rows.sort(
        key=lambda row: (
            row.change is None,
            -(row.change or 0),
            row.sheet.kind.value,
            row.sheet.program_number,
            row.output,
        )
    )
    return UnitCostReport(rows=rows if limit is None else rows[:limit])
