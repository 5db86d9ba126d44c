"""The fiscal year of an indicator's printed 達成状況 (``indicators.printed_achievement_year``).

Revision ID: 0008_printed_year
Revises: 0001
Create Date: 2026-11-22

Written out by hand to match ``hyoka/store/schema/sheets.py``; a test compares the migrated schema
with the tables. Indicators stored before have their printed status in the sheet's own
year (what ``hyoka.model.Sheet`` assumes when the year is missing), so they get that year.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008_printed_year"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("indicators", sa.Column("printed_achievement_year", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE indicators SET printed_achievement_year = ("
        "SELECT sheets.fiscal_year FROM sheets WHERE sheets.id = indicators.sheet_id) "
        "WHERE printed_achievement IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("printed_achievement_year")
