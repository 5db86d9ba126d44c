"""Bulk reads for the cross-sheet reports (``hyoka.analytics``): a few set queries, no ORM.

This module holds what every report query shares: which sheets a report reads
(:class:`Scope`, :func:`read_sheet_infos`) and what a row says of its sheet
(:class:`SheetInfo`). The reads themselves are :mod:`hyoka.store.reports.figures` (the
sheets' indicators, money and 細事業), :mod:`hyoka.store.reports.quality` (duplicates,
orphan links, unit changes), :mod:`hyoka.store.reports.fact_reads` (the report facts stored
with each sheet) and :mod:`hyoka.store.reports.totals` (each program counted once).

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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from hyoka.model import STAGE_ORDER, MoneyUnit, SheetKind
from hyoka.store.schema.national import (
    NationalSheetRow,
    SheetCategoryRow,
)
from hyoka.store.schema.sheets import (
    PlanLinkRow,
    SheetRow,
)
from hyoka.store.search.catalog import published


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
SHEET_WIDTH = len(_SHEET_COLUMNS)
"""How many leading columns of a :func:`select_sheets` row describe its sheet."""


_KINDS = {kind.value: kind for kind in SheetKind}
_UNITS = {unit.value: unit for unit in MoneyUnit}


def sheet_info(row: Sequence[Any]) -> SheetInfo:
    """The SheetInfo of the first :data:`SHEET_WIDTH` columns of a :func:`select_sheets` row."""
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


def select_sheets(*columns: Any) -> Select[Any]:
    """The sheets' SheetInfo columns, then ``columns``; filter with :func:`in_scope`."""
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


def in_scope(statement: Select[Any], scope: Scope) -> Select[Any]:
    """``statement`` (of :func:`select_sheets`) kept to the scope's sheets."""
    return statement.where(and_(*_conditions(scope)))


class SheetInfos:
    """One SheetInfo per sheet id, shared by all rows of the sheet."""

    def __init__(self) -> None:
        self._known: dict[int, SheetInfo] = {}

    def __call__(self, row: Sequence[Any]) -> SheetInfo:
        info = self._known.get(row[0])
        if info is None:
            info = self._known[row[0]] = sheet_info(row)
        return info


def read_sheet_infos(*, session: Session, scope: Scope) -> list[SheetInfo]:
    """The scope's sheets (the latest stage of each program and year), by id."""
    statement = in_scope(select_sheets(), scope).order_by(SheetRow.id)
    return [sheet_info(row) for row in session.execute(statement)]


def find_lineage(*, session: Session, program_number: str) -> int | None:
    """The lineage group of the national sheet with this 事業番号, if any."""
    found = session.execute(
        select(NationalSheetRow.program_id)
        .join(SheetRow, SheetRow.id == NationalSheetRow.sheet_id)
        .where(SheetRow.program_number == program_number)
        .limit(1)
    ).scalar_one_or_none()
    return found


# --- Shared by the report queries ----------------------------------------------------------


def exact_decimal(value: Any) -> Decimal | None:
    """A money or figure column read with :func:`as_text` as an exact Decimal."""
    # Read as text on SQLite (no per-value type processing: this is the hot loop of the
    # reports); PostgreSQL's NUMERIC arrives as a Decimal.
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value)


def as_text(column: Any) -> Any:
    """The column read as the database returns it (text on SQLite), no type processing."""
    return type_coerce(column, String)


def program_key_column() -> ColumnElement[str]:
    """``SheetInfo.program_key`` in SQL: kind and lineage group, else kind and 事業番号."""
    return case(
        (
            NationalSheetRow.program_id.is_not(None),
            SheetRow.kind + ":" + cast(NationalSheetRow.program_id, String),
        ),
        else_=SheetRow.kind + ":" + SheetRow.program_number,
    )
