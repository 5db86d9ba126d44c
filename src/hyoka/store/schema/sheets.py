"""The database tables: the current version of each sheet, normalised, and its history.

``sheets`` holds one row per sheet identity (事業番号, fiscal year, stage) with the header
of its current version; the child tables hold the rest of that version, in order
(``position`` counts from 0 within the parent). ``sheet_revisions`` keeps every saved
version as the JSON document of :class:`hyoka.model.Sheet`.

The migration ``migrations/versions/0001_initial.py`` spells out the same schema, and
``hyoka/render/opendata_columns.md`` documents every column of the exported tables: tests
keep all three in step.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hyoka.store.schema.types import ExactDecimal, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Text without length limits, exact decimals and UTC instants on both databases.
    type_annotation_map = {str: Text(), Decimal: ExactDecimal(), datetime: UTCDateTime()}  # noqa: RUF012


def parent_key(target: str) -> Mapped[int]:
    return mapped_column(ForeignKey(f"{target}.id", ondelete="CASCADE"))


def _children(order_by: str) -> Any:
    """A one-to-many relationship whose rows belong to the parent (the database cascades)."""
    return relationship(order_by=order_by, cascade="all, delete-orphan", passive_deletes=True)


SHEET_ID_MAX = 2**31 - 1
"""The largest sheet id: PostgreSQL's ``integer`` (a larger one given to the driver
overflows before it can be "not found")."""


class SheetRow(Base):
    __tablename__ = "sheets"
    __table_args__ = (UniqueConstraint("program_number", "fiscal_year", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_number: Mapped[str]
    fiscal_year: Mapped[int]
    stage: Mapped[str]
    revision: Mapped[int]
    program_name: Mapped[str]
    department: Mapped[str]
    section: Mapped[str]
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    email: Mapped[str]
    purpose: Mapped[str]
    # National sheets (see schema/national.py); defaults keep rows saved before 0004 valid.
    kind: Mapped[str] = mapped_column(server_default="prefecture")
    bureau: Mapped[str] = mapped_column(server_default="")
    # sha256 of the current revision's document text (hyoka.rows.sheet.content_hash):
    # an unchanged re-import is found without reading the document.
    content_hash: Mapped[str] = mapped_column(server_default="")

    situations: Mapped[list[SituationRow]] = _children("SituationRow.position")
    initiatives: Mapped[list[InitiativeRow]] = _children(
        "[InitiativeRow.section, InitiativeRow.position]"
    )
    indicators: Mapped[list[IndicatorRow]] = _children("IndicatorRow.position")
    plan_links: Mapped[list[PlanLinkRow]] = _children("PlanLinkRow.position")
    cost_rows: Mapped[list[CostYearRow]] = _children("CostYearRow.position")
    sub_projects: Mapped[list[SubProjectRow]] = _children("SubProjectRow.position")
    future_items: Mapped[list[FutureItemRow]] = _children(
        "[FutureItemRow.kind, FutureItemRow.position]"
    )


class RevisionRow(Base):
    __tablename__ = "sheet_revisions"
    __table_args__ = (UniqueConstraint("sheet_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    revision: Mapped[int]
    saved_at: Mapped[datetime]
    source: Mapped[str]
    document: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))


class SituationRow(Base):
    __tablename__ = "situations"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    text: Mapped[str]


class InitiativeRow(Base):
    __tablename__ = "initiatives"
    __table_args__ = (
        UniqueConstraint("sheet_id", "section", "position"),
        CheckConstraint("section IN (3, 7)", name="section"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    section: Mapped[int]
    position: Mapped[int]
    number: Mapped[str]
    title: Mapped[str]

    bullets: Mapped[list[InitiativeBulletRow]] = _children("InitiativeBulletRow.position")


class InitiativeBulletRow(Base):
    __tablename__ = "initiative_bullets"
    __table_args__ = (UniqueConstraint("initiative_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = parent_key("initiatives")
    position: Mapped[int]
    text: Mapped[str]


class IndicatorRow(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    number: Mapped[str]
    name: Mapped[str]
    unit: Mapped[str]
    direction: Mapped[str]
    target_comparison: Mapped[str]
    target_cumulative: Mapped[bool]
    target_start_year: Mapped[int | None]
    target_end_year: Mapped[int | None]
    target_reason: Mapped[str]
    analysis: Mapped[str]
    printed_achievement: Mapped[str | None]
    # The fiscal year whose 達成状況 is printed (not always the sheet's own year).
    printed_achievement_year: Mapped[int | None]
    # National sheets: 'outcome' (成果指標) or 'output' (活動指標), 成果目標, and 目標値 as
    # printed when it is not a number. Outcomes and outputs share one position sequence.
    role: Mapped[str] = mapped_column(server_default="outcome")
    goal: Mapped[str] = mapped_column(server_default="")
    target_text: Mapped[str] = mapped_column(server_default="")

    values: Mapped[list[IndicatorValueRow]] = _children("IndicatorValueRow.position")
    trends: Mapped[list[IndicatorTrendRow]] = _children("IndicatorTrendRow.position")


class IndicatorValueRow(Base):
    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = parent_key("indicators")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    kind: Mapped[str]
    value: Mapped[Decimal | None]
    upper: Mapped[Decimal | None]

    corrections: Mapped[list[IndicatorCorrectionRow]] = _children("IndicatorCorrectionRow.position")


class IndicatorCorrectionRow(Base):
    __tablename__ = "indicator_corrections"
    __table_args__ = (UniqueConstraint("indicator_value_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_value_id: Mapped[int] = parent_key("indicator_values")
    position: Mapped[int]
    value_before: Mapped[Decimal]
    value_after: Mapped[Decimal]
    reason: Mapped[str]
    noted_in: Mapped[str]


class IndicatorTrendRow(Base):
    __tablename__ = "indicator_trends"
    __table_args__ = (
        UniqueConstraint("indicator_id", "position"),
        UniqueConstraint("indicator_id", "fiscal_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = parent_key("indicators")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    trend: Mapped[str]


class PlanLinkRow(Base):
    __tablename__ = "plan_links"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    policy_code: Mapped[str]
    policy_name: Mapped[str]

    goals: Mapped[list[PlanGoalRow]] = _children("PlanGoalRow.position")


class PlanGoalRow(Base):
    __tablename__ = "plan_goals"
    __table_args__ = (UniqueConstraint("plan_link_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_link_id: Mapped[int] = parent_key("plan_links")
    position: Mapped[int]
    name: Mapped[str]
    main: Mapped[bool]
    unit: Mapped[str]

    values: Mapped[list[PlanGoalValueRow]] = _children(
        "[PlanGoalValueRow.role, PlanGoalValueRow.position]"
    )


class PlanGoalValueRow(Base):
    __tablename__ = "plan_goal_values"
    __table_args__ = (
        UniqueConstraint("plan_goal_id", "role", "position"),
        CheckConstraint("role IN ('recent', 'target')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_goal_id: Mapped[int] = parent_key("plan_goals")
    role: Mapped[str]
    position: Mapped[int]
    fiscal_year: Mapped[int | None]
    value: Mapped[Decimal | None]


class CostYearRow(Base):
    __tablename__ = "cost_rows"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    carried_over: Mapped[int | None]
    initial_budget: Mapped[int | None]
    supplementary: Mapped[int | None]
    total: Mapped[int | None]
    general_revenue: Mapped[int | None]
    settlement: Mapped[int | None]
    staff: Mapped[Decimal | None]


class FutureItemRow(Base):
    __tablename__ = "future_items"
    __table_args__ = (
        UniqueConstraint("sheet_id", "kind", "position"),
        CheckConstraint("kind IN ('issue', 'measure')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    kind: Mapped[str]
    position: Mapped[int]
    text: Mapped[str]


class SubProjectRow(Base):
    __tablename__ = "sub_projects"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    number: Mapped[int]
    name: Mapped[str]

    settlements: Mapped[list[SubProjectSettlementRow]] = _children(
        "SubProjectSettlementRow.position"
    )
    components: Mapped[list[ComponentRow]] = _children("ComponentRow.position")


class SubProjectSettlementRow(Base):
    __tablename__ = "sub_project_settlements"
    __table_args__ = (
        UniqueConstraint("sub_project_id", "position"),
        UniqueConstraint("sub_project_id", "fiscal_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_project_id: Mapped[int] = parent_key("sub_projects")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    amount: Mapped[int | None]


class ComponentRow(Base):
    __tablename__ = "components"
    __table_args__ = (UniqueConstraint("sub_project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_project_id: Mapped[int] = parent_key("sub_projects")
    position: Mapped[int]
    number: Mapped[int]
    name: Mapped[str]
    description: Mapped[str]
    output: Mapped[str]

    methods: Mapped[list[ComponentMethodRow]] = _children("ComponentMethodRow.position")
    quantities: Mapped[list[ComponentQuantityRow]] = _children("ComponentQuantityRow.position")


class ComponentMethodRow(Base):
    __tablename__ = "component_methods"
    __table_args__ = (UniqueConstraint("component_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = parent_key("components")
    position: Mapped[int]
    method: Mapped[str]


class ComponentQuantityRow(Base):
    __tablename__ = "component_quantities"
    __table_args__ = (UniqueConstraint("component_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = parent_key("components")
    position: Mapped[int]
    label: Mapped[str]
    value: Mapped[Decimal]
    unit: Mapped[str]


def current_tables() -> list[Table]:
    """The normalised tables of the current versions, parents before children.

    These are what the open-data exports write, one file or worksheet each, in the order
    of the sheet's sections.
    """
    history = RevisionRow.__table__
    # Only the tables of this module: staff accounts, the audit log and the workflow live
    # on the same metadata (one migrated schema) but are not open data.
    own = {
        mapper.local_table
        for mapper in Base.registry.mappers
        if mapper.class_.__module__
        in (
            __name__,
            "hyoka.store.schema.national",
            "hyoka.store.schema.rs",
            "hyoka.store.schema.municipal",
        )
    }
    return [
        table for table in Base.metadata.tables.values() if table is not history and table in own
    ]
