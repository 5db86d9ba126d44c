"""Corrections of published sheets as drafts that a reviewer approves.

A published (承認済) sheet is never changed by saving it: a save stores a *correction
draft* (``correction_drafts``, one per sheet) beside it, with the reason, and the public
keeps seeing the published revision. The draft goes through the same workflow as a sheet
(:data:`hyoka.stages.TRANSITIONS`: 作成中 → 提出済 → 承認, or 差戻し → 作成中); approving
it saves the corrected sheet as the sheet's next revision — each changed indicator figure
with its :class:`hyoka.model.Correction` — and records ``sheet.correct`` (the revision
before and after, the reason, who corrected and who approved), from which the public
correction notes are read (:mod:`hyoka.store.staff.corrections`).

A draft made by a change of a prior year's figure in another sheet's draft (next year,
next stage) is *linked* to that draft (``linked_sheet_id``) and moves with it
(:func:`move_linked_drafts`): submitted, returned, reopened and approved together.

Example::

    with transaction(engine) as session:
        save_correction_draft(session=session, sheet_id=3, sheet=corrected, base_revision=4,
                              expected_version=0, actor="sato", reason="集計誤りのため")
        move_correction_draft(session=session, sheet_id=3, action=Action.SUBMIT, actor="sato")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.corrections import with_value_corrections
from hyoka.model import Sheet
from hyoka.revisions import FieldChange, compare
from hyoka.stages import COMMENT_REQUIRED, Action, WorkflowState, next_state
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.schema.workflow import CommentRow, CorrectionDraftRow
from hyoka.store.sheets.writer import RevisionConflict, save_sheet
from hyoka.store.staff.audit import record_change
from hyoka.store.staff.refs import SheetRef, current_sheet, ref_of


class CorrectionRefused(ValueError):
    """A correction request the rules refuse; the message is for people (Japanese)."""


class CorrectionConflict(CorrectionRefused):
    """A save of a correction draft based on an older version of it than the stored one."""

    def __init__(self, expected: int, current: int, changes: list[FieldChange]) -> None:
        super().__init__(
            f"この修正案は編集中に更新されました（修正案 第{expected}版 → 第{current}版）。"
            "保存できませんでした"
        )
        self.expected = expected
        self.current = current
        self.changes = changes  # what the stored draft changes against the published sheet


@dataclass(frozen=True)
class CorrectionDraft:
    """A correction of a published sheet under review."""

    sheet_id: int
    base_revision: int  # the published revision it corrects
    version: int  # counts its saves: the optimistic lock of the edit form
    state: WorkflowState
    reason: str
    sheet: Sheet
    author: str
    updated_at: datetime
    updated_by: str
    linked_sheet_id: int | None


def correction_draft(*, session: Session, sheet_id: int) -> CorrectionDraft | None:
    """The sheet's open correction draft, or None."""
    row = _row(session, sheet_id)
    return None if row is None else _draft(row)


def save_correction_draft(
    *,
    session: Session,
    sheet_id: int,
    sheet: Sheet,
    base_revision: int,
    expected_version: int,
    actor: str,
    reason: str,
    linked_sheet_id: int | None = None,
) -> tuple[CorrectionDraft, list[FieldChange]]:
    """Store ``sheet`` as the correction draft of published sheet ``sheet_id``; the draft and
    what it changes against the published revision.

    ``expected_version`` is the draft's version the edit started from (0: no draft yet);
    another one is refused (:class:`CorrectionConflict`). A submitted draft is not edited;
    a returned one goes back to 作成中. Nothing is stored when the sheet equals the
    published revision and there was no draft.
    """
    reason = reason.strip()
    if not reason:
        raise CorrectionRefused("公開済みのシートを修正するには、修正の理由を入力してください")
    ref, published = current_sheet(session=session, sheet_id=sheet_id)
    if base_revision != ref.revision:
        raise CorrectionRefused(
            f"公開版が更新されました（第{base_revision}版 → 第{ref.revision}版）。"
            "開き直してから修正してください"
        )
    row = _row(session, sheet_id)
    current = 0 if row is None else row.version
    if expected_version != current:
        stored = [] if row is None else compare(published, Sheet.model_validate(row.document))
        raise CorrectionConflict(expected_version, current, stored)
    if row is not None and not WorkflowState(row.state).editable:
        raise CorrectionRefused("提出済の修正案は編集できません（差戻し後に編集できます）")
    changes = compare(published, sheet)
    if row is None and not changes:
        raise CorrectionRefused("公開版から変更がありません")
    now = datetime.now(UTC)
    if row is None:
        row = CorrectionDraftRow(
            sheet_id=sheet_id,
            base_revision=ref.revision,
            version=0,
            author=actor,
            linked_sheet_id=linked_sheet_id,
        )
        session.add(row)
    row.version += 1
    row.state = WorkflowState.DRAFT.value
    row.reason = reason
    row.document = sheet.model_dump(mode="json")
    row.updated_at = now
    row.updated_by = actor
    session.flush()
    record_change(
        session=session,
        actor=actor,
        action="correction.edit",
        target_sheet_id=sheet_id,
        before={"版": ref.revision, **{c.label: c.before_text for c in changes}},
        after={"修正案": row.version, **{c.label: c.after_text for c in changes}},
        reason=reason,
    )
    return _draft(row), changes


