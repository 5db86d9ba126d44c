"""Totals over the report facts in which each program counts once, taken from the newest
sheet printing it (the reports of changes across years): :func:`sum_newest_money`,
:func:`count_newest_judgements`, and :func:`read_money_sheets`, the sheets they read.
Scope and sheet rows are :mod:`hyoka.store.reports.scope`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from hyoka.store.reports.scope import (
    Scope,
    SheetInfo,
    as_text,
    in_scope,
    program_key_column,
    select_sheets,
    sheet_info,
)
from hyoka.store.schema.facts import (
    FactMoneyRow,
    FactOutcomeRow,
)
from hyoka.store.schema.national import (
    NationalSheetRow,
)
from hyoka.store.schema.sheets import (
    SheetRow,
)


def read_money_sheets(
    *, session: Session, scope: Scope, number: str | None = None
) -> list[SheetInfo]:
    """The scope's sheets with money facts (``number``: only that 事業番号), by id."""
    money = FactMoneyRow.__table__.c
    statement = in_scope(
        select_sheets().where(exists().where(money.sheet_id == SheetRow.id)), scope
    )
    if number is not None:
        statement = statement.where(SheetRow.program_number == number)
    rows = session.connection().execute(statement.order_by(SheetRow.id))  # no ORM layer
    return [sheet_info(row) for row in rows]


# The newest row as one integer, largest wins: sheet year first, then the lower sheet id,
# then the earlier row (ids below 2**30, rows below 1,024 a sheet).
_YEAR_STEP = 2**40
_ROW_STEP = 2**10


def sum_newest_money(
    *, session: Session, scope: Scope, number: str | None = None
) -> dict[str, dict[int, tuple[int, Decimal]]]:
    """For ``total_yen`` and ``executed_yen``: budget year → (programs, yen), each program's
    amount taken from the newest sheet printing it (the first by id and row on a tie).

    One statement. The pick is a GROUP BY per program and budget year of the largest
    ``_newest_key`` (sheet year, then lowest id and row) of the rows printing each column,
    both columns in one pass, then the picked rows are read back by their unique key
    (sheet id, row). A window per column (``row_number()``) gave the same rows but made
    SQLite sort the 107,000 national money rows once per column (~1.3 s CPU against ~0.55).
    Summed in SQL where that is exact — PostgreSQL's NUMERIC always; on SQLite, which keeps
    the decimals as text, whole yen sum as integers and the few amounts with a fraction
    (float noise of the source such as 337976387.00000005) come back as rows and are added
    here.
    """
    money = FactMoneyRow.__table__.c
    sqlite = session.connection().dialect.name == "sqlite"
    columns = ("total_yen", "executed_yen")

    # The scope's sheets first, once each (materialised: else SQLite tests the latest-stage
    # condition for every money row), then their money.
    sheets = in_scope(
        select(
            SheetRow.id,
            SheetRow.fiscal_year,
            SheetRow.kind,
            NationalSheetRow.program_id,
            case((NationalSheetRow.program_id.is_(None), SheetRow.program_number)).label("number"),
        )
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id),
        scope,
    )
    if number is not None:
        sheets = sheets.where(SheetRow.program_number == number)
    scoped = sheets.cte("scoped").prefix_with("MATERIALIZED")

    year_step, row_step = literal(_YEAR_STEP, BigInteger), literal(_ROW_STEP, BigInteger)
    key = cast(scoped.c.fiscal_year, BigInteger) * year_step - (
        cast(scoped.c.id, BigInteger) * row_step + money.position
    )
    newest = (
        select(
            money.fiscal_year.label("year"),
            *(
                func.max(case((money[column].is_not(None), key))).label(column)
                for column in columns
            ),
        )
        .select_from(scoped)
        .join(FactMoneyRow.__table__, money.sheet_id == scoped.c.id)
        # The program across years (SheetInfo.program_key) as columns: kind, lineage
        # group, else 事業番号.
        .group_by(scoped.c.kind, scoped.c.program_id, scoped.c.number, money.fiscal_year)
        .cte("newest")
    )
    parts: list[Any] = []
    for column in columns:
        # Back from the key to the row: sheet id and row are what the key subtracted.
        offset = year_step - newest.c[column] % year_step
        picked = FactMoneyRow.__table__.alias(f"picked_{column}")
        amount = as_text(picked.c[column])
        joined = newest.join(
            picked,
            and_(
                picked.c.sheet_id == offset // row_step,
                picked.c.position == offset % row_step,
            ),
        )
        whole = amount.not_like("%.%") if sqlite else None
        summed = func.sum(amount if whole is None else case((whole, amount)))
        parts.append(
            select(literal(column), newest.c.year, func.count(), summed, null())
            .select_from(joined)
            .group_by(newest.c.year)
        )
        if whole is not None:
            parts.append(
                select(literal(column), newest.c.year, literal(0), null(), amount)
                .select_from(joined)
                .where(~whole)
            )
    found: dict[str, dict[int, tuple[int, Decimal]]] = {column: {} for column in columns}
    rows = session.connection().execute(union_all(*parts)).all()
    for column, year, count, total, _ in rows:  # the sums first, then the fractions
        if count:
            found[column][year] = (count, Decimal(total or 0))
    for column, year, count, _, fraction in rows:
        if not count:
            programs, total = found[column][year]
            found[column][year] = (programs, total + Decimal(fraction))
    return found


def count_newest_judgements(
    *, session: Session, scope: Scope, number: str | None = None
) -> dict[int, tuple[int, int]]:
    """Judged year → (judged, achieved) over each program's outcome indicators (by name),
    each judged once: by the newest sheet judging it that year."""
    outcome = FactOutcomeRow.__table__.c
    ranked = in_scope(
        select(
            outcome.judged_year.label("year"),
            outcome.achieved.label("achieved"),
            func.row_number()
            .over(
                partition_by=(program_key_column(), outcome.name, outcome.judged_year),
                order_by=(SheetRow.fiscal_year.desc(), SheetRow.id, outcome.position),
            )
            .label("rank"),
        )
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id)
        .join(FactOutcomeRow.__table__, outcome.sheet_id == SheetRow.id)
        .where(outcome.judged_year.is_not(None)),
        scope,
    )
    if number is not None:
        ranked = ranked.where(SheetRow.program_number == number)
    picked = ranked.subquery()
    rows = session.execute(
        select(
            picked.c.year,
            func.count(),
            func.sum(case((picked.c.achieved.is_(True), 1), else_=0)),
        )
        .where(picked.c.rank == 1)
        .group_by(picked.c.year)
    )
    return {year: (int(judged), int(achieved)) for year, judged, achieved in rows}
