"""Data-quality reads for the cross-sheet reports: sheets that share a key
(:func:`read_duplicates`), printed links to no stored sheet (:func:`read_orphan_links`) and
indicators whose unit changes across years (:func:`read_unit_changes`); scope and sheet
rows are :mod:`hyoka.store.reports.scope`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    func,
    select,
)
from sqlalchemy.orm import Session

from hyoka.model import SheetKind
from hyoka.store.reports.scope import (
    SHEET_WIDTH,
    Scope,
    SheetInfo,
    SheetInfos,
    in_scope,
    program_key_column,
    select_sheets,
    sheet_info,
)
from hyoka.store.schema.national import (
    NationalSheetRow,
    ProgramLinkRow,
)
from hyoka.store.schema.sheets import (
    IndicatorRow,
    SheetRow,
)

_IN_CHUNK = 500  # values per IN (…) list


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
            in_scope(
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
        statement = in_scope(select_sheets(*keys).join(doubled, joined), scope).order_by(
            *keys, SheetRow.id
        )
        current: dict[tuple[Any, ...], DuplicateGroup] = {}
        for row in session.execute(statement):
            key = tuple(row[SHEET_WIDTH:])
            group = current.get(key)
            if group is None:
                group = current[key] = DuplicateGroup(reason=reason, key=str(key[-1]), sheets=[])
                groups.append(group)
            group.sheets.append(sheet_info(row))
    return groups


@dataclass(frozen=True)
class OrphanLink:
    """A printed link to an earlier sheet that resolves to no stored sheet."""

    sheet: SheetInfo
    fiscal_year: int | None
    ministry: str
    program_number: str


def read_orphan_links(*, session: Session, scope: Scope) -> list[OrphanLink]:
    statement = in_scope(
        select_sheets(
            ProgramLinkRow.link_fiscal_year,
            ProgramLinkRow.link_ministry,
            ProgramLinkRow.link_program_number,
        )
        .join(ProgramLinkRow, ProgramLinkRow.sheet_id == SheetRow.id)
        .where(ProgramLinkRow.how == "link", ProgramLinkRow.predecessor_sheet_id.is_(None)),
        scope,
    ).order_by(SheetRow.id, ProgramLinkRow.id)
    return [
        OrphanLink(sheet_info(row), *row[SHEET_WIDTH : SHEET_WIDTH + 3])
        for row in session.execute(statement)
    ]


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
    key = program_key_column()
    candidates = in_scope(
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
    info = SheetInfos()
    rows: list[tuple[SheetInfo, str, str, str, int]] = []
    for start in range(0, len(names), _IN_CHUNK):
        statement = in_scope(
            select_sheets(indicator.role, indicator.name, indicator.unit, indicator.position)
            .join(IndicatorRow.__table__, indicator.sheet_id == SheetRow.id)
            .where(indicator.name.in_(names[start : start + _IN_CHUNK])),
            scope,
        )
        for row in session.connection().execute(statement):
            rows.append((info(row), *row[SHEET_WIDTH : SHEET_WIDTH + 4]))
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
