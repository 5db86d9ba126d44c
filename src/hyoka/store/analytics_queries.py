"""Bulk reads for the cross-sheet reports (``hyoka.analytics``): a few set queries, no ORM.

Every report reads *the current version of the latest stage* of each sheet (事業番号 and
fiscal year): national sheets have one stage (点検); of a prefecture program's 当初要求,
当初予算案, 補正予算案 and 点検 of one year only the latest is read, so that a program is
never counted twice in a year. Rows come back grouped into small frozen dataclasses; the
reports judge them with the rules and add them up exactly (decimals, not floats: SQLite
keeps exact decimals as text, which SQL sums would turn into floats).

Filters (:class:`Scope`) are applied in SQL: kind, organisation (府省庁/部局 or
担当部局庁), program (事業番号, or part of 事業名), lineage and policy area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from hyoka.model import STAGE_ORDER, MoneyUnit, SheetKind, ValueKind
from hyoka.store.catalog import published
from hyoka.store.facts import VERSION as FACTS_VERSION
from hyoka.store.facts import fill_missing_facts
from hyoka.store.facts_tables import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactSheetRow,
    FactUnitCostRow,
)
from hyoka.store.national_tables import (
    BudgetYearRow,
    NationalSheetRow,
    ProgramLinkRow,
    SheetCategoryRow,
)
from hyoka.store.tables import (
    ComponentQuantityRow,
    ComponentRow,
    CostYearRow,
    IndicatorRow,
    IndicatorValueRow,
    PlanLinkRow,
    SheetRow,
    SubProjectRow,
    SubProjectSettlementRow,
)

OUTCOME = "outcome"
OUTPUT = "output"
_IN_CHUNK = 500  # values per IN (…) list


@dataclass(frozen=True)
class Scope:
    """Which sheets a report reads; None means no filter.

    ``program`` matches a 事業番号 exactly or a part of 事業名; ``lineage`` is a national
    program's lineage group (``national_sheets.program_id``); ``policy`` a 施策分野
    (code or name) of the prefecture or a 主要施策 of the national sheets. ``public``
    reads only what the public portal shows: of each program and year, the latest stage
    that is published (drafts, submitted and returned versions stay with the staff).
    """

    kind: SheetKind | None = None
    organisation: str | None = None
    program: str | None = None
    lineage: int | None = None
    policy: str | None = None
    public: bool = False


@dataclass(frozen=True)
class SheetInfo:
    """What a report row says about the sheet it comes from."""

    sheet_id: int
    kind: SheetKind
    lineage: int | None  # national lineage group; None on prefecture sheets
    program_number: str
    program_name: str
    organisation: str  # 府省庁 (national) / 部局 (prefecture)
    bureau: str  # 担当部局庁 (national); empty on prefecture sheets
    section: str  # 担当課室 / 課・室
    fiscal_year: int
    stage: str
    money_unit: MoneyUnit

    @property
    def program_key(self) -> str:
        """The program across years: its lineage group, else its 事業番号 (the prefecture's
        numbers are stable across years)."""
        if self.lineage is not None:
            return f"{self.kind.value}:{self.lineage}"
        return f"{self.kind.value}:{self.program_number}"


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


# --- Sheets and filters -----------------------------------------------------------------

_STAGE_RANK = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}


def _stage_rank(column: Any) -> ColumnElement[int]:
    return case(_STAGE_RANK, value=column, else_=-1)


def _latest_stage(*, public: bool = False) -> ColumnElement[bool]:
    """No later stage of the same program and year exists (``public``: no later published
    stage, and this one is published).

    Matched on (事業番号, year) only, so that SQLite searches the sheets' unique key index
    (with the kind too it picks the (kind, year) index and scans a whole year per sheet).
    """
    later = aliased(SheetRow)
    newer = ~exists().where(
        later.program_number == SheetRow.program_number,
        later.fiscal_year == SheetRow.fiscal_year,
        _stage_rank(later.stage) > _stage_rank(SheetRow.stage),
        *([published(later.id)] if public else []),
    )
    return and_(newer, published(SheetRow.id)) if public else newer


_SHEET_COLUMNS = (
    SheetRow.id,
    SheetRow.kind,
    NationalSheetRow.program_id,
    SheetRow.program_number,
    SheetRow.program_name,
    SheetRow.department,
    SheetRow.bureau,
    SheetRow.section,
    SheetRow.fiscal_year,
    SheetRow.stage,
    func.coalesce(NationalSheetRow.money_unit, MoneyUnit.THOUSAND_YEN.value),
)
_W = len(_SHEET_COLUMNS)


_KINDS = {kind.value: kind for kind in SheetKind}
_UNITS = {unit.value: unit for unit in MoneyUnit}


def _sheet_info(row: Sequence[Any]) -> SheetInfo:
    # Enum lookups by dict: calling the enum costs more than the rest of the row.
    return SheetInfo(
        sheet_id=row[0],
        kind=_KINDS[row[1]],
        lineage=row[2],
        program_number=row[3],
        program_name=row[4],
        organisation=row[5],
        bureau=row[6],
        section=row[7],
        fiscal_year=row[8],
        stage=row[9],
        money_unit=_UNITS[row[10]],
    )


def _select(*columns: Any) -> Select[Any]:
    statement: Select[Any] = (
        select(*_SHEET_COLUMNS, *columns)  # type: ignore[assignment]
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id)
    )
    return statement


def _conditions(scope: Scope) -> list[ColumnElement[bool]]:
    conditions = [_latest_stage(public=scope.public)]
    if scope.kind is not None:
        conditions.append(SheetRow.kind == scope.kind.value)
    if scope.organisation:
        conditions.append(
            or_(SheetRow.department == scope.organisation, SheetRow.bureau == scope.organisation)
        )
    if scope.program:
        conditions.append(
            or_(
                SheetRow.program_number == scope.program,
                SheetRow.program_name.contains(scope.program, autoescape=True),
            )
        )
    if scope.lineage is not None:
        conditions.append(NationalSheetRow.program_id == scope.lineage)
    if scope.policy:
        prefecture = exists().where(
            PlanLinkRow.sheet_id == SheetRow.id,
            or_(PlanLinkRow.policy_code == scope.policy, PlanLinkRow.policy_name == scope.policy),
        )
        national = exists().where(
            SheetCategoryRow.sheet_id == SheetRow.id,
            SheetCategoryRow.category == "policy",
            SheetCategoryRow.text == scope.policy,
        )
        conditions.append(or_(prefecture, national))
    return conditions


def _scoped(statement: Select[Any], scope: Scope) -> Select[Any]:
    return statement.where(and_(*_conditions(scope)))


class _Infos:
    """One SheetInfo per sheet id, shared by all rows of the sheet."""

    def __init__(self) -> None:
        self._known: dict[int, SheetInfo] = {}

    def __call__(self, row: Sequence[Any]) -> SheetInfo:
        info = self._known.get(row[0])
        if info is None:
            info = self._known[row[0]] = _sheet_info(row)
        return info


def read_sheet_infos(*, session: Session, scope: Scope) -> list[SheetInfo]:
    """The scope's sheets (the latest stage of each program and year), by id."""
    statement = _scoped(_select(), scope).order_by(SheetRow.id)
    return [_sheet_info(row) for row in session.execute(statement)]


