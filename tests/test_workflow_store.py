"""The review workflow in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from hyoka.model import Correction, Sheet, Stage
from hyoka.stages import Action, TransitionError, WorkflowState
from hyoka.store import load_sheet, save_sheet, sheet_history, transaction
from hyoka.store.sheets.writer import RevisionConflict
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.refs import current_sheet
from hyoka.store.staff.review import (
    NotAllowed,
    add_comment,
    list_comments,
    resolve_comment,
    review_dashboard,
    set_deadline,
)
from hyoka.store.staff.workflow import (
    FindingsNeedReason,
    MoveRefused,
    ReasonRequired,
    WorkflowError,
    create_next_year,
    save_edit,
    set_assignee,
    start_next_stage,
    status,
    submission_note,
    transition,
)
from sheets import other_sheet, sample_sheet


def _store(engine: Engine, sheet: Sheet) -> int:
    with transaction(engine) as session:
        return save_sheet(session=session, sheet=sheet).sheet_id


def _draft(engine: Engine) -> int:
    """A draft sheet: next year's, created from the stored seed sheet."""
    origin = _store(engine, sample_sheet())
    with transaction(engine) as session:
        return create_next_year(session=session, sheet_id=origin, actor="sato")


def _edit(engine: Engine, sheet_id: int, change: str, *, expected: int, actor: str) -> None:
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        if change == "purpose":
            sheet.purpose = f"{actor}が書いた目的"
        else:
            sheet.costs[0].initial_budget = 123_456
        save_edit(
            session=session, sheet_id=sheet_id, sheet=sheet, expected_revision=expected, actor=actor
        )


def test_a_sheet_goes_through_review_and_every_move_is_recorded(engine: Engine) -> None:
    sheet_id = _draft(engine)
    with transaction(engine) as session:
        assert status(session=session, sheet_id=sheet_id).state is WorkflowState.DRAFT
        transition(session=session, sheet_id=sheet_id, action=Action.SUBMIT, actor="sato")
        with pytest.raises(WorkflowError, match="理由"):
            transition(session=session, sheet_id=sheet_id, action=Action.RETURN, actor="kato")
        transition(
            session=session,
            sheet_id=sheet_id,
            action=Action.RETURN,
            actor="kato",
            comment="成果指標の目標値を入れてください",
        )
    _edit(engine, sheet_id, "purpose", expected=1, actor="sato")
    with transaction(engine) as session:
        assert status(session=session, sheet_id=sheet_id).state is WorkflowState.DRAFT
        transition(session=session, sheet_id=sheet_id, action=Action.SUBMIT, actor="sato")
        with pytest.raises(WorkflowError, match="提出済"):
            _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
            save_edit(
                session=session, sheet_id=sheet_id, sheet=sheet, expected_revision=2, actor="sato"
            )
        transition(session=session, sheet_id=sheet_id, action=Action.APPROVE, actor="kato")
        with pytest.raises(TransitionError):
            transition(session=session, sheet_id=sheet_id, action=Action.SUBMIT, actor="sato")
        actions = [c.action for c in list_changes(session=session, target_sheet_id=sheet_id)]
        comments = list_comments(session=session, sheet_id=sheet_id)
    assert actions[::-1] == [
        "sheet.next_year",
        "sheet.submit",
        "sheet.return",
        "sheet.edit",
        "sheet.submit",
        "sheet.approve",
    ]
    assert [(c.author, c.body) for c in comments] == [("kato", "成果指標の目標値を入れてください")]


def test_the_later_of_two_saves_is_refused_with_what_changed(engine: Engine) -> None:
    sheet_id = _draft(engine)
    _edit(engine, sheet_id, "purpose", expected=1, actor="sato")
    with pytest.raises(RevisionConflict) as refused:
        _edit(engine, sheet_id, "budget", expected=1, actor="suzuki")
    conflict = refused.value
    assert (conflict.expected, conflict.current) == (1, 2)
    assert [str(change) for change in conflict.changes] == [
        f"2 事業目的: {sample_sheet().purpose} → satoが書いた目的"
    ]
    # Nothing of the refused save was written; redone on the current revision, both stay.
    _edit(engine, sheet_id, "budget", expected=2, actor="suzuki")
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        history = sheet_history(
            session=session, program_number="07 01 01", fiscal_year=2024, stage=sheet.header.stage
        )
    assert sheet.purpose == "satoが書いた目的" and sheet.costs[0].initial_budget == 123_456
    assert [revision.revision for revision in history] == [1, 2, 3]


