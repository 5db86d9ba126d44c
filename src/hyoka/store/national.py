"""The national parts of a sheet (national_tables): written for the ORM path of
``save_sheet`` and read back for ``load_sheet``.

The bulk path of the importers (:mod:`hyoka.store.bulk`) writes the same rows from its
prepared sheets; :func:`write_parts` uses those rows too, so both write one form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from hyoka.model import BudgetRow, MoneyUnit, Recipient, Sheet, SheetKind, SheetLink
from hyoka.store.bulk import (
    BUDGETS,
    CATEGORIES,
    LINKS,
    NATIONAL,
    RECIPIENTS,
    insert_national,
    insert_parts,
)
from hyoka.store.national_tables import (
    BudgetYearRow,
    RecipientRow,
    SheetCategoryRow,
    SheetLinkRow,
)
from hyoka.store.prepared import CATEGORY_FIELDS, prepare_sheet
from hyoka.store.rows import exact_for, in_chunks


@dataclass
class Parts:
    """The national parts of one stored sheet, as :func:`read_parts` gives them."""

    summary: str = ""
    responsible: str = ""
    no_target_reason: str = ""
    money_unit: MoneyUnit = MoneyUnit.THOUSAND_YEN
    source_url: str = ""
    methods: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    budgets: list[BudgetRow] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    predecessors: list[SheetLink] = field(default_factory=list)


def uses_national_parts(sheet: Sheet) -> bool:
    """Whether the sheet fills any part that ``national_tables`` holds."""
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
    )


def write_parts(*, session: Session, sheet_id: int, sheet: Sheet, replace: bool) -> None:
    """Write the national parts of one sheet saved by the ORM path (indicators excluded).

    ``replace``: the sheet existed; its national rows are replaced (``program_id`` kept). A
    sheet that is not national and uses none of these parts gets no rows.
    """
    program_id = None
    if replace:
        program_id = session.scalar(
            select(NATIONAL.c.program_id).where(NATIONAL.c.sheet_id == sheet_id)
        )
        for table in (SheetCategoryRow, BudgetYearRow, RecipientRow, SheetLinkRow):
            session.execute(delete(table).where(table.sheet_id == sheet_id))
        session.execute(delete(NATIONAL).where(NATIONAL.c.sheet_id == sheet_id))
    if sheet.header.kind is not SheetKind.NATIONAL and not uses_national_parts(sheet):
        return
    exact = exact_for(session.get_bind().dialect.name)
    prepared = prepare_sheet(sheet, "", exact=exact, facts=False)
    insert_national(session, [(sheet_id, prepared)], program_id=program_id)
    insert_parts(session, [(sheet_id, prepared)], indicators=False)


def read_parts(*, session: Session, sheet_ids: Sequence[int] | None) -> dict[int, Parts]:
    """The national parts of the given sheets (all sheets with None), by sheet id.

    Sheets without national parts are absent from the result.
    """
    found: dict[int, Parts] = {}

    def rows(table: Table, *order: str) -> Iterator[Any]:
        query = select(table).order_by(table.c.sheet_id, *(table.c[name] for name in order))
        if sheet_ids is None:
            yield from session.execute(query)
            return
        for part in in_chunks(sheet_ids):
            yield from session.execute(query.where(table.c.sheet_id.in_(part)))

    for row in rows(NATIONAL):
        found[row.sheet_id] = Parts(
            summary=row.summary,
            responsible=row.responsible,
            no_target_reason=row.no_target_reason,
            money_unit=MoneyUnit(row.money_unit),
            source_url=row.source_url,
        )
    names = dict(CATEGORY_FIELDS)
    for row in rows(CATEGORIES, "category", "position"):
        getattr(found.setdefault(row.sheet_id, Parts()), names[row.category]).append(row.text)
    for row in rows(BUDGETS, "position"):
        found.setdefault(row.sheet_id, Parts()).budgets.append(
            BudgetRow.model_validate(_fields(row, BudgetRow.model_fields))
        )
    for row in rows(RECIPIENTS, "position"):
        values = _fields(row, Recipient.model_fields, renamed={"group": "group_name"})
        found.setdefault(row.sheet_id, Parts()).recipients.append(Recipient(**values))
    for row in rows(LINKS, "position"):
        found.setdefault(row.sheet_id, Parts()).predecessors.append(
            SheetLink(**_fields(row, SheetLink.model_fields))
        )
    return found


def _fields(
    row: Any, names: Iterable[str], *, renamed: dict[str, str] | None = None
) -> dict[str, Any]:
    mapping = row._mapping
    renamed = renamed or {}
    return {name: mapping[renamed.get(name, name)] for name in names}
