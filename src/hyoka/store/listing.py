"""Filtered, sorted, paginated lists of sheets with facet counts, in SQL alone.

Everything filters on ``sheet_summaries`` (one row per sheet, see :mod:`search_tables`),
so a page of 20,000+ sheets costs a few indexed queries. Sheets are read back whole from
the document of their current revision.

Example::

    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q="人材", page=2))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, select
from sqlalchemy.orm import Session

from hyoka.model import STAGE_ORDER, Sheet
from hyoka.stages import WorkflowState
from hyoka.store.search import match, snippet, terms_of
from hyoka.store.search_tables import SheetPolicyRow, SheetSummaryRow, SheetTextRow
from hyoka.store.tables import RevisionRow, SheetRow
from hyoka.store.workflow_tables import WorkflowRow

Summary = SheetSummaryRow


class Sort(StrEnum):
    RELEVANCE = "relevance"  # only with a search query; the default then
    NUMBER = "number"
    YEAR_DESC = "year_desc"
    NAME = "name"
    DEPARTMENT = "department"


@dataclass(frozen=True)
class SheetFilters:
    """What a list asks for; every field is optional (None: no filter)."""

    q: str = ""
    kind: str | None = None
    fiscal_year: int | None = None
    department: str | None = None
    section: str | None = None
    policy: str | None = None
    stage: str | None = None
    achievement: str | None = None  # 達成 / 未達成 / "none" (no status)
    at_risk: bool | None = None
    sort: Sort | None = None
    page: int = 1
    per_page: int = 20

    @property
    def terms(self) -> list[str]:
        return terms_of(self.q)

    @property
    def effective_sort(self) -> Sort:
        if self.sort is Sort.RELEVANCE and not self.terms:
            return Sort.NUMBER
        return self.sort or (Sort.RELEVANCE if self.terms else Sort.NUMBER)


@dataclass(frozen=True)
class ListedSheet:
    sheet_id: int
    kind: str
    program_number: str
    fiscal_year: int
    stage: str
    program_name: str
    department: str
    section: str
    achievement: str | None
    at_risk: bool
    indicator_count: int
    snippets: list[list[tuple[str, bool]]] = field(default_factory=list)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SheetPage:
    filters: SheetFilters
    items: list[ListedSheet]
    total: int
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filters.per_page))


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])
_STAGE_RANK = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}
FACETS = ("kind", "fiscal_year", "department", "section", "policy", "stage", "achievement")


def list_summaries(*, session: Session, filters: SheetFilters, facets: bool = True) -> SheetPage:
    """One page of the sheets that pass ``filters``, their total and the facet counts."""
    matched = match(session=session, terms=filters.terms) if filters.terms else None
    score = None if matched is None else matched.c.score
    total = session.scalar(_narrowed(select(func.count()).select_from(Summary), filters, matched))
    columns: list[Any] = [Summary] if score is None else [Summary, score]
    page = max(1, filters.page)
    rows = session.execute(
        _narrowed(select(*columns), filters, matched)
        .order_by(*_order(filters.effective_sort, score))
        .limit(filters.per_page)
        .offset((page - 1) * filters.per_page)
    ).all()
    items = [_listed(row[0]) for row in rows]
    if filters.terms and items:
        found = session.execute(
            select(SheetTextRow.sheet_id, SheetTextRow.body).where(
                SheetTextRow.sheet_id.in_([item.sheet_id for item in items])
            )
        )
        bodies = {sheet_id: body for sheet_id, body in found}
        items = [
            replace(item, snippets=snippet(bodies[item.sheet_id], filters.terms)) for item in items
        ]
    return SheetPage(
        filters=filters,
        items=items,
        total=total or 0,
        facets=facet_counts(session=session, filters=filters, matched=matched) if facets else {},
    )


def _order(sort: Sort, score: Any) -> list[Any]:
    by_number = [Summary.program_number, Summary.fiscal_year.desc(), Summary.stage]
    match sort:
        case Sort.RELEVANCE if score is not None:
            return [score, *by_number]
        case Sort.YEAR_DESC:
            return [Summary.fiscal_year.desc(), Summary.program_number, Summary.stage]
        case Sort.NAME:
            return [Summary.program_name, *by_number]
        case Sort.DEPARTMENT:
            return [Summary.department, Summary.section, *by_number]
        case _:
            return by_number


def published(sheet_id: Any) -> ColumnElement[bool]:
    """The public sees a sheet version once approved; a version without workflow came from a
    published source (a PDF, a JUDGIT! file). Drafts, submitted and returned versions stay
    with the staff."""
    return ~exists().where(
        WorkflowRow.sheet_id == sheet_id, WorkflowRow.state != WorkflowState.APPROVED.value
    )


def _conditions(filters: SheetFilters, *, without: str = "") -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [published(Summary.sheet_id)]
    if filters.kind and without != "kind":
        found.append(Summary.kind == filters.kind)
    if filters.fiscal_year is not None and without != "fiscal_year":
        found.append(Summary.fiscal_year == filters.fiscal_year)
    if filters.department and without != "department":
        found.append(Summary.department == filters.department)
    if filters.section and without != "section":
        found.append(Summary.section == filters.section)
    if filters.stage and without != "stage":
        found.append(Summary.stage == filters.stage)
    if filters.achievement and without != "achievement":
        if filters.achievement == "none":
            found.append(Summary.achievement.is_(None))
        else:
            found.append(Summary.achievement == filters.achievement)
    if filters.at_risk is not None and without != "at_risk":
        found.append(Summary.at_risk.is_(filters.at_risk))
    if filters.policy and without != "policy":
        found.append(
            exists().where(
                SheetPolicyRow.sheet_id == Summary.sheet_id,
                SheetPolicyRow.policy_code == filters.policy,
            )
        )
    return found


def facet_counts(
    *, session: Session, filters: SheetFilters, matched: Subquery | None = None
) -> dict[str, list[FacetValue]]:
    """Per facet, each value's count under the other filters (so the choices stay visible).

    課・室 is counted only within a chosen 部局 (national data has thousands). Without a
    search, each count is one GROUP BY over the narrow summary rows."""
    if filters.terms and matched is None:
        matched = match(session=session, terms=filters.terms)
    columns: dict[str, Any] = {
        "kind": Summary.kind,
        "fiscal_year": Summary.fiscal_year,
        "department": Summary.department,
        "stage": Summary.stage,
        "achievement": func.coalesce(Summary.achievement, "none"),
        "at_risk": Summary.at_risk,
    }
    if filters.department:
        columns["section"] = Summary.section
    facets: dict[str, list[FacetValue]] = {}
    for name, column in columns.items():
        query = select(column, func.count()).select_from(Summary)
        rows = session.execute(
            _narrowed(query, filters, matched, without=name).group_by(column)
        ).all()
        facets[name] = _sorted_facet(name, [(_text(value), count) for value, count in rows])
    query = select(SheetPolicyRow.policy_code, func.count(func.distinct(Summary.sheet_id))).join(
        Summary, Summary.sheet_id == SheetPolicyRow.sheet_id
    )
    filtered = _narrowed(query, filters, matched, without="policy")
    rows = session.execute(filtered.group_by(SheetPolicyRow.policy_code)).all()
    facets["policy"] = _sorted_facet("policy", [(code, count) for code, count in rows])
    return facets


def _narrowed(
    query: _Query, filters: SheetFilters, matched: Subquery | None, *, without: str = ""
) -> _Query:
    if matched is not None:
        query = query.join(matched, matched.c.sheet_id == Summary.sheet_id)
    return query.where(*_conditions(filters, without=without))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sorted_facet(name: str, values: list[tuple[str, int]]) -> list[FacetValue]:
    def key(item: tuple[str, int]) -> tuple[Any, ...]:
        value = item[0]
        if name == "fiscal_year":
            return (-int(value),)
        if name == "stage":
            return (_STAGE_RANK.get(value, 99), value)
        if name == "policy":
            return policy_sort_key(value)
        return (value,)

    return [FacetValue(value, count) for value, count in sorted(values, key=key)]


def policy_sort_key(code: str) -> tuple[Any, ...]:
    """2-1③ after 2-1②, 10-1 after 9-9: numbers compared as numbers."""
    parts: list[Any] = []
    for piece in re.findall(r"[0-9]+|[①-⑳]|[^0-9①-⑳]", code):
        if "①" <= piece <= "⑳":
            parts.append((0, ord(piece) - ord("①") + 1))
        elif piece.isascii() and piece.isdigit():
            parts.append((0, int(piece)))
        else:
            parts.append((1, piece))
    return tuple(parts)


def _listed(row: SheetSummaryRow) -> ListedSheet:
    return ListedSheet(
        sheet_id=row.sheet_id,
        kind=row.kind,
        program_number=row.program_number,
        fiscal_year=row.fiscal_year,
        stage=row.stage,
        program_name=row.program_name,
        department=row.department,
        section=row.section,
        achievement=row.achievement,
        at_risk=row.at_risk,
        indicator_count=row.indicator_count,
    )


# --- Whole sheets and 施策分野 -----------------------------------------------------------------


@dataclass(frozen=True)
class StoredSheet:
    """The current version of a stored sheet, from its revision document."""

    sheet_id: int
    revision: int
    saved_at: datetime
    sheet: Sheet


def load_stored_sheets(
    *, session: Session, sheet_ids: Sequence[int], public: bool = True
) -> list[StoredSheet]:
    """The current versions of these sheets, in the order asked; unknown ids are left out,
    and so are unpublished versions unless ``public`` is False (staff)."""
    if not sheet_ids:
        return []
    query = (
        select(SheetRow.id, RevisionRow.revision, RevisionRow.saved_at, RevisionRow.document)
        .join(
            RevisionRow,
            (RevisionRow.sheet_id == SheetRow.id) & (RevisionRow.revision == SheetRow.revision),
        )
        .where(SheetRow.id.in_(list(sheet_ids)))
    )
    if public:
        query = query.where(published(SheetRow.id))
    rows = session.execute(query).all()
    found = {
        sheet_id: StoredSheet(sheet_id, revision, saved_at, Sheet.model_validate(document))
        for sheet_id, revision, saved_at, document in rows
    }
    return [found[sheet_id] for sheet_id in sheet_ids if sheet_id in found]


def load_stored_sheet(
    *, session: Session, sheet_id: int, public: bool = True
) -> StoredSheet | None:
    found = load_stored_sheets(session=session, sheet_ids=[sheet_id], public=public)
    return found[0] if found else None


@dataclass(frozen=True)
class PolicyArea:
    code: str
    name: str
    sheet_count: int


def list_policy_areas(*, session: Session) -> list[PolicyArea]:
    """Every 施策分野 code linked from a stored sheet, with its name and number of sheets."""
    rows = session.execute(
        select(
            SheetPolicyRow.policy_code,
            func.max(SheetPolicyRow.policy_name),
            func.count(func.distinct(SheetPolicyRow.sheet_id)),
        )
        .where(published(SheetPolicyRow.sheet_id))
        .group_by(SheetPolicyRow.policy_code)
    ).all()
    areas = [PolicyArea(code, name or "", count) for code, name, count in rows]
    return sorted(areas, key=lambda area: policy_sort_key(area.code))


def policy_sheet_ids(*, session: Session, code: str) -> list[int]:
    """The sheets linked to one 施策分野, newest fiscal year first, then by 事業番号."""
    return list(
        session.scalars(
            select(Summary.sheet_id)
            .where(
                exists().where(
                    SheetPolicyRow.sheet_id == Summary.sheet_id,
                    SheetPolicyRow.policy_code == code,
                ),
                published(Summary.sheet_id),
            )
            .order_by(Summary.fiscal_year.desc(), Summary.program_number, Summary.stage)
        )
    )


def distinct_values(*, session: Session, column: str) -> list[str]:
    """All values of a summary column (for the API's vocabularies)."""
    target = getattr(Summary, column)
    return [str(value) for value in session.scalars(select(target).distinct().order_by(target))]
