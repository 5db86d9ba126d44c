"""The store's revision for the published content: it changes whenever what is published
may have changed, so that the open-data files (``load_sheets(public=True)``,
``read_current_tables(public=True)``) can be cached under it.

Example::

    with transaction(engine) as session:
        revision = store_revision(session=session)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hyoka.store.schema.accounts import AuditRow
from hyoka.store.schema.sheets import RevisionRow


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


def _utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; they were stored as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
