"""The versions each correction of a published sheet saved, read from the audit log.

A correction (``sheet.correct`` in the audit log, :func:`hyoka.store.staff.workflow.save_edit`)
records the revision it started from and the one it saved, with its reason; the figures it
changed are found by comparing those two versions (:mod:`hyoka.corrections`).

Example::

    with transaction(engine) as session:
        notes = figure_corrections(session=session, sheet_id=3)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from hyoka.corrections import FigureCorrection, corrected_figures
from hyoka.model import Sheet
from hyoka.store.sheets.reader import load_sheets
from hyoka.store.staff.audit import list_changes


@dataclass(frozen=True)
class CorrectedVersion:
    before: Sheet
    after: Sheet
    reason: str
    at: datetime


def correction_versions(*, session: Session, sheet_id: int) -> list[CorrectedVersion]:
    """Every correction of the sheet, oldest first, with the versions before and after it."""
    changes = [
        change
        for change in list_changes(
            session=session, target_sheet_id=sheet_id, action="sheet.correct", newest_first=False
        )
        if isinstance(change.before, dict) and isinstance(change.after, dict)
    ]
    wanted = {
        revision
        for change in changes
        for revision in (change.before.get("版"), change.after.get("版"))
        if isinstance(revision, int)
    }
    if not wanted:
        return []
    documents: dict[int, Sheet] = {
        stored.revision: stored.sheet
        for stored in load_sheets(session=session, sheet_ids=[sheet_id], versions=wanted)
    }
    found = []
    for change in changes:
        old, new = documents.get(change.before.get("版")), documents.get(change.after.get("版"))
        if old is None or new is None:
            continue
        found.append(
            CorrectedVersion(
                before=old,
                after=new,
                reason=change.reason,
                at=change.at,
            )
        )
    return found


def figure_corrections(*, session: Session, sheet_id: int) -> list[FigureCorrection]:
    """The corrected cost, settlement and quantity figures of the sheet, oldest first."""
    return [
        correction
        for version in correction_versions(session=session, sheet_id=sheet_id)
        for correction in corrected_figures(version.before, version.after, reason=version.reason)
    ]
