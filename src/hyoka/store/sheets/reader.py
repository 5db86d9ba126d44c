"""Reading sheets back: the one way a stored sheet becomes a :class:`~hyoka.model.Sheet`.

Every version of a sheet is saved whole as its revision's JSON document (the normalised
rows are derived from the same sheet by :func:`hyoka.rows.sheet.prepare_sheet`, for
SQL and the open data). :func:`load_sheets` reads the documents: the current versions, one
revision, or the whole history, of every sheet or of the ones asked for, for the public
(published versions only) or for staff. The export, the public page, the API and the staff
editor all read through it, so that they cannot disagree.

Example::

    with transaction(engine) as session:
        (stored,) = load_sheets(session=session, sheet_ids=[3], public=True)
        history = load_sheets(session=session, sheet_ids=[3], versions="all")
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from hyoka.model import STAGE_ORDER, Sheet, Stage
from hyoka.store.driver import in_chunks
from hyoka.store.schema.sheets import RevisionRow, SheetRow
from hyoka.store.search.catalog import published

Versions = Literal["current", "all"] | Collection[int]

_STAGE_RANK = case(
    {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}, value=SheetRow.stage
)


@dataclass(frozen=True)
class StoredSheet:
    """One saved version of a sheet, with where it is stored and where it came from."""

    sheet_id: int
    revision: int
    saved_at: datetime
    source: str
    sheet: Sheet


def load_sheets(
    *,
    session: Session,
    sheet_ids: Sequence[int] | None = None,
    key: tuple[str, int, Stage] | None = None,
    versions: Versions = "current",
    public: bool = False,
) -> list[StoredSheet]:
    """Stored sheet versions, each as saved.

    ``sheet_ids``: these sheets, in the order asked (unknown ids are left out); ``key``:
    the sheet of (事業番号, fiscal year, stage); neither: every sheet, by 事業番号, fiscal
    year and stage order. ``versions``: the current version of each (``"current"``), every
    version oldest first (``"all"``), or the revisions of these numbers. ``public``: only
    sheets whose current version is published (drafts stay with the staff).
    """
    query = select(
        SheetRow.id,
        RevisionRow.revision,
        RevisionRow.saved_at,
        RevisionRow.source,
        RevisionRow.document,
    ).join(RevisionRow, RevisionRow.sheet_id == SheetRow.id)
    if versions == "current":
        query = query.where(RevisionRow.revision == SheetRow.revision)
    elif versions != "all":
        query = query.where(RevisionRow.revision.in_(sorted(versions)))
    if public:
        query = query.where(published(SheetRow.id))
    if key is not None:
        program_number, fiscal_year, stage = key
        query = query.where(
            SheetRow.program_number == program_number,
            SheetRow.fiscal_year == fiscal_year,
            SheetRow.stage == stage.value,
        )
    if sheet_ids is None:
        query = query.order_by(
            SheetRow.program_number, SheetRow.fiscal_year, _STAGE_RANK, RevisionRow.revision
        )
        return _read(session, query)
    found: dict[int, list[StoredSheet]] = {}
    for part in in_chunks(list(sheet_ids)):
        for stored in _read(
            session, query.where(SheetRow.id.in_(part)).order_by(RevisionRow.revision)
        ):
            found.setdefault(stored.sheet_id, []).append(stored)
    return [stored for sheet_id in dict.fromkeys(sheet_ids) for stored in found.get(sheet_id, [])]


def load_sheet(
    *, session: Session, program_number: str, fiscal_year: int, stage: Stage
) -> Sheet | None:
    """The current version of one sheet, or None when it was never saved."""
    found = load_sheets(session=session, key=(program_number, fiscal_year, stage))
    return found[0].sheet if found else None


def list_sheets(*, session: Session) -> list[Sheet]:
    """The current version of every sheet, by 事業番号, fiscal year and stage order."""
    return [stored.sheet for stored in load_sheets(session=session)]


def sheet_history(
    *, session: Session, program_number: str, fiscal_year: int, stage: Stage
) -> list[StoredSheet]:
    """Every saved version of one sheet, oldest first (empty when never saved)."""
    return load_sheets(session=session, key=(program_number, fiscal_year, stage), versions="all")


def _read(session: Session, query: Select[Any]) -> list[StoredSheet]:
    return [
        StoredSheet(sheet_id, revision, saved_at, source, Sheet.model_validate(document))
        for sheet_id, revision, saved_at, source, document in session.execute(query)
    ]
