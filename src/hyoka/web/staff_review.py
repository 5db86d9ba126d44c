"""Reviewing: versions and their comparison, the review dashboard, deadlines, history.

- ``/staff/sheets/{id}/versions``: every revision of this stage version and every other
  year and stage of the program, with a form to compare any two;
- ``/staff/compare?a=ID:REV&b=ID:REV``: field by field (:func:`hyoka.revisions.compare`);
- ``/staff/dashboard``: the 行政改革課's view of a cycle (missing, state, assignee, overdue);
- ``/staff/sheets/{id}/history``: the audit log of the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from hyoka.accounts import Permission, can, may_set_deadline
from hyoka.model import Stage
from hyoka.revisions import FieldChange, compare
from hyoka.stages import WorkflowState
from hyoka.store.sheets.reader import StoredSheet, load_sheets, sheet_history
from hyoka.store.staff.accounts import User
from hyoka.store.staff.audit import Change, list_changes
from hyoka.store.staff.correction_drafts import OpenCorrection, open_corrections
from hyoka.store.staff.refs import SheetRef, program_sheets
from hyoka.store.staff.review import (
    Cycle,
    DashboardRow,
    NotAllowed,
    list_cycles,
    review_dashboard,
    set_deadline,
)
from hyoka.web.auth import CurrentUser, ensure_can, forbidden, require_permission
from hyoka.web.deps import SessionDep, TemplatesDep
from hyoka.web.staff_common import load_ref, render

router = APIRouter()

Reviewer = Annotated[User, Depends(require_permission(Permission.VIEW_DASHBOARD))]


@dataclass(frozen=True)
class VersionsPage:
    ref: SheetRef
    revisions: list[StoredSheet]
    others: list[SheetRef]


@router.get("/sheets/{sheet_id:int}/versions", name="staff_versions")
def versions(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    ref = load_ref(session, sheet_id)
    ensure_can(user, Permission.VIEW_DRAFT, ref)
    revisions = sheet_history(
        session=session,
        program_number=ref.program_number,
        fiscal_year=ref.fiscal_year,
        stage=ref.stage,
    )
    others = [
        item
        for item in program_sheets(session=session, program_number=ref.program_number)
        if can(user, Permission.VIEW_DRAFT, item)
    ]
    page = VersionsPage(ref=ref, revisions=revisions, others=others)
    return render(request, templates, "staff/versions.html", page)


@dataclass(frozen=True)
class ComparePage:
    left: SheetRef
    left_revision: int
    right: SheetRef
    right_revision: int
    changes: list[FieldChange]


def _version(text: str) -> tuple[int, int]:
    sheet_id, _, revision = text.partition(":")
    try:
        return int(sheet_id), int(revision)
    except ValueError:
        raise HTTPException(status_code=404) from None


@router.get("/compare", name="staff_compare")
def compare_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
    a: Annotated[str, Query(max_length=40)],
    b: Annotated[str, Query(max_length=40)],
) -> Response:
    sides = []
    for text in (a, b):
        sheet_id, revision = _version(text)
        ref = load_ref(session, sheet_id)
        ensure_can(user, Permission.VIEW_DRAFT, ref)
        found = load_sheets(session=session, sheet_ids=[sheet_id], versions=[revision])
        if not found:
            raise HTTPException(status_code=404)
        sides.append((ref, revision, found[0].sheet))
    (left, left_rev, old), (right, right_rev, new) = sides
    page = ComparePage(left, left_rev, right, right_rev, compare(old, new))
    return render(request, templates, "staff/compare.html", page)


@dataclass(frozen=True)
class DashboardPage:
    fiscal_year: int
    stage: Stage
    rows: list[DashboardRow]
    cycles: list[Cycle]
    due: date | None
    today: date
    years: list[int]
    can_set_deadline: bool = False
    # Corrections of published sheets waiting for a reviewer, of any year and stage.
    corrections: list[OpenCorrection] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(row.missing for row in self.rows)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)


@router.get("/dashboard", name="staff_dashboard")
def dashboard(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    templates: TemplatesDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    stage: Stage = Stage.INITIAL_REQUEST,
) -> Response:
    today = date.today()
    fiscal_year = year or (today.year if today.month >= 4 else today.year - 1)
    cycles = list_cycles(session=session)
    due = next(
        (c.due_date for c in cycles if (c.fiscal_year, c.stage) == (fiscal_year, stage)), None
    )
    page = DashboardPage(
        fiscal_year=fiscal_year,
        stage=stage,
        rows=review_dashboard(
            session=session,
            fiscal_year=fiscal_year,
            stage=stage,
            today=today,
            department=user.department or None,
        ),
        cycles=cycles,
        due=due,
        today=today,
        years=list(range(fiscal_year + 1, fiscal_year - 5, -1)),
        can_set_deadline=may_set_deadline(user),
        corrections=open_corrections(
            session=session, state=WorkflowState.SUBMITTED, department=user.department or None
        ),
    )
    return render(request, templates, "staff/dashboard.html", page)


@router.post("/cycles", name="staff_set_deadline")
def deadline(
    user: Reviewer,
    session: SessionDep,
    fiscal_year: Annotated[int, Form(ge=1900, le=2200)],
    stage: Annotated[Stage, Form()],
    due_date: Annotated[date, Form()],
) -> Response:
    try:
        set_deadline(
            session=session,
            fiscal_year=fiscal_year,
            stage=stage,
            due_date=due_date,
            actor=user.login,
            role=user.role,
            department=user.department,
        )
    except NotAllowed as error:
        raise forbidden(str(error)) from None
    return RedirectResponse(
        f"/staff/dashboard?year={fiscal_year}&stage={stage.value}", status_code=303
    )


@dataclass(frozen=True)
class HistoryPage:
    ref: SheetRef
    changes: list[Change]


@router.get("/sheets/{sheet_id:int}/history", name="staff_history")
def history(
    request: Request, sheet_id: int, user: CurrentUser, session: SessionDep, templates: TemplatesDep
) -> Response:
    ref = load_ref(session, sheet_id)
    ensure_can(user, Permission.VIEW_HISTORY, ref)
    page = HistoryPage(ref=ref, changes=list_changes(session=session, target_sheet_id=sheet_id))
    return render(request, templates, "staff/history.html", page)
