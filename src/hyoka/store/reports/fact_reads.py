"""Reads of the report facts (:mod:`hyoka.rules.facts`, written when each sheet is saved)
for the cross-sheet reports: outcome judgements, money years in yen, unit costs and
per-sheet findings, one query joining the scope's sheets each
(:mod:`hyoka.store.reports.scope`); :func:`fill_facts` computes those of sheets
stored without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    Select,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from hyoka.model import SheetKind
from hyoka.rules.facts import VERSION as FACTS_VERSION
from hyoka.store.reports.facts import fill_missing_facts
from hyoka.store.reports.scope import (
    SHEET_WIDTH,
    Scope,
    SheetInfo,
    SheetInfos,
    as_text,
    exact_decimal,
    in_scope,
    select_sheets,
)
from hyoka.store.schema.facts import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactSheetRow,
    FactUnitCostRow,
)
from hyoka.store.schema.national import (
    NationalSheetRow,
)
from hyoka.store.schema.sheets import (
    SheetRow,
)

# --- Report facts (hyoka.rules.facts, written when each sheet is saved) -------------------


@dataclass(frozen=True)
class OutcomeFact:
    """One outcome indicator of one sheet as judged when the sheet was saved."""

    sheet: SheetInfo
    number: str
    name: str
    unit: str
    has_target: bool
    judged_year: int | None  # the latest closed year with target and actual
    judged_target: Decimal | None
    judged_actual: Decimal | None
    achieved: bool | None
    at_risk: bool
    cumulative: bool
    pace_year: int | None  # the pace's as-of year, when at risk
    pace_end_year: int | None
    pace_target: Decimal | None
    so_far: Decimal | None
    current_rate: Decimal | None
    required_rate: Decimal | None
    remaining_years: int | None


class MoneyYear(NamedTuple):
    """One money year of a sheet in yen; ``executed_yen`` only for closed years."""

    fiscal_year: int
    total_yen: Decimal | None
    executed_yen: Decimal | None
    execution: bool  # the sheet's execution year


@dataclass(frozen=True)
class UnitCostFact:
    sheet: SheetInfo
    match_key: str
    fiscal_year: int
    output: str
    unit: str
    quantity: Decimal
    money_yen: Decimal
    cost_per_unit_yen: Decimal
    previous_year: int | None
    previous_cost_per_unit_yen: Decimal | None
    shared: bool


@dataclass(frozen=True)
class IssueFact:
    sheet: SheetInfo
    check: str
    subject: str
    message: str


def fill_facts(*, session: Session) -> int:
    """Compute the report facts of sheets stored without them (see ``hyoka.rules.facts``)."""
    missing = session.execute(
        select(SheetRow.id)
        .outerjoin(FactSheetRow, FactSheetRow.sheet_id == SheetRow.id)
        .where(or_(FactSheetRow.sheet_id.is_(None), FactSheetRow.version != FACTS_VERSION))
        .limit(1)
    ).first()
    return 0 if missing is None else fill_missing_facts(session=session)


def _fact_rows(
    session: Session, scope: Scope, table: Any, *columns: str, where: Any = None
) -> list[tuple[SheetInfo, Sequence[Any]]]:
    """(sheet, the columns) of the fact rows of the scope's sheets, in sheet and row order:
    one query joining the sheets, so that only sheets with such rows are read."""
    c = table.__table__.c
    statement = in_scope(
        select_sheets(*(as_text(c[name]) if name in _EXACT else c[name] for name in columns)).join(
            table.__table__, c.sheet_id == SheetRow.id
        ),
        scope,
    ).order_by(c.sheet_id, c.position)
    if where is not None:
        statement = statement.where(where)
    info = SheetInfos()
    return [(info(row), row[SHEET_WIDTH:]) for row in session.connection().execute(statement)]


_EXACT = frozenset(
    {
        "judged_target",
        "judged_actual",
        "pace_target",
        "so_far",
        "current_rate",
        "required_rate",
        "total_yen",
        "executed_yen",
        "quantity",
        "money_yen",
        "cost_per_unit_yen",
        "previous_cost_per_unit_yen",
    }
)
_OUTCOME_COLUMNS = tuple(name for name in OutcomeFact.__dataclass_fields__ if name != "sheet")


def read_outcome_facts(
    *, session: Session, scope: Scope, at_risk_only: bool = False
) -> list[OutcomeFact]:
    """The outcome facts of the scope's sheets, in sheet and indicator order."""
    outcome = FactOutcomeRow.__table__.c
    rows = _fact_rows(
        session,
        scope,
        FactOutcomeRow,
        *_OUTCOME_COLUMNS,
        where=outcome.at_risk.is_(True) if at_risk_only else None,
    )
    found = []
    for sheet, values in rows:
        fact = dict(zip(_OUTCOME_COLUMNS, values, strict=True))
        for name in _EXACT.intersection(fact):
            fact[name] = exact_decimal(fact[name])
        for name in ("has_target", "at_risk", "cumulative"):
            fact[name] = bool(fact[name])
        if fact["achieved"] is not None:
            fact["achieved"] = bool(fact["achieved"])
        found.append(OutcomeFact(sheet=sheet, **fact))
    return found


