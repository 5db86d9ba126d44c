"""Staff pages: 自分のシート, one sheet's review page, workflow buttons, comments.

Submitting goes through a confirmation page (``/staff/sheets/{id}/submit``) that lists the
rules' findings; with any 誤り the store refuses the submission without the editor's reason
(:class:`hyoka.store.staff.workflow.FindingsNeedReason`) and the page is shown again with
the message. The reviewer sees that reason next to the workflow state.

Thin over :mod:`hyoka.store.staff.workflow` and :mod:`hyoka.store.staff.review`; who may do what is
``hyoka.accounts.can`` (via ``ensure_can``). Every route is on a router made by
``protected_router``, so every POST carries the CSRF check. The edit form is in
:mod:`hyoka.web.staff_forms`, versions, the dashboard and history in
:mod:`hyoka.web.staff_review`; this module's :data:`router` includes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from hyoka.accounts import Permission, Role, can, may_be_assigned, may_resolve
from hyoka.model import Sheet
from hyoka.revisions import FieldChange, compare
from hyoka.rules import Finding, Severity, check_sheet
from hyoka.stages import (
    PERMISSIONS,
    Action,
    TransitionError,
    WorkflowState,
    available_actions,
    next_state,
)
from hyoka.store.staff.accounts import User, list_users
from hyoka.store.staff.baseline import Baseline, review_baseline
from hyoka.store.staff.correction_drafts import (
    CorrectionDraft,
    CorrectionRefused,
    correction_draft,
    discard_correction_draft,
    linked_drafts,
    open_corrections,
)
from hyoka.store.staff.corrections import figure_corrections
from hyoka.store.staff.refs import SheetRef, current_sheet
from hyoka.store.staff.review import Comment, NotAllowed, list_comments, resolve_comment
from hyoka.store.staff.review import add_comment as store_comment
from hyoka.store.staff.workflow import (
    FindingsNeedReason,
    ReturnNote,
    SubmissionNote,
    WorkflowError,
    WorkflowStatus,
    create_next_year,
    list_statuses,
    return_note,
    set_assignee,
    start_next_stage,
    status,
    submission_note,
    transition,
)
from hyoka.web import staff_forms, staff_review
from hyoka.web.auth import CurrentUser, ensure_can, forbidden, protected_router
from hyoka.web.deps import SessionDep, SettingsDep, TemplatesDep
from hyoka.web.pages import sheet_layout
from hyoka.web.staff_common import load_ref, render
from hyoka.web.staff_notes import FieldNotes, field_choices, field_notes

router = protected_router(prefix="/staff", tags=["staff"], include_in_schema=False)
"""Every staff route; the included routers get its CSRF check."""

# --- 自分のシート -------------------------------------------------------------------------


@dataclass(frozen=True)
class MySheetsPage:
    user: User
    statuses: list[WorkflowStatus]
    can_dashboard: bool
    role_label: str
    # The state of the correction draft of each published sheet that has one, by sheet id.
    corrections: dict[int, WorkflowState] = field(default_factory=dict)


@router.get("", name="staff_home")
def my_sheets(
    request: Request, user: CurrentUser, session: SessionDep, templates: TemplatesDep
) -> Response:
    scoped = user.role != Role.ADMIN.value
    statuses = list_statuses(
        session=session,
        department=(user.department or None) if scoped else None,
        section=(user.section or None) if scoped else None,
    )
    visible = [item for item in statuses if can(user, Permission.VIEW_DRAFT, item.sheet)]
    page = MySheetsPage(
        user=user,
        statuses=visible,
        can_dashboard=can(user, Permission.VIEW_DASHBOARD, None),
        role_label=Role(user.role).label,
        corrections={item.ref.id: item.state for item in open_corrections(session=session)},
    )
    return render(request, templates, "staff/home.html", page)


# --- one sheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetPage:
    ref: SheetRef
    status: WorkflowStatus
    sheet: Sheet
    findings: list[Finding]
    actions: list[Action]
    comments: list[Comment]
    can_edit: bool
    can_comment: bool
    can_create: bool
    can_view_history: bool
    error: str = ""
    notice: str = ""
    field_paths: list[tuple[str, str]] = field(default_factory=list)
    # The whole sheet in its layout (None when the layout cannot be drawn).
    layout: Markup | None = None
    # What changed since ``baseline`` (None: the program was never published before).
    baseline: Baseline | None = None
    changes: list[FieldChange] = field(default_factory=list)
    notes: list[FieldNotes] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    comment_field: str = ""  # the item the comment form starts on (?field=indicators.②-1)
    # The editor's reason for submitting this revision with 誤り (for the reviewer).
    submission: SubmissionNote | None = None
    returned: ReturnNote | None = None  # the 差戻し's reason until the sheet is resubmitted
    # Who can be the 担当 (login, display name); empty when the user may not assign.
    assignees: list[tuple[str, str]] = field(default_factory=list)
    login: str = ""  # the user's login (which comments they may resolve)
    may_resolve_any: bool = False  # reviewers, editors, admins; experts only their own
    # The correction draft of a published sheet (the page shows it, not the published one).
    correction: CorrectionDraft | None = None
    # The draft whose prior-year figures made ``correction`` (it moves with that draft).
    correction_link: SheetRef | None = None
    # Correction drafts of earlier published sheets that this draft's prior-year figures made.
    linked: list[tuple[SheetRef, CorrectionDraft]] = field(default_factory=list)

    def name(self, login: str | None) -> str:
        """The display name of an account, or the login when it has none."""
        return self.names.get(login or "") or login or ""

    @property
    def compare_url(self) -> str:
        if self.baseline is None or self.correction is not None:
            return ""  # a correction draft is no stored revision to compare
        return (
            f"/staff/compare?a={self.baseline.ref.id}:{self.baseline.revision}"
            f"&b={self.ref.id}:{self.ref.revision}"
        )


def sheet_page_context(
    *, session: SessionDep, user: User, sheet_id: int, personnel_cost: int, error: str = ""
) -> SheetPage:
    ref = load_ref(session, sheet_id)
    ensure_can(user, Permission.VIEW_DRAFT, ref)
    _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    state = status(session=session, sheet_id=sheet_id)
    # A published sheet under correction: the page is about its correction draft.
    correction = correction_draft(session=session, sheet_id=sheet_id)
    moving = state.state if correction is None else correction.state
    actions = [
        action for action in available_actions(moving) if can(user, PERMISSIONS[action], ref)
    ]
    if correction is not None and correction.linked_sheet_id is not None:
        actions = []  # it moves with the draft that made it
    edit = Permission.CORRECT_PUBLISHED if state.state.published else Permission.EDIT
    baseline = review_baseline(session=session, sheet_id=sheet_id)
    if correction is not None:
        sheet = correction.sheet
    findings = check_sheet(sheet, personnel_cost_per_person=personnel_cost)
    comments = list_comments(session=session, sheet_id=sheet_id)
    changes = [] if baseline is None else compare(baseline.stored.sheet, sheet)
    names = {account.login: account.display_name for account in list_users(session=session)}
    submitted = state.state in (WorkflowState.SUBMITTED, WorkflowState.APPROVED)
    return SheetPage(
        ref=ref,
        status=state,
        sheet=sheet,
        findings=findings,
        actions=actions,
        comments=comments,
        can_edit=moving.editable
        and can(user, edit, ref)
        and (correction is None or correction.linked_sheet_id is None),
        can_comment=can(user, Permission.COMMENT, ref),
        can_create=can(user, Permission.CREATE, ref),
        can_view_history=can(user, Permission.VIEW_HISTORY, ref),
        error=error,
        field_paths=field_choices(sheet),
        layout=sheet_layout(sheet, figure_corrections(session=session, sheet_id=sheet_id)),
        baseline=baseline,
        changes=changes,
        notes=field_notes(
            sheet, findings=findings, changes=changes, comments=comments, names=names
        ),
        names=names,
        submission=submission_note(session=session, sheet_id=sheet_id) if submitted else None,
        returned=None if submitted else return_note(session=session, sheet_id=sheet_id),
        assignees=[
            (account.login, account.display_name or account.login)
            for account in assignable(session, ref)
        ]
        if can(user, Permission.EDIT, ref) or can(user, Permission.APPROVE, ref)
        else [],
        login=user.login,
        may_resolve_any=user.role != Role.EXPERT.value,
        correction=correction,
        correction_link=_linked_ref(session, correction),
        linked=[
            (load_ref(session, draft.sheet_id), draft)
            for draft in linked_drafts(session=session, linked_sheet_id=sheet_id)
        ],
    )


def _linked_ref(session: SessionDep, correction: CorrectionDraft | None) -> SheetRef | None:
    if correction is None or correction.linked_sheet_id is None:
        return None
    return load_ref(session, correction.linked_sheet_id)


@router.get("/sheets/{sheet_id:int}", name="staff_sheet")
def sheet_page(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    page = sheet_page_context(
        session=session,
        user=user,
        sheet_id=sheet_id,
        personnel_cost=settings.personnel_cost_per_person,
    )
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    chosen = request.query_params.get("field", "")
    if not any(key == chosen for key, _label in page.field_paths):
        chosen = ""
    if notice or chosen:
        page = SheetPage(**{**page.__dict__, "notice": notice, "comment_field": chosen})
    return render(request, templates, "staff/sheet.html", page)


def _refused(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    settings: SettingsDep,
    user: User,
    sheet_id: int,
    message: str,
) -> Response:
    # Refusals come before any write, so the page can show the message (409 Conflict).
    page = sheet_page_context(
        session=session,
        user=user,
        sheet_id=sheet_id,
        personnel_cost=settings.personnel_cost_per_person,
        error=message,
    )
    return render(request, templates, "staff/sheet.html", page, status_code=409)


NOTICES: dict[str, str] = {
    "saved": "保存しました。",
    Action.SUBMIT.value: "提出しました。",
    Action.RETURN.value: "差し戻しました。",
    Action.APPROVE.value: "承認しました。",
    Action.REOPEN.value: "作成中に戻しました。",
    "comment": "コメントを追加しました。",
    "resolved": "コメントを解決済みにしました。",
    "created": "新しいシートを作成しました。",
    "assigned": "担当を設定しました。",
    "correction": "修正案を保存しました。提出して承認されると公開版が修正されます。",
    "discarded": "修正案を取り下げました。",
    "prior": "保存しました。前のシートで公開済みの数値を変えたため、そのシートの修正案も作りました"
    "（このシートと一緒に審査されます）。",
    "done": "操作を記録しました。",
}
"""The notice after a redirect (``?notice=``), saying what just happened."""


def _done(sheet_id: int, notice: str = "done") -> Response:
    return RedirectResponse(f"/staff/sheets/{sheet_id}?notice={notice}", status_code=303)


# --- submitting: the findings first -------------------------------------------------------


@dataclass(frozen=True)
class SubmitPage:
    """The confirmation before a submission: the open findings and, with 誤り, the reason."""

    ref: SheetRef
    status: WorkflowStatus
    findings: list[Finding]
    error: str = ""
    reason: str = ""  # as typed, when the page is shown again
    correction: CorrectionDraft | None = None  # submitting a published sheet's correction

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity is Severity.ERROR]

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity.value == severity)


def _submit_page(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    settings: SettingsDep,
    sheet_id: int,
    *,
    error: str = "",
    reason: str = "",
    status_code: int = 200,
) -> Response:
    ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    correction = correction_draft(session=session, sheet_id=sheet_id)
    if correction is not None:
        sheet = correction.sheet
    page = SubmitPage(
        ref=ref,
        status=status(session=session, sheet_id=sheet_id),
        correction=correction,
        findings=check_sheet(sheet, personnel_cost_per_person=settings.personnel_cost_per_person),
        error=error,
        reason=reason,
    )
    return render(request, templates, "staff/submit.html", page, status_code=status_code)


@router.get("/sheets/{sheet_id:int}/submit", name="staff_submit_confirm")
def submit_confirmation(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """What the editor sees before submitting: every finding, 誤り first asking for a reason."""
    ensure_can(user, PERMISSIONS[Action.SUBMIT], load_ref(session, sheet_id))
    correction = correction_draft(session=session, sheet_id=sheet_id)
    state = status(session=session, sheet_id=sheet_id).state
    try:
        next_state(state if correction is None else correction.state, Action.SUBMIT)
    except TransitionError as error:
        return _refused(request, templates, session, settings, user, sheet_id, str(error))
    return _submit_page(request, templates, session, settings, sheet_id)


@router.post("/sheets/{sheet_id:int}/actions/{action}", name="staff_action")
def workflow_action(
    request: Request,
    sheet_id: int,
    action: Action,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    comment: Annotated[str, Form(max_length=5000)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    ref = load_ref(session, sheet_id)
    ensure_can(user, PERMISSIONS[action], ref)
    try:
        transition(
            session=session,
            sheet_id=sheet_id,
            action=action,
            actor=user.login,
            comment=comment,
            role=user.role,
            reason=reason,
            personnel_cost_per_person=settings.personnel_cost_per_person,
        )
    except FindingsNeedReason as error:
        # Refused before any write: the confirmation again, with the message and the input.
        return _submit_page(
            request,
            templates,
            session,
            settings,
            sheet_id,
            error=str(error),
            reason=reason,
            status_code=409,
        )
    except (TransitionError, WorkflowError) as error:
        return _refused(request, templates, session, settings, user, sheet_id, str(error))
    return _done(sheet_id, action.value)


@router.post("/sheets/{sheet_id:int}/comments", name="staff_comment")
def add_comment(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    body: Annotated[str, Form(max_length=5000)] = "",
    field_path: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    ensure_can(user, Permission.COMMENT, load_ref(session, sheet_id))
    try:
        store_comment(
            session=session,
            sheet_id=sheet_id,
            author=user.login,
            role=user.role,
            body=body,
            field_path=field_path or None,
        )
    except WorkflowError as error:
        return _refused(request, templates, session, settings, user, sheet_id, str(error))
    return _done(sheet_id, "comment")


@router.post("/sheets/{sheet_id:int}/comments/{comment_id:int}/resolve", name="staff_resolve")
def resolve(sheet_id: int, comment_id: int, user: CurrentUser, session: SessionDep) -> Response:
    ref = load_ref(session, sheet_id)
    ensure_can(user, Permission.COMMENT, ref)
    comments = list_comments(session=session, sheet_id=sheet_id)
    comment = next((item for item in comments if item.id == comment_id), None)
    if comment is None:
        raise HTTPException(status_code=404)
    if not may_resolve(user, comment.author, user.login, ref):
        raise forbidden("外部有識者は自分のコメントだけを解決済みにできます")
    try:
        resolve_comment(session=session, comment_id=comment_id, actor=user.login, role=user.role)
    except NotAllowed as error:
        raise forbidden(str(error)) from None
    return _done(sheet_id, "resolved")


@router.post("/sheets/{sheet_id:int}/correction/discard", name="staff_discard_correction")
def discard_correction(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """Withdraw the correction draft of a published sheet: the published version stays."""
    ensure_can(user, Permission.CORRECT_PUBLISHED, load_ref(session, sheet_id))
    try:
        discard_correction_draft(session=session, sheet_id=sheet_id, actor=user.login)
    except CorrectionRefused as error:
        return _refused(request, templates, session, settings, user, sheet_id, str(error))
    return _done(sheet_id, "discarded")


def _create_from(
    request: Request,
    sheet_id: int,
    user: User,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    create: Callable[..., int],
) -> Response:
    """Create a sheet version from this one (next year, next stage) and open it."""
    ensure_can(user, Permission.CREATE, load_ref(session, sheet_id))
    try:
        created = create(session=session, sheet_id=sheet_id, actor=user.login)
    except WorkflowError as error:
        return _refused(request, templates, session, settings, user, sheet_id, str(error))
    return _done(created, "created")


@router.post("/sheets/{sheet_id:int}/next-year", name="staff_next_year")
def next_year(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    return _create_from(request, sheet_id, user, session, settings, templates, create_next_year)


@router.post("/sheets/{sheet_id:int}/next-stage", name="staff_next_stage")
def next_stage(
    request: Request,
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    return _create_from(request, sheet_id, user, session, settings, templates, start_next_stage)


@router.post("/sheets/{sheet_id:int}/assign", name="staff_assign")
def assign(
    sheet_id: int,
    user: CurrentUser,
    session: SessionDep,
    assignee: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    ref = load_ref(session, sheet_id)
    if not (can(user, Permission.EDIT, ref) or can(user, Permission.APPROVE, ref)):
        raise forbidden()
    login = assignee.strip()
    if login and login not in {account.login for account in assignable(session, ref)}:
        raise forbidden(
            f"「{login}」はこのシートの担当にできません"
            "（このシートを編集できる有効なアカウントから選んでください）"
        )
    set_assignee(session=session, sheet_id=sheet_id, assignee=login, actor=user.login)
    return _done(sheet_id, "assigned")


def assignable(session: SessionDep, ref: SheetRef) -> list[User]:
    """The accounts that can be the sheet's 担当: active editors within its 部局/課 and
    active administrators (:func:`hyoka.accounts.may_be_assigned`)."""
    return [account for account in list_users(session=session) if may_be_assigned(account, ref)]


router.include_router(staff_forms.router)
router.include_router(staff_review.router)
