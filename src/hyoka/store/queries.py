"""Reading sheets back: current versions from the normalised rows, history from revisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import ColumnElement

from hyoka.model import (
    STAGE_ORDER,
    Achievement,
    Comparison,
    Component,
    Correction,
    CostRow,
    Direction,
    FuturePlan,
    Header,
    Indicator,
    IndicatorValue,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    Quantity,
    Sheet,
    SheetKind,
    Stage,
    SubProject,
    TargetSpec,
    Trend,
    ValueKind,
    YearValue,
)
from hyoka.store.national import Parts, read_parts
from hyoka.store.tables import (
    ComponentRow,
    IndicatorRow,
    IndicatorValueRow,
    InitiativeRow,
    PlanGoalRow,
    PlanLinkRow,
    RevisionRow,
    SheetRow,
    SubProjectRow,
    current_tables,
)


@dataclass(frozen=True)
class Revision:
    """One saved version of a sheet."""

    revision: int
    saved_at: datetime
    source: str
    sheet: Sheet


@dataclass(frozen=True)
class TableRows:
    """All rows of one table, with its column names in table order."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]


_STAGE_RANK = case(
    {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}, value=SheetRow.stage
)

# Everything of a sheet in one query per table, whatever the number of sheets.
_WHOLE_SHEET = (
    selectinload(SheetRow.situations),
    selectinload(SheetRow.initiatives).selectinload(InitiativeRow.bullets),
    selectinload(SheetRow.indicators)
    .selectinload(IndicatorRow.values)
    .selectinload(IndicatorValueRow.corrections),
    selectinload(SheetRow.indicators).selectinload(IndicatorRow.trends),
    selectinload(SheetRow.plan_links)
    .selectinload(PlanLinkRow.goals)
    .selectinload(PlanGoalRow.values),
    selectinload(SheetRow.cost_rows),
    selectinload(SheetRow.future_items),
    selectinload(SheetRow.sub_projects).selectinload(SubProjectRow.settlements),
    selectinload(SheetRow.sub_projects)
    .selectinload(SubProjectRow.components)
    .selectinload(ComponentRow.methods),
    selectinload(SheetRow.sub_projects)
    .selectinload(SubProjectRow.components)
    .selectinload(ComponentRow.quantities),
)


def list_sheets(*, session: Session) -> list[Sheet]:
    """The current version of every sheet, by 事業番号, fiscal year and stage order."""
    rows = session.scalars(
        select(SheetRow)
        .options(*_WHOLE_SHEET)
        .order_by(SheetRow.program_number, SheetRow.fiscal_year, _STAGE_RANK)
    )
    found = list(rows)
    parts = read_parts(session=session, sheet_ids=None)
    return [_sheet_from(row, parts.get(row.id)) for row in found]


def load_sheet(
    *, session: Session, program_number: str, fiscal_year: int, stage: Stage
) -> Sheet | None:
    """The current version of one sheet, or None when it was never saved."""
    row = session.scalars(
        select(SheetRow).options(*_WHOLE_SHEET).where(*_key(program_number, fiscal_year, stage))
    ).one_or_none()
    if row is None:
        return None
    return _sheet_from(row, read_parts(session=session, sheet_ids=[row.id]).get(row.id))


def sheet_history(
    *, session: Session, program_number: str, fiscal_year: int, stage: Stage
) -> list[Revision]:
    """Every saved version of one sheet, oldest first (empty when never saved)."""
    rows = session.scalars(
        select(RevisionRow)
        .join(SheetRow, RevisionRow.sheet_id == SheetRow.id)
        .where(*_key(program_number, fiscal_year, stage))
        .order_by(RevisionRow.revision)
    )
    return [
        Revision(
            revision=row.revision,
            saved_at=row.saved_at,
            source=row.source,
            sheet=Sheet.model_validate(row.document),
        )
        for row in rows
    ]


def read_current_tables(*, session: Session) -> list[TableRows]:
    """Every normalised table of the current versions, rows in key order: for exports."""
    found = []
    for table in current_tables():
        result = session.execute(select(table).order_by(*table.primary_key.columns))
        found.append(
            TableRows(
                name=table.name,
                columns=tuple(column.name for column in table.columns),
                rows=[tuple(row) for row in result],
            )
        )
    return found


def _key(program_number: str, fiscal_year: int, stage: Stage) -> Sequence[ColumnElement[bool]]:
    return (
        SheetRow.program_number == program_number,
        SheetRow.fiscal_year == fiscal_year,
        SheetRow.stage == stage.value,
    )


