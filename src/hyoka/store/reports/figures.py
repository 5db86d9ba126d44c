"""The sheets' own figures for the cross-sheet reports, read in bulk from the sheet tables
(scope and sheet rows: :mod:`hyoka.store.reports.scope`): indicators with their yearly
values (:func:`read_indicators`), money years (:func:`read_money`) and the prefecture's
細事業 (:func:`read_sub_projects`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    Select,
    select,
)
from sqlalchemy.orm import Session

from hyoka.model import SheetKind, ValueKind
from hyoka.store.reports.scope import (
    SHEET_WIDTH,
    Scope,
    SheetInfo,
    SheetInfos,
    as_text,
    exact_decimal,
    in_scope,
    select_sheets,
    sheet_info,
)
from hyoka.store.schema.national import (
    BudgetYearRow,
    NationalSheetRow,
)
from hyoka.store.schema.sheets import (
    ComponentQuantityRow,
    ComponentRow,
    CostYearRow,
    IndicatorRow,
    IndicatorValueRow,
    SheetRow,
    SubProjectRow,
    SubProjectSettlementRow,
)

OUTCOME = "outcome"
OUTPUT = "output"


class ValueFact(NamedTuple):
    """One printed figure of an indicator. A tuple, not a model: the reports read about
    150,000 of them; it has the attributes the rules read of a model.IndicatorValue."""

    fiscal_year: int
    kind: ValueKind
    value: Decimal | None
    upper: Decimal | None


@dataclass
class IndicatorFact:
    """One indicator of one sheet with its figures: enough to rebuild a model.Indicator."""

    sheet: SheetInfo
    indicator_id: int
    role: str
    number: str
    name: str
    unit: str
    direction: str
    comparison: str
    cumulative: bool
    start_year: int | None
    end_year: int | None
    target_text: str
    values: list[ValueFact] = field(default_factory=list)


class MoneyFact(NamedTuple):
    """One year of a sheet's money in the sheet's unit (``SheetInfo.money_unit``).

    Prefecture: 6 事業コスト in 千円 (``total`` 合計, ``executed`` 決算額); national:
    予算・執行額 in 百万円 (``total`` 予算計, ``executed`` 執行額).
    """

    fiscal_year: int
    total: Decimal | None
    executed: Decimal | None
    initial_budget: Decimal | None = None
    supplementary: Decimal | None = None
    carried_over: Decimal | None = None
    carried_forward: Decimal | None = None
    reserve: Decimal | None = None
    staff: Decimal | None = None


@dataclass(frozen=True)
class SheetMoney:
    sheet: SheetInfo
    rows: list[MoneyFact]

    def row(self, fiscal_year: int) -> MoneyFact | None:
        return next((row for row in self.rows if row.fiscal_year == fiscal_year), None)


@dataclass(frozen=True)
class QuantityFact:
    """An output quantity of a component of a prefecture 細事業."""

    sub_project: int
    component: int
    component_name: str
    label: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class SheetSubProjects:
    """The prefecture's 細事業一覧 of one sheet: settlements (千円) and output quantities."""

    sheet: SheetInfo
    names: dict[int, str]
    settlements: dict[int, dict[int, int | None]]  # sub-project number → year → 千円
    quantities: list[QuantityFact]


# --- Indicators -------------------------------------------------------------------------


def _sheet_ids(scope: Scope) -> Select[Any]:
    """The ids of the scope's sheets, for ``IN (…)``."""
    return in_scope(
        select(SheetRow.id)
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id),
        scope,
    )


def _infos_by_id(session: Session, scope: Scope) -> dict[int, SheetInfo]:
    rows = session.connection().execute(in_scope(select_sheets(), scope)).all()
    return {row[0]: sheet_info(row) for row in rows}


def read_indicators(*, session: Session, scope: Scope, role: str = OUTCOME) -> list[IndicatorFact]:
    """Every indicator of the role (``outcome`` 成果指標, ``output`` 活動指標) of the scope's
    sheets with its yearly figures (those printed; blanks are left out), in sheet order."""
    infos = _infos_by_id(session, scope)
    ids = _sheet_ids(scope)
    indicator = IndicatorRow.__table__.c
    value = IndicatorValueRow.__table__.c
    found: dict[int, IndicatorFact] = {}
    rows = (
        session.connection()
        .execute(
            select(
                indicator.id,
                indicator.sheet_id,
                indicator.role,
                indicator.number,
                indicator.name,
                indicator.unit,
                indicator.direction,
                indicator.target_comparison,
                indicator.target_cumulative,
                indicator.target_start_year,
                indicator.target_end_year,
                indicator.target_text,
            )
            .where(indicator.sheet_id.in_(ids), indicator.role == role)
            .order_by(indicator.sheet_id, indicator.position)
        )
        .all()
    )
    for row in rows:
        found[row[0]] = IndicatorFact(infos[row[1]], row[0], *row[2:8], bool(row[8]), *row[9:12])
    values = (
        session.connection()
        .execute(
            select(
                value.indicator_id,
                value.fiscal_year,
                value.kind,
                as_text(value.value),
                as_text(value.upper),
            )
            .join(IndicatorRow.__table__, indicator.id == value.indicator_id)
            .where(indicator.sheet_id.in_(ids), indicator.role == role, value.value.is_not(None))
            .order_by(value.indicator_id, value.position)
        )
        .all()
    )
    kinds = {kind.value: kind for kind in ValueKind}
    for indicator_id, fiscal_year, kind, figure, upper in values:
        found[indicator_id].values.append(
            ValueFact(fiscal_year, kinds[kind], exact_decimal(figure), exact_decimal(upper))
        )
    return list(found.values())


