"""A sheet prepared for storing: every row it needs, computed away from the database.

Saving a sheet is mostly work on the sheet alone: its JSON document and hash, the rows of
every table, the report facts, the search rows. :func:`prepare_sheet` does all of it as a
pure function that returns plain values (:class:`PreparedSheet`, cheap to pickle), so that
an importer can run it in worker processes; :mod:`hyoka.store.sheets.writer` writes the result.
This is the one place where a sheet becomes rows: ``save_sheet`` of one sheet and the
bulk imports both go through it.

The rows of the tables below ``sheets`` form a tree (:data:`SHEET_TREE`): a table with
child tables has rows ``(values, (child rows, …))``, a table without has rows ``values``;
``values`` are the columns of its :class:`TableSpec` after the parent's id, which the
writer adds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hyoka.model import (
    BudgetRow,
    Component,
    Indicator,
    Initiative,
    MoneyUnit,
    PlanLink,
    Sheet,
    SheetKind,
    SubProject,
)
from hyoka.rows.exact import Exact, exact_for
from hyoka.rows.facts import FactRows, fact_rows
from hyoka.rows.municipal import municipal_children, municipal_tree
from hyoka.rows.rs import RS_NATIONAL_COLUMNS, rs_children, rs_national, rs_tree, uses_rs_parts
from hyoka.rows.search import SearchRows, search_rows
from hyoka.rows.spec import TableSpec

Row = Any  # a values tuple, or (values, (child rows, …)) for a table with children


CATEGORY_FIELDS = (("method", "methods"), ("account", "accounts"), ("policy", "policies"))
BUDGET_COLUMNS = tuple(BudgetRow.model_fields)
SHEET_COLUMNS = (
    "program_number",
    "fiscal_year",
    "stage",
    "program_name",
    "department",
    "section",
    "start_year",
    "end_year",
    "email",
    "purpose",
    "kind",
    "bureau",
)
NATIONAL_COLUMNS = (
    "summary",
    "responsible",
    "no_target_reason",
    "money_unit",
    "source_url",
    *RS_NATIONAL_COLUMNS,
)
INDICATOR_COLUMNS = (
    "position",
    "role",
    "number",
    "name",
    "goal",
    "unit",
    "direction",
    "target_comparison",
    "target_cumulative",
    "target_start_year",
    "target_end_year",
    "target_text",
    "target_reason",
    "analysis",
    "printed_achievement",
    "printed_achievement_year",
)
VALUE_COLUMNS = ("position", "fiscal_year", "kind", "value", "upper")
RECIPIENT_COLUMNS = (
    "position",
    "fiscal_year",
    "group_name",
    "number",
    "name",
    "corporate_number",
    "description",
    "amount",
)
COST_COLUMNS = (
    "position",
    "fiscal_year",
    "carried_over",
    "initial_budget",
    "supplementary",
    "total",
    "general_revenue",
    "settlement",
    "staff",
)

# The tables below ``sheets``, in the order of :attr:`PreparedSheet.children`.
SHEET_TREE: tuple[TableSpec, ...] = (
    TableSpec("situations", "sheet_id", ("position", "text")),
    TableSpec(
        "initiatives",
        "sheet_id",
        ("section", "position", "number", "title"),
        (TableSpec("initiative_bullets", "initiative_id", ("position", "text")),),
    ),
    TableSpec(
        "indicators",
        "sheet_id",
        INDICATOR_COLUMNS,
        (
            TableSpec(
                "indicator_values",
                "indicator_id",
                VALUE_COLUMNS,
                (
                    TableSpec(
                        "indicator_corrections",
                        "indicator_value_id",
                        ("position", "value_before", "value_after", "reason", "noted_in"),
                    ),
                ),
            ),
            TableSpec("indicator_trends", "indicator_id", ("position", "fiscal_year", "trend")),
        ),
    ),
    TableSpec(
        "plan_links",
        "sheet_id",
        ("position", "policy_code", "policy_name"),
        (
            TableSpec(
                "plan_goals",
                "plan_link_id",
                ("position", "name", "main", "unit"),
                (
                    TableSpec(
                        "plan_goal_values",
                        "plan_goal_id",
                        ("role", "position", "fiscal_year", "value"),
                    ),
                ),
            ),
        ),
    ),
    TableSpec("cost_rows", "sheet_id", COST_COLUMNS),
    TableSpec("future_items", "sheet_id", ("kind", "position", "text")),
    TableSpec(
        "sub_projects",
        "sheet_id",
        ("position", "number", "name"),
        (
            TableSpec(
                "sub_project_settlements", "sub_project_id", ("position", "fiscal_year", "amount")
            ),
            TableSpec(
                "components",
                "sub_project_id",
                ("position", "number", "name", "description", "output"),
                (
                    TableSpec("component_methods", "component_id", ("position", "method")),
                    TableSpec(
                        "component_quantities",
                        "component_id",
                        ("position", "label", "value", "unit"),
                    ),
                ),
            ),
        ),
    ),
    TableSpec("sheet_categories", "sheet_id", ("category", "position", "text")),
    TableSpec("budgets", "sheet_id", ("position", *BUDGET_COLUMNS)),
    TableSpec("recipients", "sheet_id", RECIPIENT_COLUMNS),
    TableSpec("sheet_links", "sheet_id", ("position", "fiscal_year", "ministry", "program_number")),
    # The review and the RS parts (hyoka.rows.rs).
    *rs_tree(),
    # A municipality's parts (hyoka.rows.municipal).
    *municipal_tree(TableSpec),
)


@dataclass(frozen=True)
class PreparedSheet:
    """Everything :func:`hyoka.store.sheets.writer.write_prepared` stores for one sheet, as plain
    values. Rows leave out the ids the database gives."""

    key: tuple[str, int, str]
    source: str
    document: str
    content_hash: str
    sheet: tuple[Any, ...]  # SHEET_COLUMNS
    national: tuple[Any, ...] | None  # NATIONAL_COLUMNS; None: no national_sheets row
    children: tuple[list[Row], ...]  # the rows of each table of SHEET_TREE
    facts: FactRows | None
    search: SearchRows | None


def content_hash(document: str) -> str:
    """A hash of a sheet's JSON text (``Sheet.model_dump_json``): equal sheets, equal hashes.

    The text, not a re-serialised dict: pydantic writes fields in model order, so equal
    sheets give equal text, and the same text is stored as the revision's document.
    """
    return hashlib.sha256(document.encode()).hexdigest()


def uses_national_parts(sheet: Sheet) -> bool:
    """Whether the sheet fills any of the national parts (it then has a ``national_sheets``
    row, as every national sheet does)."""
    return bool(
        sheet.summary
        or sheet.methods
        or sheet.accounts
        or sheet.policies
        or sheet.responsible
        or sheet.no_target_reason
        or sheet.money_unit is not MoneyUnit.THOUSAND_YEN
        or sheet.budgets
        or sheet.recipients
        or sheet.predecessors
        or sheet.source_url
        or uses_rs_parts(sheet)
    )


def prepare_sheet(
    sheet: Sheet,
    source: str,
    *,
    exact: Exact,
    facts: bool = True,
    search: bool = False,
    with_grams: bool = True,
    with_tokens: bool = False,
) -> PreparedSheet:
    """All rows of one sheet (pure; ``exact`` from :func:`hyoka.store.driver.exact_for`).

    ``facts``: with the report facts; ``search``: with the search rows (``with_grams``:
    with SQLite's gram tokens; ``with_tokens``: with PostgreSQL's).
    """
    # One serialisation serves the hash and the stored revision document.
    document = sheet.model_dump_json()
    header = sheet.header
    number, year, stage = sheet.key
    national = None
    if header.kind is SheetKind.NATIONAL or uses_national_parts(sheet):
        national = (
            sheet.summary,
            sheet.responsible,
            sheet.no_target_reason,
            sheet.money_unit.value,
            sheet.source_url,
            *rs_national(sheet),
        )
    return PreparedSheet(
        key=(number, year, stage.value),
        source=source,
        document=document,
        content_hash=content_hash(document),
        sheet=(
            header.program_number,
            header.fiscal_year,
            header.stage.value,
            header.program_name,
            header.department,
            header.section,
            header.start_year,
            header.end_year,
            header.email,
            sheet.purpose,
            header.kind.value,
            header.bureau,
        ),
        national=national,
        children=_children(sheet, exact),
        facts=fact_rows(sheet, exact) if facts else None,
        search=(
            search_rows(sheet, with_grams=with_grams, with_tokens=with_tokens) if search else None
        ),
    )


def prepare_for(sheet: Sheet, source: str, *, dialect: str) -> PreparedSheet:
    """Every row one sheet stores in a database of this dialect (``"sqlite"``,
    ``"postgresql"``), facts and search rows included: what every save writes."""
    sqlite = dialect == "sqlite"
    return prepare_sheet(
        sheet,
        source,
        exact=exact_for(dialect),
        search=True,
        with_grams=sqlite,
        with_tokens=not sqlite,
    )


def _children(sheet: Sheet, exact: Exact) -> tuple[list[Row], ...]:
    # In the order of SHEET_TREE.
    return (
        [(position, text) for position, text in enumerate(sheet.situation)],
        _initiatives(3, sheet.initiatives) + _initiatives(7, sheet.results),
        [
            _indicator(role, position, indicator, exact)
            for role, position, indicator in indicator_lists(sheet)
        ],
        [_plan_link(position, link, exact) for position, link in enumerate(sheet.plan_links)],
        [
            (
                position,
                cost.fiscal_year,
                cost.carried_over,
                cost.initial_budget,
                cost.supplementary,
                cost.total,
                cost.general_revenue,
                cost.settlement,
                exact(cost.staff),
            )
            for position, cost in enumerate(sheet.costs)
        ],
        [
            (kind, position, text)
            for kind, texts in (("issue", sheet.future.issues), ("measure", sheet.future.measures))
            for position, text in enumerate(texts)
        ],
        [_sub_project(position, item, exact) for position, item in enumerate(sheet.sub_projects)],
        [
            (category, position, text)
            for category, name in CATEGORY_FIELDS
            for position, text in enumerate(getattr(sheet, name))
        ],
        [(position, *_budget(budget, exact)) for position, budget in enumerate(sheet.budgets)],
        [
            (
                position,
                item.fiscal_year,
                item.group,
                item.number,
                item.name,
                item.corporate_number,
                item.description,
                exact(item.amount),
            )
            for position, item in enumerate(sheet.recipients)
        ],
        [
            (position, link.fiscal_year, link.ministry, link.program_number)
            for position, link in enumerate(sheet.predecessors)
        ],
        *rs_children(sheet, exact),
        *municipal_children(sheet, exact),
    )


def _budget(budget: BudgetRow, exact: Exact) -> tuple[Any, ...]:
    # Attribute access: model_dump is ten times slower, and this runs 100,000 times.
    return tuple(
        value if name == "fiscal_year" else exact(value)
        for name in BUDGET_COLUMNS
        for value in (getattr(budget, name),)
    )


def indicator_lists(sheet: Sheet) -> Iterator[tuple[str, int, Indicator]]:
    """(role, position, indicator) of a sheet: outcomes, then outputs, then (市町村) the
    対象指標 as ``subject``, one position count."""
    for position, indicator in enumerate(sheet.indicators):
        yield "outcome", position, indicator
    for position, indicator in enumerate(sheet.outputs, start=len(sheet.indicators)):
        yield "output", position, indicator
    start = len(sheet.indicators) + len(sheet.outputs)
    for position, indicator in enumerate(sheet.subject_indicators, start=start):
        yield "subject", position, indicator


def _initiatives(section: int, initiatives: list[Initiative]) -> list[Row]:
    return [
        (
            (section, position, initiative.number, initiative.title),
            ([(index, text) for index, text in enumerate(initiative.bullets)],),
        )
        for position, initiative in enumerate(initiatives)
    ]


def _indicator(role: str, position: int, indicator: Indicator, exact: Exact) -> Row:
    target = indicator.target
    printed = indicator.printed_achievement
    values = [
        (
            (index, item.fiscal_year, item.kind.value, exact(item.value), exact(item.upper)),
            (
                [
                    (number, exact(fix.before), exact(fix.after), fix.reason, fix.noted_in)
                    for number, fix in enumerate(item.corrections)
                ],
            ),
        )
        for index, item in enumerate(indicator.values)
    ]
    trends = [
        (index, year, trend.value)
        for index, (year, trend) in enumerate(indicator.printed_trends.items())
    ]
    return (
        (
            position,
            role,
            indicator.number,
            indicator.name,
            indicator.goal,
            indicator.unit,
            indicator.direction.value,
            target.comparison.value,
            target.cumulative,
            target.start_year,
            target.end_year,
            indicator.target_text,
            indicator.target_reason,
            indicator.analysis,
            None if printed is None else printed.value,
            indicator.printed_achievement_year,
        ),
        (values, trends),
    )


def _plan_link(position: int, link: PlanLink, exact: Exact) -> Row:
    goals = []
    for index, goal in enumerate(link.goals):
        values = [
            ("recent", number, item.fiscal_year, exact(item.value))
            for number, item in enumerate(goal.recent)
        ]
        if goal.target is not None:
            values.append(("target", 0, goal.target.fiscal_year, exact(goal.target.value)))
        goals.append(((index, goal.name, goal.main, goal.unit), (values,)))
    return ((position, link.policy_code, link.policy_name), (goals,))


def _sub_project(position: int, sub_project: SubProject, exact: Exact) -> Row:
    return (
        (position, sub_project.number, sub_project.name),
        (
            [
                (index, year, amount)
                for index, (year, amount) in enumerate(sub_project.settlements.items())
            ],
            [_component(index, item, exact) for index, item in enumerate(sub_project.components)],
        ),
    )


def _component(position: int, component: Component, exact: Exact) -> Row:
    return (
        (position, component.number, component.name, component.description, component.output),
        (
            [(number, method.value) for number, method in enumerate(component.methods)],
            [
                (number, quantity.label, exact(quantity.value), quantity.unit)
                for number, quantity in enumerate(component.quantities)
            ],
        ),
    )
