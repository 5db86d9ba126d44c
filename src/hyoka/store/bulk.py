"""Saving many sheets at once: prepared rows (:mod:`hyoka.store.prepared`) written in bulk.

:func:`write_prepared` does what needs the database, in the caller's transaction: it looks
up the existing versions by key (事業番号, fiscal year, stage), leaves identical sheets
alone, replaces changed ones (appending a revision) and inserts new ones, each table in
one ``executemany``. A sheet with parts of the prefecture's template goes through the ORM
path of ``save_sheet`` instead. :func:`save_sheets` prepares and writes in this process.

Example::

    exact = exact_for(engine.dialect.name)
    prepared = [prepare_sheet(sheet, "2022.ndjson.gz:1", exact=exact)]
    with transaction(engine) as session:
        saved = write_prepared(session=session, prepared=prepared)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from hyoka.model import Sheet
from hyoka.store.facts_writes import insert_fact_rows
from hyoka.store.national_tables import (
    BudgetYearRow,
    NationalSheetRow,
    RecipientRow,
    SheetCategoryRow,
    SheetLinkRow,
)
from hyoka.store.prepared import (
    BUDGET_COLUMNS,
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    LINK_COLUMNS,
    NATIONAL_COLUMNS,
    RECIPIENT_COLUMNS,
    SHEET_COLUMNS,
    VALUE_COLUMNS,
    PreparedSheet,
    prepare_sheet,
)
from hyoka.store.rows import IN_CHUNK, RowWriter, exact_for, in_chunks
from hyoka.store.search import write_search_rows
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

SHEETS: Table = SheetRow.__table__  # type: ignore[assignment]
NATIONAL: Table = NationalSheetRow.__table__  # type: ignore[assignment]
CATEGORIES: Table = SheetCategoryRow.__table__  # type: ignore[assignment]
BUDGETS: Table = BudgetYearRow.__table__  # type: ignore[assignment]
RECIPIENTS: Table = RecipientRow.__table__  # type: ignore[assignment]
LINKS: Table = SheetLinkRow.__table__  # type: ignore[assignment]
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


class SaveState(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Saved:
    """What :func:`write_prepared` did with one sheet."""

    sheet_id: int
    state: SaveState


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
        if item.key in keys or len(chunk) >= IN_CHUNK:
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
        for part in in_chunks(ids):
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
    for part in in_chunks([sheet_id for _, sheet_id, _ in changed]):
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
        CATEGORIES,
        CATEGORY_COLUMNS,
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.categories],
    )
    writer.insert(
        BUDGETS,
        ("sheet_id", "position", *BUDGET_COLUMNS),
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.budgets],
    )
    writer.insert(
        RECIPIENTS,
        RECIPIENT_COLUMNS,
        [(sheet_id, *row) for sheet_id, item in sheets for row in item.recipients],
    )
    writer.insert(
        LINKS,
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