def test_a_published_figure_changes_only_with_a_reason_and_notes_the_correction(
    engine: Engine,
) -> None:
    sheet_id = _store(engine, sample_sheet())  # imported: published
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    sheet.indicators[0].values[3].value = Decimal(8)  # ②-1 令和5年度 実績 7 → 8
    sheet.costs[0].settlement = 206_000
    with transaction(engine) as session, pytest.raises(ReasonRequired) as refused:
        save_edit(session=session, sheet_id=sheet_id, sheet=sheet, expected_revision=1, actor="a")
    assert len(refused.value.changes) == 2
    with transaction(engine) as session:
        result = save_edit(
            session=session,
            sheet_id=sheet_id,
            sheet=sheet,
            expected_revision=1,
            actor="sato",
            reason="集計誤り",
        )
        assert result.state is WorkflowState.APPROVED
        assert result.saved is None and result.correction is not None
        # A correction draft: the published version is unchanged until it is approved.
        unchanged = load_sheet(
            session=session, program_number="07 01 01", fiscal_year=2023, stage=Stage.REVIEW
        )
        assert unchanged == sample_sheet()
        assert list_changes(session=session, target_sheet_id=sheet_id, action="sheet.correct") == []
        for action, actor in ((Action.SUBMIT, "sato"), (Action.APPROVE, "reviewer")):
            transition(session=session, sheet_id=sheet_id, action=action, actor=actor)
        stored = load_sheet(
            session=session, program_number="07 01 01", fiscal_year=2023, stage=Stage.REVIEW
        )
        logged = list_changes(session=session, target_sheet_id=sheet_id, action="sheet.correct")
    assert stored is not None
    assert stored.indicators[0].values[3].corrections == [
        Correction(
            before=Decimal(7), after=Decimal(8), reason="集計誤り", noted_in="R5年度点検のシート"
        )
    ]
    # The earlier correction of ②-2 stays as it was.
    assert (
        stored.indicators[1].values[1].corrections
        == sample_sheet().indicators[1].values[1].corrections
    )
    assert stored.costs[0].settlement == 206_000
    [change] = logged
    assert (change.actor, change.reason) == ("reviewer", "集計誤り")
    assert change.after["修正者"] == "sato"
    assert change.before["事業コスト 令和5年度 決算額"] == "206,709"
    assert change.after["事業コスト 令和5年度 決算額"] == "206,000"


def _with_errors(engine: Engine, sheet_id: int) -> None:
    """Give the draft two 誤り: 合計 ≠ the sum of its parts, and 一般財源 above 合計."""
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        row = sheet.costs[0]
        row.carried_over, row.initial_budget, row.supplementary = 0, 1_000, 0
        row.total, row.general_revenue = 900, 950
        save_edit(
            session=session,
            sheet_id=sheet_id,
            sheet=sheet,
            expected_revision=ref.revision,
            actor="sato",
        )


def test_a_sheet_with_errors_is_submitted_only_with_a_reason(engine: Engine) -> None:
    sheet_id = _draft(engine)
    _with_errors(engine, sheet_id)
    with transaction(engine) as session:
        with pytest.raises(FindingsNeedReason, match="誤りが2件") as refused:
            transition(
                session=session, sheet_id=sheet_id, action=Action.SUBMIT, actor="sato", reason=" "
            )
        assert {finding.code for finding in refused.value.errors} == {
            "budget.total_mismatch",
            "budget.general_revenue_exceeds_total",
        }
        assert status(session=session, sheet_id=sheet_id).state is WorkflowState.DRAFT
        assert submission_note(session=session, sheet_id=sheet_id) is None
    with transaction(engine) as session:
        transition(
            session=session,
            sheet_id=sheet_id,
            action=Action.SUBMIT,
            actor="sato",
            reason="補正予算の内訳は財政課の確定待ちです",
        )
        assert status(session=session, sheet_id=sheet_id).state is WorkflowState.SUBMITTED
        [change] = list_changes(session=session, target_sheet_id=sheet_id, action="sheet.submit")
        note = submission_note(session=session, sheet_id=sheet_id)
    assert change.reason == "補正予算の内訳は財政課の確定待ちです"
    assert [item["コード"] for item in change.after["誤り"]] == [
        "budget.total_mismatch",
        "budget.general_revenue_exceeds_total",
    ]
    assert all(item["内容"] and item["箇所"] for item in change.after["誤り"])
    assert note is not None and note.reason == change.reason and len(note.errors) == 2


