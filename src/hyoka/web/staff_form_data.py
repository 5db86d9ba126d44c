"""The sheet edit form as flat field names, both ways: sheet → fields and fields → sheet.

One flat ``dict[str, str]`` is both what the form shows and what it posts back, so an
invalid post is shown again exactly as typed, with a Japanese error per field name.
Lists carry their length in ``<prefix>-count`` and get one blank row to add an item; a
row whose key fields are blank is dropped. What the form does not show (printed trend
arrows, recorded corrections, quantities parsed from outputs) is carried over from the
sheet being edited, matched by indicator number, year and kind.

Field names: ``program_name``…, ``situation`` (one bullet a line), ``ini-0-title``,
``ind-1-val-2-value``, ``cost-0-settlement``, ``sub-0-set-1-amount``,
``sub-0-comp-1-methods`` …
"""

from __future__ import annotations

from decimal import Decimal

from hyoka.display import MISSING
from hyoka.model import (
    Achievement,
    Indicator,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    Sheet,
    Trend,
    ValueKind,
    YearValue,
)
from hyoka.rules.indicators import computed_printing, printed_trend_years, year_trend

FormValues = dict[str, str]

COST_FIELDS = (
    "carried_over",
    "initial_budget",
    "supplementary",
    "total",
    "general_revenue",
    "settlement",
)
HEADER_FIELDS = ("program_name", "department", "section", "email")


def _lines(items: list[str]) -> str:
    return "\n".join(items)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


MAX_ROWS = 500
"""The most rows a repeating group of the form carries (indicators, values, costs, …)."""

MAX_ADDED_ROWS = 20
"""The most blank rows one 「行を追加」 adds."""


def row_count(raw: str | None, *, limit: int = MAX_ROWS) -> int:
    """A posted row count or number of rows to add: ASCII digits only, 0 to ``limit``; 0 for
    anything else (a form field any client can send)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return 0
    return min(int(raw), limit)


KEEP_PRINTED = "printed"
"""The form's choice for a 推移 or 達成状況 kept as the (imported) sheet printed it."""


def _printing(
    printed: Trend | Achievement | None, computed: Trend | Achievement | None, chosen: bool
) -> tuple[str, str]:
    """The form's value for a printed 推移 or 達成状況, and the printed one to offer keeping:
    "" when it is the computed one, the editor's override (``chosen``, with a reason), or
    :data:`KEEP_PRINTED` for what an imported sheet printed against its figures."""
    if printed is None or printed is computed:
        return "", ""
    return (printed.value if chosen else KEEP_PRINTED), printed.value


