"""The versions each correction of a published sheet saved, read from the audit log.

An approved correction (``sheet.correct`` in the audit log,
:mod:`hyoka.store.staff.correction_drafts`) records the revision it started from and the
one it saved, with its reason; what it changed — figures (:mod:`hyoka.corrections`) and
every other field (:func:`corrected_fields`) — is found by comparing those two versions.

Example::

    with transaction(engine) as session:
        notes = figure_corrections(session=session, sheet_id=3)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from hyoka.corrections import FigureCorrection, corrected_figures
from hyoka.model import Sheet
from hyoka.revisions import FieldChange, compare
from hyoka.store.sheets.reader import load_sheets
from hyoka.store.staff.audit import list_changes


@dataclass(frozen=True)
class CorrectedVersion:
    before: Sheet
    after: Sheet
    reason: str
    at: datetime


def correction_versions(*, session: Session, sheet_id: int) -> list[CorrectedVersion]:
    """Every correction of the sheet, oldest first, with the versions before and after it;
    then the corrections of earlier published sheets that this sheet's prior-year figures
    made (``sheet.correct_prior``), with the versions of the sheet they corrected."""
    return [
        *_own_versions(session, sheet_id),
        *_prior_versions(session, sheet_id),
    ]


def _prior_versions(session: Session, sheet_id: int) -> list[CorrectedVersion]:
    found = []
    for change in list_changes(
        session=session,
        target_sheet_id=sheet_id,
        action="sheet.correct_prior",
        newest_first=False,
    ):
        before, after = change.before, change.after
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        other, old, new = before.get("シート"), before.get("修正前の版"), after.get("修正後の版")
        if not (isinstance(other, int) and isinstance(old, int) and isinstance(new, int)):
            continue
        documents = {
            stored.revision: stored.sheet
            for stored in load_sheets(session=session, sheet_ids=[other], versions={old, new})
        }
        if old in documents and new in documents:
            found.append(
                CorrectedVersion(
                    before=documents[old], after=documents[new], reason=change.reason, at=change.at
                )
            )
    return found


def _own_versions(session: Session, sheet_id: int) -> list[CorrectedVersion]:
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
        replace(correction, corrected_at=version.at)
        for version in correction_versions(session=session, sheet_id=sheet_id)
        for correction in corrected_figures(version.before, version.after, reason=version.reason)
    ]


@dataclass(frozen=True)
class CorrectedField:
    """One field an approved correction changed, as the public correction notes list it."""

    change: FieldChange  # label, before and after (修正前/修正後)
    reason: str
    at: datetime  # when the correction was approved (published)


def corrected_fields(*, session: Session, sheet_id: int) -> list[CorrectedField]:
    """Every field — figures and text — that the sheet's approved corrections changed,
    oldest correction first, each with its reason and date."""
    return [
        CorrectedField(change=change, reason=version.reason, at=version.at)
        for version in correction_versions(session=session, sheet_id=sheet_id)
        for change in compare(version.before, version.after)
    ]