def find_lineage(*, session: Session, program_number: str) -> int | None:
    """The lineage group of the national sheet with this 事業番号, if any."""
    found = session.execute(
        select(NationalSheetRow.program_id)
        .join(SheetRow, SheetRow.id == NationalSheetRow.sheet_id)
        .where(SheetRow.program_number == program_number)
        .limit(1)
    ).scalar_one_or_none()
    return found


# --- Indicators -------------------------------------------------------------------------


def _sheet_ids(scope: Scope) -> Select[Any]:
    """The ids of the scope's sheets, for ``IN (…)``."""
    return _scoped(
        select(SheetRow.id)
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id),
        scope,
    )


def _infos_by_id(session: Session, scope: Scope) -> dict[int, SheetInfo]:
    rows = session.connection().execute(_scoped(_select(), scope)).all()
    return {row[0]: _sheet_info(row) for row in rows}


def _exact(value: Any) -> Decimal | None:
    # Read as text on SQLite (no per-value type processing: this is the hot loop of the
    # reports); PostgreSQL's NUMERIC arrives as a Decimal.
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value)


def _raw(column: Any) -> Any:
    return type_coerce(column, String)


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
                _raw(value.value),
                _raw(value.upper),
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
            ValueFact(fiscal_year, kinds[kind], _exact(figure), _exact(upper))
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
                _raw(budget.total),
                _raw(budget.executed),
                *(_raw(column) for column in extra),
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
    info = _Infos()
    settlements = _scoped(
        _select(
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
        w = _W
        entry = found.get(row[0]) or found.setdefault(
            row[0], SheetSubProjects(info(row), names={}, settlements={}, quantities=[])
        )
        entry.names[row[w]] = row[w + 1]
        years = entry.settlements.setdefault(row[w], {})
        if row[w + 2] is not None:
            years[row[w + 2]] = row[w + 3]
    quantities = _scoped(
        _select(
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
            owner.quantities.append(QuantityFact(*row[_W : _W + 6]))
    return sorted(found.values(), key=lambda entry: entry.sheet.sheet_id)


# --- Data quality -----------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroup:
    """Sheets of one kind and year sharing a key they should not share."""

    reason: str  # "number": same 事業番号 and year; "name": same 事業名 in one organisation
    key: str
    sheets: list[SheetInfo]


def read_duplicates(*, session: Session, scope: Scope) -> list[DuplicateGroup]:
    """Sheets of one year sharing a 事業番号, or a 事業名 within one 府省庁/部局.

    The store's key (事業番号, year, stage) keeps exact copies out; the number check
    compares numbers without spaces and hyphens, as they are sometimes typed differently.
    """
    groups: list[DuplicateGroup] = []
    number = func.replace(func.replace(SheetRow.program_number, " ", ""), "-", "")
    for reason, keys in (
        ("number", (SheetRow.kind, SheetRow.fiscal_year, number)),
        ("name", (SheetRow.kind, SheetRow.fiscal_year, SheetRow.department, SheetRow.program_name)),
    ):
        doubled = (
            _scoped(
                select(*keys)
                .select_from(SheetRow)
                .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id),
                scope,
            )
            .group_by(*keys)
            .having(func.count() > 1)
            .subquery()
        )
        joined = and_(*(column == doubled.c[index] for index, column in enumerate(keys)))
        statement = _scoped(_select(*keys).join(doubled, joined), scope).order_by(
            *keys, SheetRow.id
        )
        current: dict[tuple[Any, ...], DuplicateGroup] = {}
        for row in session.execute(statement):
            key = tuple(row[_W:])
            group = current.get(key)
            if group is None:
                group = current[key] = DuplicateGroup(reason=reason, key=str(key[-1]), sheets=[])
                groups.append(group)
            group.sheets.append(_sheet_info(row))
    return groups


@dataclass(frozen=True)
class OrphanLink:
    """A printed link to an earlier sheet that resolves to no stored sheet."""

    sheet: SheetInfo
    fiscal_year: int | None
    ministry: str
    program_number: str


def read_orphan_links(*, session: Session, scope: Scope) -> list[OrphanLink]:
    statement = _scoped(
        _select(
            ProgramLinkRow.link_fiscal_year,
            ProgramLinkRow.link_ministry,
            ProgramLinkRow.link_program_number,
        )
        .join(ProgramLinkRow, ProgramLinkRow.sheet_id == SheetRow.id)
        .where(ProgramLinkRow.how == "link", ProgramLinkRow.predecessor_sheet_id.is_(None)),
        scope,
    ).order_by(SheetRow.id, ProgramLinkRow.id)
    return [OrphanLink(_sheet_info(row), *row[_W : _W + 3]) for row in session.execute(statement)]


@dataclass(frozen=True)
class UnitChange:
    """One indicator of one program printed with different units in different years."""

    kind: SheetKind
    program_key: str
    role: str
    name: str
    units: dict[int, str]  # fiscal year → unit
    latest: SheetInfo


def read_unit_changes(*, session: Session, scope: Scope) -> list[UnitChange]:
    """Indicators (same program across years, same role and name) whose unit changes.

    The program across years is the national lineage group, else the 事業番号. SQL finds
    the candidates (more than one unit in the group); their rows are grouped here, where
    each year counts with its first indicator of that name.
    """
    indicator = IndicatorRow.__table__.c
    key = _program_key()
    candidates = _scoped(
        select(key, indicator.role, indicator.name)
        .select_from(SheetRow)
        .outerjoin(NationalSheetRow, NationalSheetRow.sheet_id == SheetRow.id)
        .join(IndicatorRow.__table__, indicator.sheet_id == SheetRow.id)
        .group_by(key, indicator.role, indicator.name)
        .having(func.count(func.distinct(indicator.unit)) > 1),
        scope,
    )
    wanted = {tuple(row) for row in session.execute(candidates)}
    names = sorted({name for _, _, name in wanted})
    info = _Infos()
    rows: list[tuple[SheetInfo, str, str, str, int]] = []
    for start in range(0, len(names), _IN_CHUNK):
        statement = _scoped(
            _select(indicator.role, indicator.name, indicator.unit, indicator.position)
            .join(IndicatorRow.__table__, indicator.sheet_id == SheetRow.id)
            .where(indicator.name.in_(names[start : start + _IN_CHUNK])),
            scope,
        )
        for row in session.connection().execute(statement):
            rows.append((info(row), *row[_W : _W + 4]))
    rows.sort(key=lambda item: (item[0].sheet_id, item[4]))
    grouped: dict[tuple[str, str, str], dict[int, tuple[str, SheetInfo]]] = {}
    for sheet, role, name, unit, _ in rows:
        if (sheet.program_key, role, name) not in wanted:
            continue
        years = grouped.setdefault((sheet.program_key, role, name), {})
        years.setdefault(sheet.fiscal_year, (unit, sheet))
    found = []
    for (program_key, role, name), years in grouped.items():
        if len({unit for unit, _ in years.values()}) < 2:
            continue
        latest = years[max(years)][1]
        found.append(
            UnitChange(
                kind=latest.kind,
                program_key=program_key,
                role=role,
                name=name,
                units={year: unit for year, (unit, _) in sorted(years.items())},
                latest=latest,
            )
        )
    return sorted(found, key=lambda change: (change.kind.value, change.program_key, change.name))


# --- Report facts (hyoka.store.facts, written when each sheet is saved) -------------------


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
    """Compute the report facts of sheets stored without them (see ``hyoka.store.facts``)."""
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
    statement = _scoped(
        _select(*(_raw(c[name]) if name in _EXACT else c[name] for name in columns)).join(
            table.__table__, c.sheet_id == SheetRow.id
        ),
        scope,
    ).order_by(c.sheet_id, c.position)
    if where is not None:
        statement = statement.where(where)
    info = _Infos()
    return [(info(row), row[_W:]) for row in session.connection().execute(statement)]


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
            fact[name] = _exact(fact[name])
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
    statement = _scoped(
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
    statement: Select[Any] = _scoped(
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
        entry[1].append(MoneyYear(year, _exact(total), _exact(executed), bool(execution)))
    return list(found.values())


_UNIT_COST_COLUMNS = tuple(name for name in UnitCostFact.__dataclass_fields__ if name != "sheet")


def read_unit_cost_facts(*, session: Session, scope: Scope) -> list[UnitCostFact]:
    found = []
    for sheet, values in _fact_rows(session, scope, FactUnitCostRow, *_UNIT_COST_COLUMNS):
        fact = dict(zip(_UNIT_COST_COLUMNS, values, strict=True))
        for name in _EXACT.intersection(fact):
            fact[name] = _exact(fact[name])
        fact["shared"] = bool(fact["shared"])
        found.append(UnitCostFact(sheet=sheet, **fact))
    return found


def read_issue_facts(*, session: Session, scope: Scope) -> list[IssueFact]:
    """The per-sheet quality findings of the scope's sheets, in sheet order."""
    return [
        IssueFact(sheet, *values)
        for sheet, values in _fact_rows(session, scope, FactIssueRow, "check", "subject", "message")
    ]


def _program_key() -> ColumnElement[str]:
    """``SheetInfo.program_key`` in SQL: kind and lineage group, else kind and 事業番号."""
    return case(
        (
            NationalSheetRow.program_id.is_not(None),
            SheetRow.kind + ":" + cast(NationalSheetRow.program_id, String),
        ),
        else_=SheetRow.kind + ":" + SheetRow.program_number,
    )


def read_money_sheets(
    *, session: Session, scope: Scope, number: str | None = None
) -> list[SheetInfo]:
    """The scope's sheets with money facts (``number``: only that 事業番号), by id."""
    money = FactMoneyRow.__table__.c
    statement = _scoped(_select().where(exists().where(money.sheet_id == SheetRow.id)), scope)
    if number is not None:
        statement = statement.where(SheetRow.program_number == number)
    rows = session.connection().execute(statement.order_by(SheetRow.id))  # no ORM layer
    return [_sheet_info(row) for row in rows]


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
    sheets = _scoped(
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
        amount = _raw(picked.c[column])
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
    ranked = _scoped(
        select(
            outcome.judged_year.label("year"),
            outcome.achieved.label("achieved"),
            func.row_number()
            .over(
                partition_by=(_program_key(), outcome.name, outcome.judged_year),
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