def move_correction_draft(
    *,
    session: Session,
    sheet_id: int,
    action: Action,
    actor: str,
    comment: str = "",
    role: str = "",
) -> WorkflowState:
    """Make one workflow move of the sheet's correction draft; approving applies it.

    A return needs a comment, which opens a thread on the sheet like a draft's return.
    """
    row = _row(session, sheet_id)
    if row is None:
        raise CorrectionRefused("このシートに修正案はありません")
    before = WorkflowState(row.state)
    after = next_state(before, action)
    if action in COMMENT_REQUIRED and not comment.strip():
        raise CorrectionRefused(f"「{action.label}」には理由（コメント）が必要です")
    if comment.strip():
        session.add(
            CommentRow.opened(
                sheet_id=sheet_id, revision=row.base_revision, author=actor, role=role, body=comment
            )
        )
    if after is WorkflowState.APPROVED:
        _apply(session, row, actor)
        return after
    row.state = after.value
    row.updated_at = datetime.now(UTC)
    row.updated_by = actor
    record_change(
        session=session,
        actor=actor,
        action=f"correction.{action.value}",
        target_sheet_id=sheet_id,
        before={"修正案": row.version, "状態": before.value},
        after={"修正案": row.version, "状態": after.value},
        reason=comment.strip() or row.reason,
    )
    session.flush()
    return after


def discard_correction_draft(*, session: Session, sheet_id: int, actor: str) -> None:
    """Withdraw the sheet's correction draft (not while it is submitted); recorded."""
    row = _row(session, sheet_id)
    if row is None:
        raise CorrectionRefused("このシートに修正案はありません")
    if row.linked_sheet_id is not None:
        raise CorrectionRefused(
            "この修正案は別のシートの前年度数値の修正から作られたため、そのシートと一緒に審査されます"
        )
    if not WorkflowState(row.state).editable:
        raise CorrectionRefused("提出済の修正案は取り下げられません（差戻し後にできます）")
    record_change(
        session=session,
        actor=actor,
        action="correction.discard",
        target_sheet_id=sheet_id,
        before={"修正案": row.version, "状態": row.state},
        after={"修正案": None},
        reason=row.reason,
    )
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class OpenCorrection:
    """A correction draft as lists show it: which sheet, where it is, who made it."""

    ref: SheetRef  # the published sheet it corrects
    state: WorkflowState
    author: str
    updated_at: datetime
    linked_sheet_id: int | None


def open_corrections(
    *, session: Session, state: WorkflowState | None = None, department: str | None = None
) -> list[OpenCorrection]:
    """The correction drafts (optionally in one state, of one 部局), oldest change first,
    without their documents: the review dashboard's 「審査待ちの修正」."""
    query = select(CorrectionDraftRow, SheetRow).join(
        SheetRow, SheetRow.id == CorrectionDraftRow.sheet_id
    )
    if state is not None:
        query = query.where(CorrectionDraftRow.state == state.value)
    if department is not None:
        query = query.where(SheetRow.department == department)
    query = query.order_by(CorrectionDraftRow.updated_at, CorrectionDraftRow.id)
    return [
        OpenCorrection(
            ref=ref_of(sheet),
            state=WorkflowState(row.state),
            author=row.author,
            updated_at=row.updated_at,
            linked_sheet_id=row.linked_sheet_id,
        )
        for row, sheet in session.execute(query)
    ]


