"""The review workflow in the store: states, edits with corrections, next stage and year.

Every function takes the caller's session and changes nothing outside its transaction;
every change is recorded with :func:`hyoka.store.staff.audit.record_change` in the same
transaction. Who may call what is the caller's check (``hyoka.accounts.can`` with
:data:`hyoka.stages.PERMISSIONS`); the allowed moves are :data:`hyoka.stages.TRANSITIONS`.

Example::

    with transaction(engine) as session:
        save_edit(session=session, sheet_id=3, sheet=edited, expected_revision=2, actor="sato")
        transition(session=session, sheet_id=3, action=Action.SUBMIT, actor="sato")

A submission of a sheet with a 誤り finding (``hyoka.rules.check_sheet``, severity ERROR)
needs the editor's reason (:class:`FindingsNeedReason`); the reason and the 誤り are
recorded in the audit entry and read back by :func:`submission_note` for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.corrections import prior_year_changes, sheet_label, with_figures, with_value_corrections
from hyoka.display import year_short
from hyoka.model import Sheet
from hyoka.revisions import FieldChange, compare
from hyoka.rules import DEFAULT_PERSONNEL_COST_PER_PERSON, Finding, Severity, check_sheet
from hyoka.stages import (
    COMMENT_REQUIRED,
    DEFAULT_STATE,
    Action,
    TransitionError,
    WorkflowState,
    next_stage_sheet,
    next_state,
    next_year_sheet,
)
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.schema.workflow import CommentRow, WorkflowRow
from hyoka.store.sheets.writer import SaveResult, save_sheet
from hyoka.store.staff.audit import list_changes, record_change
from hyoka.store.staff.baseline import Baseline, review_baseline
from hyoka.store.staff.correction_drafts import (
    CorrectionConflict,
    CorrectionDraft,
    CorrectionRefused,
    correction_draft,
    discard_linked_draft,
    move_correction_draft,
    move_linked_drafts,
    save_correction_draft,
)
from hyoka.store.staff.refs import SheetRef, current_sheet, ref_of, sheet_ref

ADMIN_ROLE = "admin"
"""``hyoka.accounts.Role.ADMIN`` (the store sits below the accounts): who moves sheets."""


class WorkflowError(ValueError):
    """A workflow request the rules refuse; the message is for people (Japanese)."""


class MoveRefused(WorkflowError):
    """A save that would move the sheet to another 部局/課 by someone who may not.

    ``field`` is the form field it concerns (``department`` or ``section``).
    """

    def __init__(self, field: str) -> None:
        label = "部局" if field == "department" else "課・室"
        super().__init__(
            f"{label}を変更できるのは管理者だけです（元の{label}のまま保存してください）"
        )
        self.field = field


class ReasonRequired(WorkflowError):
    """A change to a published (approved) sheet without a reason."""

    def __init__(self, changes: list[FieldChange], message: str = "") -> None:
        super().__init__(message or "公開済みのシートを修正するには、修正の理由を入力してください")
        self.changes = changes


class PriorFiguresNeedReason(ReasonRequired):
    """A draft that changes figures an earlier published sheet printed (a prior year's
    決算額, 実績, …) without a reason: that is a correction of the published figures."""

    def __init__(self, changes: list[FieldChange], published_in: str) -> None:
        listed = "、".join(change.label for change in changes[:3])
        more = f"ほか{len(changes) - 3}件" if len(changes) > 3 else ""
        super().__init__(
            changes,
            f"{published_in}で公開済みの数値（{listed}{more}）を変更しています。"
            "公開済みの数値の修正になるため、修正の理由を入力してください",
        )


class FindingsNeedReason(WorkflowError):
    """A submission of a sheet with 誤り findings without the editor's reason."""

    def __init__(self, errors: list[Finding]) -> None:
        super().__init__(
            f"このシートには誤りが{len(errors)}件あります。"
            "誤りを直すか、誤りのまま提出する理由を入力してください"
        )
        self.errors = errors


