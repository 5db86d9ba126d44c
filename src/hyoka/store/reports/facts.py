"""Writing the report facts of stored sheets (:mod:`hyoka.rules.facts` computes them).

:func:`hyoka.rows.facts.fact_rows` gives one sheet's rows as plain values;
:func:`insert_fact_rows` writes them; :func:`write_facts` does both for
``save_sheet``; :func:`fill_missing_facts` computes them for sheets stored before (or with
an older :data:`hyoka.rules.facts.VERSION`) from their current revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hyoka.model import Sheet
from hyoka.rows.exact import exact_for
from hyoka.rows.facts import FACT_COLUMNS, FactRows, fact_rows
from hyoka.rules.facts import VERSION
from hyoka.store.driver import RowWriter, in_chunks
from hyoka.store.schema.facts import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactSheetRow,
    FactUnitCostRow,
)
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.sheets.reader import load_sheets

_TABLES = (FactOutcomeRow, FactMoneyRow, FactUnitCostRow, FactIssueRow, FactSheetRow)


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
        writer.insert(table.__table__, FACT_COLUMNS[table.__tablename__], found[table])  # type: ignore[arg-type]


def fill_missing_facts(*, session: Session, batch: int = 500) -> int:
    """Compute the facts of stored sheets that have none, or of an older :data:`VERSION`,
    from their current revision; the number of sheets done. Cheap when none is missing."""
    done = 0
    while True:
        ids = session.scalars(
            select(SheetRow.id)
            .outerjoin(FactSheetRow, FactSheetRow.sheet_id == SheetRow.id)
            .where(or_(FactSheetRow.sheet_id.is_(None), FactSheetRow.version != VERSION))
            .order_by(SheetRow.id)
            .limit(batch)
        ).all()
        if not ids:
            return done
        stored = load_sheets(session=session, sheet_ids=ids)
        write_facts(session=session, sheets=[(item.sheet_id, item.sheet) for item in stored])
        done += len(ids)