def test_a_sheet_without_errors_is_submitted_without_a_reason(engine: Engine) -> None:
    sheet_id = _draft(engine)
    with transaction(engine) as session:
        transition(session=session, sheet_id=sheet_id, action=Action.SUBMIT, actor="sato")
        [change] = list_changes(session=session, target_sheet_id=sheet_id, action="sheet.submit")
        assert status(session=session, sheet_id=sheet_id).state is WorkflowState.SUBMITTED
    assert change.reason == "" and "誤り" not in change.after


def test_next_year_and_next_stage_are_created_once_as_drafts(engine: Engine) -> None:
    sheet_id = _draft(engine)
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        assert (ref.fiscal_year, ref.stage) == (2024, Stage.INITIAL_REQUEST)
        assert sheet.indicators[1].values[1].corrections  # history carried over
        with pytest.raises(WorkflowError, match="既に"):
            create_next_year(session=session, sheet_id=sheet_id - 0 - 1, actor="sato")
        with pytest.raises(WorkflowError, match="承認済"):
            start_next_stage(session=session, sheet_id=sheet_id, actor="sato")
        transition(session=session, sheet_id=sheet_id, action=Action.SUBMIT, actor="sato")
        transition(session=session, sheet_id=sheet_id, action=Action.APPROVE, actor="kato")
        budget_id = start_next_stage(session=session, sheet_id=sheet_id, actor="sato")
        budget_ref, budget = current_sheet(session=session, sheet_id=budget_id)
        assert budget_ref.stage is Stage.INITIAL_BUDGET
        assert status(session=session, sheet_id=budget_id).state is WorkflowState.DRAFT
        # The approved stage keeps its own version.
        assert status(session=session, sheet_id=sheet_id).state is WorkflowState.APPROVED
    assert budget.model_dump(exclude={"header"}) == sheet.model_dump(exclude={"header"})


def test_comments_open_and_resolve(engine: Engine) -> None:
    sheet_id = _store(engine, sample_sheet())
    with transaction(engine) as session:
        first = add_comment(
            session=session,
            sheet_id=sheet_id,
            author="yamada",
            role="expert",
            body="指標②-2の目標が低すぎませんか",
            field_path="indicators.②-2",
        )
        with pytest.raises(WorkflowError):
            add_comment(session=session, sheet_id=sheet_id, author="x", role="expert", body=" ")
        resolve_comment(session=session, comment_id=first.id, actor="sato", role="reviewer")
        [stored] = list_comments(session=session, sheet_id=sheet_id)
    assert stored.resolved and stored.resolved_by == "sato"
    assert stored.field_path == "indicators.②-2" and stored.revision == 1


def test_dashboard_shows_missing_states_assignees_and_overdue(engine: Engine) -> None:
    draft_id = _draft(engine)  # 07 01 01: FY2024 当初要求 (draft)
    _store(engine, other_sheet())  # 07 06 01: FY2023 only, so its FY2024 sheet is missing
    third_origin = _store(engine, other_sheet(program_number="07 07 01"))
    with transaction(engine) as session:
        third = create_next_year(session=session, sheet_id=third_origin, actor="x")
    with transaction(engine) as session:
        set_assignee(session=session, sheet_id=draft_id, assignee="sato", actor="kato")
        transition(session=session, sheet_id=third, action=Action.SUBMIT, actor="x")
    with transaction(engine) as session:
        before = review_dashboard(
            session=session, fiscal_year=2024, stage=Stage.INITIAL_REQUEST, today=date(2024, 5, 1)
        )
        set_deadline(
            session=session,
            fiscal_year=2024,
            stage=Stage.INITIAL_REQUEST,
            due_date=date(2024, 4, 30),
            actor="kato",
        )
        after = review_dashboard(
            session=session, fiscal_year=2024, stage=Stage.INITIAL_REQUEST, today=date(2024, 5, 1)
        )
    assert not any(row.overdue for row in before)  # no deadline yet
    table = [(r.program_number, r.missing, r.state, r.assignee, r.overdue) for r in after]
    assert table == [
        ("07 01 01", False, WorkflowState.DRAFT, "sato", True),
        ("07 06 01", True, None, None, True),
        ("07 07 01", False, WorkflowState.SUBMITTED, None, False),
    ]