@dataclass(frozen=True)
class SubmissionNote:
    """What the editor said when submitting a revision: the reason and the 誤り it had."""

    revision: int
    actor: str
    at: datetime
    reason: str
    errors: list[dict[str, str]]


@dataclass(frozen=True)
class WorkflowStatus:
    sheet: SheetRef
    state: WorkflowState
    assignee: str | None
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True)
class EditResult:
    """What a save did: a new revision (``saved``), or, for a published sheet, its
    correction draft (``correction``; the published revision is unchanged)."""

    saved: SaveResult | None
    changes: list[FieldChange]
    state: WorkflowState
    correction: CorrectionDraft | None = None
    # Figures of earlier published sheets this draft corrects (see PriorFiguresNeedReason).
    prior_changes: list[FieldChange] = field(default_factory=list)


def status(*, session: Session, sheet_id: int) -> WorkflowStatus:
    ref = sheet_ref(session=session, sheet_id=sheet_id)
    row = workflow_row(session, sheet_id)
    return _status(ref, row)


def list_statuses(
    *, session: Session, department: str | None = None, section: str | None = None
) -> list[WorkflowStatus]:
    """Every sheet version with its state, newest year first, optionally one 部局/課."""
    query = select(SheetRow, WorkflowRow).outerjoin(
        WorkflowRow, WorkflowRow.sheet_id == SheetRow.id
    )
    if department is not None:
        query = query.where(SheetRow.department == department)
    if section is not None:
        query = query.where(SheetRow.section == section)
    query = query.order_by(SheetRow.fiscal_year.desc(), SheetRow.program_number, SheetRow.id)
    return [_status(ref_of(sheet), workflow) for sheet, workflow in session.execute(query)]


def transition(
    *,
    session: Session,
    sheet_id: int,
    action: Action,
    actor: str,
    comment: str = "",
    role: str = "",
    reason: str = "",
    personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON,
) -> WorkflowState:
    """Make one workflow move; a return needs a comment, which opens a thread.

    A submission checks the sheet (``hyoka.rules.check_sheet``): with any 誤り it is refused
    (:class:`FindingsNeedReason`) unless ``reason`` says why it goes as it is. The reason is
    the audit entry's reason and the 誤り are listed in its ``after`` (``誤り``).
    """
    ref = sheet_ref(session=session, sheet_id=sheet_id)
    row = workflow_row(session, sheet_id)
    before = DEFAULT_STATE if row is None else WorkflowState(row.state)
    if before.published:
        return _move_correction(
            session, sheet_id, action, actor, comment=comment, role=role, reason=reason
        )
    after = next_state(before, action)
    if action in COMMENT_REQUIRED and not comment.strip():
        raise WorkflowError(f"「{action.label}」には理由（コメント）が必要です")
    reason = reason.strip()
    noted: dict[str, object] = {}
    if action is Action.SUBMIT:
        errors = submission_errors(
            session=session, sheet_id=sheet_id, personnel_cost_per_person=personnel_cost_per_person
        )
        if errors and not reason:
            raise FindingsNeedReason(errors)
        if errors:
            noted["誤り"] = [_error_entry(finding) for finding in errors]
    _set_state(session, sheet_id, after, actor, row=row)
    try:
        move_linked_drafts(
            session=session, linked_sheet_id=sheet_id, action=action, actor=actor, role=role
        )
    except (CorrectionRefused, TransitionError) as error:
        raise WorkflowError(f"前年度のシートの修正：{error}") from None
    if comment.strip():
        session.add(
            CommentRow.opened(
                sheet_id=sheet_id, revision=ref.revision, author=actor, role=role, body=comment
            )
        )
    record_change(
        session=session,
        actor=actor,
        action=f"sheet.{action.value}",
        target_sheet_id=sheet_id,
        before={"状態": before.value, "版": ref.revision},
        after={"状態": after.value, "版": ref.revision, **noted},
        reason=reason or comment.strip(),
    )
    return after


