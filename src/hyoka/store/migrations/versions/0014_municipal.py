"""A municipality's 事務事業評価シート (市町村): its header parts and its yearly 総投入量.

Revision ID: 0014_municipal
Revises: 0013_rs_review
Create Date: 2026-12-04

Written out by hand to match ``hyoka/store/schema/municipal.py``; a test compares the
migrated schema with the tables. The evaluation uses the shared ``reviews`` tables (0013)
and 対象指標 the ``indicators`` rows with ``role = 'subject'``: nothing else changes.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0014_municipal"
down_revision: str | None = "0013_rs_review"
branch_labels: str | None = None
depends_on: str | None = None

_TEXTS = (
    "municipality",
    "policy_number",
    "policy_name",
    "measure_number",
    "measure_name",
    "basic_project_number",
    "basic_project_name",
    "basic_project_id",
    "team",
    "manager",
    "contact",
    "phone",
    "legal_basis",
    "period_type",
    "category",
    "budget_code",
)
_LATER_TEXTS = (
    "created_on",
    "overview",
    "activities_done",
    "activities_planned",
    "subject",
    "intent",
    "result",
    "origin",
    "changes",
    "opinions",
)
_FIGURES = (
    "national_subsidy",
    "prefectural_subsidy",
    "local_bond",
    "other",
    "general_revenue",
    "project_cost",
    "regular_staff",
    "work_hours",
    "personnel_cost",
    "total_cost",
)


def _decimal(name: str) -> sa.Column[Decimal]:
    # Exact decimals: NUMERIC on PostgreSQL, text on SQLite (see hyoka.store.schema.types).
    return sa.Column(name, sa.Numeric().with_variant(sa.String(), "sqlite"), nullable=True)


def _owned(table: str) -> list[sa.Constraint]:
    return [
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["sheet_id"], ["sheets.id"], name=f"fk_{table}_sheet_id_sheets", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "municipal_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in _TEXTS),
        sa.Column("implementation_plan", sa.Boolean(), nullable=False),
        sa.Column("comprehensive_strategy", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in _LATER_TEXTS),
        *_owned("municipal_sheets"),
        sa.UniqueConstraint("sheet_id", name="uq_municipal_sheets_sheet_id"),
    )
    op.create_table(
        "municipal_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("whole_plan", sa.Boolean(), nullable=False),
        *(_decimal(name) for name in _FIGURES),
        *_owned("municipal_costs"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_municipal_costs_sheet_id_position"),
    )


def downgrade() -> None:
    op.drop_table("municipal_costs")
    op.drop_table("municipal_sheets")
