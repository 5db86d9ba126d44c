"""Saving sheets: one writer for one sheet and for many.

A sheet becomes rows in one place (:func:`hyoka.rows.sheet.prepare_sheet`, pure) and
is stored by :func:`write_prepared`, in the caller's transaction: it looks up the existing
versions by key (事業番号, fiscal year, stage), leaves unchanged sheets alone, replaces
changed ones (appending a revision) and inserts new ones, each table in one bulk insert
(``executemany`` on SQLite, ``COPY`` on PostgreSQL: :class:`hyoka.store.driver.RowWriter`).
:func:`save_sheet` is that writer called with one sheet (and the optimistic lock of the
staff editor); :func:`save_sheets` prepares many in this process.

One rule decides whether a save changes anything: the sheet's document equals the current
revision's. The content hash stored with the sheet answers that without reading the
document; a differing hash (written by another hashing, or none) is checked against the
document before a revision is added.

Example::

    with transaction(engine) as session:
        result = save_sheet(session=session, sheet=sheet, source="07-01-01.txt")
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
from hyoka.revisions import FieldChange, compare
from hyoka.rows.exact import exact_for
from hyoka.rows.sheet import (
    NATIONAL_COLUMNS,
    SHEET_COLUMNS,
    SHEET_TREE,
    PreparedSheet,
    Row,
    prepare_for,
    prepare_sheet,
)
from hyoka.rows.spec import TableSpec
from hyoka.store.driver import IN_CHUNK, RowWriter, in_chunks
from hyoka.store.reports.facts import insert_fact_rows
from hyoka.store.schema.national import NationalSheetRow
from hyoka.store.schema.sheets import Base, RevisionRow, SheetRow
from hyoka.store.search.index import write_search_rows

SHEETS: Table = SheetRow.__table__  # type: ignore[assignment]
NATIONAL: Table = NationalSheetRow.__table__  # type: ignore[assignment]
REVISIONS: Table = RevisionRow.__table__  # type: ignore[assignment]
REVISION_COLUMNS = ("sheet_id", "revision", "saved_at", "source", "document")


class SaveState(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SaveResult:
    """What a save did with one sheet: its id, its current revision and whether it was new,
    updated or left unchanged."""

    sheet_id: int
    revision: int
    state: SaveState

    @property
    def created(self) -> bool:
        return self.state is SaveState.NEW

    @property
    def changed(self) -> bool:
        return self.state is not SaveState.UNCHANGED


@dataclass
class SaveCounts:
    """What an import did with the records it read: saved new, updated, left unchanged,
    or skipped (the counters every import's summary starts with)."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def count(self, results: Sequence[SaveResult]) -> None:
        for result in results:
            if result.state is SaveState.NEW:
                self.new += 1
            elif result.state is SaveState.UPDATED:
                self.updated += 1
            else:
                self.unchanged += 1


class RevisionConflict(Exception):
    """A save based on an older revision than the current one: refused, nothing written.

    ``changes`` lists what was saved meanwhile (expected revision → current revision), so
    that the person saving can see it and redo their edit on the current version.
    """

    def __init__(
        self, *, sheet_id: int, expected: int, current: int, changes: list[FieldChange]
    ) -> None:
        super().__init__(
            f"このシートは編集中に更新されました（版{expected} → 版{current}）。"
            "保存できませんでした。"
        )
        self.sheet_id = sheet_id
        self.expected = expected
        self.current = current
        self.changes = changes


def save_sheet(
    *,
    session: Session,
    sheet: Sheet,
    source: str = "",
    expected_revision: int | None = None,
) -> SaveResult:
    """Save a sheet version as the current one of its key (事業番号, fiscal year, stage).

    A new key is created with revision 1. Saving an existing key replaces its current rows
    and appends the next revision; saving a document identical to the current one changes
    nothing (``changed=False``), so that re-importing the same file is harmless.

    ``expected_revision`` is the revision the edit started from: when another save came
    in between, :class:`RevisionConflict` is raised with the changes made meanwhile.

    Example::

        with transaction(engine) as session:
            result = save_sheet(session=session, sheet=sheet, source="07-01-01.txt")
    """
    if expected_revision is not None:
        _claim(session=session, key=sheet.key, expected_revision=expected_revision)
    prepared = prepare_for(sheet, source, dialect=session.get_bind().dialect.name)
    (result,) = write_prepared(session=session, prepared=[prepared])
    return result


def save_sheets(*, session: Session, sheets: Sequence[tuple[Sheet, str]]) -> list[SaveResult]:
    """Save many sheets (each with its source) in the caller's transaction, in bulk.

    Same rules as :func:`save_sheet`, one result per sheet in order; the search rows are
    left to the caller (``index_sheets``).

    Example::

        with transaction(engine) as session:
            saved = save_sheets(session=session, sheets=[(sheet, "2022.ndjson.gz:1")])
    """
    exact = exact_for(session.get_bind().dialect.name)
    prepared = [prepare_sheet(sheet, source, exact=exact) for sheet, source in sheets]
    return write_prepared(session=session, prepared=prepared)


def write_prepared(*, session: Session, prepared: Sequence[PreparedSheet]) -> list[SaveResult]:
    """Save prepared sheets in the caller's transaction, in bulk; one result per sheet.

    A key given twice is saved twice, in order (the second as an update of the first).
    Search rows and facts are written for the sheets prepared with them.
    """
    results: list[SaveResult] = []
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


def _claim(*, session: Session, key: tuple[Any, ...], expected_revision: int) -> None:
    # A compare-and-set in one statement: it also takes the write lock on SQLite (whose
    # SELECT … FOR UPDATE is a plain read), so no save can slip in before ours commits.
    program_number, fiscal_year, stage = key
    found = session.execute(
        select(SHEETS.c.id, SHEETS.c.revision).where(
            SHEETS.c.program_number == program_number,
            SHEETS.c.fiscal_year == fiscal_year,
            SHEETS.c.stage == stage.value,
        )
    ).one_or_none()
    if found is None:
        return
    sheet_id = found.id
    claimed = session.execute(
        update(SHEETS)
        .where(SHEETS.c.id == sheet_id, SHEETS.c.revision == expected_revision)
        .values(revision=SHEETS.c.revision)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return
    current = session.scalar(select(SHEETS.c.revision).where(SHEETS.c.id == sheet_id))
    assert current is not None
    stored = session.execute(
        select(REVISIONS.c.revision, REVISIONS.c.document).where(
            REVISIONS.c.sheet_id == sheet_id,
            REVISIONS.c.revision.in_((expected_revision, current)),
        )
    )
    documents: dict[int, dict[str, Any]] = {revision: document for revision, document in stored}
    before = documents.get(expected_revision)
    changes = (
        compare(Sheet.model_validate(before), Sheet.model_validate(documents[current]))
        if before is not None
        else []
    )
    raise RevisionConflict(
        sheet_id=sheet_id, expected=expected_revision, current=current, changes=changes
    )


def _save_chunk(session: Session, chunk: list[PreparedSheet]) -> list[SaveResult]:
    numbers = sorted({item.key[0] for item in chunk})
    query = select(
        SHEETS.c.id,
        SHEETS.c.program_number,
        SHEETS.c.fiscal_year,
        SHEETS.c.stage,
        SHEETS.c.revision,
        SHEETS.c.content_hash,
    ).where(SHEETS.c.program_number.in_(numbers))
    # Two saves of one sheet at once wait for each other here (PostgreSQL) instead of
    # both appending the same revision number.
    existing = {
        (row.program_number, row.fiscal_year, row.stage): row
        for row in session.execute(query.with_for_update())
    }
    results: list[SaveResult | None] = [None] * len(chunk)
    new: list[int] = []
    changed: list[tuple[int, int, int]] = []  # (index, sheet id, new revision)
    for index, item in enumerate(chunk):
        row = existing.get(item.key)
        if row is None:
            new.append(index)
        elif row.content_hash == item.content_hash:
            results[index] = SaveResult(row.id, row.revision, SaveState.UNCHANGED)
        else:
            changed.append((index, row.id, row.revision + 1))
    changed = _really_changed(session, chunk, changed, results, existing)
    writer = RowWriter(session)
    if changed:
        _replace(session, writer, chunk, changed)
    for index, sheet_id, revision in changed:
        results[index] = SaveResult(sheet_id, revision, SaveState.UPDATED)
    if new:
        new_ids = writer.insert_ids(
            SHEETS,
            ("revision", "content_hash", *SHEET_COLUMNS),
            [(1, chunk[index].content_hash, *chunk[index].sheet) for index in new],
        )
        for index, sheet_id in zip(new, new_ids, strict=True):
            results[index] = SaveResult(sheet_id, 1, SaveState.NEW)
        insert_national(
            writer,
            [(sheet_id, chunk[index]) for index, sheet_id in zip(new, new_ids, strict=True)],
        )

    written = [
        (saved, chunk[index])
        for index, saved in enumerate(results)
        if saved is not None and saved.changed
    ]
    _insert_children(writer, [(saved.sheet_id, item) for saved, item in written])
    now = writer.instant(datetime.now(UTC))
    writer.insert(
        REVISIONS,
        REVISION_COLUMNS,
        [
            (saved.sheet_id, saved.revision, now, item.source, item.document)
            for saved, item in written
        ],
    )
    for replace in (False, True):
        part = [
            (saved.sheet_id, item) for saved, item in written if (saved.revision > 1) is replace
        ]
        insert_fact_rows(
            session=session,
            rows=[(sheet_id, item.facts) for sheet_id, item in part if item.facts is not None],
            replace=replace,
        )
        searched = [(sheet_id, item.search) for sheet_id, item in part if item.search is not None]
        write_search_rows(session=session, rows=searched, replace=replace)
    return [saved for saved in results if saved is not None]


def _really_changed(
    session: Session,
    chunk: list[PreparedSheet],
    changed: list[tuple[int, int, int]],
    results: list[SaveResult | None],
    existing: dict[Any, Any],
) -> list[tuple[int, int, int]]:
    """The sheets whose hash differs that also differ from their current revision's
    document; the others only get their hash renewed."""
    if not changed:
        return changed
    current: dict[int, Any] = {}
    for part in in_chunks([sheet_id for _, sheet_id, _ in changed]):
        found = session.execute(
            select(REVISIONS.c.sheet_id, REVISIONS.c.document)
            .join(SHEETS, SHEETS.c.id == REVISIONS.c.sheet_id)
            .where(REVISIONS.c.sheet_id.in_(part), REVISIONS.c.revision == SHEETS.c.revision)
        )
        current.update((sheet_id, document) for sheet_id, document in found)
    really: list[tuple[int, int, int]] = []
    renewed: list[dict[str, Any]] = []
    for index, sheet_id, revision in changed:
        if current.get(sheet_id) == orjson.loads(chunk[index].document):
            results[index] = SaveResult(sheet_id, revision - 1, SaveState.UNCHANGED)
            renewed.append({"row_id": sheet_id, "content_hash": chunk[index].content_hash})
        else:
            really.append((index, sheet_id, revision))
    if renewed:
        session.execute(update(SHEETS).where(SHEETS.c.id == bindparam("row_id")), renewed)
    return really


def _replace(
    session: Session,
    writer: RowWriter,
    chunk: list[PreparedSheet],
    changed: list[tuple[int, int, int]],
) -> None:
    """Drop the current rows of changed sheets and renew their sheet and national rows."""
    ids = [sheet_id for _, sheet_id, _ in changed]
    for spec in SHEET_TREE:  # the database cascades to the children
        table = _table(spec)
        for part in in_chunks(ids):
            session.execute(delete(table).where(table.c.sheet_id.in_(part)))
    session.execute(
        update(SHEETS).where(SHEETS.c.id == bindparam("row_id")),
        [
            {
                "row_id": sheet_id,
                "revision": revision,
                "content_hash": chunk[index].content_hash,
                **dict(zip(SHEET_COLUMNS, chunk[index].sheet, strict=True)),
            }
            for index, sheet_id, revision in changed
        ],
    )
    with_national: set[int] = set()
    for part in in_chunks(ids):
        with_national.update(
            session.scalars(select(NATIONAL.c.sheet_id).where(NATIONAL.c.sheet_id.in_(part)))
        )
    # program_id survives an update: only rebuild_lineage sets it.
    kept = [
        {"row_sheet_id": sheet_id, **dict(zip(NATIONAL_COLUMNS, national, strict=True))}
        for index, sheet_id, _ in changed
        if sheet_id in with_national and (national := chunk[index].national) is not None
    ]
    if kept:
        session.execute(
            update(NATIONAL).where(NATIONAL.c.sheet_id == bindparam("row_sheet_id")), kept
        )
    dropped = [
        sheet_id
        for index, sheet_id, _ in changed
        if sheet_id in with_national and chunk[index].national is None
    ]
    if dropped:
        session.execute(delete(NATIONAL).where(NATIONAL.c.sheet_id.in_(dropped)))
    insert_national(
        writer,
        [
            (sheet_id, chunk[index])
            for index, sheet_id, _ in changed
            if sheet_id not in with_national
        ],
    )


def insert_national(writer: RowWriter, sheets: Sequence[tuple[int, PreparedSheet]]) -> None:
    """Insert the ``national_sheets`` rows of stored sheets that have none."""
    writer.insert(
        NATIONAL,
        ("sheet_id", *NATIONAL_COLUMNS),
        [(sheet_id, *item.national) for sheet_id, item in sheets if item.national is not None],
    )


def _insert_children(writer: RowWriter, sheets: Sequence[tuple[int, PreparedSheet]]) -> None:
    for position, spec in enumerate(SHEET_TREE):
        _insert_rows(
            writer, spec, [(sheet_id, item.children[position]) for sheet_id, item in sheets]
        )


def _insert_rows(writer: RowWriter, spec: TableSpec, owned: list[tuple[int, list[Row]]]) -> None:
    """Insert the rows of one table of the tree, each under its parent's id, then (with the
    new ids) the rows of its child tables."""
    columns = (spec.parent, *spec.columns)
    if not spec.children:
        writer.insert(
            _table(spec), columns, [(parent, *row) for parent, rows in owned for row in rows]
        )
        return
    flat = [row for _, rows in owned for row in rows]
    ids = writer.insert_ids(
        _table(spec), columns, [(parent, *row[0]) for parent, rows in owned for row in rows]
    )
    for position, child in enumerate(spec.children):
        _insert_rows(
            writer,
            child,
            [(row_id, row[1][position]) for row_id, row in zip(ids, flat, strict=True)],
        )


def _table(spec: TableSpec) -> Table:
    return Base.metadata.tables[spec.name]
