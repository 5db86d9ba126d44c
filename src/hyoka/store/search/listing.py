"""Filtered, sorted, paginated lists of sheets with facet counts.

Filters, facet counts and orders come from the in-memory :class:`~hyoka.store.search.catalog.Catalog`
of the published summaries (read again only when the store changes); a search adds one
full-text query (:func:`hyoka.store.search.matching.find`) and the texts of the page's sheets for
their snippets. Sheets are read back whole from the document of their current revision.

Example::

    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q="人材", page=2))
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from hyoka.model import STAGE_ORDER
from hyoka.store.schema.search import SheetPolicyRow, SheetSummaryRow, SheetTextRow
from hyoka.store.search.catalog import Catalog, ListedSheet, load_catalog, published
from hyoka.store.search.matching import find, snippet, terms_of

Summary = SheetSummaryRow
__all__ = ["ListedSheet", "published"]  # re-exported: they moved to hyoka.store.search.catalog


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

    def chosen(self) -> dict[str, str]:
        """The facet filters as facet → value, spelled as the catalog counts them."""
        found = {
            "kind": self.kind,
            "fiscal_year": None if self.fiscal_year is None else str(self.fiscal_year),
            "department": self.department,
            "section": self.section,
            "stage": self.stage,
            "achievement": self.achievement,
            "at_risk": None if self.at_risk is None else ("true" if self.at_risk else "false"),
            "policy": self.policy,
        }
        return {name: value for name, value in found.items() if value}


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


_STAGE_RANK = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}
FACETS = ("kind", "fiscal_year", "department", "section", "policy", "stage", "achievement")


def list_summaries(*, session: Session, filters: SheetFilters, facets: bool = True) -> SheetPage:
    """One page of the sheets that pass ``filters``, their total and the facet counts."""
    catalog = load_catalog(session=session)
    terms = filters.terms
    scores = find(session=session, terms=terms) if terms else None
    counts, passing = _counted(catalog, filters, scores, facets=facets)
    ordered = _ordered(catalog, passing, filters.effective_sort, scores)
    start = (max(1, filters.page) - 1) * filters.per_page
    items = [catalog.sheets[i] for i in ordered[start : start + filters.per_page]]
    if terms and items:
        found = session.execute(
            select(SheetTextRow.sheet_id, SheetTextRow.body).where(
                SheetTextRow.sheet_id.in_([item.sheet_id for item in items])
            )
        )
        bodies = {sheet_id: body for sheet_id, body in found}
        items = [replace(item, snippets=snippet(bodies[item.sheet_id], terms)) for item in items]
    return SheetPage(filters=filters, items=items, total=len(passing), facets=counts)


def _counted(
    catalog: Catalog, filters: SheetFilters, scores: dict[int, float] | None, *, facets: bool
) -> tuple[dict[str, list[FacetValue]], frozenset[int]]:
    chosen = filters.chosen()
    names = ["kind", "fiscal_year", "department", "stage", "achievement", "at_risk"]
    if filters.department:
        names.append("section")
    names.append("policy")

    def compute() -> tuple[dict[str, list[FacetValue]], frozenset[int]]:
        counts, passing = catalog.count(base=scores, chosen=chosen, facets=names if facets else ())
        return {name: _sorted_facet(name, counts[name]) for name in counts}, passing

    if scores is not None:
        return compute()
    # Lists without a search repeat (the first page above all): keep them per revision.
    result: tuple[dict[str, list[FacetValue]], frozenset[int]]
    result = catalog.memo(("list", facets, tuple(sorted(chosen.items()))), compute)
    return result


def _sort_key(sort: Sort) -> Any:
    def key(sheet: ListedSheet) -> tuple[Any, ...]:
        number = (sheet.program_number, -sheet.fiscal_year, sheet.stage, sheet.sheet_id)
        match sort:
            case Sort.YEAR_DESC:
                return (-sheet.fiscal_year, sheet.program_number, sheet.stage, sheet.sheet_id)
            case Sort.NAME:
                return (sheet.program_name, *number)
            case Sort.DEPARTMENT:
                return (sheet.department, sheet.section, *number)
            case _:
                return number

    return key


def _ordered(
    catalog: Catalog, passing: frozenset[int], sort: Sort, scores: dict[int, float] | None
) -> list[int]:
    by = Sort.NUMBER if sort is Sort.RELEVANCE else sort

    def full_order() -> list[int]:
        return [sheet.sheet_id for sheet in sorted(catalog.sheets.values(), key=_sort_key(by))]

    order: list[int] = catalog.memo(("order", by), full_order)
    if len(passing) == len(catalog.sheets):
        ordered = list(order)
    else:
        rank: dict[int, int] = catalog.memo(
            ("rank", by), lambda: {sheet_id: n for n, sheet_id in enumerate(order)}
        )
        ordered = sorted(passing, key=rank.__getitem__)
    if sort is Sort.RELEVANCE and scores is not None:
        ordered.sort(key=scores.__getitem__)  # stable: ties keep the 事業番号 order
    return ordered


def _sorted_facet(name: str, counts: Counter[str]) -> list[FacetValue]:
    def key(item: tuple[str, int]) -> tuple[Any, ...]:
        value = item[0]
        if name == "fiscal_year":
            return (-int(value),)
        if name == "stage":
            return (_STAGE_RANK.get(value, 99), value)
        if name == "policy":
            return policy_sort_key(value)
        return (value,)

    return [FacetValue(value, count) for value, count in sorted(counts.items(), key=key)]


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


# --- Whole sheets and 施策分野 -----------------------------------------------------------------


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
