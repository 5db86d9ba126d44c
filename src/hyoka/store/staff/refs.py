"""Which sheet version a request is about: its reference and current version, by id.

What lists and pages show of a sheet without loading all of it (:class:`SheetRef`), read
from the ``sheets`` row; the workflow, the review baseline and the corrections build on it.

Example::

    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=3)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.model import STAGE_ORDER, Sheet, Stage
from hyoka.store.schema.sheets import SHEET_ID_MAX, SheetRow
from hyoka.store.sheets.reader import load_sheets


class SheetNotFound(LookupError):
    def __init__(self, sheet_id: int) -> None:
        super().__init__(f"シート {sheet_id} はありません")
        self.sheet_id = sheet_id


@dataclass(frozen=True)
class SheetRef:
    """What lists and pages show of a sheet version without loading all of it."""

    id: int
    program_number: str
    program_name: str
    department: str
    section: str
    fiscal_year: int
    stage: Stage
    revision: int

    @property
    def stage_rank(self) -> int:
        return STAGE_ORDER.index(self.stage)


def sheet_ref(*, session: Session, sheet_id: int) -> SheetRef:
    if not 1 <= sheet_id <= SHEET_ID_MAX:
        raise SheetNotFound(sheet_id)  # no such id can exist (and the driver would overflow)
    row = session.get(SheetRow, sheet_id)
    if row is None:
        raise SheetNotFound(sheet_id)
    return ref_of(row)


def current_sheet(*, session: Session, sheet_id: int) -> tuple[SheetRef, Sheet]:
    """The current version of a sheet by its id, with its reference."""
    ref = sheet_ref(session=session, sheet_id=sheet_id)
    (stored,) = load_sheets(session=session, sheet_ids=[sheet_id], versions=[ref.revision])
    return ref, stored.sheet


def program_sheets(*, session: Session, program_number: str) -> list[SheetRef]:
    """Every sheet version (each year and stage) of one program, oldest first."""
    rows = session.scalars(
        select(SheetRow)
        .where(SheetRow.program_number == program_number)
        .order_by(SheetRow.fiscal_year, SheetRow.id)
    )
    return sorted((ref_of(row) for row in rows), key=lambda ref: (ref.fiscal_year, ref.stage_rank))


def ref_of(row: SheetRow) -> SheetRef:
    return SheetRef(
        id=row.id,
        program_number=row.program_number,
        program_name=row.program_name,
        department=row.department,
        section=row.section,
        fiscal_year=row.fiscal_year,
        stage=Stage(row.stage),
        revision=row.revision,
    )