def form_from_sheet(sheet: Sheet) -> FormValues:
    """The form's fields for ``sheet``, with one blank row per list to add an item."""
    values: FormValues = {}
    header = sheet.header
    for name in HEADER_FIELDS:
        values[name] = getattr(header, name)
    values["start_year"] = _text(header.start_year)
    values["end_year"] = _text(header.end_year)
    values["situation"] = _lines(sheet.situation)
    values["purpose"] = sheet.purpose
    for prefix, items in (("ini", sheet.initiatives), ("res", sheet.results)):
        for i, item in enumerate([*items, Initiative(number="", title="")]):
            values[f"{prefix}-{i}-number"] = item.number
            values[f"{prefix}-{i}-title"] = item.title
            values[f"{prefix}-{i}-bullets"] = _lines(item.bullets)
        values[f"{prefix}-count"] = str(len(items) + 1)
    blank_indicator = Indicator(number="", name="")
    for i, indicator in enumerate([*sheet.indicators, blank_indicator]):
        base = f"ind-{i}"
        values[f"{base}-number"] = indicator.number
        values[f"{base}-name"] = indicator.name
        values[f"{base}-unit"] = indicator.unit
        values[f"{base}-direction"] = indicator.direction.value
        values[f"{base}-comparison"] = indicator.target.comparison.value
        values[f"{base}-cumulative"] = "on" if indicator.target.cumulative else ""
        values[f"{base}-start_year"] = _text(indicator.target.start_year)
        values[f"{base}-end_year"] = _text(indicator.target.end_year)
        values[f"{base}-target_reason"] = indicator.target_reason
        values[f"{base}-analysis"] = indicator.analysis
        # The printed 推移/達成状況 are the computed ones unless the editor chose others with a
        # reason; what an imported sheet printed against its figures is kept as printed.
        year = sheet.header.fiscal_year
        chosen = bool(indicator.printed_override_reason)
        _computed, achieved = computed_printing(indicator, year)
        for trend_year in printed_trend_years(year):
            printed = indicator.printed_trends.get(trend_year)
            shown = year_trend(indicator, trend_year)
            name = f"{base}-trend-{trend_year}"
            values[name], values[f"{name}-printed"] = _printing(printed, shown, chosen)
            values[f"{name}-computed"] = shown.value
        name = f"{base}-achievement"
        values[name], values[f"{name}-printed"] = _printing(
            indicator.printed_achievement, achieved, chosen
        )
        values[f"{name}-computed"] = "" if achieved is None else achieved.value
        values[f"{base}-override_reason"] = indicator.printed_override_reason
        rows = [*indicator.values, None]
        for j, value in enumerate(rows):
            row = f"{base}-val-{j}"
            values[f"{row}-year"] = "" if value is None else str(value.fiscal_year)
            values[f"{row}-kind"] = ValueKind.ACTUAL.value if value is None else value.kind.value
            values[f"{row}-value"] = "" if value is None else _text(value.value)
            values[f"{row}-upper"] = "" if value is None else _text(value.upper)
        values[f"{base}-val-count"] = str(len(rows))
    values["ind-count"] = str(len(sheet.indicators) + 1)
    for i, link in enumerate([*sheet.plan_links, PlanLink(policy_code="", policy_name="")]):
        base = f"plan-{i}"
        values[f"{base}-code"] = link.policy_code
        values[f"{base}-name"] = link.policy_name
        goals = [*link.goals, PlanGoal(name="")]
        for j, goal in enumerate(goals):
            row = f"{base}-goal-{j}"
            values[f"{row}-name"] = goal.name
            values[f"{row}-main"] = "on" if goal.main else ""
            values[f"{row}-unit"] = goal.unit
            values[f"{row}-recent"] = _lines(
                [f"{_text(item.fiscal_year)}={_text(item.value)}" for item in goal.recent]
            )
            target = goal.target or YearValue()
            values[f"{row}-target_year"] = _text(target.fiscal_year)
            values[f"{row}-target_value"] = _text(target.value)
        values[f"{base}-goal-count"] = str(len(goals))
    values["plan-count"] = str(len(sheet.plan_links) + 1)
    for i, cost in enumerate([*sheet.costs, None]):
        values[f"cost-{i}-year"] = "" if cost is None else str(cost.fiscal_year)
        for name in (*COST_FIELDS, "staff"):
            values[f"cost-{i}-{name}"] = "" if cost is None else _text(getattr(cost, name))
    values["cost-count"] = str(len(sheet.costs) + 1)
    values["issues"] = _lines(sheet.future.issues)
    values["measures"] = _lines(sheet.future.measures)
    for i, sub in enumerate([*sheet.sub_projects, None]):
        base = f"sub-{i}"
        values[f"{base}-number"] = "" if sub is None else str(sub.number)
        values[f"{base}-name"] = "" if sub is None else sub.name
        # One row per fiscal year (year, 決算額; ー where the sheet prints none), one blank.
        settlements = [] if sub is None else list(sub.settlements.items())
        for k, (year, amount) in enumerate(settlements):
            values[f"{base}-set-{k}-year"] = str(year)
            values[f"{base}-set-{k}-amount"] = MISSING if amount is None else str(amount)
        values[f"{base}-set-{len(settlements)}-year"] = ""
        values[f"{base}-set-{len(settlements)}-amount"] = ""
        values[f"{base}-set-count"] = str(len(settlements) + 1)
        components = [*([] if sub is None else sub.components), None]
        for j, component in enumerate(components):
            row = f"{base}-comp-{j}"
            values[f"{row}-number"] = "" if component is None else str(component.number)
            values[f"{row}-name"] = "" if component is None else component.name
            methods = [] if component is None else component.methods
            for method in Method:
                values[f"{row}-method-{method.name}"] = "on" if method in methods else ""
            values[f"{row}-description"] = "" if component is None else component.description
            values[f"{row}-output"] = "" if component is None else component.output
        values[f"{base}-comp-count"] = str(len(components))
    values["sub-count"] = str(len(sheet.sub_projects) + 1)
    return values