def _move_correction(
    session: Session,
    sheet_id: int,
    action: Action,
    actor: str,
    *,
    comment: str,
    role: str,
    reason: str,
) -> WorkflowState:
    """A workflow move of a published sheet is a move of its correction draft."""
    draft = correction_draft(session=session, sheet_id=sheet_id)
    if draft is None:
        raise TransitionError(WorkflowState.APPROVED, action)
    if draft.linked_sheet_id is not None:
        linked = sheet_ref(session=session, sheet_id=draft.linked_sheet_id)
        raise WorkflowError(
            "この修正案は"
            f"{year_short(linked.fiscal_year)}{linked.stage.value}のシートの前年度数値の修正から"
            "作られたため、そのシートと一緒に提出・審査されます"
        )
    if action is Action.SUBMIT:
        errors = [
            finding for finding in check_sheet(draft.sheet) if finding.severity is Severity.ERROR
        ]
        if errors and not reason.strip():
            raise FindingsNeedReason(errors)
    try:
        return move_correction_draft(
            session=session,
            sheet_id=sheet_id,
            action=action,
            actor=actor,
            comment=comment,
            role=role,
        )
    except CorrectionRefused as error:
        raise WorkflowError(str(error)) from None


def submission_errors(
    *,
    session: Session,
    sheet_id: int,
    personnel_cost_per_person: int = DEFAULT_PERSONNEL_COST_PER_PERSON,
) -> list[Finding]:
    """The 誤り (ERROR) findings of the sheet's current version: what a submission must explain."""
    _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    findings = check_sheet(sheet, personnel_cost_per_person=personnel_cost_per_person)
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def submission_note(*, session: Session, sheet_id: int) -> SubmissionNote | None:
    """The editor's reason for submitting the current revision with 誤り, if one was given."""
    ref = sheet_ref(session=session, sheet_id=sheet_id)
    latest = list_changes(
        session=session, target_sheet_id=sheet_id, action=f"sheet.{Action.SUBMIT.value}", limit=1
    )
    if not latest:
        return None
    (change,) = latest
    after = change.after if isinstance(change.after, dict) else {}
    if after.get("版") != ref.revision or not change.reason:
        return None
    errors = after.get("誤り") or []
    return SubmissionNote(
        revision=ref.revision,
        actor=change.actor,
        at=change.at,
        reason=change.reason,
        errors=[dict(item) for item in errors if isinstance(item, dict)],
    )


@dataclass(frozen=True)
class ReturnNote:
    """Why the sheet was sent back: the reviewer's reason, shown until it is resubmitted."""

    actor: str
    at: datetime
    reason: str


def return_note(*, session: Session, sheet_id: int) -> ReturnNote | None:
    """The latest 差戻し's reason while it is unresolved: the sheet is 差戻し (or reopened
    to 作成中 after it) and has not been submitted since. None otherwise."""
    state = status(session=session, sheet_id=sheet_id).state
    if state not in (WorkflowState.RETURNED, WorkflowState.DRAFT):
        return None
    moves = {f"sheet.{Action.RETURN.value}", f"sheet.{Action.SUBMIT.value}"}
    for change in list_changes(session=session, target_sheet_id=sheet_id, action="sheet."):
        if change.action in moves:
            if change.action != f"sheet.{Action.RETURN.value}":
                return None
            return ReturnNote(actor=change.actor, at=change.at, reason=change.reason)
    return None


def _error_entry(finding: Finding) -> dict[str, str]:
    return {
        "コード": finding.code,
        "箇所": finding.location.label,
        "内容": finding.message,
    }


