"""What a reviewer compares a draft with: the last published version of the same program.

A revision was published when a reviewer approved it (``sheet.approve`` in the audit
log), when it was saved as a correction of a published sheet (``sheet.correct``), or
when it came from a published source (an import, not a ``staff:`` save) without any
staff action creating it. :func:`review_baseline` picks, for a sheet version, the newest
published revision of the same sheet up to its current one; if the sheet was never
published, the newest published revision of an earlier stage of the same year or of an
earlier year of the same program; None when the program has no published sheet before
this one (it is new).

Example::

    with transaction(engine) as session:
        baseline = review_baseline(session=session, sheet_id=7)
        if baseline is not None:
            changes = compare(baseline.stored.sheet, current)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hyoka.store.sheets.reader import StoredSheet, load_sheets
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.refs import SheetRef, program_sheets, sheet_ref

_PUBLISHING = frozenset({"sheet.approve", "sheet.correct"})


@dataclass(frozen=True)
class Baseline:
    """The published version a draft is compared with, and where it is."""

    ref: SheetRef
    stored: StoredSheet
    same_sheet: bool  # False: an earlier stage or year of the program

    @property
    def revision(self) -> int:
        return self.stored.revision


def published_revisions(*, session: Session, sheet_id: int) -> list[int]:
    """The revision numbers of one sheet version that were published, oldest first."""
    published: set[int] = set()
    made_by_staff: set[int] = set()
    for change in list_changes(session=session, target_sheet_id=sheet_id, action="sheet."):
        revision = _revision(change.after)
        if revision is None:
            continue
        (published if change.action in _PUBLISHING else made_by_staff).add(revision)
    for stored in load_sheets(session=session, sheet_ids=[sheet_id], versions="all"):
        if not stored.source.startswith("staff:") and stored.revision not in made_by_staff:
            published.add(stored.revision)
    return sorted(published)


def review_baseline(*, session: Session, sheet_id: int) -> Baseline | None:
    """The published version to compare sheet ``sheet_id``'s current revision with."""
    ref = sheet_ref(session=session, sheet_id=sheet_id)
    own = [r for r in published_revisions(session=session, sheet_id=sheet_id) if r <= ref.revision]
    if own:
        return _baseline(session, ref, own[-1], same_sheet=True)
    refs = program_sheets(session=session, program_number=ref.program_number)
    earlier = [
        item
        for item in refs
        if (item.fiscal_year, item.stage_rank) < (ref.fiscal_year, ref.stage_rank)
    ]
    for item in reversed(earlier):
        revisions = published_revisions(session=session, sheet_id=item.id)
        if revisions:
            return _baseline(session, item, revisions[-1], same_sheet=False)
    return None


def _baseline(session: Session, ref: SheetRef, revision: int, *, same_sheet: bool) -> Baseline:
    (stored,) = load_sheets(session=session, sheet_ids=[ref.id], versions=[revision])
    return Baseline(ref=ref, stored=stored, same_sheet=same_sheet)


def _revision(after: object) -> int | None:
    revision = after.get("版") if isinstance(after, dict) else None
    return revision if isinstance(revision, int) else None
