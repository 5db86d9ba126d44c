"""The yearly cycle of a sheet and the review workflow of each stage version.

The cycle: 当初要求 → 当初予算案 → 補正予算案 → 点検 (:class:`hyoka.model.Stage`). Each stage
keeps its own saved version (the store's key is 事業番号 + fiscal year + stage), and each
version goes through the workflow

    作成中 (draft) → 提出済 (submitted) → 承認済 (approved = published)
                                       ↘ 差戻し (returned, with a comment) → 作成中

:data:`TRANSITIONS` is the one table of allowed moves; who may make them is decided by
``hyoka.accounts.can`` with the permission :data:`PERMISSIONS` names for each action.
Approving a stage lets the next stage start from the approved version
(:func:`next_stage_sheet`); :func:`next_year_sheet` starts the next fiscal year.

Pure: nothing here touches the store or the web.
"""

from __future__ import annotations

from enum import StrEnum

from hyoka.model import (
    STAGE_ORDER,
    CostRow,
    Header,
    Indicator,
    IndicatorValue,
    Initiative,
    Sheet,
    Stage,
    SubProject,
    ValueKind,
)


class WorkflowState(StrEnum):
    """Where a stage version is in the review."""

    DRAFT = "作成中"
    SUBMITTED = "提出済"
    APPROVED = "承認済"
    RETURNED = "差戻し"

    @property
    def published(self) -> bool:
        return self is WorkflowState.APPROVED

    @property
    def editable(self) -> bool:
        """Whether the sheet's owners may save changes (approved ones only with a reason)."""
        return self is not WorkflowState.SUBMITTED


class Action(StrEnum):
    """A move in the workflow, named as on the buttons."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.SUBMIT: "提出",
    Action.APPROVE: "承認",
    Action.RETURN: "差戻し",
    Action.REOPEN: "作成中に戻す",
}

TRANSITIONS: dict[tuple[WorkflowState, Action], WorkflowState] = {
    (WorkflowState.DRAFT, Action.SUBMIT): WorkflowState.SUBMITTED,
    (WorkflowState.RETURNED, Action.SUBMIT): WorkflowState.SUBMITTED,
    (WorkflowState.SUBMITTED, Action.APPROVE): WorkflowState.APPROVED,
    (WorkflowState.SUBMITTED, Action.RETURN): WorkflowState.RETURNED,
    (WorkflowState.RETURNED, Action.REOPEN): WorkflowState.DRAFT,
}
"""Every allowed move: (state, action) → the state after it. Anything else is refused."""

PERMISSIONS: dict[Action, str] = {
    Action.SUBMIT: "submit",
    Action.APPROVE: "approve",
    Action.RETURN: "return",
    Action.REOPEN: "edit",
}
"""The ``hyoka.accounts.can`` action each workflow action needs."""

COMMENT_REQUIRED: frozenset[Action] = frozenset({Action.RETURN})
"""Actions that must say why (a return names what to fix)."""

DEFAULT_STATE = WorkflowState.APPROVED
"""The state of a sheet that has no workflow record: imported from a published PDF."""


class TransitionError(ValueError):
    """A workflow move that the table does not allow from the current state."""

    def __init__(self, state: WorkflowState, action: Action) -> None:
        super().__init__(f"{state.value}のシートは「{action.label}」できません")
        self.state = state
        self.action = action


def next_state(state: WorkflowState, action: Action) -> WorkflowState:
    """The state after ``action``, or :class:`TransitionError`.

    >>> next_state(WorkflowState.SUBMITTED, Action.RETURN).value
    '差戻し'
    """
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionError(state, action) from None


def available_actions(state: WorkflowState) -> list[Action]:
    """The actions the table allows from ``state``, in button order."""
    return [action for action in Action if (state, action) in TRANSITIONS]


def next_stage(stage: Stage) -> Stage | None:
    """The stage after ``stage`` in the yearly cycle; None after 点検."""
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def next_stage_sheet(sheet: Sheet) -> Sheet:
    """The next stage's first version: the approved sheet as it is, under the next stage.

    Raises ValueError after 点検 (the cycle ends; the next year starts with
    :func:`next_year_sheet`).
    """
    following = next_stage(sheet.header.stage)
    if following is None:
        raise ValueError("点検の次の段階はありません（翌年度のシートを作成してください）")
    header = sheet.header.model_copy(update={"stage": following})
    return sheet.model_copy(deep=True, update={"header": header})


def next_year_sheet(sheet: Sheet) -> Sheet:
    """Next fiscal year's sheet at 当初要求: structure and history carried over.

    Kept: header (year + 1), sections 1–3, indicators with their past figures, targets'
    meaning and past corrections, plan links, cost rows of past years, sub-projects with
    their past settlements and components, section 9. Emptied: the new year's figures
    (one empty target per indicator and an empty cost row to fill in), the year's results
    (section 7 keeps the initiatives without bullets), the factor analysis, the printed
    achievement and the components' outputs.
    """
    year = sheet.header.fiscal_year + 1
    header = Header(
        **{
            **sheet.header.model_dump(),
            "fiscal_year": year,
            "stage": Stage.INITIAL_REQUEST,
        }
    )
    copied = sheet.model_copy(deep=True)
    return copied.model_copy(
        update={
            "header": header,
            "indicators": [_carry_indicator(item, year) for item in copied.indicators],
            "outputs": [_carry_indicator(item, year) for item in copied.outputs],
            "costs": [
                CostRow(fiscal_year=year),
                *(row for row in copied.costs if row.fiscal_year < year),
            ],
            "results": [
                Initiative(number=item.number, title=item.title) for item in copied.initiatives
            ],
            "sub_projects": [_carry_sub_project(item, year) for item in copied.sub_projects],
            "budgets": [row for row in copied.budgets if row.fiscal_year < year],
            "recipients": [],
        }
    )


def _carry_indicator(indicator: Indicator, year: int) -> Indicator:
    values = [value for value in indicator.values if value.fiscal_year < year]
    values.append(IndicatorValue(fiscal_year=year, kind=ValueKind.TARGET))
    return indicator.model_copy(
        update={
            "values": values,
            "analysis": "",
            "printed_achievement": None,
            "printed_trends": {
                fiscal_year: arrow
                for fiscal_year, arrow in indicator.printed_trends.items()
                if fiscal_year < year
            },
        }
    )


def _carry_sub_project(sub_project: SubProject, year: int) -> SubProject:
    return sub_project.model_copy(
        update={
            "settlements": {
                fiscal_year: amount
                for fiscal_year, amount in sub_project.settlements.items()
                if fiscal_year < year
            },
            "components": [
                component.model_copy(update={"output": "", "quantities": []})
                for component in sub_project.components
            ],
        }
    )