def test_only_an_admin_moves_a_sheet_to_another_department_and_the_move_is_audited(
    engine: Engine,
) -> None:
    sheet_id = _draft(engine)
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        old = (sheet.header.department, sheet.header.section)
        moved = sheet.model_copy(
            update={"header": sheet.header.model_copy(update={"department": "教育委員会"})}
        )
        with pytest.raises(MoveRefused) as refused:
            save_edit(
                session=session,
                sheet_id=sheet_id,
                sheet=moved,
                expected_revision=1,
                actor="sato",
                role="editor",
            )
        assert refused.value.field == "department"
        with pytest.raises(MoveRefused):  # no account (an unchecked caller) moves nothing
            save_edit(
                session=session, sheet_id=sheet_id, sheet=moved, expected_revision=1, actor="x"
            )
        other_section = sheet.model_copy(
            update={"header": sheet.header.model_copy(update={"section": "別の課"})}
        )
        with pytest.raises(MoveRefused) as refused:
            save_edit(
                session=session,
                sheet_id=sheet_id,
                sheet=other_section,
                expected_revision=1,
                actor="sato",
                role="editor",
            )
        assert refused.value.field == "section"
    with transaction(engine) as session:
        _ref, kept = current_sheet(session=session, sheet_id=sheet_id)
        assert (kept.header.department, kept.header.section) == old
        save_edit(
            session=session,
            sheet_id=sheet_id,
            sheet=moved,
            expected_revision=1,
            actor="admin",
            role="admin",
        )
    with transaction(engine) as session:
        _ref, stored = current_sheet(session=session, sheet_id=sheet_id)
        [move] = list_changes(session=session, target_sheet_id=sheet_id, action="sheet.move")
    assert stored.header.department == "教育委員会"
    assert move.actor == "admin"
    assert move.before == {"部局": old[0], "課・室": old[1]}
    assert move.after == {"部局": "教育委員会", "課・室": old[1]}


def test_a_department_scoped_reviewer_cannot_set_the_shared_deadline(engine: Engine) -> None:
    with transaction(engine) as session:
        with pytest.raises(NotAllowed, match="部局を限定された審査者"):
            set_deadline(
                session=session,
                fiscal_year=2024,
                stage=Stage.INITIAL_REQUEST,
                due_date=date(2024, 4, 30),
                actor="bucho",
                role="reviewer",
                department="産業労働部",
            )
        cycle = set_deadline(
            session=session,
            fiscal_year=2024,
            stage=Stage.INITIAL_REQUEST,
            due_date=date(2024, 4, 30),
            actor="kaikaku",
            role="reviewer",
        )
    assert cycle.due_date == date(2024, 4, 30)


def test_an_expert_resolves_only_their_own_comments(engine: Engine) -> None:
    sheet_id = _draft(engine)
    with transaction(engine) as session:
        theirs = add_comment(
            session=session, sheet_id=sheet_id, author="kato", role="reviewer", body="根拠は？"
        )
        mine = add_comment(
            session=session, sheet_id=sheet_id, author="yamada", role="expert", body="出典は？"
        )
        with pytest.raises(NotAllowed, match="自分のコメントだけ"):
            resolve_comment(session=session, comment_id=theirs.id, actor="yamada", role="expert")
        resolve_comment(session=session, comment_id=mine.id, actor="yamada", role="expert")
        resolve_comment(session=session, comment_id=theirs.id, actor="sato", role="editor")
        resolved = {c.id: c.resolved_by for c in list_comments(session=session, sheet_id=sheet_id)}
    assert resolved == {theirs.id: "sato", mine.id: "yamada"}
