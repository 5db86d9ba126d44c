"""National 行政事業レビューシート: kind and 担当部局庁 on sheets, indicator roles, and the
national parts (budgets, recipients, links, program lineage).

Revision ID: 0004_national
Revises: 0001
Create Date: 2024-12-02

Written out by hand to match ``hyoka/store/schema/sheets.py`` and ``national.py``; a test
compares the migrated schema with the tables. Existing rows get the prefecture's values
through server defaults.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0004_national"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _decimal(name: str) -> sa.Column[Decimal]:
    # Exact decimals: NUMERIC on PostgreSQL, text on SQLite (see hyoka.store.schema.types).
    return sa.Column(name, sa.Numeric().with_variant(sa.String(), "sqlite"), nullable=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _text(name: str, *, default: str | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False, server_default=default)


def _int(name: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _sheet(table: str) -> list[sa.Constraint]:
    return [
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["sheet_id"], ["sheets.id"], name=f"fk_{table}_sheet_id_sheets", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.add_column("sheets", _text("kind", default="prefecture"))
    op.add_column("sheets", _text("bureau", default=""))
    op.add_column("indicators", _text("role", default="outcome"))
    op.add_column("indicators", _text("goal", default=""))
    op.add_column("indicators", _text("target_text", default=""))
    op.create_index("ix_sheets_kind_fiscal_year", "sheets", ["kind", "fiscal_year"])
    op.create_index("ix_sheets_department_fiscal_year", "sheets", ["department", "fiscal_year"])
    op.create_index(
        "ix_sheets_fiscal_year_department_program_name",
        "sheets",
        ["fiscal_year", "department", "program_name"],
    )
    op.create_index("ix_indicators_sheet_id_role", "indicators", ["sheet_id", "role"])

    op.create_table(
        "national_sheets",
        _id(),
        _int("sheet_id"),
        _text("summary"),
        _text("responsible"),
        _text("no_target_reason"),
        _text("money_unit"),
        _text("source_url"),
        _text("content_hash"),
        _int("program_id", nullable=True),
        *_sheet("national_sheets"),
        sa.UniqueConstraint("sheet_id", name="uq_national_sheets_sheet_id"),
    )
    op.create_index("ix_national_sheets_program_id", "national_sheets", ["program_id"])
    op.create_table(
        "sheet_categories",
        _id(),
        _int("sheet_id"),
        _text("category"),
        _int("position"),
        _text("text"),
        *_sheet("sheet_categories"),
        sa.UniqueConstraint(
            "sheet_id",
            "category",
            "position",
            name="uq_sheet_categories_sheet_id_category_position",
        ),
        sa.CheckConstraint(
            "category IN ('method', 'account', 'policy')", name="ck_sheet_categories_category"
        ),
    )
    op.create_table(
        "budgets",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year"),
        _decimal("initial_budget"),
        _decimal("supplementary"),
        _decimal("carried_over"),
        _decimal("carried_forward"),
        _decimal("reserve"),
        _decimal("total"),
        _decimal("executed"),
        _decimal("requested"),
        *_sheet("budgets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_budgets_sheet_id_position"),
    )
    op.create_table(
        "recipients",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year", nullable=True),
        _text("group_name"),
        _int("number", nullable=True),
        _text("name"),
        _text("corporate_number"),
        _text("description"),
        _decimal("amount"),
        *_sheet("recipients"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_recipients_sheet_id_position"),
    )
    op.create_index("ix_recipients_corporate_number", "recipients", ["corporate_number"])
    op.create_table(
        "sheet_links",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year", nullable=True),
        _text("ministry"),
        _text("program_number"),
        *_sheet("sheet_links"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_sheet_links_sheet_id_position"),
    )
    op.create_table(
        "program_links",
        _id(),
        _int("sheet_id"),
        _int("predecessor_sheet_id", nullable=True),
        _text("how"),
        _int("link_fiscal_year", nullable=True),
        _text("link_ministry"),
        _text("link_program_number"),
        *_sheet("program_links"),
        sa.ForeignKeyConstraint(
            ["predecessor_sheet_id"],
            ["sheets.id"],
            name="fk_program_links_predecessor_sheet_id_sheets",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint("how IN ('link', 'name')", name="ck_program_links_how"),
    )
    op.create_index("ix_program_links_sheet_id", "program_links", ["sheet_id"])
    op.create_index(
        "ix_program_links_predecessor_sheet_id", "program_links", ["predecessor_sheet_id"]
    )


def downgrade() -> None:
    for table in (
        "program_links",
        "sheet_links",
        "recipients",
        "budgets",
        "sheet_categories",
        "national_sheets",
    ):
        op.drop_table(table)
    for index in (
        "ix_indicators_sheet_id_role",
        "ix_sheets_fiscal_year_department_program_name",
        "ix_sheets_department_fiscal_year",
        "ix_sheets_kind_fiscal_year",
    ):
        op.drop_index(index)
    with op.batch_alter_table("indicators") as batch:
        for column in ("target_text", "goal", "role"):
            batch.drop_column(column)
    with op.batch_alter_table("sheets") as batch:
        batch.drop_column("bureau")
        batch.drop_column("kind")
