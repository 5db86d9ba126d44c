"""The cycle, the workflow table and the sheets that start a stage or a year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hyoka.model import Stage, ValueKind
from hyoka.stages import (
    TRANSITIONS,
    Action,
    TransitionError,
    WorkflowState,
    available_actions,
    next_stage,
    next_stage_sheet,
    next_state,
    next_year_sheet,
)
from sheets import sample_sheet

S = WorkflowState


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        (S.DRAFT, Action.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, Action.APPROVE, S.APPROVED),
        (S.SUBMITTED, Action.RETURN, S.RETURNED),
        (S.RETURNED, Action.REOPEN, S.DRAFT),
        (S.RETURNED, Action.SUBMIT, S.SUBMITTED),
    ],
)
def test_allowed_moves(state: WorkflowState, action: Action, after: WorkflowState) -> None:
    assert next_state(state, action) is after


def test_every_other_move_is_refused_with_a_japanese_message() -> None:
    refused = [(s, a) for s in WorkflowState for a in Action if (s, a) not in TRANSITIONS]
    assert (S.DRAFT, Action.APPROVE) in refused
    assert (S.APPROVED, Action.SUBMIT) in refused
    for state, action in refused:
        with pytest.raises(TransitionError, match="できません"):
            next_state(state, action)


def test_buttons_follow_the_table() -> None:
    assert available_actions(S.SUBMITTED) == [Action.APPROVE, Action.RETURN]
    assert available_actions(S.APPROVED) == []
    assert not S.SUBMITTED.editable
    assert S.APPROVED.published and not S.DRAFT.published


def test_the_cycle_runs_in_stage_order_and_ends_at_review() -> None:
    stages = [Stage.INITIAL_REQUEST]
    while (following := next_stage(stages[-1])) is not None:
        stages.append(following)
    assert stages == list(Stage)


def test_next_stage_starts_from_the_approved_version() -> None:
    sheet = sample_sheet(stage=Stage.INITIAL_BUDGET)
    following = next_stage_sheet(sheet)
    assert following.header.stage is Stage.SUPPLEMENTARY_BUDGET
    assert following.model_dump(exclude={"header"}) == sheet.model_dump(exclude={"header"})
    with pytest.raises(ValueError, match="翌年度"):
        next_stage_sheet(sample_sheet(stage=Stage.REVIEW))


def test_next_year_keeps_structure_and_history_and_empties_the_new_year() -> None:
    sheet = sample_sheet()
    created = next_year_sheet(sheet)
    new_year = sheet.header.fiscal_year + 1
    assert created.header.fiscal_year == new_year
    assert created.header.stage is Stage.INITIAL_REQUEST
    assert created.header.program_number == sheet.header.program_number
    assert created.purpose == sheet.purpose and created.initiatives == sheet.initiatives
    assert created.plan_links == sheet.plan_links
    for old, new in zip(sheet.indicators, created.indicators, strict=True):
        assert new.number == old.number and new.target == old.target
        past = [value for value in new.values if value.fiscal_year < new_year]
        assert past == old.values  # past figures, with their corrections
        fresh = [value for value in new.values if value.fiscal_year == new_year]
        assert [(value.kind, value.value) for value in fresh] == [(ValueKind.TARGET, None)]
        assert new.printed_achievement is None and new.analysis == ""
    assert created.costs[0].fiscal_year == new_year
    assert created.costs[0].model_dump(exclude={"fiscal_year"}) == dict.fromkeys(
        created.costs[0].model_dump(exclude={"fiscal_year"})
    )
    assert created.costs[1:] == sheet.costs
    assert [item.number for item in created.results] == [i.number for i in sheet.initiatives]
    assert all(not item.bullets for item in created.results)
    for old_sub, new_sub in zip(sheet.sub_projects, created.sub_projects, strict=True):
        assert new_sub.settlements == old_sub.settlements
        assert [c.name for c in new_sub.components] == [c.name for c in old_sub.components]
        assert all(c.output == "" and not c.quantities for c in new_sub.components)
    # The source sheet is untouched.
    assert sheet.indicators[1].values[1].corrections[0].before == Decimal(473)
    assert sheet == sample_sheet()
