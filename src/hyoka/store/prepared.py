"""A sheet prepared for storing: every row it needs, computed away from the database.

Saving a sheet is mostly work on the sheet alone: its JSON document and hash, the rows of
every table, the report facts, the search rows. :func:`prepare_sheet` does all of it as a
pure function that returns plain values (:class:`PreparedSheet`, cheap to pickle), so that
an importer can run it in worker processes; :mod:`hyoka.store.bulk` writes the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hyoka.model import BudgetRow, Indicator, Sheet
from hyoka.store.facts_writes import FactRows, fact_rows
from hyoka.store.search import SearchRows, search_rows

Exact = Callable[[Decimal | None], Any]

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
    "content_hash",
)
RECIPIENT_COLUMNS = (
    "sheet_id",
    "position",
    "fiscal_year",
    "group_name",
    "number",
    "name",
    "corporate_number",
    "description",
    "amount",
)
INDICATOR_COLUMNS = (
    "sheet_id",
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
VALUE_COLUMNS = ("indicator_id", "position", "fiscal_year", "kind", "value", "upper")
CATEGORY_COLUMNS = ("sheet_id", "category", "position", "text")
LINK_COLUMNS = ("sheet_id", "position", "fiscal_year", "ministry", "program_number")


@dataclass(frozen=True)
class PreparedIndicator:
    """An indicator's row (after ``sheet_id``) and its figures' rows (after the indicator's
    id); figures with corrections carry them, as (value row, correction rows)."""

    row: tuple[Any, ...]
    values: list[tuple[Any, ...]]
    trends: list[tuple[Any, ...]]
    corrected: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]


@dataclass(frozen=True)
class PreparedSheet:
    """Everything :func:`write_prepared` stores for one sheet, as plain values.

    Row tuples leave out the ids the database gives (``sheet_id``, ``indicator_id``).
    """

    key: tuple[str, int, str]
    source: str
    document: str
    content_hash: str
    prefecture_parts: bool
    sheet: tuple[Any, ...]
    national: tuple[Any, ...]
    categories: list[tuple[Any, ...]]
    budgets: list[tuple[Any, ...]]
    recipients: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]
    indicators: list[PreparedIndicator]
    facts: FactRows | None
    search: SearchRows | None


def content_hash(document: str) -> str:
    """A hash of a sheet's JSON text (``Sheet.model_dump_json``): equal sheets, equal hashes.

    The text, not a re-serialised dict: pydantic writes fields in model order, so equal
    sheets give equal text, and the same text is stored as the revision's document.
    """
    return hashlib.sha256(document.encode()).hexdigest()


def has_prefecture_parts(sheet: Sheet) -> bool:
    """Whether the sheet uses parts only the ORM path of ``save_sheet`` writes."""
    return bool(
        sheet.situation
        or sheet.initiatives
        or sheet.results
        or sheet.plan_links
        or sheet.costs
        or sheet.future.issues
        or sheet.future.measures
        or sheet.sub_projects
    )


def prepare_sheet(
    sheet: Sheet,
    source: str,
    *,
    exact: Exact,
    facts: bool = True,
    search: bool = False,
    with_grams: bool = True,
) -> PreparedSheet:
    """All rows of one sheet (pure; ``exact`` from :func:`hyoka.store.rows.exact_for`).

    ``facts``: with the report facts; ``search``: with the search rows (``with_grams``:
    with SQLite's gram tokens).
    """
    # One serialisation serves the hash and the stored revision document.
    document = sheet.model_dump_json()
    digest = content_hash(document)
    header = sheet.header
    number, year, stage = sheet.key
    return PreparedSheet(
        key=(number, year, stage.value),
        source=source,
        document=document,
        content_hash=digest,
        prefecture_parts=has_prefecture_parts(sheet),
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
        national=(
            sheet.summary,
            sheet.responsible,
            sheet.no_target_reason,
            sheet.money_unit.value,
            sheet.source_url,
            digest,
        ),
        categories=[
            (category, position, text)
            for category, name in CATEGORY_FIELDS
            for position, text in enumerate(getattr(sheet, name))
        ],
        budgets=[
            (position, *_budget(budget, exact)) for position, budget in enumerate(sheet.budgets)
        ],
        recipients=[
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
        links=[
            (position, link.fiscal_year, link.ministry, link.program_number)
            for position, link in enumerate(sheet.predecessors)
        ],
        indicators=[
            _indicator(role, position, indicator, exact)
            for role, position, indicator in indicator_lists(sheet)
        ],
        facts=fact_rows(sheet, exact) if facts else None,
        search=search_rows(sheet, with_grams=with_grams) if search else None,
    )


def _budget(budget: BudgetRow, exact: Exact) -> tuple[Any, ...]:
    # Attribute access: model_dump is ten times slower, and this runs 100,000 times.
    return tuple(
        value if name == "fiscal_year" else exact(value)
        for name in BUDGET_COLUMNS
        for value in (getattr(budget, name),)
    )


def indicator_lists(sheet: Sheet) -> Iterator[tuple[str, int, Indicator]]:
    """(role, position, indicator) of a sheet: outcomes, then outputs, one position count."""
    for position, indicator in enumerate(sheet.indicators):
        yield "outcome", position, indicator
    for position, indicator in enumerate(sheet.outputs, start=len(sheet.indicators)):
        yield "output", position, indicator


def _indicator(role: str, position: int, indicator: Indicator, exact: Exact) -> PreparedIndicator:
    target = indicator.target
    printed = indicator.printed_achievement
    values: list[tuple[Any, ...]] = []
    corrected: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
    for index, item in enumerate(indicator.values):
        row = (index, item.fiscal_year, item.kind.value, exact(item.value), exact(item.upper))
        if not item.corrections:
            values.append(row)
            continue
        corrected.append(
            (
                row,
                [
                    (number, exact(fix.before), exact(fix.after), fix.reason, fix.noted_in)
                    for number, fix in enumerate(item.corrections)
                ],
            )
        )
    return PreparedIndicator(
        row=(
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
        values=values,
        trends=[
            (index, year, trend.value)
            for index, (year, trend) in enumerate(indicator.printed_trends.items())
        ],
        corrected=corrected,
    )
