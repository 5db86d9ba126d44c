"""Saving sheets: the current version in normalised rows, every version in the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hyoka.model import Indicator, Initiative, PlanLink, Sheet, SheetKind, SubProject
from hyoka.revisions import FieldChange, compare
from hyoka.store.facts_writes import write_facts
from hyoka.store.national import uses_national_parts, write_parts
from hyoka.store.prepared import indicator_lists
from hyoka.store.search import index_sheets
from hyoka.store.tables import (
    ComponentMethodRow,
    ComponentQuantityRow,
    ComponentRow,
    CostYearRow,
    FutureItemRow,
    IndicatorCorrectionRow,
    IndicatorRow,
    IndicatorTrendRow,
    IndicatorValueRow,
    InitiativeBulletRow,
    InitiativeRow,
    PlanGoalRow,
    PlanGoalValueRow,
    PlanLinkRow,
    RevisionRow,
    SheetRow,
    SituationRow,
    SubProjectRow,
    SubProjectSettlementRow,
)

# The tables hanging directly off ``sheets``; the database cascades to their children.
_SHEET_CHILDREN = (
    SituationRow,
    InitiativeRow,
    IndicatorRow,
    PlanLinkRow,
    CostYearRow,
    FutureItemRow,
    SubProjectRow,
)


@dataclass(frozen=True)
class SaveResult:
    """What :func:`save_sheet` did."""

    sheet_id: int
    revision: int
    created: bool
    changed: bool


class RevisionConflict(Exception):
    """A save based on an older revision than the current one: refused, nothing written.

    ``changes`` lists what was saved meanwhile (expected revision → current revision), so
    that the person saving can see it and redo their edit on the current version.
    """

    def __init__(
        self, *, sheet_id: int, expected: int, current: int, changes: list[FieldChange]
    ) -> None:
        super().__init__(
            f"このシートは編集中に更新されました（版{expected} → 版{current}）。"
            "保存できませんでした。"
        )
        self.sheet_id = sheet_id
        self.expected = expected
        self.current = current
        self.changes = changes


def save_sheet(
    *,
    session: Session,
    sheet: Sheet,
    source: str = "",
    expected_revision: int | None = None,
) -> SaveResult:
    """Save a sheet version as the current one of its key (事業番号, fiscal year, stage).

    A new key is created with revision 1. Saving an existing key replaces its current rows
    and appends the next revision; saving a document identical to the current one changes
    nothing (``changed=False``), so that re-importing the same file is harmless.

    ``expected_revision`` is the revision the edit started from: when another save came
    in between, :class:`RevisionConflict` is raised with the changes made meanwhile.

    Example::

        with transaction(engine) as session:
            result = save_sheet(session=session, sheet=sheet, source="07-01-01.txt")
    """
    document = sheet.model_dump(mode="json")
    program_number, fiscal_year, stage = sheet.key
    row = session.scalars(
        select(SheetRow)
        .where(
            SheetRow.program_number == program_number,
            SheetRow.fiscal_year == fiscal_year,
            SheetRow.stage == stage.value,
        )
        .with_for_update()
    ).one_or_none()

    if row is not None and expected_revision is not None:
        _claim(session=session, row=row, expected_revision=expected_revision)

    if row is None:
        row = SheetRow(revision=1)
        _fill(row, sheet)
        session.add(row)
        session.flush()
        _add_revision(session=session, row=row, document=document, source=source)
        _save_national(session=session, row=row, sheet=sheet)
        index_sheets(session=session, sheets=[(row.id, sheet)])
        write_facts(session=session, sheets=[(row.id, sheet)])
        return SaveResult(sheet_id=row.id, revision=1, created=True, changed=True)

    current = session.scalars(
        select(RevisionRow.document).where(
            RevisionRow.sheet_id == row.id, RevisionRow.revision == row.revision
        )
    ).one()
    if current == document:
        return SaveResult(sheet_id=row.id, revision=row.revision, created=False, changed=False)

    # Delete the old rows first, in SQL: the ORM would insert the new ones before deleting
    # the old, against the unique (parent, position) constraints.
    for table in _SHEET_CHILDREN:
        session.execute(delete(table).where(table.sheet_id == row.id))
    session.expire(row)  # forget the collections it may hold of the deleted rows
    row.revision += 1
    _fill(row, sheet)
    session.flush()
    _add_revision(session=session, row=row, document=document, source=source)
    _save_national(session=session, row=row, sheet=sheet)
    index_sheets(session=session, sheets=[(row.id, sheet)])
    write_facts(session=session, sheets=[(row.id, sheet)])
    return SaveResult(sheet_id=row.id, revision=row.revision, created=False, changed=True)


def _claim(*, session: Session, row: SheetRow, expected_revision: int) -> None:
    # A compare-and-set in one statement: it also takes the write lock on SQLite (whose
    # SELECT … FOR UPDATE is a plain read), so no save can slip in before ours commits.
    claimed = session.execute(
        update(SheetRow)
        .where(SheetRow.id == row.id, SheetRow.revision == expected_revision)
        .values(revision=SheetRow.revision)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return
    session.refresh(row)
    found = session.execute(
        select(RevisionRow.revision, RevisionRow.document).where(
            RevisionRow.sheet_id == row.id,
            RevisionRow.revision.in_((expected_revision, row.revision)),
        )
    )
    documents: dict[int, dict[str, Any]] = {revision: document for revision, document in found}
    before = documents.get(expected_revision)
    changes = (
        compare(Sheet.model_validate(before), Sheet.model_validate(documents[row.revision]))
        if before is not None
        else []
    )
    raise RevisionConflict(
        sheet_id=row.id, expected=expected_revision, current=row.revision, changes=changes
    )


def _save_national(*, session: Session, row: SheetRow, sheet: Sheet) -> None:
    # The national parts (hyoka.store.national) go through Core; a prefecture sheet that
    # uses none of them gets no national rows.
    replace = row.revision > 1
    if replace or sheet.header.kind is SheetKind.NATIONAL or uses_national_parts(sheet):
        write_parts(session=session, sheet_id=row.id, sheet=sheet, replace=replace)


def _add_revision(*, session: Session, row: SheetRow, document: Any, source: str) -> None:
    session.add(
        RevisionRow(
            sheet_id=row.id,
            revision=row.revision,
            saved_at=datetime.now(UTC),
            source=source,
            document=document,
        )
    )
    session.flush()


def _fill(row: SheetRow, sheet: Sheet) -> None:
    header = sheet.header
    row.program_number = header.program_number
    row.fiscal_year = header.fiscal_year
    row.stage = header.stage.value
    row.program_name = header.program_name
    row.department = header.department
    row.section = header.section
    row.start_year = header.start_year
    row.end_year = header.end_year
    row.email = header.email
    row.kind = header.kind.value
    row.bureau = header.bureau
    row.purpose = sheet.purpose
    row.situations = [
        SituationRow(position=position, text=text) for position, text in enumerate(sheet.situation)
    ]
    row.initiatives = _initiative_rows(3, sheet.initiatives) + _initiative_rows(7, sheet.results)
    row.indicators = [
        _indicator_row(position, indicator, role)
        for role, position, indicator in indicator_lists(sheet)
    ]
    row.plan_links = [
        _plan_link_row(position, link) for position, link in enumerate(sheet.plan_links)
    ]
    row.cost_rows = [
        CostYearRow(
            position=position,
            fiscal_year=cost.fiscal_year,
            carried_over=cost.carried_over,
            initial_budget=cost.initial_budget,
            supplementary=cost.supplementary,
            total=cost.total,
            general_revenue=cost.general_revenue,
            settlement=cost.settlement,
            staff=cost.staff,
        )
        for position, cost in enumerate(sheet.costs)
    ]
    row.future_items = [
        FutureItemRow(kind=kind, position=position, text=text)
        for kind, texts in (("issue", sheet.future.issues), ("measure", sheet.future.measures))
        for position, text in enumerate(texts)
    ]
    row.sub_projects = [
        _sub_project_row(position, sub_project)
        for position, sub_project in enumerate(sheet.sub_projects)
    ]


def _initiative_rows(section: int, initiatives: list[Initiative]) -> list[InitiativeRow]:
    return [
        InitiativeRow(
            section=section,
            position=position,
            number=initiative.number,
            title=initiative.title,
            bullets=[
                InitiativeBulletRow(position=index, text=text)
                for index, text in enumerate(initiative.bullets)
            ],
        )
        for position, initiative in enumerate(initiatives)
    ]


def _indicator_row(position: int, indicator: Indicator, role: str) -> IndicatorRow:
    target = indicator.target
    achievement = indicator.printed_achievement
    return IndicatorRow(
        position=position,
        role=role,
        number=indicator.number,
        name=indicator.name,
        goal=indicator.goal,
        target_text=indicator.target_text,
        unit=indicator.unit,
        direction=indicator.direction.value,
        target_comparison=target.comparison.value,
        target_cumulative=target.cumulative,
        target_start_year=target.start_year,
        target_end_year=target.end_year,
        target_reason=indicator.target_reason,
        analysis=indicator.analysis,
        printed_achievement=None if achievement is None else achievement.value,
        printed_achievement_year=indicator.printed_achievement_year,
        values=[
            IndicatorValueRow(
                position=index,
                fiscal_year=value.fiscal_year,
                kind=value.kind.value,
                value=value.value,
                upper=value.upper,
                corrections=[
                    IndicatorCorrectionRow(
                        position=number,
                        value_before=correction.before,
                        value_after=correction.after,
                        reason=correction.reason,
                        noted_in=correction.noted_in,
                    )
                    for number, correction in enumerate(value.corrections)
                ],
            )
            for index, value in enumerate(indicator.values)
        ],
        trends=[
            IndicatorTrendRow(position=index, fiscal_year=year, trend=trend.value)
            for index, (year, trend) in enumerate(indicator.printed_trends.items())
        ],
    )


def _plan_link_row(position: int, link: PlanLink) -> PlanLinkRow:
    goals = []
    for index, goal in enumerate(link.goals):
        values = [
            PlanGoalValueRow(
                role="recent", position=number, fiscal_year=item.fiscal_year, value=item.value
            )
            for number, item in enumerate(goal.recent)
        ]
        if goal.target is not None:
            values.append(
                PlanGoalValueRow(
                    role="target",
                    position=0,
                    fiscal_year=goal.target.fiscal_year,
                    value=goal.target.value,
                )
            )
        goals.append(
            PlanGoalRow(
                position=index, name=goal.name, main=goal.main, unit=goal.unit, values=values
            )
        )
    return PlanLinkRow(
        position=position, policy_code=link.policy_code, policy_name=link.policy_name, goals=goals
    )


def _sub_project_row(position: int, sub_project: SubProject) -> SubProjectRow:
    return SubProjectRow(
        position=position,
        number=sub_project.number,
        name=sub_project.name,
        settlements=[
            SubProjectSettlementRow(position=index, fiscal_year=year, amount=amount)
            for index, (year, amount) in enumerate(sub_project.settlements.items())
        ],
        components=[
            ComponentRow(
                position=index,
                number=component.number,
                name=component.name,
                description=component.description,
                output=component.output,
                methods=[
                    ComponentMethodRow(position=number, method=method.value)
                    for number, method in enumerate(component.methods)
                ],
                quantities=[
                    ComponentQuantityRow(
                        position=number,
                        label=quantity.label,
                        value=quantity.value,
                        unit=quantity.unit,
                    )
                    for number, quantity in enumerate(component.quantities)
                ],
            )
            for index, component in enumerate(sub_project.components)
        ],
    )
