"""Report facts: per-sheet judgements, money, unit costs and quality findings.

Revision ID: 0007_facts
Revises: 0001
Create Date: 2026-11-22

The tables of ``hyoka/store/schema/facts.py``, created from their definitions (a test
compares the migrated schema with the tables). They start empty: the facts of sheets
already stored are computed by ``hyoka.store.reports.facts.fill_missing_facts``, which the
reports call before reading (rules live in Python, not in a migration).
"""

from __future__ import annotations

from alembic import op

from hyoka.store.schema.facts import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactSheetRow,
    FactUnitCostRow,
)

revision: str = "0007_facts"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_TABLES = (FactSheetRow, FactOutcomeRow, FactMoneyRow, FactUnitCostRow, FactIssueRow)


def upgrade() -> None:
    for row in _TABLES:
        row.__table__.create(op.get_bind())  # type: ignore[attr-defined]


def downgrade() -> None:
    for row in reversed(_TABLES):
        row.__table__.drop(op.get_bind())  # type: ignore[attr-defined]
