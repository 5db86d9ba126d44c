"""The initial schema: sheets, their revisions, and the normalised current version.

Revision ID: 0001
Revises:
Create Date: 2024-11-22

Written out by hand to match ``hyoka/store/schema/sheets.py`` as it was at this revision; a test
compares the migrated schema with the tables. Later migrations must not import the tables.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _decimal() -> sa.types.TypeEngine[Decimal]:
    # Exact decimals: NUMERIC on PostgreSQL, text on SQLite (see hyoka.store.schema.types).
    return sa.Numeric().with_variant(sa.String(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _int(name: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _parent(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=f"fk_{table}_{column}_{parent}", ondelete="CASCADE"
    )


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{'_'.join(columns)}")


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def upgrade() -> None:
    op.create_table(
        "sheets",
        _id(),
        _text("program_number"),
        _int("fiscal_year"),
        _text("stage"),
        _int("revision"),
        _text("program_name"),
        _text("department"),
        _text("section"),
        _int("start_year", nullable=True),
        _int("end_year", nullable=True),
        _text("email"),
        _text("purpose"),
        _pk("sheets"),
        _unique("sheets", "program_number", "fiscal_year", "stage"),
    )
    op.create_table(
        "sheet_revisions",
        _id(),
        _int("sheet_id"),
        _int("revision"),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        _text("source"),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        _pk("sheet_revisions"),
        _parent("sheet_revisions", "sheet_id", "sheets"),
        _unique("sheet_revisions", "sheet_id", "revision"),
    )
    op.create_table(
        "situations",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("text"),
        _pk("situations"),
        _parent("situations", "sheet_id", "sheets"),
        _unique("situations", "sheet_id", "position"),
    )
    op.create_table(
        "initiatives",
        _id(),
        _int("sheet_id"),
        _int("section"),
        _int("position"),
        _text("number"),
        _text("title"),
        _pk("initiatives"),
        _parent("initiatives", "sheet_id", "sheets"),
        _unique("initiatives", "sheet_id", "section", "position"),
        sa.CheckConstraint("section IN (3, 7)", name="ck_initiatives_section"),
    )
    op.create_table(
        "initiative_bullets",
        _id(),
        _int("initiative_id"),
        _int("position"),
        _text("text"),
        _pk("initiative_bullets"),
        _parent("initiative_bullets", "initiative_id", "initiatives"),
        _unique("initiative_bullets", "initiative_id", "position"),
    )
    op.create_table(
        "indicators",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("number"),
        _text("name"),
        _text("unit"),
        _text("direction"),
        _text("target_comparison"),
        sa.Column("target_cumulative", sa.Boolean(), nullable=False),
        _int("target_start_year", nullable=True),
        _int("target_end_year", nullable=True),
        _text("target_reason"),
        _text("analysis"),
        _text("printed_achievement", nullable=True),
        _pk("indicators"),
        _parent("indicators", "sheet_id", "sheets"),
        _unique("indicators", "sheet_id", "position"),
    )
    op.create_table(
        "indicator_values",
        _id(),
        _int("indicator_id"),
        _int("position"),
        _int("fiscal_year"),
        _text("kind"),
        sa.Column("value", _decimal(), nullable=True),
        sa.Column("upper", _decimal(), nullable=True),
        _pk("indicator_values"),
        _parent("indicator_values", "indicator_id", "indicators"),
        _unique("indicator_values", "indicator_id", "position"),
    )
    op.create_table(
        "indicator_corrections",
        _id(),
        _int("indicator_value_id"),
        _int("position"),
        sa.Column("value_before", _decimal(), nullable=False),
        sa.Column("value_after", _decimal(), nullable=False),
        _text("reason"),
        _text("noted_in"),
        _pk("indicator_corrections"),
        _parent("indicator_corrections", "indicator_value_id", "indicator_values"),
        _unique("indicator_corrections", "indicator_value_id", "position"),
    )
    op.create_table(
        "indicator_trends",
        _id(),
        _int("indicator_id"),
        _int("position"),
        _int("fiscal_year"),
        _text("trend"),
        _pk("indicator_trends"),
        _parent("indicator_trends", "indicator_id", "indicators"),
        _unique("indicator_trends", "indicator_id", "position"),
        _unique("indicator_trends", "indicator_id", "fiscal_year"),
    )
    op.create_table(
        "plan_links",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("policy_code"),
        _text("policy_name"),
        _pk("plan_links"),
        _parent("plan_links", "sheet_id", "sheets"),
        _unique("plan_links", "sheet_id", "position"),
    )
    op.create_table(
        "plan_goals",
        _id(),
        _int("plan_link_id"),
        _int("position"),
        _text("name"),
        sa.Column("main", sa.Boolean(), nullable=False),
        _text("unit"),
        _pk("plan_goals"),
        _parent("plan_goals", "plan_link_id", "plan_links"),
        _unique("plan_goals", "plan_link_id", "position"),
    )
    op.create_table(
        "plan_goal_values",
        _id(),
        _int("plan_goal_id"),
        _text("role"),
        _int("position"),
        _int("fiscal_year", nullable=True),
        sa.Column("value", _decimal(), nullable=True),
        _pk("plan_goal_values"),
        _parent("plan_goal_values", "plan_goal_id", "plan_goals"),
        _unique("plan_goal_values", "plan_goal_id", "role", "position"),
        sa.CheckConstraint("role IN ('recent', 'target')", name="ck_plan_goal_values_role"),
    )
    op.create_table(
        "cost_rows",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year"),
        _int("carried_over", nullable=True),
        _int("initial_budget", nullable=True),
        _int("supplementary", nullable=True),
        _int("total", nullable=True),
        _int("general_revenue", nullable=True),
        _int("settlement", nullable=True),
        sa.Column("staff", _decimal(), nullable=True),
        _pk("cost_rows"),
        _parent("cost_rows", "sheet_id", "sheets"),
        _unique("cost_rows", "sheet_id", "position"),
    )
    op.create_table(
        "future_items",
        _id(),
        _int("sheet_id"),
        _text("kind"),
        _int("position"),
        _text("text"),
        _pk("future_items"),
        _parent("future_items", "sheet_id", "sheets"),
        _unique("future_items", "sheet_id", "kind", "position"),
        sa.CheckConstraint("kind IN ('issue', 'measure')", name="ck_future_items_kind"),
    )
    op.create_table(
        "sub_projects",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("number"),
        _text("name"),
        _pk("sub_projects"),
        _parent("sub_projects", "sheet_id", "sheets"),
        _unique("sub_projects", "sheet_id", "position"),
    )
    op.create_table(
        "sub_project_settlements",
        _id(),
        _int("sub_project_id"),
        _int("position"),
        _int("fiscal_year"),
        _int("amount", nullable=True),
        _pk("sub_project_settlements"),
        _parent("sub_project_settlements", "sub_project_id", "sub_projects"),
        _unique("sub_project_settlements", "sub_project_id", "position"),
        _unique("sub_project_settlements", "sub_project_id", "fiscal_year"),
    )
    op.create_table(
        "components",
        _id(),
        _int("sub_project_id"),
        _int("position"),
        _int("number"),
        _text("name"),
        _text("description"),
        _text("output"),
        _pk("components"),
        _parent("components", "sub_project_id", "sub_projects"),
        _unique("components", "sub_project_id", "position"),
    )
    op.create_table(
        "component_methods",
        _id(),
        _int("component_id"),
        _int("position"),
        _text("method"),
        _pk("component_methods"),
        _parent("component_methods", "component_id", "components"),
        _unique("component_methods", "component_id", "position"),
    )
    op.create_table(
        "component_quantities",
        _id(),
        _int("component_id"),
        _int("position"),
        _text("label"),
        sa.Column("value", _decimal(), nullable=False),
        _text("unit"),
        _pk("component_quantities"),
        _parent("component_quantities", "component_id", "components"),
        _unique("component_quantities", "component_id", "position"),
    )


TABLES = (
    "sheets",
    "sheet_revisions",
    "situations",
    "initiatives",
    "initiative_bullets",
    "indicators",
    "indicator_values",
    "indicator_corrections",
    "indicator_trends",
    "plan_links",
    "plan_goals",
    "plan_goal_values",
    "cost_rows",
    "future_items",
    "sub_projects",
    "sub_project_settlements",
    "components",
    "component_methods",
    "component_quantities",
)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
