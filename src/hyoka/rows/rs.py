"""The rows of a sheet's review and RS parts (tables of ``hyoka.store.schema.rs``).

:mod:`hyoka.rows.sheet` appends :data:`RS_TREE` to its tree and :func:`rs_children` to a
sheet's rows, so that these tables are written, replaced and exported like the others.
Columns follow the model's field names; lists of a fixed length (第1〜5次補正予算,
予備費等1〜4) are spread over numbered columns.
"""

from __future__ import annotations

from typing import Any

from hyoka.model import (
    BudgetAccount,
    Contract,
    LogicLink,
    OrgUnit,
    Review,
    Sheet,
    SpendingFlow,
    SpendingUse,
    review_of,
)
from hyoka.rows.exact import Exact
from hyoka.rows.spec import TableSpec

SUPPLEMENTARY_COLUMNS = 5
"""第1次〜第5次補正予算: the columns of ``budget_accounts`` (the RS table has five)."""
RESERVE_COLUMNS = 4
"""予備費等1〜4."""

Row = Any


def _spec(name: str, parent: str, columns: tuple[str, ...], children: tuple[Any, ...] = ()) -> Any:
    return TableSpec(name, parent, columns, children)


def _fields(model: type[Any], *, skip: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(name for name in model.model_fields if name not in skip)


ORG_COLUMNS = ("position", *_fields(OrgUnit))
ACCOUNT_COLUMNS = (
    "position",
    "fiscal_year",
    "account_type",
    "account",
    "subaccount",
    "initial_budget",
    *(f"supplementary_{n}" for n in range(1, SUPPLEMENTARY_COLUMNS + 1)),
    "carried_over",
    *(f"reserve_{n}" for n in range(1, RESERVE_COLUMNS + 1)),
    "total",
    "executed",
    "requested",
    "wished",
    "note",
)
LOGIC_COLUMNS = ("position", *_fields(LogicLink))
FLOW_COLUMNS = ("position", *_fields(SpendingFlow))
USE_COLUMNS = ("position", *_fields(SpendingUse))
CONTRACT_COLUMNS = ("position", *_fields(Contract))
REVIEW_COLUMNS = _fields(Review, skip=("ratings", "reflected", "findings"))
ITEM_COLUMNS = (
    "position",
    "fiscal_year",
    "account_type",
    "account",
    "subaccount",
    "budget_type",
    "jurisdiction",
    "organisation",
    "item",
    "sub_item",
    "detail",
    "amount",
    "requested",
    "note",
)


def rs_tree() -> tuple[Any, ...]:
    """The table specs, in the order of :func:`rs_children`."""
    return (
        _spec("org_units", "sheet_id", ORG_COLUMNS),
        _spec("sheet_notes", "sheet_id", ("kind", "position", "text")),
        _spec("policy_refs", "sheet_id", ("position", "ministry", "policy", "measure", "url")),
        _spec(
            "law_refs",
            "sheet_id",
            ("position", "name", "number", "law_id", "article", "paragraph", "item"),
        ),
        _spec("plan_refs", "sheet_id", ("position", "name", "url")),
        _spec("subsidy_rates", "sheet_id", ("position", "target", "rate", "cap", "url")),
        _spec("related_programs", "sheet_id", ("position", "project_id", "name", "relation")),
        _spec(
            "budget_notes",
            "sheet_id",
            ("position", "fiscal_year", "execution_rate", "change_reason", "note"),
        ),
        _spec("budget_accounts", "sheet_id", ACCOUNT_COLUMNS),
        _spec("budget_items", "sheet_id", ITEM_COLUMNS),
        _spec("logic_links", "sheet_id", LOGIC_COLUMNS),
        _spec("spending_flows", "sheet_id", FLOW_COLUMNS),
        _spec("spending_uses", "sheet_id", USE_COLUMNS),
        _spec("contracts", "sheet_id", CONTRACT_COLUMNS),
        _spec(
            "reviews",
            "sheet_id",
            REVIEW_COLUMNS,
            (
                _spec("review_ratings", "review_id", ("position", "aspect", "grade", "comment")),
                _spec(
                    "review_amounts", "review_id", ("position", "account", "subaccount", "amount")
                ),
                _spec(
                    "review_findings",
                    "review_id",
                    ("position", "kind", "origin", "fiscal_year", "finding", "response"),
                ),
            ),
        ),
    )


def _padded(values: list[Any], length: int, exact: Exact) -> list[Any]:
    if len(values) > length:
        raise ValueError(f"{len(values)} amounts for {length} columns")
    return [exact(value) for value in values] + [None] * (length - len(values))


def _account(position: int, item: BudgetAccount, exact: Exact) -> Row:
    return (
        position,
        item.fiscal_year,
        item.account_type,
        item.account,
        item.subaccount,
        exact(item.initial_budget),
        *_padded(item.supplementary, SUPPLEMENTARY_COLUMNS, exact),
        exact(item.carried_over),
        *_padded(item.reserves, RESERVE_COLUMNS, exact),
        exact(item.total),
        exact(item.executed),
        exact(item.requested),
        exact(item.wished),
        item.note,
    )


def _plain(position: int, item: Any, columns: tuple[str, ...], exact: Exact) -> Row:
    # Decimal fields through exact, the rest as they are (bool, int, str, None).
    from decimal import Decimal

    values = []
    for name in columns[1:]:
        value = getattr(item, name)
        values.append(exact(value) if isinstance(value, Decimal) else value)
    return (position, *values)


def _review(review: Review, exact: Exact) -> Row:
    return (
        tuple(getattr(review, name) for name in REVIEW_COLUMNS),
        (
            [
                (position, item.aspect, item.grade, item.comment)
                for position, item in enumerate(review.ratings)
            ],
            [
                (position, item.account, item.subaccount, exact(item.amount))
                for position, item in enumerate(review.reflected)
            ],
            [
                (
                    position,
                    item.kind.value,
                    item.origin,
                    item.fiscal_year,
                    item.finding,
                    item.response,
                )
                for position, item in enumerate(review.findings)
            ],
        ),
    )


def rs_children(sheet: Sheet, exact: Exact) -> tuple[list[Row], ...]:
    """The rows of each table of :func:`rs_tree` for one sheet (pure)."""
    return (
        [
            _plain(position, item, ORG_COLUMNS, exact)
            for position, item in enumerate(sheet.org_units)
        ],
        [
            (kind, position, text)
            for kind, texts in (("expense", sheet.major_expenses), ("remark", sheet.remarks))
            for position, text in enumerate(texts)
        ],
        [
            (position, item.ministry, item.policy, item.measure, item.url)
            for position, item in enumerate(sheet.policy_refs)
        ],
        [
            (position, law.name, law.number, law.law_id, law.article, law.paragraph, law.item)
            for position, law in enumerate(sheet.laws)
        ],
        [(position, plan.name, plan.url) for position, plan in enumerate(sheet.plans)],
        [
            (position, rate.target, rate.rate, rate.cap, rate.url)
            for position, rate in enumerate(sheet.subsidy_rates)
        ],
        [
            (position, item.project_id, item.name, item.relation)
            for position, item in enumerate(sheet.related)
        ],
        [
            (position, note.fiscal_year, exact(note.execution_rate), note.change_reason, note.note)
            for position, note in enumerate(sheet.budget_notes)
        ],
        [_account(position, item, exact) for position, item in enumerate(sheet.budget_accounts)],
        [
            _plain(position, item, ITEM_COLUMNS, exact)
            for position, item in enumerate(sheet.budget_items)
        ],
        [
            _plain(position, item, LOGIC_COLUMNS, exact)
            for position, item in enumerate(sheet.logic_links)
        ],
        [
            _plain(position, item, FLOW_COLUMNS, exact)
            for position, item in enumerate(sheet.spending_flows)
        ],
        [
            _plain(position, item, USE_COLUMNS, exact)
            for position, item in enumerate(sheet.spending_uses)
        ],
        [
            _plain(position, item, CONTRACT_COLUMNS, exact)
            for position, item in enumerate(sheet.contracts)
        ],
        # Every kind of sheet: the prefecture's section 9 is exported as its review too.
        [] if (review := review_of(sheet)) is None else [_review(review, exact)],
    )


def uses_rs_parts(sheet: Sheet) -> bool:
    """Whether the sheet fills any of the RS header parts kept in ``national_sheets``."""
    return bool(
        sheet.project_id is not None
        or sheet.program_category
        or sheet.policy_ministry
        or sheet.ministry_order is not None
        or sheet.summary_note
        or sheet.former_number
    )


RS_NATIONAL_COLUMNS = (
    "project_id",
    "program_category",
    "policy_ministry",
    "ministry_order",
    "summary_note",
    "former_number",
)


def rs_national(sheet: Sheet) -> tuple[Any, ...]:
    return (
        sheet.project_id,
        sheet.program_category,
        sheet.policy_ministry,
        sheet.ministry_order,
        sheet.summary_note,
        sheet.former_number,
    )