def save_edit(
    *,
    session: Session,
    sheet_id: int,
    sheet: Sheet,
    expected_revision: int,
    actor: str,
    reason: str = "",
    action: str = "",
    role: str = "",
    expected_correction: int = 0,
) -> EditResult:
    """Save an edited sheet on top of ``expected_revision``.

    Refused: a submitted sheet (under review), a key change (事業番号, year, stage), a
    change to a published sheet without ``reason`` (:class:`ReasonRequired`), and a save
    based on an old revision (:class:`hyoka.store.sheets.writer.RevisionConflict`). A
    published sheet is not changed: the save is its correction draft
    (:mod:`hyoka.store.staff.correction_drafts`; ``expected_correction`` is the draft's
    version the edit started from), which a reviewer approves. A draft that changes a
    figure of an earlier year that the program's earlier published sheet printed needs a
    reason (:class:`PriorFiguresNeedReason`): the figure gets a correction note, and the
    earlier sheet a correction draft linked to this one, approved with it. A returned
    sheet goes back to 作成中. ``action`` names the audit entry when it is not a form edit (``sheet.upload``).
    A change of 部局 or 課 is refused (:class:`MoveRefused`) unless ``role`` — the saving
    account's role — is ``admin``, so no caller moves a sheet out of an editor's scope;
    the move gets its own audit entry ``sheet.move`` with the 部局・課 before and after.
    """
    ref, current = current_sheet(session=session, sheet_id=sheet_id)
    if sheet.key != current.key:
        raise WorkflowError("事業番号・年度・段階は編集では変更できません")
    moved = (sheet.header.department, sheet.header.section) != (
        current.header.department,
        current.header.section,
    )
    if moved and role != ADMIN_ROLE:
        same = sheet.header.department == current.header.department
        raise MoveRefused("section" if same else "department")
    row = workflow_row(session, sheet_id)
    state = DEFAULT_STATE if row is None else WorkflowState(row.state)
    if not state.editable:
        raise WorkflowError("提出済のシートは編集できません（差戻し後に編集できます）")
    reason = reason.strip()
    if state.published:
        return _save_correction(
            session, ref, current, sheet, expected_correction, actor=actor, reason=reason
        )
    changes = compare(current, sheet)
    prior = _prior_figures(session, sheet_id, sheet)
    if prior is not None and prior[1] and not reason:
        raise PriorFiguresNeedReason(prior[1], sheet_label(prior[0].stored.sheet))
    if prior is not None and prior[1]:
        sheet = with_value_corrections(
            sheet, prior[1], reason, noted_in=sheet_label(prior[0].stored.sheet)
        )
    saved = save_sheet(
        session=session, sheet=sheet, source=f"staff:{actor}", expected_revision=expected_revision
    )
    if prior is not None:
        _link_prior_correction(session, sheet_id, prior, actor=actor, reason=reason)
    prior_changes = [] if prior is None else prior[1]
    if not saved.changed:
        return EditResult(saved=saved, changes=[], state=state, prior_changes=prior_changes)
    if state is WorkflowState.RETURNED:
        state = WorkflowState.DRAFT
    _set_state(session, sheet_id, state, actor, row=row)
    record_change(
        session=session,
        actor=actor,
        action=action or "sheet.edit",
        target_sheet_id=sheet_id,
        before={"版": ref.revision, **{c.label: c.before_text for c in changes}},
        after={"版": saved.revision, **{c.label: c.after_text for c in changes}},
        reason=reason,
    )
    if moved:
        record_change(
            session=session,
            actor=actor,
            action="sheet.move",
            target_sheet_id=sheet_id,
            before={"部局": current.header.department, "課・室": current.header.section},
            after={"部局": sheet.header.department, "課・室": sheet.header.section},
            reason=reason,
        )
    return EditResult(saved=saved, changes=changes, state=state, prior_changes=prior_changes)