def count_achievements(
    *, session: Session, scope: Scope
) -> list[tuple[SheetKind, int, str, str, int, int]]:
    """(kind, judged year, 府省庁/部局, 担当部局庁, judged, achieved) of the scope's outcome
    indicators with a judgement: one aggregate over the facts."""
    outcome = FactOutcomeRow.__table__.c
    statement = in_scope(
        select(
            SheetRow.kind,
            outcome.judged_year,
            SheetRow.department,
            SheetRow.bureau,
            func.count(),
            func.sum(case((outcome.achieved.is_(True), 1), else_=0)),
        )
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id)
        .join(FactOutcomeRow.__table__, outcome.sheet_id == SheetRow.id)
        .where(outcome.judged_year.is_not(None))
        .group_by(SheetRow.kind, outcome.judged_year, SheetRow.department, SheetRow.bureau),
        scope,
    )
    return [
        (SheetKind(kind), year, department, bureau, int(judged), int(achieved))
        for kind, year, department, bureau, judged, achieved in session.execute(statement)
    ]


def newest_outcome_years(*, session: Session, scope: Scope) -> dict[str, int]:
    """The newest sheet year per kind among the scope's sheets with outcome indicators."""
    outcome = FactOutcomeRow.__table__.c
    statement: Select[Any] = in_scope(
        select(SheetRow.kind, func.max(SheetRow.fiscal_year))  # type: ignore[arg-type]
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id)
        .where(exists().where(outcome.sheet_id == SheetRow.id))
        .group_by(SheetRow.kind),
        scope,
    )
    return {kind: year for kind, year in session.execute(statement)}


def read_money_years(
    *, session: Session, scope: Scope, execution_only: bool = False
) -> list[tuple[SheetInfo, list[MoneyYear]]]:
    """The money years of the scope's sheets that have any, sheets by id
    (``execution_only``: each sheet's execution year alone)."""
    money = FactMoneyRow.__table__.c
    found: dict[int, tuple[SheetInfo, list[MoneyYear]]] = {}
    for sheet, (year, total, executed, execution) in _fact_rows(
        session,
        scope,
        FactMoneyRow,
        "fiscal_year",
        "total_yen",
        "executed_yen",
        "execution",
        where=money.execution.is_(True) if execution_only else None,
    ):
        entry = found.get(sheet.sheet_id) or found.setdefault(sheet.sheet_id, (sheet, []))
        entry[1].append(
            MoneyYear(year, exact_decimal(total), exact_decimal(executed), bool(execution))
        )
    return list(found.values())


_UNIT_COST_COLUMNS = tuple(name for name in UnitCostFact.__dataclass_fields__ if name != "sheet")


def read_unit_cost_facts(*, session: Session, scope: Scope) -> list[UnitCostFact]:
    found = []
    for sheet, values in _fact_rows(session, scope, FactUnitCostRow, *_UNIT_COST_COLUMNS):
        fact = dict(zip(_UNIT_COST_COLUMNS, values, strict=True))
        for name in _EXACT.intersection(fact):
            fact[name] = exact_decimal(fact[name])
        fact["shared"] = bool(fact["shared"])
        found.append(UnitCostFact(sheet=sheet, **fact))
    return found


def read_issue_facts(*, session: Session, scope: Scope) -> list[IssueFact]:
    """The per-sheet quality findings of the scope's sheets, in sheet order."""
    return [
        IssueFact(sheet, *values)
        for sheet, values in _fact_rows(session, scope, FactIssueRow, "check", "subject", "message")
    ]
