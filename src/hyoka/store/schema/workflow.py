"""The tables of the review workflow: state per sheet version, cycle deadlines, comments,
and the correction drafts of published sheets.

The migrations ``0005_workflow`` and ``0011_correction_drafts`` spell out the same schema; a test
compares the migrated schema with these tables. People are named by login (text, no
foreign key): the workflow's branch of migrations does not depend on the accounts' one,
and the record should outlive a removed account.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base


class WorkflowRow(Base):
    """The workflow state of one sheet version (a ``sheets`` row); absent = published."""

    __tablename__ = "sheet_workflow"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str]
    assignee: Mapped[str | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str]


class CycleRow(Base):
    """The deadline of one stage of one fiscal year's cycle."""

    __tablename__ = "cycles"
    __table_args__ = (UniqueConstraint("fiscal_year", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    stage: Mapped[str]
    due_date: Mapped[date] = mapped_column(Date())


class CommentRow(Base):
    """A comment on a sheet version, on the whole sheet or on one field (``field_path``)."""

    __tablename__ = "sheet_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int]
    field_path: Mapped[str | None]
    author: Mapped[str]
    role: Mapped[str]
    body: Mapped[str]
    created_at: Mapped[datetime]
    resolved: Mapped[bool] = mapped_column(Boolean())
    resolved_by: Mapped[str | None]
    resolved_at: Mapped[datetime | None]

    @classmethod
    def opened(
        cls,
        *,
        sheet_id: int,
        revision: int,
        author: str,
        role: str,
        body: str,
        field_path: str | None = None,
    ) -> CommentRow:
        """A new, unresolved comment written now (a comment of its own, or a return's reason)."""
        return cls(
            sheet_id=sheet_id,
            revision=revision,
            field_path=field_path or None,
            author=author,
            role=role,
            body=body.strip(),
            created_at=datetime.now(UTC),
            resolved=False,
        )


class CorrectionDraftRow(Base):
    """The correction of a published sheet under review: the corrected sheet and its own
    workflow state (作成中 → 提出済 → applied, or 差戻し).

    The published revision stays what the public sees until a reviewer approves the draft
    (migration ``0011_correction_drafts``). ``linked_sheet_id`` is the next-year or
    next-stage draft whose change of a prior year's figure made this correction: it moves
    through the workflow with that draft.
    """

    __tablename__ = "correction_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"), unique=True)
    base_revision: Mapped[int]
    version: Mapped[int]
    state: Mapped[str]
    reason: Mapped[str]
    document: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    author: Mapped[str]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str]
    linked_sheet_id: Mapped[int | None] = mapped_column(
        ForeignKey("sheets.id", ondelete="CASCADE"), index=True
    )
