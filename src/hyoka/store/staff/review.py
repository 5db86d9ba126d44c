"""Reviewing sheets in the store: comment threads, cycle deadlines, the review dashboard.

Comments are by reviewers, experts and editors, on a whole sheet version or one field.
The dashboard is the 行政改革課's view of one cycle (fiscal year + stage): every program
expected in it, whether its sheet exists, its workflow state, who it is assigned to and
whether it is overdue against the cycle's due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.display import year_short
from hyoka.model import Stage
from hyoka.stages import DEFAULT_STATE, WorkflowState
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.schema.workflow import CommentRow, CycleRow, WorkflowRow
from hyoka.store.staff.audit import record_change
from hyoka.store.staff.refs import sheet_ref
from hyoka.store.staff.workflow import ADMIN_ROLE, WorkflowError

EXPERT_ROLE = "expert"
"""``hyoka.accounts.Role.EXPERT`` (the store sits below the accounts)."""

DONE_STATES = frozenset({WorkflowState.SUBMITTED, WorkflowState.APPROVED})
"""States that meet a cycle's deadline."""


@dataclass(frozen=True)
class Comment:
    id: int
    sheet_id: int
    revision: int
    field_path: str | None
    author: str
    role: str
    body: str
    created_at: datetime
    resolved: bool
    resolved_by: str | None


def add_comment(
    *,
    session: Session,
    sheet_id: int,
    author: str,
    role: str,
    body: str,
    field_path: str | None = None,
) -> Comment:
    """A comment on the sheet's current revision, optionally on one field."""
    body = body.strip()
    if not body:
        raise WorkflowError("コメントを入力してください")
    ref = sheet_ref(session=session, sheet_id=sheet_id)
    row = CommentRow.opened(
        sheet_id=sheet_id,
        revision=ref.revision,
        author=author,
        role=role,
        body=body,
        field_path=field_path,
    )
    session.add(row)
    session.flush()
    record_change(
        session=session,
        actor=author,
        action="sheet.comment",
        target_sheet_id=sheet_id,
        before=None,
        after={"コメント": body, "項目": field_path},
    )
    return _comment(row)


class NotAllowed(WorkflowError):
    """A review request the actor's role or scope does not allow (the web answers 403)."""


def resolve_comment(*, session: Session, comment_id: int, actor: str, role: str) -> Comment:
    """Mark a comment resolved. An expert (``role`` 外部有識者) resolves only the comments
    they wrote (:class:`NotAllowed` otherwise); reviewers, editors and admins any comment
    of a sheet they may comment on (the caller checks that with ``hyoka.accounts.can``)."""
    row = session.get(CommentRow, comment_id)
    if row is None:
        raise WorkflowError(f"コメント {comment_id} はありません")
    if role == EXPERT_ROLE and row.author != actor:
        raise NotAllowed("外部有識者は自分のコメントだけを解決済みにできます")
    row.resolved = True
    row.resolved_by = actor
    row.resolved_at = datetime.now(UTC)
    session.flush()
    record_change(
        session=session,
        actor=actor,
        action="sheet.resolve_comment",
        target_sheet_id=row.sheet_id,
        before={"コメント": row.body, "解決": False},
        after={"コメント": row.body, "解決": True},
    )
    return _comment(row)


def list_comments(*, session: Session, sheet_id: int) -> list[Comment]:
    rows = session.scalars(
        select(CommentRow).where(CommentRow.sheet_id == sheet_id).order_by(CommentRow.id)
    )
    return [_comment(row) for row in rows]


def _comment(row: CommentRow) -> Comment:
    return Comment(
        id=row.id,
        sheet_id=row.sheet_id,
        revision=row.revision,
        field_path=row.field_path,
        author=row.author,
        role=row.role,
        body=row.body,
        created_at=row.created_at,
        resolved=row.resolved,
        resolved_by=row.resolved_by,
    )


@dataclass(frozen=True)
class Cycle:
    fiscal_year: int
    stage: Stage
    due_date: date


