"""The tables of the review workflow: state per sheet version, cycle deadlines, comments.

The migration ``migrations/versions/0005_workflow.py`` spells out the same schema; a test
compares the migrated schema with these tables. People are named by login (text, no
foreign key): the workflow's branch of migrations does not depend on the accounts' one,
and the record should outlive a removed account.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, UniqueConstraint
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
