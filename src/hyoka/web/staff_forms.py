"""Editing a sheet in forms: the edit page, saving, and the live check as you type.

Plain POST forms work without JavaScript; ``static/staff.js`` posts the same form to
``/staff/sheets/{id}/check`` (debounced) and shows the rules' findings next to the
fields. Invalid input is shown again as typed with Japanese errors and nothing is saved;
a save based on an outdated revision is refused (409) with what changed meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from hyoka.accounts import Permission, Role
from hyoka.display import (
    COMPARISON_LABELS,
    COST_LABELS_WITH_UNITS,
    DIRECTION_LABELS,
    TREND_LABELS,
    VALUE_KIND_LABELS,
)
from hyoka.model import Method, Sheet, Trend
from hyoka.revisions import FieldChange
from hyoka.rules import Finding, check_sheet
from hyoka.rules.indicators import printed_trend_years
from hyoka.stages import WorkflowState
from hyoka.store.sheets.writer import RevisionConflict
from hyoka.store.staff.accounts import User
from hyoka.store.staff.correction_drafts import (
    CorrectionConflict,
    correction_draft,
    linked_drafts,
)
from hyoka.store.staff.refs import SheetRef, current_sheet
from hyoka.store.staff.workflow import (
    MoveRefused,
    PriorFiguresNeedReason,
    ReasonRequired,
    WorkflowError,
    prior_figure_changes,
    save_edit,
    status,
)
from hyoka.web.auth import CurrentUser, ensure_can
from hyoka.web.deps import SessionDep, SettingsDep, TemplatesDep
from hyoka.web.staff_common import load_ref, render
from hyoka.web.staff_form_data import (
    COST_FIELDS,
    KEEP_PRINTED,
    MAX_ADDED_ROWS,
    MAX_ROWS,
    FormValues,
    form_from_sheet,
    row_count,
)
from hyoka.web.staff_form_parse import sheet_from_form

router = APIRouter()

CHOICES = {
    "kind": list(VALUE_KIND_LABELS.items()),
    "direction": list(DIRECTION_LABELS.items()),
    "comparison": list(COMPARISON_LABELS.items()),
    # The choices besides 「計算どおり」 (value ""), which EditPage.printing_choices adds.
    "achievement": [("達成", "達成"), ("未達成", "未達成")],
    "trend": [(trend.value, f"{trend.value}（{TREND_LABELS[trend]}）") for trend in Trend],
    "methods": [(method.name, method.value) for method in Method],
}


@dataclass(frozen=True)
class FieldFinding:
    """A finding of the rules placed next to a form field (``field`` is its name)."""

    field: str
    severity: str
    message: str


@dataclass(frozen=True)
class EditPage:
    ref: SheetRef
    state: WorkflowState
    values: FormValues
    expected_revision: int
    errors: dict[str, str] = field(default_factory=dict)
    findings: list[FieldFinding] = field(default_factory=list)
    conflict: list[FieldChange] = field(default_factory=list)
    conflict_revision: int | None = None
    reason: str = ""
    notice: str = ""
    cost_fields: tuple[str, ...] = (*COST_FIELDS, "staff")
    can_move: bool = False  # 部局・課 editable (admins); others see them read-only
    # A published sheet is edited as its correction draft: the draft's version (0: none yet).
    expected_correction: int = 0
    # Prior years' figures an earlier published sheet printed that this draft changes.
    prior_changes: list[FieldChange] = field(default_factory=list)

    @property
    def choices(self) -> dict[str, list[tuple[str, str]]]:
        return CHOICES

    @property
    def cost_labels(self) -> dict[str, str]:
        return COST_LABELS_WITH_UNITS

    @property
    def needs_reason(self) -> bool:
        return self.state.published or bool(self.prior_changes)

    @property
    def trend_years(self) -> tuple[int, int]:
        return printed_trend_years(self.ref.fiscal_year)

    def printing_choices(self, name: str, others: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """「計算どおり（↗）」 first (the value ""), 「シートの記載どおり（↘）」 where an imported
        sheet printed another, then the choices that override the computed one."""
        computed, printed = self.v(f"{name}-computed"), self.v(f"{name}-printed")
        choices = [("", f"計算どおり（{computed}）" if computed else "計算どおり")]
        if printed:
            choices.append((KEEP_PRINTED, f"シートの記載どおり（{printed}）"))
        return [*choices, *others]

    @property
    def max_added_rows(self) -> int:
        return MAX_ADDED_ROWS

    def count(self, name: str) -> range:
        return range(row_count(self.values.get(name)))

    def v(self, name: str) -> str:
        return self.values.get(name, "")

    def findings_for(self, name: str) -> list[FieldFinding]:
        return [item for item in self.findings if item.field == name]

    @property
    def general_findings(self) -> list[FieldFinding]:
        return [item for item in self.findings if item.field == "form"]


def field_findings(findings: list[Finding], values: FormValues) -> list[FieldFinding]:
    """Each finding with the form field it is about (``form`` when none fits)."""
    return [
        FieldFinding(
            field=_field_of(finding, values),
            severity=finding.severity.value,
            message=f"{finding.location.label}: {finding.message}",
        )
        for finding in findings
    ]


def _field_of(finding: Finding, values: FormValues) -> str:
    path = finding.location.path
    if len(path) < 2:
        return "form"
    section, key = path[0], str(path[1])
    if section == "indicators":
        for i in range(row_count(values.get("ind-count"))):
            if values.get(f"ind-{i}-number") == key:
                return f"ind-{i}-number"
    if section == "costs":
        for i in range(row_count(values.get("cost-count"))):
            if values.get(f"cost-{i}-year") == key:
                column = str(path[2]) if len(path) > 2 else "year"
                return f"cost-{i}-{column}" if f"cost-{i}-{column}" in values else f"cost-{i}-year"
    if section == "sub_projects":
        for i in range(row_count(values.get("sub-count"))):
            if values.get(f"sub-{i}-number") == key:
                return f"sub-{i}-number"
    return "form"


def edited_version(session: SessionDep, sheet_id: int) -> Sheet:
    """What the edit form edits: the correction draft of a published sheet that has one,
    else the current version."""
    correction = correction_draft(session=session, sheet_id=sheet_id)
    if correction is not None:
        return correction.sheet
    return current_sheet(session=session, sheet_id=sheet_id)[1]


def _edit_permission(session: SessionDep, user: User, ref: SheetRef) -> WorkflowState:
    state = status(session=session, sheet_id=ref.id).state
    ensure_can(user, Permission.CORRECT_PUBLISHED if state.published else Permission.EDIT, ref)
    return state


@router.get("/sheets/{sheet_id:int}/edit", name="staff_edit")
def edit_form(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    ref = load_ref(session, sheet_id)
    state = _edit_permission(session, user, ref)
    correction = correction_draft(session=session, sheet_id=sheet_id)
    sheet = (
        current_sheet(session=session, sheet_id=sheet_id)[1]
        if correction is None
        else correction.sheet  # what edited_version gives, without reading the draft twice
    )
    prior = (
        []
        if state.published
        else prior_figure_changes(session=session, sheet_id=sheet_id, sheet=sheet)
    )
    linked = linked_drafts(session=session, linked_sheet_id=sheet_id)
    values = form_from_sheet(sheet)
    findings = check_sheet(sheet, personnel_cost_per_person=settings.personnel_cost_per_person)
    page = EditPage(
        ref=ref,
        state=state,
        values=values,
        expected_revision=ref.revision,
        findings=field_findings(findings, values),
        can_move=user.role == Role.ADMIN.value,
        expected_correction=0 if correction is None else correction.version,
        reason=correction.reason if correction else (linked[0].reason if linked else ""),
        prior_changes=prior,
    )
    return render(request, templates, "staff/edit.html", page)


async def _posted(request: Request) -> FormValues:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/sheets/{sheet_id:int}/edit", name="staff_save")
async def save(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    expected_revision: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    expected_correction: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    ref = load_ref(session, sheet_id)
    state = _edit_permission(session, user, ref)
    values = await _posted(request)
    parsed = sheet_from_form(values, edited_version(session, sheet_id))
    page = EditPage(
        ref=ref,
        state=state,
        values=values,
        expected_revision=expected_revision,
        reason=reason,
        can_move=user.role == Role.ADMIN.value,
        expected_correction=expected_correction,
    )
    added = values.get("add", "")
    if added.endswith("-count") and added in values:
        return _with_rows(request, templates, page, added)
    if parsed.sheet is None:
        return _again(request, templates, page, errors=parsed.errors, status_code=400)
    try:
        result = save_edit(
            session=session,
            sheet_id=sheet_id,
            sheet=parsed.sheet,
            expected_revision=expected_revision,
            actor=user.login,
            reason=reason,
            role=user.role,
            expected_correction=expected_correction,
        )
    except (RevisionConflict, CorrectionConflict, WorkflowError) as refused:
        # Nothing was written: give the write lock back before drawing the page, so that
        # the next writer waiting for it gets its turn now (ten saves at once: one save,
        # nine 409s, not a queue of pages drawn under the lock and 503s at its end).
        session.rollback()
        return _refused_save(request, templates, page, refused)
    notice = "correction" if result.correction is not None else "saved"
    if result.prior_changes:
        notice = "prior"
    return RedirectResponse(f"/staff/sheets/{sheet_id}?notice={notice}", status_code=303)


def _refused_save(
    request: Request,
    templates: TemplatesDep,
    page: EditPage,
    refused: RevisionConflict | CorrectionConflict | WorkflowError,
) -> Response:
    """The form again, as typed, with why the save was refused next to the field."""
    if isinstance(refused, RevisionConflict | CorrectionConflict):
        return _again(
            request,
            templates,
            page,
            conflict=refused.changes,
            conflict_revision=refused.current,
            errors={"form": str(refused)},
            status_code=409,
        )
    if isinstance(refused, PriorFiguresNeedReason):
        page = replace(page, prior_changes=refused.changes)
    if isinstance(refused, ReasonRequired):
        return _again(request, templates, page, errors={"reason": str(refused)}, status_code=400)
    if isinstance(refused, MoveRefused):
        return _again(
            request, templates, page, errors={refused.field: str(refused)}, status_code=403
        )
    return _again(request, templates, page, errors={"form": str(refused)}, status_code=409)


def _with_rows(request: Request, templates: TemplatesDep, page: EditPage, count: str) -> Response:
    """The form again, as typed, with blank rows added to one repeating group (``count`` is
    its row-count field, ``count-more`` how many to add); nothing is saved."""
    more = max(1, row_count(page.values.get(f"{count}-more"), limit=MAX_ADDED_ROWS))
    values = {**page.values, count: str(min(row_count(page.values[count]) + more, MAX_ROWS))}
    shown = replace(
        page,
        values=values,
        notice=f"{more}行を追加しました。入力したら「保存する」を押してください。",
    )
    return render(request, templates, "staff/edit.html", shown)


def _again(
    request: Request,
    templates: TemplatesDep,
    page: EditPage,
    *,
    errors: dict[str, str],
    status_code: int,
    conflict: list[FieldChange] | None = None,
    conflict_revision: int | None = None,
) -> Response:
    shown = replace(
        page, errors=errors, conflict=conflict or [], conflict_revision=conflict_revision
    )
    return render(request, templates, "staff/edit.html", shown, status_code=status_code)


@router.post("/sheets/{sheet_id:int}/check", name="staff_check")
async def check(
    request: Request, sheet_id: int, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """The form's errors and the rules' findings for what is typed, as JSON; saves nothing."""
    ref = load_ref(session, sheet_id)
    _edit_permission(session, user, ref)
    values = await _posted(request)
    parsed = sheet_from_form(values, edited_version(session, sheet_id))
    found: list[FieldFinding] = []
    if parsed.sheet is not None:
        found = field_findings(
            check_sheet(parsed.sheet, personnel_cost_per_person=settings.personnel_cost_per_person),
            values,
        )
    return JSONResponse(
        {
            "errors": parsed.errors,
            "findings": [item.__dict__ for item in found],
        },
        headers={"Cache-Control": "no-store"},
    )
