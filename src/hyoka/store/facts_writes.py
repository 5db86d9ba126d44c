"""Writing the report facts of stored sheets (:mod:`hyoka.store.facts` computes them).

:func:`fact_rows` gives one sheet's rows as plain values (cheap to send between processes);
:func:`insert_fact_rows` writes prepared rows; :func:`write_facts` does both for
``save_sheet``; :func:`fill_missing_facts` computes them for sheets stored before (or with
an older :data:`hyoka.store.facts.VERSION`) from their current revision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hyoka.model import Sheet
from hyoka.store.facts import VERSION, sheet_facts
from hyoka.store.facts_tables import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactSheetRow,
    FactUnitCostRow,
)
from hyoka.store.rows import RowWriter, exact_for, in_chunks
from hyoka.store.tables import RevisionRow, SheetRow

_TABLES = (FactOutcomeRow, FactMoneyRow, FactUnitCostRow, FactIssueRow, FactSheetRow)


@dataclass(frozen=True)
class FactRows:
    """The fact rows of one sheet, without ``sheet_id``, values in a driver's storage form
    (see :func:`hyoka.store.rows.exact_for`): plain data, cheap to send between processes."""

    closed_year: int
    outcomes: list[tuple[Any, ...]]
    money: list[tuple[Any, ...]]
    unit_costs: list[tuple[Any, ...]]
    issues: list[tuple[Any, ...]]


def fact_rows(sheet: Sheet, exact: Callable[[Decimal | None], Any]) -> FactRows:
    """The rows :func:`insert_fact_rows` writes for one sheet (pure)."""
    facts = sheet_facts(sheet)

    def stored(table: Any, items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        names = FACT_COLUMNS[table][1:]
        return [tuple(_stored(item[name], exact) for name in names) for item in items]

    return FactRows(
        closed_year=facts.closed_year,
        outcomes=stored(FactOutcomeRow, facts.outcomes),
        money=stored(FactMoneyRow, facts.money),
        unit_costs=stored(FactUnitCostRow, facts.unit_costs),
        issues=stored(FactIssueRow, facts.issues),
    )


def write_facts(
    *, session: Session, sheets: Sequence[tuple[int, Sheet]], replace: bool = True
) -> None:
    """(Re)write the facts of these stored sheets in the caller's transaction.

    ``replace=False``: the sheets were just inserted and have no facts yet.
    """
    exact = exact_for(session.get_bind().dialect.name)
    insert_fact_rows(
        session=session,
        rows=[(sheet_id, fact_rows(sheet, exact)) for sheet_id, sheet in sheets],
        replace=replace,
    )


def insert_fact_rows(
    *, session: Session, rows: Sequence[tuple[int, FactRows]], replace: bool = True
) -> None:
    """Write prepared fact rows (:func:`fact_rows`) of stored sheets; ``replace`` as in
    :func:`write_facts`."""
    if not rows:
        return
    ids = [sheet_id for sheet_id, _ in rows]
    for part in in_chunks(ids) if replace else ():
        for table in _TABLES:
            session.execute(delete(table).where(table.sheet_id.in_(part)))
    found: dict[Any, list[tuple[Any, ...]]] = {table: [] for table in _TABLES}
    for sheet_id, facts in rows:
        found[FactSheetRow].append((sheet_id, facts.closed_year, VERSION))
        for table, items in (
            (FactOutcomeRow, facts.outcomes),
            (FactMoneyRow, facts.money),
            (FactUnitCostRow, facts.unit_costs),
            (FactIssueRow, facts.issues),
        ):
            found[table].extend((sheet_id, *item) for item in items)
    writer = RowWriter(session)
    for table in _TABLES:
        writer.insert(table.__table__, FACT_COLUMNS[table], found[table])  # type: ignore[arg-type]


def _stored(value: Any, exact: Callable[[Decimal | None], Any]) -> Any:
    return exact(value) if type(value) is Decimal else value


FACT_COLUMNS: dict[Any, tuple[str, ...]] = {
    FactSheetRow: ("sheet_id", "closed_year", "version"),
    FactOutcomeRow: (
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
    FactMoneyRow: ("sheet_id", "position", "fiscal_year", "total_yen", "executed_yen", "execution"),
    FactUnitCostRow: (
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
    FactIssueRow: ("sheet_id", "check", "subject", "message", "position"),
}


def fill_missing_facts(*, session: Session, batch: int = 500) -> int:
    """Compute the facts of stored sheets that have none, or of an older :data:`VERSION`,
    from their current revision; the number of sheets done. Cheap when none is missing."""
    done = 0
    while True:
        found = session.execute(
            select(SheetRow.id, RevisionRow.document)
            .join(
                RevisionRow,
                (RevisionRow.sheet_id == SheetRow.id) & (RevisionRow.revision == SheetRow.revision),
            )
            .outerjoin(FactSheetRow, FactSheetRow.sheet_id == SheetRow.id)
            .where(or_(FactSheetRow.sheet_id.is_(None), FactSheetRow.version != VERSION))
            .order_by(SheetRow.id)
            .limit(batch)
        ).all()
        if not found:
            return done
        write_facts(
            session=session,
            sheets=[(sheet_id, Sheet.model_validate(document)) for sheet_id, document in found],
        )
        done += len(found)
