"""Correction drafts: a correction of a published sheet is reviewed before the public sees it.

Revision ID: 0011_correction_drafts
Revises: 0010_one_writer
Create Date: 2026-12-03

Until now a correction of an approved sheet was saved as its new current revision at once.
It is now a draft (``correction_drafts``, one per sheet at most) with its own workflow
state; approving it saves the corrected sheet as the next revision
(:mod:`hyoka.store.staff.correction_drafts`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_correction_drafts"
down_revision: str | None = "0010_one_writer"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    document = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    op.create_table(
        "correction_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document", document, nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("linked_sheet_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["sheets.id"],
            name="fk_correction_drafts_sheet_id_sheets",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["linked_sheet_id"],
            ["sheets.id"],
            name="fk_correction_drafts_linked_sheet_id_sheets",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_correction_drafts"),
        sa.UniqueConstraint("sheet_id", name="uq_correction_drafts_sheet_id"),
    )
    op.create_index(
        "ix_correction_drafts_linked_sheet_id", "correction_drafts", ["linked_sheet_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_correction_drafts_linked_sheet_id", table_name="correction_drafts")
    op.drop_table("correction_drafts")
