"""The review workflow: state per sheet version, cycle deadlines, comment threads.

Revision ID: 0005_workflow
Revises: 0001
Create Date: 2024-12-02

Written out by hand to match ``hyoka/store/schema/workflow.py``; a test compares the
migrated schema with the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_workflow"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _instant(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _sheet(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["sheet_id"], ["sheets.id"], name=f"fk_{table}_sheet_id_sheets", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "sheet_workflow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        _text("state"),
        _text("assignee", nullable=True),
        _instant("updated_at"),
        _text("updated_by"),
        _sheet("sheet_workflow"),
        sa.PrimaryKeyConstraint("id", name="pk_sheet_workflow"),
        sa.UniqueConstraint("sheet_id", name="uq_sheet_workflow_sheet_id"),
    )
    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        _text("stage"),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cycles"),
        sa.UniqueConstraint("fiscal_year", "stage", name="uq_cycles_fiscal_year_stage"),
    )
    op.create_table(
        "sheet_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _text("field_path", nullable=True),
        _text("author"),
        _text("role"),
        _text("body"),
        _instant("created_at"),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        _text("resolved_by", nullable=True),
        _instant("resolved_at", nullable=True),
        _sheet("sheet_comments"),
        sa.PrimaryKeyConstraint("id", name="pk_sheet_comments"),
    )
    op.create_index("ix_sheet_comments_sheet_id", "sheet_comments", ["sheet_id"])


def downgrade() -> None:
    op.drop_index("ix_sheet_comments_sheet_id", table_name="sheet_comments")
    op.drop_table("sheet_comments")
    op.drop_table("cycles")
    op.drop_table("sheet_workflow")