def discard_linked_draft(*, session: Session, sheet_id: int, actor: str) -> None:
    """Remove a linked draft whose figures its draft no longer changes; recorded."""
    row = _row(session, sheet_id)
    if row is None or row.linked_sheet_id is None:
        return
    record_change(
        session=session,
        actor=actor,
        action="correction.discard",
        target_sheet_id=sheet_id,
        before={"修正案": row.version, "状態": row.state},
        after={"修正案": None},
        reason="前年度数値の変更が取り消されたため",
    )
    session.delete(row)
    session.flush()


def linked_drafts(*, session: Session, linked_sheet_id: int) -> list[CorrectionDraft]:
    """The correction drafts that a change of prior-year figures in sheet ``linked_sheet_id``
    made (on earlier published sheets of the same program)."""
    rows = session.scalars(
        select(CorrectionDraftRow)
        .where(CorrectionDraftRow.linked_sheet_id == linked_sheet_id)
        .order_by(CorrectionDraftRow.sheet_id)
    )
    return [_draft(row) for row in rows]


def move_linked_drafts(
    *, session: Session, linked_sheet_id: int, action: Action, actor: str, role: str = ""
) -> None:
    """Move the drafts linked to sheet ``linked_sheet_id`` with it (same action)."""
    for draft in linked_drafts(session=session, linked_sheet_id=linked_sheet_id):
        if (draft.state, action) == (WorkflowState.DRAFT, Action.REOPEN):
            continue
        move_correction_draft(
            session=session,
            sheet_id=draft.sheet_id,
            action=action,
            actor=actor,
            role=role,
        )


def _apply(session: Session, row: CorrectionDraftRow, actor: str) -> None:
    ref, published = current_sheet(session=session, sheet_id=row.sheet_id)
    sheet = Sheet.model_validate(row.document)
    changes = compare(published, sheet)
    sheet = with_value_corrections(sheet, changes, row.reason)
    try:
        saved = save_sheet(
            session=session,
            sheet=sheet,
            source=f"staff:{row.author}",
            expected_revision=row.base_revision,
        )
    except RevisionConflict:
        raise CorrectionRefused(
            f"公開版が修正案の作成後に更新されました（第{row.base_revision}版 → 第{ref.revision}版）。"
            "修正案を差し戻し、最新の公開版から作り直してください"
        ) from None
    record_change(
        session=session,
        actor=actor,
        action="sheet.correct",
        target_sheet_id=row.sheet_id,
        before={"版": row.base_revision, **{c.label: c.before_text for c in changes}},
        after={
            "版": saved.revision,
            **{c.label: c.after_text for c in changes},
            "修正者": row.author,
            "承認者": actor,
        },
        reason=row.reason,
    )
    if row.linked_sheet_id is not None:
        # The draft whose prior-year figures this was: its public notes list them too.
        record_change(
            session=session,
            actor=actor,
            action="sheet.correct_prior",
            target_sheet_id=row.linked_sheet_id,
            before={"シート": row.sheet_id, "修正前の版": row.base_revision},
            after={"シート": row.sheet_id, "修正後の版": saved.revision},
            reason=row.reason,
        )
    where = ("部局", "department"), ("課・室", "section")
    if any(getattr(published.header, key) != getattr(sheet.header, key) for _, key in where):
        record_change(  # an admin's move (only admins may save one), now published
            session=session,
            actor=row.author,
            action="sheet.move",
            target_sheet_id=row.sheet_id,
            before={label: getattr(published.header, key) for label, key in where},
            after={label: getattr(sheet.header, key) for label, key in where},
            reason=row.reason,
        )
    session.delete(row)
    session.flush()


def _row(session: Session, sheet_id: int) -> CorrectionDraftRow | None:
    return session.scalars(
        select(CorrectionDraftRow).where(CorrectionDraftRow.sheet_id == sheet_id)
    ).one_or_none()


def _draft(row: CorrectionDraftRow) -> CorrectionDraft:
    return CorrectionDraft(
        sheet_id=row.sheet_id,
        base_revision=row.base_revision,
        version=row.version,
        state=WorkflowState(row.state),
        reason=row.reason,
        sheet=Sheet.model_validate(row.document),
        author=row.author,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        linked_sheet_id=row.linked_sheet_id,
    )
