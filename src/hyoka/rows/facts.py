"""The report facts of one sheet as rows, made without a database (worker processes make
them while importing): :func:`fact_rows`, computed by :func:`hyoka.rules.facts.sheet_facts`;
:mod:`hyoka.store.reports.facts` writes them. ``FACT_COLUMNS`` names each table's columns
(tests/test_store.py compares them with the schema).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hyoka.model import Sheet
from hyoka.rows.exact import Exact
from hyoka.rules.facts import sheet_facts

FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "fact_sheets": ("sheet_id", "closed_year", "version"),
    "fact_outcomes": (
        "sheet_id",
        "position",
        "number",
        "name",
        "unit",
        "has_target",
        "judged_year",
        "judged_target",
        "judged_actual",
        "achieved",
        "at_risk",
        "cumulative",
        "pace_year",
        "pace_end_year",
        "pace_target",
        "so_far",
        "current_rate",
        "required_rate",
        "remaining_years",
    ),
    "fact_money": ("sheet_id", "position", "fiscal_year", "total_yen", "executed_yen", "execution"),
    "fact_unit_costs": (
        "sheet_id",
        "match_key",
        "fiscal_year",
        "output",
        "unit",
        "quantity",
        "money_yen",
        "cost_per_unit_yen",
        "previous_year",
        "previous_cost_per_unit_yen",
        "shared",
        "position",
    ),
    "fact_issues": ("sheet_id", "check", "subject", "message", "position"),
}


@dataclass(frozen=True)
class FactRows:
    """The fact rows of one sheet, without ``sheet_id``, values in a driver's storage form
    (see :func:`hyoka.store.driver.exact_for`): plain data, cheap to send between processes."""

    closed_year: int
    outcomes: list[tuple[Any, ...]]
    money: list[tuple[Any, ...]]
    unit_costs: list[tuple[Any, ...]]
    issues: list[tuple[Any, ...]]


def fact_rows(sheet: Sheet, exact: Exact) -> FactRows:
    """The rows :func:`insert_fact_rows` writes for one sheet (pure)."""
    facts = sheet_facts(sheet)

    def stored(table: str, items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        names = FACT_COLUMNS[table][1:]
        return [tuple(_stored(item[name], exact) for name in names) for item in items]

    return FactRows(
        closed_year=facts.closed_year,
        outcomes=stored("fact_outcomes", facts.outcomes),
        money=stored("fact_money", facts.money),
        unit_costs=stored("fact_unit_costs", facts.unit_costs),
        issues=stored("fact_issues", facts.issues),
    )


def _stored(value: Any, exact: Exact) -> Any:
    return exact(value) if type(value) is Decimal else value