# --- Money ------------------------------------------------------------------------------


def read_money(*, session: Session, scope: Scope, parts: bool = False) -> list[SheetMoney]:
    """Every year of money of the scope's sheets, oldest year first, sheets by id.

    Only 予算計/合計 and 執行額/決算額 unless ``parts`` (the budget's components too).
    """
    infos = _infos_by_id(session, scope)
    ids = _sheet_ids(scope)
    found: dict[int, SheetMoney] = {}
    cost = CostYearRow.__table__.c
    budget = BudgetYearRow.__table__.c
    queries = []
    if scope.kind in (None, SheetKind.PREFECTURE):
        extra: tuple[Any, ...] = (
            (cost.initial_budget, cost.supplementary, cost.carried_over) if parts else ()
        )
        queries.append(
            select(cost.sheet_id, cost.fiscal_year, cost.total, cost.settlement, *extra)
            .where(cost.sheet_id.in_(ids))
            .order_by(cost.sheet_id, cost.fiscal_year, cost.position)
        )
    if scope.kind in (None, SheetKind.NATIONAL):
        extra = (
            (
                budget.initial_budget,
                budget.supplementary,
                budget.carried_over,
                budget.carried_forward,
                budget.reserve,
            )
            if parts
            else ()
        )
        queries.append(
            select(
                budget.sheet_id,
                budget.fiscal_year,
                as_text(budget.total),
                as_text(budget.executed),
                *(as_text(column) for column in extra),
            )
            .where(budget.sheet_id.in_(ids))
            .order_by(budget.sheet_id, budget.fiscal_year, budget.position)
        )
    connection = session.connection()
    for query in queries:
        for sheet_id, fiscal_year, *amounts in connection.execute(query).all():
            entry = found.get(sheet_id)
            if entry is None:
                entry = found[sheet_id] = SheetMoney(infos[sheet_id], [])
            entry.rows.append(
                MoneyFact(fiscal_year, *[None if x is None else Decimal(x) for x in amounts])
            )
    return sorted(found.values(), key=lambda entry: entry.sheet.sheet_id)


# --- The prefecture's sub-projects ----------------------------------------------------------


def read_sub_projects(*, session: Session, scope: Scope) -> list[SheetSubProjects]:
    """The prefecture's 細事業: settlements per year and the components' output quantities."""
    if scope.kind not in (None, SheetKind.PREFECTURE):
        return []
    found: dict[int, SheetSubProjects] = {}
    info = SheetInfos()
    settlements = in_scope(
        select_sheets(
            SubProjectRow.number,
            SubProjectRow.name,
            SubProjectSettlementRow.fiscal_year,
            SubProjectSettlementRow.amount,
        )
        .join(SubProjectRow, SubProjectRow.sheet_id == SheetRow.id)
        .outerjoin(
            SubProjectSettlementRow, SubProjectSettlementRow.sub_project_id == SubProjectRow.id
        )
        .where(SheetRow.kind == SheetKind.PREFECTURE.value),
        scope,
    ).order_by(SheetRow.id, SubProjectRow.position, SubProjectSettlementRow.position)
    for row in session.execute(settlements):
        w = SHEET_WIDTH
        entry = found.get(row[0]) or found.setdefault(
            row[0], SheetSubProjects(info(row), names={}, settlements={}, quantities=[])
        )
        entry.names[row[w]] = row[w + 1]
        years = entry.settlements.setdefault(row[w], {})
        if row[w + 2] is not None:
            years[row[w + 2]] = row[w + 3]
    quantities = in_scope(
        select_sheets(
            SubProjectRow.number,
            ComponentRow.number,
            ComponentRow.name,
            ComponentQuantityRow.label,
            ComponentQuantityRow.value,
            ComponentQuantityRow.unit,
        )
        .join(SubProjectRow, SubProjectRow.sheet_id == SheetRow.id)
        .join(ComponentRow, ComponentRow.sub_project_id == SubProjectRow.id)
        .join(ComponentQuantityRow, ComponentQuantityRow.component_id == ComponentRow.id),
        scope,
    ).order_by(
        SheetRow.id, SubProjectRow.position, ComponentRow.position, ComponentQuantityRow.position
    )
    for row in session.execute(quantities):
        owner = found.get(row[0])
        if owner is not None:
            owner.quantities.append(QuantityFact(*row[SHEET_WIDTH : SHEET_WIDTH + 6]))
    return sorted(found.values(), key=lambda entry: entry.sheet.sheet_id)
