"""What the public may see, in bulk: the published sheets and their tables, and the store's
revision (which changes whenever what is published may have changed).

A sheet version is published when :func:`hyoka.store.search.listing.published` says so (approved,
or imported from a published source); drafts, submitted and returned versions are left out
here exactly as on the public pages. The open-data files are built from these functions
and cached under :func:`store_revision`.

Example::

    with transaction(engine) as session:
        revision = store_revision(session=session)
        tables = read_published_tables(session=session)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.orm import Session

from hyoka.store.schema.accounts import AuditRow
from hyoka.store.schema.sheets import RevisionRow, SheetRow, current_tables
from hyoka.store.search.catalog import published
from hyoka.store.sheets.tables import TableRows


@dataclass(frozen=True)
class StoreRevision:
    """A cheap fingerprint of the store: equal revisions mean equal published content.

    Every save adds a ``sheet_revisions`` row and every workflow move (an approval
    publishes a sheet) adds an ``audit_log`` row; neither table is ever deleted from, so
    their newest ids only grow.
    """

    newest_save: int
    newest_change: int
    changed_at: datetime | None  # the newest save or recorded change (UTC)

    @property
    def key(self) -> str:
        return f"{self.newest_save}-{self.newest_change}"


def store_revision(*, session: Session) -> StoreRevision:
    """The store's revision, in one query."""
    row = session.execute(
        select(
            select(func.max(RevisionRow.id)).scalar_subquery(),
            select(func.max(RevisionRow.saved_at)).scalar_subquery(),
            select(func.max(AuditRow.id)).scalar_subquery(),
            select(func.max(AuditRow.at)).scalar_subquery(),
        )
    ).one()
    save_id, saved_at, change_id, changed_at = row
    times = [_utc(moment) for moment in (saved_at, changed_at) if moment is not None]
    return StoreRevision(
        newest_save=save_id or 0,
        newest_change=change_id or 0,
        changed_at=max(times) if times else None,
    )


def read_published_tables(*, session: Session) -> list[TableRows]:
    """The open-data tables (``current_tables``) holding only rows of published sheets.

    A child table is filtered through its parent's key (``indicator_values`` through
    ``indicators`` through ``sheets``), so whatever tables are added later follow suit.
    """
    tables = current_tables()
    kept: dict[str, ColumnElement[bool]] = {}
    found = []
    for table in tables:
        condition = _published_rows(table, kept)
        kept[table.name] = condition
        result = session.execute(
            select(table).where(condition).order_by(*table.primary_key.columns)
        )
        found.append(
            TableRows(
                name=table.name,
                columns=tuple(column.name for column in table.columns),
                rows=[tuple(row) for row in result],
            )
        )
    return found


def _published_rows(table: Table, parents: dict[str, ColumnElement[bool]]) -> ColumnElement[bool]:
    sheets = SheetRow.__table__
    if table is sheets:
        return published(sheets.c.id)
    # The owning key first (program_links also points at a nullable predecessor sheet).
    for key in sorted(table.foreign_keys, key=lambda key: (key.parent.nullable, key.parent.name)):
        parent = key.column.table
        if parent is sheets:
            return key.parent.in_(select(sheets.c.id).where(published(sheets.c.id)))
        if parent.name in parents:
            return key.parent.in_(select(key.column).where(parents[parent.name]))
    raise ValueError(f"{table.name}: no path to the sheets table")


def _utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; they were stored as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