def set_deadline(
    *,
    session: Session,
    fiscal_year: int,
    stage: Stage,
    due_date: date,
    actor: str,
    role: str | None = None,
    department: str = "",
) -> Cycle:
    """Set (or move) the due date of one stage of one fiscal year's cycle.

    A due date holds for every 部局 (the ``cycles`` table is keyed by year and stage
    only), so the account setting it (``role`` and its ``department``; ``role=None`` for
    the server's command line) must be an administrator or have no 部局 scope
    (:func:`hyoka.accounts.may_set_deadline` says the same); a reviewer limited to a 部局
    gets :class:`NotAllowed`.
    """
    if role is not None and role != ADMIN_ROLE and department:
        raise NotAllowed(
            "期限は全部局共通のため、部局を限定された審査者は設定できません"
            "（行政改革課の審査者または管理者に依頼してください）"
        )
    row = session.scalars(
        select(CycleRow).where(CycleRow.fiscal_year == fiscal_year, CycleRow.stage == stage.value)
    ).one_or_none()
    before = None if row is None else row.due_date.isoformat()
    if row is None:
        row = CycleRow(fiscal_year=fiscal_year, stage=stage.value, due_date=due_date)
        session.add(row)
    row.due_date = due_date
    session.flush()
    record_change(
        session=session,
        actor=actor,
        action="cycle.deadline",
        target_sheet_id=None,
        before=None if before is None else {"期限": before},
        after={"年度": year_short(fiscal_year), "段階": stage.value, "期限": due_date.isoformat()},
    )
    return Cycle(fiscal_year, stage, row.due_date)


def list_cycles(*, session: Session) -> list[Cycle]:
    rows = session.scalars(select(CycleRow).order_by(CycleRow.fiscal_year.desc()))
    cycles = [Cycle(row.fiscal_year, Stage(row.stage), row.due_date) for row in rows]
    order = list(Stage)
    return sorted(cycles, key=lambda cycle: (-cycle.fiscal_year, order.index(cycle.stage)))


def deadline(*, session: Session, fiscal_year: int, stage: Stage) -> date | None:
    return session.scalars(
        select(CycleRow.due_date).where(
            CycleRow.fiscal_year == fiscal_year, CycleRow.stage == stage.value
        )
    ).one_or_none()


@dataclass(frozen=True)
class DashboardRow:
    """One program in a cycle. ``sheet_id`` is None when its sheet is missing."""

    program_number: str
    program_name: str
    department: str
    section: str
    sheet_id: int | None
    state: WorkflowState | None
    assignee: str | None
    overdue: bool

    @property
    def missing(self) -> bool:
        return self.sheet_id is None


def review_dashboard(
    *,
    session: Session,
    fiscal_year: int,
    stage: Stage,
    today: date,
    department: str | None = None,
) -> list[DashboardRow]:
    """Every program expected in the cycle, by 事業番号.

    Expected: a program with any sheet of this fiscal year or the one before (a program
    that ran last year is expected to file this year's sheets). Overdue: the cycle has a
    due date before ``today`` and the sheet is missing or not yet submitted.
    """
    due = deadline(session=session, fiscal_year=fiscal_year, stage=stage)
    late = due is not None and today > due
    query = select(SheetRow).where(SheetRow.fiscal_year.in_((fiscal_year, fiscal_year - 1)))
    if department is not None:
        query = query.where(SheetRow.department == department)
    programs: dict[str, SheetRow] = {}
    for row in session.scalars(query.order_by(SheetRow.fiscal_year, SheetRow.id)):
        programs[row.program_number] = row  # the newest version names the program
    found = {
        sheet.program_number: (sheet, workflow)
        for sheet, workflow in session.execute(
            select(SheetRow, WorkflowRow)
            .outerjoin(WorkflowRow, WorkflowRow.sheet_id == SheetRow.id)
            .where(SheetRow.fiscal_year == fiscal_year, SheetRow.stage == stage.value)
        )
    }
    rows = []
    for number in sorted(programs):
        named = programs[number]
        sheet, workflow = found.get(number, (None, None))
        state = None
        if sheet is not None:
            state = DEFAULT_STATE if workflow is None else WorkflowState(workflow.state)
        rows.append(
            DashboardRow(
                program_number=number,
                program_name=named.program_name,
                department=named.department,
                section=named.section,
                sheet_id=None if sheet is None else sheet.id,
                state=state,
                assignee=None if workflow is None else workflow.assignee,
                overdue=late and state not in DONE_STATES,
            )
        )
    return rows