def _sheet_from(row: SheetRow, parts: Parts | None = None) -> Sheet:
    national = parts or Parts()
    return Sheet(
        header=Header(
            kind=SheetKind(row.kind),
            program_number=row.program_number,
            program_name=row.program_name,
            department=row.department,
            bureau=row.bureau,
            section=row.section,
            start_year=row.start_year,
            end_year=row.end_year,
            email=row.email,
            fiscal_year=row.fiscal_year,
            stage=Stage(row.stage),
        ),
        situation=[item.text for item in row.situations],
        purpose=row.purpose,
        initiatives=_initiatives(row.initiatives, section=3),
        indicators=[_indicator(item) for item in row.indicators if item.role == "outcome"],
        plan_links=[_plan_link(link) for link in row.plan_links],
        costs=[
            CostRow(
                fiscal_year=cost.fiscal_year,
                carried_over=cost.carried_over,
                initial_budget=cost.initial_budget,
                supplementary=cost.supplementary,
                total=cost.total,
                general_revenue=cost.general_revenue,
                settlement=cost.settlement,
                staff=cost.staff,
            )
            for cost in row.cost_rows
        ],
        results=_initiatives(row.initiatives, section=7),
        future=FuturePlan(
            issues=[item.text for item in row.future_items if item.kind == "issue"],
            measures=[item.text for item in row.future_items if item.kind == "measure"],
        ),
        sub_projects=[_sub_project(sub_project) for sub_project in row.sub_projects],
        summary=national.summary,
        methods=national.methods,
        accounts=national.accounts,
        policies=national.policies,
        responsible=national.responsible,
        no_target_reason=national.no_target_reason,
        money_unit=national.money_unit,
        budgets=national.budgets,
        outputs=[_indicator(item) for item in row.indicators if item.role == "output"],
        recipients=national.recipients,
        predecessors=national.predecessors,
        source_url=national.source_url,
    )


def _initiatives(rows: list[InitiativeRow], *, section: int) -> list[Initiative]:
    return [
        Initiative(
            number=row.number, title=row.title, bullets=[bullet.text for bullet in row.bullets]
        )
        for row in rows
        if row.section == section
    ]


def _indicator(row: IndicatorRow) -> Indicator:
    return Indicator(
        number=row.number,
        name=row.name,
        goal=row.goal,
        unit=row.unit,
        direction=Direction(row.direction),
        target=TargetSpec(
            comparison=Comparison(row.target_comparison),
            cumulative=row.target_cumulative,
            start_year=row.target_start_year,
            end_year=row.target_end_year,
        ),
        target_text=row.target_text,
        values=[
            IndicatorValue(
                fiscal_year=value.fiscal_year,
                kind=ValueKind(value.kind),
                value=value.value,
                upper=value.upper,
                corrections=[
                    Correction(
                        before=correction.value_before,
                        after=correction.value_after,
                        reason=correction.reason,
                        noted_in=correction.noted_in,
                    )
                    for correction in value.corrections
                ],
            )
            for value in row.values
        ],
        target_reason=row.target_reason,
        analysis=row.analysis,
        printed_trends={trend.fiscal_year: Trend(trend.trend) for trend in row.trends},
        printed_achievement=(
            None if row.printed_achievement is None else Achievement(row.printed_achievement)
        ),
        printed_achievement_year=row.printed_achievement_year,
    )


def _plan_link(row: PlanLinkRow) -> PlanLink:
    goals = []
    for goal in row.goals:
        recent = [
            YearValue(fiscal_year=item.fiscal_year, value=item.value)
            for item in goal.values
            if item.role == "recent"
        ]
        target = next(
            (
                YearValue(fiscal_year=item.fiscal_year, value=item.value)
                for item in goal.values
                if item.role == "target"
            ),
            None,
        )
        goals.append(
            PlanGoal(name=goal.name, main=goal.main, unit=goal.unit, recent=recent, target=target)
        )
    return PlanLink(policy_code=row.policy_code, policy_name=row.policy_name, goals=goals)


def _sub_project(row: SubProjectRow) -> SubProject:
    return SubProject(
        number=row.number,
        name=row.name,
        settlements={item.fiscal_year: item.amount for item in row.settlements},
        components=[
            Component(
                number=component.number,
                name=component.name,
                methods=[Method(item.method) for item in component.methods],
                description=component.description,
                output=component.output,
                quantities=[
                    Quantity(label=item.label, value=item.value, unit=item.unit)
                    for item in component.quantities
                ],
            )
            for component in row.components
        ],
    )