def _save_correction(
    session: Session,
    ref: SheetRef,
    published: Sheet,
    sheet: Sheet,
    expected_correction: int,
    *,
    actor: str,
    reason: str,
) -> EditResult:
    """A save of a published sheet: its correction draft (the public keeps the published
    revision until a reviewer approves the draft)."""
    changes = compare(published, sheet)
    if not changes and correction_draft(session=session, sheet_id=ref.id) is None:
        return EditResult(saved=None, changes=[], state=WorkflowState.APPROVED)  # nothing to do
    if not reason:
        raise ReasonRequired(changes)
    try:
        draft, changes = save_correction_draft(
            session=session,
            sheet_id=ref.id,
            sheet=sheet,
            base_revision=ref.revision,
            expected_version=expected_correction,
            actor=actor,
            reason=reason,
        )
    except CorrectionConflict:
        raise  # the form shows what the stored draft changes
    except CorrectionRefused as error:
        raise WorkflowError(str(error)) from None
    return EditResult(saved=None, changes=changes, state=WorkflowState.APPROVED, correction=draft)


Prior = tuple[Baseline, list[FieldChange]]


def _prior_figures(session: Session, sheet_id: int, sheet: Sheet) -> Prior | None:
    """The earlier published sheet of the program this draft continues, and the figures
    of earlier years it printed that the draft changes; None when there is none."""
    baseline = review_baseline(session=session, sheet_id=sheet_id)
    if baseline is None or baseline.same_sheet:
        return None
    return baseline, prior_year_changes(baseline.stored.sheet, sheet)


def prior_figure_changes(*, session: Session, sheet_id: int, sheet: Sheet) -> list[FieldChange]:
    """The figures of earlier years that the program's earlier published sheet printed and
    ``sheet`` (the draft ``sheet_id`` as edited) changes: what needs a correction reason."""
    prior = _prior_figures(session, sheet_id, sheet)
    return [] if prior is None else prior[1]


def _link_prior_correction(
    session: Session, sheet_id: int, prior: Prior, *, actor: str, reason: str
) -> None:
    """Keep the earlier sheet's correction draft in step with the draft's prior-year figures:
    the published figures with the draft's changes, linked to the draft; none when the
    draft changes none of them."""
    baseline, changes = prior
    target = baseline.ref.id
    existing = correction_draft(session=session, sheet_id=target)
    if existing is not None and existing.linked_sheet_id != sheet_id:
        if changes:
            raise WorkflowError(
                f"{sheet_label(baseline.stored.sheet)}には別の修正案があるため、"
                "その数値はこのシートから修正できません（先にその修正案を承認または取り下げてください）"
            )
        return
    if not changes:
        if existing is not None:
            discard_linked_draft(session=session, sheet_id=target, actor=actor)
        return
    if existing is not None and existing.state is WorkflowState.SUBMITTED:
        return  # it moves with this draft, which is not editable while submitted either
    corrected = with_figures(baseline.stored.sheet, changes)
    try:
        save_correction_draft(
            session=session,
            sheet_id=target,
            sheet=corrected,
            base_revision=baseline.revision,
            expected_version=0 if existing is None else existing.version,
            actor=actor,
            reason=reason,
            linked_sheet_id=sheet_id,
        )
    except CorrectionRefused as error:
        raise WorkflowError(f"{sheet_label(baseline.stored.sheet)}の修正：{error}") from None


def start_next_stage(*, session: Session, sheet_id: int, actor: str) -> int:
    """Create the next stage's version from this approved one; its id."""
    ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    state = status(session=session, sheet_id=sheet_id).state
    if not state.published:
        raise WorkflowError("承認済の段階からだけ次の段階を始められます")
    try:
        following = next_stage_sheet(sheet)
    except ValueError as error:
        raise WorkflowError(str(error)) from None
    return _create(session, following, actor, action="sheet.next_stage", origin=ref)


def create_next_year(*, session: Session, sheet_id: int, actor: str) -> int:
    """Create next fiscal year's 当初要求 from this sheet (structure and history); its id."""
    ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    return _create(session, next_year_sheet(sheet), actor, action="sheet.next_year", origin=ref)


