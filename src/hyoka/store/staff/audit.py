"""The audit log: every change, with who, when, what it was before and after, and why.

Call :func:`record_change` in the same transaction as the change itself, so that a
change is never stored without its record nor recorded without being stored.

Example::

    with transaction(engine) as session:
        record_change(session=session, actor=user, action="sheet.edit",
                      target_sheet_id=12, before={"purpose": "旧"}, after={"purpose": "新"},
                      reason="誤字の修正")
        changes = list_changes(session=session, target_sheet_id=12)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic_core import to_jsonable_python
from sqlalchemy import select
from sqlalchemy.orm import Session

from hyoka.store.schema.accounts import AuditRow


class _HasLogin(Protocol):
    @property
    def login(self) -> str: ...


@dataclass(frozen=True)
class Change:
    """One recorded change. ``before``/``after`` are JSON values (None: did not exist)."""

    id: int
    at: datetime
    actor: str
    action: str
    target_sheet_id: int | None
    before: Any
    after: Any
    reason: str


def record_change(
    *,
    session: Session,
    actor: str | _HasLogin,
    action: str,
    target_sheet_id: int | None,
    before: Any,
    after: Any,
    reason: str = "",
    at: datetime | None = None,
) -> Change:
    """Append one change to the log.

    ``actor`` is a login name or an account (anything with ``.login``); ``action`` a
    dotted name such as ``sheet.edit``, ``sheet.submit`` or ``user.add``. ``before`` and
    ``after`` may be dicts, lists, scalars or pydantic models (stored as their JSON).
    """
    row = AuditRow(
        at=at or datetime.now(UTC),
        actor=actor if isinstance(actor, str) else actor.login,
        action=action,
        target_sheet_id=target_sheet_id,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )
    session.add(row)
    session.flush()
    return _change(row)


def list_changes(
    *,
    session: Session,
    target_sheet_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
) -> list[Change]:
    """Recorded changes matching every filter given, newest first unless asked otherwise.

    ``action`` ending in ``.`` matches a family (``"sheet."`` finds every sheet action).
    """
    query = select(AuditRow)
    if target_sheet_id is not None:
        query = query.where(AuditRow.target_sheet_id == target_sheet_id)
    if actor is not None:
        query = query.where(AuditRow.actor == actor)
    if action is not None:
        if action.endswith("."):
            query = query.where(AuditRow.action.startswith(action, autoescape=True))
        else:
            query = query.where(AuditRow.action == action)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    if newest_first:
        query = query.order_by(AuditRow.at.desc(), AuditRow.id.desc())
    else:
        query = query.order_by(AuditRow.at, AuditRow.id)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_change(row) for row in session.scalars(query)]


def _jsonable(value: Any) -> Any:
    # Models, decimals, dates and enums become plain JSON; None stays SQL NULL.
    return None if value is None else to_jsonable_python(value)


def _change(row: AuditRow) -> Change:
    return Change(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target_sheet_id=row.target_sheet_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
    )
