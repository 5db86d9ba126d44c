"""Many sheets at once, and the national parts of one sheet, with SQLAlchemy Core.

``save_sheets`` is the bulk path of the importers: a batch of sheets in a few
``executemany`` statements per table instead of the ORM's one-by-one flushes (20,000+
national sheets). It keeps the contract of :func:`hyoka.store.writes.save_sheet`: the key
is (事業番号, fiscal year, stage), a changed sheet replaces its rows and appends a revision,
an identical one changes nothing (compared by a hash of its JSON document, kept in
``national_sheets.content_hash``). ``write_parts``/``read_parts`` store and load the parts
of ``national_tables`` for the ORM path of ``save_sheet``/``load_sheet`` too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from hyoka.model import BudgetRow, Indicator, MoneyUnit, Recipient, Sheet, SheetKind, SheetLink
from hyoka.store.facts import write_facts
from hyoka.store.national_tables import (
    BudgetYearRow,
    NationalSheetRow,
    RecipientRow,
    SheetCategoryRow,
    SheetLinkRow,
)
from hyoka.store.rows import RowWriter
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
_CATEGORY_FIELDS = (("method", "methods"), ("account", "accounts"), ("policy", "policies"))
_BUDGET_COLUMNS = tuple(BudgetRow.model_fields)
_IN_CHUNK = 500  # ids per IN (…) list: well below every driver's parameter limit


class SaveState(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Saved:
    """What :func:`save_sheets` did with one sheet."""

    sheet_id: int
    state: SaveState


@dataclass
class Parts:
    """The national parts of one stored sheet, as :func:`read_parts` gives them."""

    summary: str = ""
    responsible: str = ""
    no_target_reason: str = ""
    money_unit: MoneyUnit = MoneyUnit.THOUSAND_YEN
    source_url: str = ""
    methods: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    budgets: list[BudgetRow] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    predecessors: list[SheetLink] = field(default_factory=list)


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


def uses_national_parts(sheet: Sheet) -> bool:
    """Whether the sheet fills any part that ``national_tables`` holds."""
    return bool(
        sheet.summary
        or sheet.methods
        or sheet.accounts
        or sheet.policies
        or sheet.responsible
        or sheet.no_target_reason
        or sheet.money_unit is not MoneyUnit.THOUSAND_YEN
        or sheet.budgets
        or sheet.recipients
        or sheet.predecessors
        or sheet.source_url
    )


def save_sheets(*, session: Session, sheets: Sequence[tuple[Sheet, str]]) -> list[Saved]:
    """Save many sheets (each with its source) in the caller's transaction, in bulk.

    Same rules as ``save_sheet``, one result per sheet in order. A key given twice is
    saved twice, in order (the second as an update of the first).

    Example::

        with transaction(engine) as session:
            saved = save_sheets(session=session, sheets=[(sheet, "2022.ndjson.gz:1")])
    """
    results: list[Saved] = []
    for chunk in _without_repeated_keys(sheets):
        results.extend(_save_chunk(session, chunk))
    return results


def _without_repeated_keys(
    sheets: Sequence[tuple[Sheet, str]],
) -> Iterator[list[tuple[Sheet, str]]]:
    chunk: list[tuple[Sheet, str]] = []
    keys: set[tuple[str, int, str]] = set()
    for item in sheets:
        key = _key(item[0])
        if key in keys or len(chunk) >= _IN_CHUNK:
            yield chunk
            chunk, keys = [], set()
        chunk.append(item)
        keys.add(key)
    if chunk:
        yield chunk


def _key(sheet: Sheet) -> tuple[str, int, str]:
    number, year, stage = sheet.key
    return (number, year, stage.value)


def _save_chunk(session: Session, chunk: list[tuple[Sheet, str]]) -> list[Saved]:
    from hyoka.store.writes import save_sheet  # the ORM path, for prefecture parts

    # One serialisation per sheet serves the hash and the stored revision document.
    documents = [sheet.model_dump_json() for sheet, _ in chunk]
    hashes = [content_hash(document) for document in documents]
    numbers = sorted({sheet.header.program_number for sheet, _ in chunk})
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
    for index, (sheet, source) in enumerate(chunk):
        row = existing.get(_key(sheet))
        if has_prefecture_parts(sheet):
            done = save_sheet(session=session, sheet=sheet, source=source)
            state = SaveState.NEW if done.created else SaveState.UPDATED
            results[index] = Saved(done.sheet_id, state if done.changed else SaveState.UNCHANGED)
        elif row is None:
            new.append(index)
        elif row.content_hash == hashes[index]:
            results[index] = Saved(row.id, SaveState.UNCHANGED)
        else:
            changed.append((index, row.id, row.revision + 1))
    changed = _really_changed(session, chunk, changed, documents, hashes, results)

    if changed:
        ids = [sheet_id for _, sheet_id, _ in changed]
        for table in _REPLACED:
            for part in _chunks(ids):
                session.execute(delete(table).where(table.sheet_id.in_(part)))
        session.execute(
            update(SHEETS).where(SHEETS.c.id == bindparam("sheet_id")),
            [
                {"sheet_id": sheet_id, "revision": revision, **_sheet_values(chunk[index][0])}
                for index, sheet_id, revision in changed
            ],
        )
        existing_national = set(
            session.scalars(select(NATIONAL.c.sheet_id).where(NATIONAL.c.sheet_id.in_(ids)))
        )
        # program_id survives an update: only rebuild_lineage sets it.
        kept = [
            {"row_sheet_id": sheet_id, **_national_values(chunk[index][0], hashes[index])}
            for index, sheet_id, _ in changed
            if sheet_id in existing_national
        ]
        if kept:
            session.execute(
                update(NATIONAL).where(NATIONAL.c.sheet_id == bindparam("row_sheet_id")), kept
            )
        fresh = [
            {"sheet_id": sheet_id, **_national_values(chunk[index][0], hashes[index])}
            for index, sheet_id, _ in changed
            if sheet_id not in existing_national
        ]
        if fresh:
            session.execute(insert(NATIONAL), fresh)
        for index, sheet_id, _ in changed:
            results[index] = Saved(sheet_id, SaveState.UPDATED)

    if new:
        new_ids = RowWriter(session).insert_ids(
            SHEETS, [{"revision": 1, **_sheet_values(chunk[index][0])} for index in new]
        )
        session.execute(
            insert(NATIONAL),
            [
                {"sheet_id": sheet_id, **_national_values(chunk[index][0], hashes[index])}
                for index, sheet_id in zip(new, new_ids, strict=True)
            ],
        )
        for index, sheet_id in zip(new, new_ids, strict=True):
            results[index] = Saved(sheet_id, SaveState.NEW)

    written = [
        (index, saved.sheet_id)
        for index, saved in enumerate(results)
        if saved is not None
        and saved.state is not SaveState.UNCHANGED
        and not has_prefecture_parts(chunk[index][0])
    ]
    _insert_parts(session, [(sheet_id, chunk[index][0]) for index, sheet_id in written])
    revisions = {sheet_id: revision for _, sheet_id, revision in changed}
    writer = RowWriter(session)
    now = writer.instant(datetime.now(UTC))
    writer.insert(
        _REVISIONS,
        ("sheet_id", "revision", "saved_at", "source", "document"),
        [
            (sheet_id, revisions.get(sheet_id, 1), now, chunk[index][1], documents[index])
            for index, sheet_id in written
        ],
    )
    updated = {sheet_id for _, sheet_id, _ in changed}
    for replace in (False, True):
        write_facts(
            session=session,
            sheets=[
                (sheet_id, chunk[index][0])
                for index, sheet_id in written
                if (sheet_id in updated) is replace
            ],
            replace=replace,
        )
    return [saved for saved in results if saved is not None]


def _really_changed(
    session: Session,
    chunk: list[tuple[Sheet, str]],
    changed: list[tuple[int, int, int]],
    documents: list[str],
    hashes: list[str],
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
        if current.get(sheet_id) == orjson.loads(documents[index]):
            results[index] = Saved(sheet_id, SaveState.UNCHANGED)
            renewed.append({"row_sheet_id": sheet_id, "content_hash": hashes[index]})
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


def _sheet_values(sheet: Sheet) -> dict[str, Any]:
    header = sheet.header
    return {
        "program_number": header.program_number,
        "fiscal_year": header.fiscal_year,
        "stage": header.stage.value,
        "program_name": header.program_name,
        "department": header.department,
        "section": header.section,
        "start_year": header.start_year,
        "end_year": header.end_year,
        "email": header.email,
        "purpose": sheet.purpose,
        "kind": header.kind.value,
        "bureau": header.bureau,
    }


def _national_values(sheet: Sheet, digest: str) -> dict[str, Any]:
    return {
        "summary": sheet.summary,
        "responsible": sheet.responsible,
        "no_target_reason": sheet.no_target_reason,
        "money_unit": sheet.money_unit.value,
        "source_url": sheet.source_url,
        "content_hash": digest,
    }


def write_parts(*, session: Session, sheet_id: int, sheet: Sheet, replace: bool) -> None:
    """Write the national parts of one sheet saved by the ORM path (indicators excluded).

    ``replace``: the sheet existed; its national rows are replaced (``program_id`` kept). A
    sheet that is not national and uses none of these parts gets no rows.
    """
    program_id = None
    if replace:
        program_id = session.scalar(
            select(NATIONAL.c.program_id).where(NATIONAL.c.sheet_id == sheet_id)
        )
        for table in (SheetCategoryRow, BudgetYearRow, RecipientRow, SheetLinkRow):
            session.execute(delete(table).where(table.sheet_id == sheet_id))
        session.execute(delete(NATIONAL).where(NATIONAL.c.sheet_id == sheet_id))
    if sheet.header.kind is not SheetKind.NATIONAL and not uses_national_parts(sheet):
        return
    digest = content_hash(sheet.model_dump_json())
    values = {"sheet_id": sheet_id, "program_id": program_id, **_national_values(sheet, digest)}
    session.execute(insert(NATIONAL), [values])
    _insert_parts(session, [(sheet_id, sheet)], indicators=False)


def _insert_parts(
    session: Session, sheets: Sequence[tuple[int, Sheet]], *, indicators: bool = True
) -> None:
    writer = RowWriter(session)
    exact = writer.exact
    categories: list[tuple[Any, ...]] = []
    budgets: list[tuple[Any, ...]] = []
    recipients: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for sheet_id, sheet in sheets:
        for category, name in _CATEGORY_FIELDS:
            categories.extend(
                (sheet_id, category, position, text)
                for position, text in enumerate(getattr(sheet, name))
            )
        budgets.extend(
            (sheet_id, position, *_budget(budget, exact))
            for position, budget in enumerate(sheet.budgets)
        )
        recipients.extend(
            (
                sheet_id,
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
        )
        links.extend(
            (sheet_id, position, link.fiscal_year, link.ministry, link.program_number)
            for position, link in enumerate(sheet.predecessors)
        )
    writer.insert(_CATEGORIES, ("sheet_id", "category", "position", "text"), categories)
    writer.insert(_BUDGETS, ("sheet_id", "position", *_BUDGET_COLUMNS), budgets)
    writer.insert(_RECIPIENTS, _RECIPIENT_COLUMNS, recipients)
    writer.insert(
        _LINKS, ("sheet_id", "position", "fiscal_year", "ministry", "program_number"), links
    )
    if indicators:
        _insert_indicators(session, sheets)


def _budget(budget: BudgetRow, exact: Callable[[Decimal | None], Any]) -> tuple[Any, ...]:
    # Attribute access: model_dump is ten times slower, and this runs 100,000 times.
    return tuple(
        value if name == "fiscal_year" else exact(value)
        for name in _BUDGET_COLUMNS
        for value in (getattr(budget, name),)
    )


_RECIPIENT_COLUMNS = (
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


def indicator_lists(sheet: Sheet) -> Iterator[tuple[str, int, Indicator]]:
    """(role, position, indicator) of a sheet: outcomes, then outputs, one position count."""
    for position, indicator in enumerate(sheet.indicators):
        yield "outcome", position, indicator
    for position, indicator in enumerate(sheet.outputs, start=len(sheet.indicators)):
        yield "output", position, indicator


def _insert_indicators(session: Session, sheets: Iterable[tuple[int, Sheet]]) -> None:
    owners = [
        (sheet_id, role, position, indicator)
        for sheet_id, sheet in sheets
        for role, position, indicator in indicator_lists(sheet)
    ]
    if not owners:
        return
    inserted = RowWriter(session).insert_ids(
        _INDICATORS,
        [
            {
                "sheet_id": sheet_id,
                "position": position,
                "role": role,
                "number": indicator.number,
                "name": indicator.name,
                "goal": indicator.goal,
                "unit": indicator.unit,
                "direction": indicator.direction.value,
                "target_comparison": indicator.target.comparison.value,
                "target_cumulative": indicator.target.cumulative,
                "target_start_year": indicator.target.start_year,
                "target_end_year": indicator.target.end_year,
                "target_text": indicator.target_text,
                "target_reason": indicator.target_reason,
                "analysis": indicator.analysis,
                "printed_achievement": (
                    None
                    if indicator.printed_achievement is None
                    else indicator.printed_achievement.value
                ),
                "printed_achievement_year": indicator.printed_achievement_year,
            }
            for sheet_id, role, position, indicator in owners
        ],
    )
    writer = RowWriter(session)
    exact = writer.exact
    values: list[tuple[Any, ...]] = []
    corrected: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    trends: list[dict[str, Any]] = []
    for indicator_id, (_, _, _, indicator) in zip(inserted, owners, strict=True):
        for position, item in enumerate(indicator.values):
            if not item.corrections:
                values.append(
                    (
                        indicator_id,
                        position,
                        item.fiscal_year,
                        item.kind.value,
                        exact(item.value),
                        exact(item.upper),
                    )
                )
                continue
            value = {
                "indicator_id": indicator_id,
                "position": position,
                "fiscal_year": item.fiscal_year,
                "kind": item.kind.value,
                "value": item.value,
                "upper": item.upper,
            }
            if item.corrections:
                corrections = [
                    {
                        "position": number,
                        "value_before": correction.before,
                        "value_after": correction.after,
                        "reason": correction.reason,
                        "noted_in": correction.noted_in,
                    }
                    for number, correction in enumerate(item.corrections)
                ]
                corrected.append((value, corrections))
        trends.extend(
            {
                "indicator_id": indicator_id,
                "position": position,
                "fiscal_year": year,
                "trend": trend,
            }
            for position, (year, trend) in enumerate(indicator.printed_trends.items())
        )
    writer.insert(
        _VALUES, ("indicator_id", "position", "fiscal_year", "kind", "value", "upper"), values
    )
    if trends:
        session.execute(insert(_TRENDS), trends)
    if corrected:
        ids = session.execute(
            insert(_VALUES).returning(_VALUES.c.id, sort_by_parameter_order=True),
            [value for value, _ in corrected],
        )
        session.execute(
            insert(_CORRECTIONS),
            [
                {"indicator_value_id": value_id, **correction}
                for (value_id,), (_, corrections) in zip(ids, corrected, strict=True)
                for correction in corrections
            ],
        )


def read_parts(*, session: Session, sheet_ids: Sequence[int] | None) -> dict[int, Parts]:
    """The national parts of the given sheets (all sheets with None), by sheet id.

    Sheets without national parts are absent from the result.
    """
    found: dict[int, Parts] = {}

    def rows(table: Table, *order: str) -> Iterator[Any]:
        query = select(table).order_by(table.c.sheet_id, *(table.c[name] for name in order))
        if sheet_ids is None:
            yield from session.execute(query)
            return
        for part in _chunks(sheet_ids):
            yield from session.execute(query.where(table.c.sheet_id.in_(part)))

    for row in rows(NATIONAL):
        found[row.sheet_id] = Parts(
            summary=row.summary,
            responsible=row.responsible,
            no_target_reason=row.no_target_reason,
            money_unit=MoneyUnit(row.money_unit),
            source_url=row.source_url,
        )
    names = dict(_CATEGORY_FIELDS)
    for row in rows(_CATEGORIES, "category", "position"):
        getattr(found.setdefault(row.sheet_id, Parts()), names[row.category]).append(row.text)
    for row in rows(_BUDGETS, "position"):
        found.setdefault(row.sheet_id, Parts()).budgets.append(
            BudgetRow.model_validate(_fields(row, BudgetRow.model_fields))
        )
    for row in rows(_RECIPIENTS, "position"):
        values = _fields(row, Recipient.model_fields, renamed={"group": "group_name"})
        found.setdefault(row.sheet_id, Parts()).recipients.append(Recipient(**values))
    for row in rows(_LINKS, "position"):
        found.setdefault(row.sheet_id, Parts()).predecessors.append(
            SheetLink(**_fields(row, SheetLink.model_fields))
        )
    return found


def _fields(
    row: Any, names: Iterable[str], *, renamed: dict[str, str] | None = None
) -> dict[str, Any]:
    mapping = row._mapping
    renamed = renamed or {}
    return {name: mapping[renamed.get(name, name)] for name in names}
