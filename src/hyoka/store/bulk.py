"""Saving many sheets at once: rows prepared away from the database, then written in bulk.

Saving a sheet is mostly work on the sheet alone: its JSON document and hash, the rows of
every table, the report facts, the search rows. :func:`prepare_sheet` does all of it as a
pure function that returns plain values (:class:`PreparedSheet`, cheap to pickle), so that
an importer can run it in worker processes. :func:`write_prepared` then does what needs the
database, in the caller's transaction: it looks up the existing versions by key (事業番号,
fiscal year, stage), leaves identical sheets alone, replaces changed ones (appending a
revision) and inserts new ones, each table in one ``executemany``. A sheet with parts of
the prefecture's template goes through the ORM path of ``save_sheet`` instead.

Example::

    exact = exact_for(engine.dialect.name)
    prepared = [prepare_sheet(sheet, "2022.ndjson.gz:1", exact=exact)]
    with transaction(engine) as session:
        saved = write_prepared(session=session, prepared=prepared)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from hyoka.model import BudgetRow, Indicator, Sheet
from hyoka.store.facts import FactRows, fact_rows, insert_fact_rows
from hyoka.store.national_tables import (
    BudgetYearRow,
    NationalSheetRow,
    RecipientRow,
    SheetCategoryRow,
    SheetLinkRow,
)
from hyoka.store.rows import RowWriter, exact_for
from hyoka.store.search import SearchRows, search_rows, write_search_rows
from hyoka.store.tables import (
    CostYearRow,
    FutureItemRow,
    IndicatorCorrectionRow,
    IndicatorRow,
    IndicatorTrendRow,
    IndicatorValueRow,
    InitiativeRow,
    PlanLinkRow,
    RevisionRow,
    SheetRow,
    SituationRow,
    SubProjectRow,
)

Exact = Callable[[Decimal | None], Any]

SHEETS: Table = SheetRow.__table__  # type: ignore[assignment]
NATIONAL: Table = NationalSheetRow.__table__  # type: ignore[assignment]
_CATEGORIES: Table = SheetCategoryRow.__table__  # type: ignore[assignment]
_BUDGETS: Table = BudgetYearRow.__table__  # type: ignore[assignment]
_RECIPIENTS: Table = RecipientRow.__table__  # type: ignore[assignment]
_LINKS: Table = SheetLinkRow.__table__  # type: ignore[assignment]
_INDICATORS: Table = IndicatorRow.__table__  # type: ignore[assignment]
_VALUES: Table = IndicatorValueRow.__table__  # type: ignore[assignment]
_CORRECTIONS: Table = IndicatorCorrectionRow.__table__  # type: ignore[assignment]
_TRENDS: Table = IndicatorTrendRow.__table__  # type: ignore[assignment]
_REVISIONS: Table = RevisionRow.__table__  # type: ignore[assignment]

# Tables holding a sheet's current version (the database cascades to their children).
_REPLACED = (
    SituationRow,
    InitiativeRow,
    IndicatorRow,
    PlanLinkRow,
    CostYearRow,
    FutureItemRow,
    SubProjectRow,
    SheetCategoryRow,
    BudgetYearRow,
    RecipientRow,
    SheetLinkRow,
)
CATEGORY_FIELDS = (("method", "methods"), ("account", "accounts"), ("policy", "policies"))
BUDGET_COLUMNS = tuple(BudgetRow.model_fields)
SHEET_COLUMNS = (
    "program_number",
    "fiscal_year",
    "stage",
    "program_name",
    "department",
    "section",
    "start_year",
    "end_year",
    "email",
    "purpose",
    "kind",
    "bureau",
)
NATIONAL_COLUMNS = (
    "summary",
    "responsible",
    "no_target_reason",
    "money_unit",
    "source_url",
    "content_hash",
)
RECIPIENT_COLUMNS = (
    "sheet_id",
    "position",
    "fiscal_year",
    "group_name",
    "number",
    "name",
    "corporate_number",
    "description",
    "amount",
)
INDICATOR_COLUMNS = (
    "sheet_id",
    "position",
    "role",
    "number",
    "name",
    "goal",
    "unit",
    "direction",
    "target_comparison",
    "target_cumulative",
    "target_start_year",
    "target_end_year",
    "target_text",
    "target_reason",
    "analysis",
    "printed_achievement",
    "printed_achievement_year",
)
VALUE_COLUMNS = ("indicator_id", "position", "fiscal_year", "kind", "value", "upper")
CATEGORY_COLUMNS = ("sheet_id", "category", "position", "text")
LINK_COLUMNS = ("sheet_id", "position", "fiscal_year", "ministry", "program_number")
_IN_CHUNK = 500  # ids per IN (…) list: well below every driver's parameter limit


class SaveState(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Saved:
    """What :func:`write_prepared` did with one sheet."""

    sheet_id: int
    state: SaveState


@dataclass(frozen=True)
class PreparedIndicator:
    """An indicator's row (after ``sheet_id``) and its figures' rows (after the indicator's
    id); figures with corrections carry them, as (value row, correction rows)."""

    row: tuple[Any, ...]
    values: list[tuple[Any, ...]]
    trends: list[tuple[Any, ...]]
    corrected: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]


@dataclass(frozen=True)
class PreparedSheet:
    """Everything :func:`write_prepared` stores for one sheet, as plain values.

    Row tuples leave out the ids the database gives (``sheet_id``, ``indicator_id``).
    """

    key: tuple[str, int, str]
    source: str
    document: str
    content_hash: str
    prefecture_parts: bool
    sheet: tuple[Any, ...]
    national: tuple[Any, ...]
    categories: list[tuple[Any, ...]]
    budgets: list[tuple[Any, ...]]
    recipients: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]
    indicators: list[PreparedIndicator]
    facts: FactRows | None
    search: SearchRows | None


def content_hash(document: str) -> str:
    """A hash of a sheet's JSON text (``Sheet.model_dump_json``): equal sheets, equal hashes.

    The text, not a re-serialised dict: pydantic writes fields in model order, so equal
    sheets give equal text, and the same text is stored as the revision's document.
    """
    return hashlib.sha256(document.encode()).hexdigest()


def has_prefecture_parts(sheet: Sheet) -> bool:
    """Whether the sheet uses parts only the ORM path of ``save_sheet`` writes."""
    return bool(
        sheet.situation
        or sheet.initiatives
        or sheet.results
        or sheet.plan_links
        or sheet.costs
        or sheet.future.issues
        or sheet.future.measures
        or sheet.sub_projects
    )


def prepare_sheet(
    sheet: Sheet,
    source: str,
    *,
    exact: Exact,
    facts: bool = True,
    search: bool = False,
    with_grams: bool = True,
) -> PreparedSheet:
    """All rows of one sheet (pure; ``exact`` from :func:`hyoka.store.rows.exact_for`).

    ``facts``: with the report facts; ``search``: with the search rows (``with_grams``:
    with SQLite's gram tokens).
    """
    # One serialisation serves the hash and the stored revision document.
    document = sheet.model_dump_json()
    digest = content_hash(document)
    header = sheet.header
    number, year, stage = sheet.key
    return PreparedSheet(
        key=(number, year, stage.value),
        source=source,
        document=document,
        content_hash=digest,
        prefecture_parts=has_prefecture_parts(sheet),
        sheet=(
            header.program_number,
            header.fiscal_year,
            header.stage.value,
            header.program_name,
            header.department,
            header.section,
            header.start_year,
            header.end_year,
            header.email,
            sheet.purpose,
            header.kind.value,
            header.bureau,
        ),
        national=(
            sheet.summary,
            sheet.responsible,
            sheet.no_target_reason,
            sheet.money_unit.value,
            sheet.source_url,
            digest,
        ),
        categories=[
            (category, position, text)
            for category, name in CATEGORY_FIELDS
            for position, text in enumerate(getattr(sheet, name))
        ],
        budgets=[
            (position, *_budget(budget, exact)) for position, budget in enumerate(sheet.budgets)
        ],
        recipients=[
            (
                position,
                item.fiscal_year,
                item.group,
                item.number,
                item.name,
                item.corporate_number,
                item.description,
                exact(item.amount),
            )
            for position, item in enumerate(sheet.recipients)
        ],
        links=[
            (position, link.fiscal_year, link.ministry, link.program_number)
            for position, link in enumerate(sheet.predecessors)
        ],
        indicators=[
            _indicator(role, position, indicator, exact)
            for role, position, indicator in indicator_lists(sheet)
        ],
        facts=fact_rows(sheet, exact) if facts else None,
        search=search_rows(sheet, with_grams=with_grams) if search else None,
    )


def _budget(budget: BudgetRow, exact: Exact) -> tuple[Any, ...]:
    # Attribute access: model_dump is ten times slower, and this runs 100,000 times.
    return tuple(
        value if name == "fiscal_year" else exact(value)
        for name in BUDGET_COLUMNS
        for value in (getattr(budget, name),)
    )


def indicator_lists(sheet: Sheet) -> Iterator[tuple[str, int, Indicator]]:
    """(role, position, indicator) of a sheet: outcomes, then outputs, one position count."""
    for position, indicator in enumerate(sheet.indicators):
        yield "outcome", position, indicator
    for position, indicator in enumerate(sheet.outputs, start=len(sheet.indicators)):
        yield "output", position, indicator


def _indicator(role: str, position: int, indicator: Indicator, exact: Exact) -> PreparedIndicator:
    target = indicator.target
    printed = indicator.printed_achievement
    values: list[tuple[Any, ...]] = []
    corrected: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
    for index, item in enumerate(indicator.values):
        row = (index, item.fiscal_year, item.kind.value, exact(item.value), exact(item.upper))
        if not item.corrections:
            values.append(row)
            continue
        corrected.append(
            (
                row,
                [
                    (number, exact(fix.before), exact(fix.after), fix.reason, fix.noted_in)
                    for number, fix in enumerate(item.corrections)
                ],
            )
        )
    return PreparedIndicator(
        row=(
            position,
            role,
            indicator.number,
            indicator.name,
            indicator.goal,
            indicator.unit,
            indicator.direction.value,
            target.comparison.value,
            target.cumulative,
            target.start_year,
            target.end_year,
            indicator.target_text,
            indicator.target_reason,
            indicator.analysis,
            None if printed is None else printed.value,
            indicator.printed_achievement_year,
        ),
        values=values,
        trends=[
            (index, year, trend.value)
            for index, (year, trend) in enumerate(indicator.printed_trends.items())
        ],
        corrected=corrected,
    )


# --- Writing ----------------------------------------------------------------------------


def save_sheets(*, session: Session, sheets: Sequence[tuple[Sheet, str]]) -> list[Saved]:
    """Save many sheets (each with its source) in the caller's transaction, in bulk.

    Same rules as ``save_sheet``, one result per sheet in order; the search rows are left
    to the caller (``index_sheets``).

    Example::

        with transaction(engine) as session:
            saved = save_sheets(session=session, sheets=[(sheet, "2022.ndjson.gz:1")])
    """
    exact = exact_for(session.get_bind().dialect.name)
    prepared = [prepare_sheet(sheet, source, exact=exact) for sheet, source in sheets]
    return write_prepared(session=session, prepared=prepared)


def write_prepared(*, session: Session, prepared: Sequence[PreparedSheet]) -> list[Saved]:
    """Save prepared sheets in the caller's transaction, in bulk; one result per sheet.

    A key given twice is saved twice, in order (the second as an update of the first).
    Search rows are written for the sheets prepared with them.
    """
    results: list[Saved] = []
    for chunk in _without_repeated_keys(prepared):
        results.extend(_save_chunk(session, chunk))
    return results


def _without_repeated_keys(prepared: Sequence[PreparedSheet]) -> Iterator[list[PreparedSheet]]:
    chunk: list[PreparedSheet] = []
    keys: set[tuple[str, int, str]] = set()
    for item in prepared:
        if item.key in keys or len(chunk) >= _IN_CHUNK:
            yield chunk
            chunk, keys = [], set()
        chunk.append(item)
        keys.add(item.key)
    if chunk:
        yield chunk


def _save_chunk(session: Session, chunk: list[PreparedSheet]) -> list[Saved]:
    from hyoka.store.writes import save_sheet  # the ORM path, for prefecture parts

    numbers = sorted({item.key[0] for item in chunk})
    existing = {
        (row.program_number, row.fiscal_year, row.stage): row
        for row in session.execute(
            select(
                SHEETS.c.id,
                SHEETS.c.program_number,
                SHEETS.c.fiscal_year,
                SHEETS.c.stage,
                SHEETS.c.revision,
                NATIONAL.c.content_hash,
            )
            .outerjoin(NATIONAL, NATIONAL.c.sheet_id == SHEETS.c.id)
            .where(SHEETS.c.program_number.in_(numbers))
        )
    }
    results: list[Saved | None] = [None] * len(chunk)
    new: list[int] = []
    changed: list[tuple[int, int, int]] = []  # (index, sheet id, new revision)
    for index, item in enumerate(chunk):
        row = existing.get(item.key)
        if item.prefecture_parts:
            sheet = Sheet.model_validate_json(item.document)
            done = save_sheet(session=session, sheet=sheet, source=item.source)
            state = SaveState.NEW if done.created else SaveState.UPDATED
            results[index] = Saved(done.sheet_id, state if done.changed else SaveState.UNCHANGED)
        elif row is None:
            new.append(index)
        elif row.content_hash == item.content_hash:
            results[index] = Saved(row.id, SaveState.UNCHANGED)
        else:
            changed.append((index, row.id, row.revision + 1))
    changed = _really_changed(session, chunk, changed, results)
    writer = RowWriter(session)
    if changed:
        _replace(session, writer, chunk, changed)
        for index, sheet_id, _ in changed:
            results[index] = Saved(sheet_id, SaveState.UPDATED)
    if new:
        new_ids = writer.insert_ids(
            SHEETS, ("revision", *SHEET_COLUMNS), [(1, *chunk[index].sheet) for index in new]
        )
        insert_national(
            session,
            [(sheet_id, chunk[index]) for index, sheet_id in zip(new, new_ids, strict=True)],
        )
        for index, sheet_id in zip(new, new_ids, strict=True):
            results[index] = Saved(sheet_id, SaveState.NEW)

    written = [
        (saved.sheet_id, chunk[index])
        for index, saved in enumerate(results)
        if saved is not None
        and saved.state is not SaveState.UNCHANGED
        and not chunk[index].prefecture_parts
    ]
    insert_parts(session, written)
    revisions = {sheet_id: revision for _, sheet_id, revision in changed}
    now = writer.instant(datetime.now(UTC))
    writer.insert(
        _REVISIONS,
        ("sheet_id", "revision", "saved_at", "source", "document"),
        [
            (sheet_id, revisions.get(sheet_id, 1), now, item.source, item.document)
            for sheet_id, item in written
        ],
    )
    for replace in (False, True):
        part = [
            (sheet_id, item) for sheet_id, item in written if (sheet_id in revisions) is replace
        ]
        insert_fact_rows(
            session=session,
            rows=[(sheet_id, item.facts) for sheet_id, item in part if item.facts is not None],
            replace=replace,
        )
        searched = [(sheet_id, item.search) for sheet_id, item in part if item.search is not None]
        write_search_rows(session=session, rows=searched, replace=replace)
    return [saved for saved in results if saved is not None]


def _replace(
    session: Session,
    writer: RowWriter,
    chunk: list[PreparedSheet],
    changed: list[tuple[int, int, int]],
) -> None:
    """Drop the current rows of changed sheets and renew their sheet and national rows."""
    ids = [sheet_id for _, sheet_id, _ in changed]
    for table in _REPLACED:
        for part in _chunks(ids):
            session.execute(delete(table).where(table.sheet_id.in_(part)))
    session.execute(
        update(SHEETS).where(SHEETS.c.id == bindparam("sheet_id")),
        [
            {
                "sheet_id": sheet_id,
                "revision": revision,
                **dict(zip(SHEET_COLUMNS, chunk[index].sheet, strict=True)),
            }
            for index, sheet_id, revision in changed
        ],
    )
    existing_national = set(
        session.scalars(select(NATIONAL.c.sheet_id).where(NATIONAL.c.sheet_id.in_(ids)))
    )
    # program_id survives an update: only rebuild_lineage sets it.
    kept = [
        {
            "row_sheet_id": sheet_id,
            **dict(zip(NATIONAL_COLUMNS, chunk[index].national, strict=True)),
        }
        for index, sheet_id, _ in changed
        if sheet_id in existing_national
    ]
    if kept:
        session.execute(
            update(NATIONAL).where(NATIONAL.c.sheet_id == bindparam("row_sheet_id")), kept
        )
    insert_national(
        session,
        [
            (sheet_id, chunk[index])
            for index, sheet_id, _ in changed
            if sheet_id not in existing_national
        ],
    )


def _really_changed(
    session: Session,
    chunk: list[PreparedSheet],
    changed: list[tuple[int, int, int]],
    results: list[Saved | None],
) -> list[tuple[int, int, int]]:
    """The changed sheets whose document differs from their current revision's.

    A differing hash alone is not enough: a hash written by another version of the
    hashing (or by no version: ``save_sheet`` of a prefecture sheet) must not add a
    revision identical to the current one. Such sheets only get the hash renewed.
    """
    if not changed:
        return changed
    current: dict[int, Any] = {}
    for part in _chunks([sheet_id for _, sheet_id, _ in changed]):
        found = session.execute(
            select(_REVISIONS.c.sheet_id, _REVISIONS.c.document)
            .join(SHEETS, SHEETS.c.id == _REVISIONS.c.sheet_id)
            .where(_REVISIONS.c.sheet_id.in_(part), _REVISIONS.c.revision == SHEETS.c.revision)
        )
        current.update((sheet_id, document) for sheet_id, document in found)
    really: list[tuple[int, int, int]] = []
    renewed: list[dict[str, Any]] = []
    for index, sheet_id, revision in changed:
        if current.get(sheet_id) == orjson.loads(chunk[index].document):
            results[index] = Saved(sheet_id, SaveState.UNCHANGED)
            renewed.append({"row_sheet_id": sheet_id, "content_hash": chunk[index].content_hash})
        else:
            really.append((index, sheet_id, revision))
    if renewed:
        session.execute(
            update(NATIONAL).where(NATIONAL.c.sheet_id == bindparam("row_sheet_id")), renewed
        )
    return really


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def insert_national(
    session: Session, sheets: Sequence[tuple[int, PreparedSheet]], *, program_id: int | None = None
) -> None:
    """Insert the ``national_sheets`` rows of stored sheets that have none."""
    RowWriter(session).insert(
        NATIONAL,
        ("sheet_id", "program_id", *NATIONAL_COLUMNS),
        [(sheet_id, program_id, *item.national) for sheet_id, item in sheets],
    )


def insert_parts(
    session: Session, sheets: Sequence[tuple[int, PreparedSheet]], *, indicators: bool = True
) -> None:
    """Insert the national parts (and, with ``indicators``, the indicators and their
    figures) of stored sheets that have none."""
    writer = RowWriter(session)
    writer.insert(
        _CATEGORIES,
        CATEGORY_COLUMNS,
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.categories],
    )
    writer.insert(
        _BUDGETS,
        ("sheet_id", "position", *BUDGET_COLUMNS),
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.budgets],
    )
    writer.insert(
        _RECIPIENTS,
        RECIPIENT_COLUMNS,
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.recipients],
    )
    writer.insert(
        _LINKS,
        LINK_COLUMNS,
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.links],
    )
    if indicators:
        _insert_indicators(writer, sheets)


def _insert_indicators(writer: RowWriter, sheets: Sequence[tuple[int, PreparedSheet]]) -> None:
    owned = [(sheet_id, indicator) for sheet_id, item in sheets for indicator in item.indicators]
    if not owned:
        return
    ids = writer.insert_ids(
        _INDICATORS,
        INDICATOR_COLUMNS,
        [(sheet_id, *indicator.row) for sheet_id, indicator in owned],
    )
    pairs = list(zip(ids, (indicator for _, indicator in owned), strict=True))
    writer.insert(
        _VALUES,
        VALUE_COLUMNS,
        [(indicator_id, *row) for indicator_id, indicator in pairs for row in indicator.values],
    )
    writer.insert(
        _TRENDS,
        ("indicator_id", "position", "fiscal_year", "trend"),
        [(indicator_id, *row) for indicator_id, indicator in pairs for row in indicator.trends],
    )
    corrected = [
        (indicator_id, value, corrections)
        for indicator_id, indicator in pairs
        for value, corrections in indicator.corrected
    ]
    if not corrected:
        return
    value_ids = writer.insert_ids(
        _VALUES, VALUE_COLUMNS, [(indicator_id, *value) for indicator_id, value, _ in corrected]
    )
    writer.insert(
        _CORRECTIONS,
        ("indicator_value_id", "position", "value_before", "value_after", "reason", "noted_in"),
        [
            (value_id, *correction)
            for value_id, (_, _, corrections) in zip(value_ids, corrected, strict=True)
            for correction in corrections
        ],
    )