def set_assignee(*, session: Session, sheet_id: int, assignee: str | None, actor: str) -> None:
    row = workflow_row(session, sheet_id)
    before = None if row is None else row.assignee
    state = DEFAULT_STATE if row is None else WorkflowState(row.state)
    row = _set_state(session, sheet_id, state, actor, row=row)
    row.assignee = assignee or None
    record_change(
        session=session,
        actor=actor,
        action="sheet.assign",
        target_sheet_id=sheet_id,
        before={"担当": before},
        after={"担当": row.assignee},
    )


def create_sheet(
    *, session: Session, sheet: Sheet, actor: str, action: str = "sheet.create"
) -> int:
    """Store a sheet of a new program (or one uploaded) as a 作成中 draft; its id.

    Refused (:class:`WorkflowError`) when a sheet with the same 事業番号, year and stage exists.
    """
    _ensure_new(session, sheet, named=True)
    after: dict[str, object] = {
        "事業番号": sheet.header.program_number,
        "事業名": sheet.header.program_name,
    }
    return _store_draft(
        session, sheet, actor, source=f"staff:{actor}", action=action, before=None, after=after
    )


def _ensure_new(session: Session, sheet: Sheet, *, named: bool = False) -> None:
    program_number, fiscal_year, stage = sheet.key
    if session.scalars(
        select(SheetRow.id).where(
            SheetRow.program_number == program_number,
            SheetRow.fiscal_year == fiscal_year,
            SheetRow.stage == stage.value,
        )
    ).first():
        number = f"事業番号 {program_number} の" if named else ""
        raise WorkflowError(f"{number}{year_short(fiscal_year)}{stage.value}のシートは既にあります")


def _create(session: Session, sheet: Sheet, actor: str, *, action: str, origin: SheetRef) -> int:
    _ensure_new(session, sheet)
    return _store_draft(
        session,
        sheet,
        actor,
        source=f"staff:{actor}:from:{origin.id}",
        action=action,
        before={"元のシート": origin.id, "年度": origin.fiscal_year, "段階": origin.stage.value},
        after={},
        note_revision=False,
    )


def _store_draft(
    session: Session,
    sheet: Sheet,
    actor: str,
    *,
    source: str,
    action: str,
    before: dict[str, object] | None,
    after: dict[str, object],
    note_revision: bool = True,
) -> int:
    """Save a sheet that did not exist as a 作成中 draft and record it; its id."""
    saved = save_sheet(session=session, sheet=sheet, source=source)
    _set_state(session, saved.sheet_id, WorkflowState.DRAFT, actor, row=None)
    _program_number, fiscal_year, stage = sheet.key
    noted = {**after, "年度": fiscal_year, "段階": stage.value, "状態": WorkflowState.DRAFT.value}
    if note_revision:
        noted["版"] = saved.revision
    record_change(
        session=session,
        actor=actor,
        action=action,
        target_sheet_id=saved.sheet_id,
        before=before,
        after=noted,
    )
    return saved.sheet_id


def workflow_row(session: Session, sheet_id: int) -> WorkflowRow | None:
    return session.scalars(
        select(WorkflowRow).where(WorkflowRow.sheet_id == sheet_id)
    ).one_or_none()


def _set_state(
    session: Session, sheet_id: int, state: WorkflowState, actor: str, *, row: WorkflowRow | None
) -> WorkflowRow:
    if row is None:
        row = WorkflowRow(sheet_id=sheet_id, assignee=None)
        session.add(row)
    row.state = state.value
    row.updated_at = datetime.now(UTC)
    row.updated_by = actor
    session.flush()
    return row


def _status(ref: SheetRef, row: WorkflowRow | None) -> WorkflowStatus:
    if row is None:
        return WorkflowStatus(ref, DEFAULT_STATE, None, None, None)
    return WorkflowStatus(
        ref, WorkflowState(row.state), row.assignee, row.updated_at, row.updated_by
    )
