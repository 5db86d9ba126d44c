"""Tables of the public listing and search: one summary row per sheet, its 施策分野 codes.

``sheet_summaries`` repeats the header columns the portal filters and sorts on and adds
values computed by the rules when the sheet is saved (``achievement``, ``at_risk``), so
that lists of 20,000+ sheets filter, count and page in SQL alone; its rows stay narrow so
that counting them is cheap. ``sheet_texts.body`` is every text of the sheet, the base
text of the full-text search: SQLite indexes it with the FTS5 ``trigram`` tokenizer in
``sheet_fts`` (an external-content table kept in step by triggers, created by the
migration), PostgreSQL with pg_trgm GIN indexes. Terms of 1–2 characters, which
trigrams cannot serve, use a unigram + bigram index: the contentless FTS5 table
``sheet_grams`` on SQLite (written by :func:`hyoka.store.search.index.index_sheets`), a GIN index
on the token list ``sheet_texts.body_grams`` on PostgreSQL (a column only PostgreSQL has). None of these indexes is described here
(SQLAlchemy cannot): :data:`SEARCH_INDEX_NAMES` tells schema comparisons to leave them out.

``store_revision`` is one counter that triggers (migration 0006) raise on every change of
the summaries or the workflow states, so that a process can keep what it derived from the
published summaries until the counter moves (:mod:`hyoka.store.search.catalog`).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base, parent_key

# Objects the migration creates outside SQLAlchemy's metadata (FTS5 and its shadow tables,
# the trigram index).
SEARCH_INDEX_NAMES = frozenset(
    {
        "sheet_fts",
        "sheet_fts_data",
        "sheet_fts_idx",
        "sheet_fts_docsize",
        "sheet_fts_config",
        "sheet_fts_content",
        "ix_sheet_texts_body_trgm",
        "ix_sheet_texts_name_trgm",
        "sheet_grams",
        "sheet_grams_data",
        "sheet_grams_idx",
        "sheet_grams_docsize",
        "sheet_grams_config",
        "ix_sheet_texts_body_grams",
        "body_grams",  # PostgreSQL's column of 1–2 character tokens (migration 0010)
    }
)


def include_in_schema_comparison(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's ``include_name``: everything but the search indexes."""
    return name not in SEARCH_INDEX_NAMES


class SheetSummaryRow(Base):
    __tablename__ = "sheet_summaries"
    __table_args__ = (
        Index(None, "fiscal_year"),
        Index(None, "department", "section"),
        Index(None, "stage"),
        Index(None, "kind"),
        Index(None, "achievement"),
        Index(None, "at_risk"),
        Index(None, "program_number"),
    )

    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("sheets.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str]
    program_number: Mapped[str]
    fiscal_year: Mapped[int]
    stage: Mapped[str]
    program_name: Mapped[str]
    department: Mapped[str]
    section: Mapped[str]
    achievement: Mapped[str | None]  # 達成 / 未達成 over the indicators with a status
    at_risk: Mapped[bool]
    indicator_count: Mapped[int]


class SheetTextRow(Base):
    __tablename__ = "sheet_texts"

    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("sheets.id", ondelete="CASCADE"), primary_key=True
    )
    program_name: Mapped[str]
    body: Mapped[str]


class SheetPolicyRow(Base):
    __tablename__ = "sheet_policies"
    __table_args__ = (UniqueConstraint("sheet_id", "position"), Index(None, "policy_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    policy_code: Mapped[str]
    policy_name: Mapped[str]


class StoreRevisionRow(Base):
    """A single row whose ``value`` moves whenever what the public listing shows changes."""

    __tablename__ = "store_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]
