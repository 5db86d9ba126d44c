"""The published summaries held in memory, for filtering, counting and ordering lists.

A list page counts eight facets, each under the other filters; in SQL that is eight
GROUP BYs over 20,000+ summary rows per request (about 20 ms each), and with a search each
repeats the full-text match. Instead each process keeps one :class:`Catalog` per engine:
every published sheet's summary, which sheets hold each facet value, and the sheets in
each sort order. It is read again only when ``store_revision`` has moved (triggers raise
it on every change of the summaries or the workflow states), so a request costs one
primary-key read plus set operations over the sheets it concerns.

Example::

    with transaction(engine) as session:
        catalog = load_catalog(session=session)
        counts, passing = catalog.count(base=None, chosen={"fiscal_year": "2023"})
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, exists, select
from sqlalchemy.orm import Session

from hyoka.stages import WorkflowState
from hyoka.store.schema.search import SheetPolicyRow, SheetSummaryRow, StoreRevisionRow
from hyoka.store.schema.workflow import WorkflowRow

Summary = SheetSummaryRow
# Facets with one value per sheet, as the URL spells them; "policy" has several.
SINGLE_FACETS = ("kind", "fiscal_year", "department", "section", "stage", "achievement")
FACETS = (*SINGLE_FACETS, "at_risk", "policy")
_MEMO_SIZE = 256
_FEW_VALUES = 64


def published(sheet_id: Any) -> ColumnElement[bool]:
    """The public sees a sheet version once approved; a version without workflow came from a
    published source (a PDF, a JUDGIT! file). Drafts, submitted and returned versions stay
    with the staff."""
    return ~exists().where(
        WorkflowRow.sheet_id == sheet_id, WorkflowRow.state != WorkflowState.APPROVED.value
    )


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


def facet_value(sheet: ListedSheet, facet: str) -> str:
    """The value of a one-valued facet as the URL spells it (2023, none, true)."""
    if facet == "achievement":
        return sheet.achievement or "none"
    if facet == "at_risk":
        return "true" if sheet.at_risk else "false"
    return str(getattr(sheet, facet))


@dataclass
class Catalog:
    """Every published sheet's summary at one store revision."""

    revision: int
    sheets: dict[int, ListedSheet]
    policies: dict[int, tuple[str, ...]]  # distinct 施策分野 codes per sheet
    values: dict[str, dict[int, str]] = field(init=False)  # facet → sheet → value
    holders: dict[str, dict[str, frozenset[int]]] = field(init=False)  # facet → value → sheets
    everything: frozenset[int] = field(init=False)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.everything = frozenset(self.sheets)
        self.values = {}
        self.holders = {}
        for facet in (*SINGLE_FACETS, "at_risk"):
            values = {i: facet_value(sheet, facet) for i, sheet in self.sheets.items()}
            self.values[facet] = values
            self.holders[facet] = _invert((i, value) for i, value in values.items())
        pairs = ((i, code) for i, codes in self.policies.items() for code in codes)
        self.holders["policy"] = _invert(pairs)

    def count(
        self, *, base: Iterable[int] | None, chosen: dict[str, str], facets: Iterable[str] = FACETS
    ) -> tuple[dict[str, Counter[str]], frozenset[int]]:
        """Per facet, its values' counts among ``base`` (None: every sheet) under the
        ``chosen`` filters but its own; and the sheets that pass every filter."""
        start = self.everything if base is None else self.everything.intersection(base)
        passing = {
            name: self.holders[name].get(value, frozenset()) for name, value in chosen.items()
        }

        def narrowed(skip: str | None) -> frozenset[int]:
            result = start
            for name in sorted(passing, key=lambda name: len(passing[name])):
                if name != skip:
                    result = result & passing[name]
            return result

        every = narrowed(None)
        counts: dict[str, Counter[str]] = {}
        for facet in facets:
            among = narrowed(facet) if facet in passing else every
            holders = self.holders[facet]
            if len(holders) <= _FEW_VALUES:
                # A few values (years, stages, kinds): set intersections run in C.
                found = {value: len(among & ids) for value, ids in holders.items()}
                counts[facet] = Counter({value: n for value, n in found.items() if n})
            elif facet == "policy":
                codes = chain.from_iterable(self.policies.get(i, ()) for i in among)
                counts[facet] = Counter(codes)
            else:
                counts[facet] = Counter(map(self.values[facet].__getitem__, among))
        return counts, every

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key for this revision (results of lists without search)."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = value
        return value


def _invert(pairs: Iterable[tuple[int, str]]) -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = {}
    for sheet_id, value in pairs:
        found.setdefault(value, set()).add(sheet_id)
    return {value: frozenset(ids) for value, ids in found.items()}


_catalogs: weakref.WeakKeyDictionary[Engine, Catalog] = weakref.WeakKeyDictionary()
_loading = threading.Lock()


def load_catalog(*, session: Session) -> Catalog:
    """The catalog of the session's database at its current store revision (read from the
    database only when the revision has moved since this process last read it).

    Call it from a session that has written nothing: a catalog read inside a transaction
    that is later rolled back would be kept under a revision number that another
    transaction may reach with other data."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    revision = listing_revision(session=session)
    cached = _catalogs.get(engine)
    if cached is not None and cached.revision == revision:
        return cached
    with _loading:
        cached = _catalogs.get(engine)
        if cached is not None and cached.revision == revision:
            return cached
        catalog = _read(session=session, revision=revision)
        _catalogs[engine] = catalog
        return catalog


def _read(*, session: Session, revision: int) -> Catalog:
    rows = session.execute(
        select(
            Summary.sheet_id,
            Summary.kind,
            Summary.program_number,
            Summary.fiscal_year,
            Summary.stage,
            Summary.program_name,
            Summary.department,
            Summary.section,
            Summary.achievement,
            Summary.at_risk,
            Summary.indicator_count,
        ).where(published(Summary.sheet_id))
    ).all()
    sheets = {row[0]: ListedSheet(*row) for row in rows}
    codes: dict[int, set[str]] = {}
    for sheet_id, code in session.execute(
        select(SheetPolicyRow.sheet_id, SheetPolicyRow.policy_code)
    ):
        if sheet_id in sheets:
            codes.setdefault(sheet_id, set()).add(code)
    policies = {sheet_id: tuple(sorted(found)) for sheet_id, found in codes.items()}
    return Catalog(revision=revision, sheets=sheets, policies=policies)


def listing_revision(*, session: Session) -> int:
    """The counter that moves whenever the summaries or workflow states change."""
    value = session.scalar(select(StoreRevisionRow.value).where(StoreRevisionRow.id == 1))
    return -1 if value is None else value
