"""The RS system's parts of national sheets (2024 on) and the review (点検・評価) as data.

Revision ID: 0013_rs_review
Revises: 0012_at_risk_once
Create Date: 2026-12-04

Written out by hand to match ``hyoka/store/schema/rs.py`` and the new ``national_sheets``
columns (予算事業ID, 事業区分, 政策所管府省庁, 建制順, 備考, 旧事業番号); a test compares
the migrated schema with the tables. Rows stored before get empty values through server
defaults; the new tables start empty (re-importing fills them).
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0013_rs_review"
down_revision: str | None = "0012_at_risk_once"
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


def _owned(table: str, key: str, parent: str) -> list[sa.Constraint]:
    return [
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            [key], [f"{parent}.id"], name=f"fk_{table}_{key}_{parent}", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.add_column("national_sheets", _int("project_id", nullable=True))
    op.add_column("national_sheets", _text("program_category", default=""))
    op.add_column("national_sheets", _text("policy_ministry", default=""))
    op.add_column("national_sheets", _int("ministry_order", nullable=True))
    op.add_column("national_sheets", _text("summary_note", default=""))
    op.add_column("national_sheets", _text("former_number", default=""))
    op.create_index("ix_national_sheets_project_id", "national_sheets", ["project_id"])
    # Which rule linked a program across years (hyoka.store.sheets.lineage).
    op.add_column("program_links", _text("rule", default=""))
    op.create_table(
        "org_units",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("ministry"),
        _text("bureau"),
        _text("division"),
        _text("section"),
        _text("office"),
        _text("team"),
        _text("unit"),
        _text("responsible"),
        *_owned("org_units", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_org_units_sheet_id_position"),
    )
    op.create_table(
        "sheet_notes",
        _id(),
        _int("sheet_id"),
        _text("kind"),
        _int("position"),
        _text("text"),
        *_owned("sheet_notes", "sheet_id", "sheets"),
        sa.UniqueConstraint(
            "sheet_id", "kind", "position", name="uq_sheet_notes_sheet_id_kind_position"
        ),
        sa.CheckConstraint("kind IN ('expense', 'remark')", name="ck_sheet_notes_kind"),
    )
    op.create_table(
        "policy_refs",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("ministry"),
        _text("policy"),
        _text("measure"),
        _text("url"),
        *_owned("policy_refs", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_policy_refs_sheet_id_position"),
    )
    op.create_table(
        "law_refs",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("name"),
        _text("number"),
        _text("law_id"),
        _text("article"),
        _text("paragraph"),
        _text("item"),
        *_owned("law_refs", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_law_refs_sheet_id_position"),
    )
    op.create_table(
        "plan_refs",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("name"),
        _text("url"),
        *_owned("plan_refs", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_plan_refs_sheet_id_position"),
    )
    op.create_table(
        "subsidy_rates",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("target"),
        _text("rate"),
        _text("cap"),
        _text("url"),
        *_owned("subsidy_rates", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_subsidy_rates_sheet_id_position"),
    )
    op.create_table(
        "related_programs",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("project_id", nullable=True),
        _text("name"),
        _text("relation"),
        *_owned("related_programs", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_related_programs_sheet_id_position"),
    )
    op.create_table(
        "budget_notes",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year"),
        _decimal("execution_rate"),
        _text("change_reason"),
        _text("note"),
        *_owned("budget_notes", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_budget_notes_sheet_id_position"),
    )
    op.create_table(
        "budget_accounts",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year"),
        _text("account_type"),
        _text("account"),
        _text("subaccount"),
        _decimal("initial_budget"),
        _decimal("supplementary_1"),
        _decimal("supplementary_2"),
        _decimal("supplementary_3"),
        _decimal("supplementary_4"),
        _decimal("supplementary_5"),
        _decimal("carried_over"),
        _decimal("reserve_1"),
        _decimal("reserve_2"),
        _decimal("reserve_3"),
        _decimal("reserve_4"),
        _decimal("total"),
        _decimal("executed"),
        _decimal("requested"),
        _decimal("wished"),
        _text("note"),
        *_owned("budget_accounts", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_budget_accounts_sheet_id_position"),
    )
    op.create_table(
        "budget_items",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _int("fiscal_year"),
        _text("account_type"),
        _text("account"),
        _text("subaccount"),
        _text("budget_type"),
        _text("jurisdiction"),
        _text("organisation"),
        _text("item"),
        _text("sub_item"),
        _text("detail"),
        _decimal("amount"),
        _decimal("requested"),
        _text("note"),
        *_owned("budget_items", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_budget_items_sheet_id_position"),
    )
    op.create_table(
        "logic_links",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("source_number"),
        _text("source_kind"),
        _text("source_period"),
        _text("source_text"),
        _text("target_number"),
        _text("target_kind"),
        _text("target_period"),
        _text("target_text"),
        _text("reason"),
        _text("no_stages_reason"),
        *_owned("logic_links", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_logic_links_sheet_id_position"),
    )
    op.create_table(
        "spending_flows",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("source_block"),
        _text("source_name"),
        sa.Column("from_ministry", sa.Boolean(), nullable=False),
        _text("target_block"),
        _text("target_name"),
        _text("note"),
        _text("indirect"),
        _text("indirect_item"),
        _decimal("indirect_amount"),
        *_owned("spending_flows", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_spending_flows_sheet_id_position"),
    )
    op.create_table(
        "spending_uses",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("block"),
        _text("recipient"),
        _text("corporate_number"),
        _text("contract"),
        _text("expense"),
        _text("use"),
        _decimal("amount"),
        *_owned("spending_uses", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_spending_uses_sheet_id_position"),
    )
    op.create_table(
        "contracts",
        _id(),
        _int("sheet_id"),
        _int("position"),
        _text("block"),
        _text("name"),
        _text("corporate_number"),
        _text("address"),
        _text("corporate_type"),
        _text("summary"),
        _decimal("amount"),
        _text("method"),
        _text("method_detail"),
        _int("bidders", nullable=True),
        _decimal("winning_rate"),
        _text("single_bid_reason"),
        _text("other"),
        *_owned("contracts", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", "position", name="uq_contracts_sheet_id_position"),
    )
    op.create_table(
        "reviews",
        _id(),
        _int("sheet_id"),
        _text("assessment"),
        _text("direction"),
        _text("effect"),
        _text("external_scope"),
        _int("external_year", nullable=True),
        _text("external_reason"),
        _text("external_opinion"),
        _text("public_process"),
        _text("verdict"),
        _text("verdict_detail"),
        _text("reflection"),
        _text("reflection_detail"),
        *_owned("reviews", "sheet_id", "sheets"),
        sa.UniqueConstraint("sheet_id", name="uq_reviews_sheet_id"),
    )
    op.create_table(
        "review_ratings",
        _id(),
        _int("review_id"),
        _int("position"),
        _text("aspect"),
        _text("grade"),
        _text("comment"),
        *_owned("review_ratings", "review_id", "reviews"),
        sa.UniqueConstraint("review_id", "position", name="uq_review_ratings_review_id_position"),
    )
    op.create_table(
        "review_amounts",
        _id(),
        _int("review_id"),
        _int("position"),
        _text("account"),
        _text("subaccount"),
        _decimal("amount"),
        *_owned("review_amounts", "review_id", "reviews"),
        sa.UniqueConstraint("review_id", "position", name="uq_review_amounts_review_id_position"),
    )
    op.create_table(
        "review_findings",
        _id(),
        _int("review_id"),
        _int("position"),
        _text("kind"),
        _text("origin"),
        _int("fiscal_year", nullable=True),
        _text("finding"),
        _text("response"),
        *_owned("review_findings", "review_id", "reviews"),
        sa.UniqueConstraint("review_id", "position", name="uq_review_findings_review_id_position"),
        sa.CheckConstraint("kind IN ('review', 'other')", name="ck_review_findings_kind"),
    )


def downgrade() -> None:
    op.drop_table("review_findings")
    op.drop_table("review_amounts")
    op.drop_table("review_ratings")
    op.drop_table("reviews")
    op.drop_table("contracts")
    op.drop_table("spending_uses")
    op.drop_table("spending_flows")
    op.drop_table("logic_links")
    op.drop_table("budget_items")
    op.drop_table("budget_accounts")
    op.drop_table("budget_notes")
    op.drop_table("related_programs")
    op.drop_table("subsidy_rates")
    op.drop_table("plan_refs")
    op.drop_table("law_refs")
    op.drop_table("policy_refs")
    op.drop_table("sheet_notes")
    op.drop_table("org_units")
    op.execute("DELETE FROM program_links WHERE rule IN ('id', 'related')")
    with op.batch_alter_table("program_links") as batch:
        batch.drop_column("rule")
    op.drop_index("ix_national_sheets_project_id", table_name="national_sheets")
    with op.batch_alter_table("national_sheets") as batch:
        batch.drop_column("former_number")
        batch.drop_column("summary_note")
        batch.drop_column("ministry_order")
        batch.drop_column("policy_ministry")
        batch.drop_column("program_category")
        batch.drop_column("project_id")
