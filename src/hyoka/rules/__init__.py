"""Rules: pure functions over a sheet giving derived values and findings.

``check_sheet`` runs every registered rule; ``derive`` computes what CLI, web and reports
show next to the printed figures (computed trends, achievement, pace, full cost, unit
costs), so that they all show the same numbers. Printed arrows and statuses are never
overwritten: where they differ from the computed ones, that is a finding.

Nothing here imports the store, the web, the importers or a database.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from hyoka.model import Sheet
from hyoka.rules import budget, indicators
from hyoka.rules.budget import FullCost, SubProjectTotal, UnitCost, full_cost, unit_costs
from hyoka.rules.findings import (
    DEFAULT_PERSONNEL_COST_PER_PERSON,
    Finding,
    Location,
    Rule,
    RuleContext,
    Severity,
    all_rules,
    get_rule,
    sheet_order,
)
from hyoka.rules.indicators import (
    Assessment,
    IndicatorDerived,
    Pace,
    PaceStatus,
    achievement,
    pace,
    trend,
    trends,
)

__all__ = [
    "DEFAULT_PERSONNEL_COST_PER_PERSON",
    "Assessment",
    "Finding",
    "FullCost",
    "IndicatorDerived",
    "Location",
    "Pace",
    "PaceStatus",
    "Rule",
    "RuleContext",
    "Severity",
    "SheetDerived",
    "SubProjectTotal",
    "UnitCost",
    "achievement",
    "all_rules",
    "check_sheet",
    "derive",
    "full_cost",
    "get_rule",
    "pace",
    "trend",
    "trends",
    "unit_costs",
]


def check_sheet(
    sheet: Sheet, *, personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON
) -> list[Finding]:
    """Every finding of every rule about ``sheet``, in the order of the sheet.

    Findings about one place keep the order of the rules (see ``all_rules``).
    """
    context = RuleContext.for_sheet(sheet, personnel_cost_per_person=personnel_cost_per_person)
    found = [finding for rule in all_rules() for finding in rule.run(sheet, context)]
    return sorted(found, key=sheet_order(sheet))


class SheetDerived(BaseModel):
    """The values hyoka computes from one sheet; a contract for CLI, web and reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fiscal_year: int
    as_of_year: int
    personnel_cost_per_person: int
    indicators: list[IndicatorDerived]
    full_costs: list[FullCost]
    sub_project_totals: list[SubProjectTotal]
    unit_costs: list[UnitCost]


def derive(
    sheet: Sheet, *, personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON
) -> SheetDerived:
    """Computed trends, achievement and pace per indicator, full cost per year of the cost
    table, the sub-project sums and the unit costs of the sheet's fiscal year."""
    context = RuleContext.for_sheet(sheet, personnel_cost_per_person=personnel_cost_per_person)
    return SheetDerived(
        fiscal_year=context.fiscal_year,
        as_of_year=context.as_of_year,
        personnel_cost_per_person=personnel_cost_per_person,
        indicators=[
            indicators.derive_indicator(indicator, fiscal_year=context.fiscal_year)
            for indicator in sheet.indicators
        ],
        full_costs=budget.full_costs(sheet, personnel_cost_per_person),
        sub_project_totals=budget.sub_project_totals(sheet),
        unit_costs=unit_costs(sheet),
    )
