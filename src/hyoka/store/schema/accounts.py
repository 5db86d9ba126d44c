"""The tables of staff accounts, their sessions and login attempts, and the audit log.

The migration ``migrations/versions/0003_accounts.py`` spells out the same schema; a test
compares the migrated schema with these tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base


def _json() -> Any:
    # none_as_null: a missing before/after (creation, deletion) is SQL NULL, not JSON null.
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(unique=True)
    display_name: Mapped[str]
    password_hash: Mapped[str]
    role: Mapped[str]
    department: Mapped[str]
    section: Mapped[str]
    disabled: Mapped[bool] = mapped_column(Boolean())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UserSessionRow(Base):
    """A login session. Only a hash of its token is kept: a leaked table opens no session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginAttemptRow(Base):
    """One login attempt, kept in the database so that rate limits hold across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_login_attempted_at", "login", "attempted_at"),
        Index("ix_login_attempts_client_ip_attempted_at", "client_ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str]
    client_ip: Mapped[str]
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean())


class AuditRow(Base):
    """One recorded change: who, when, what, before, after, why.

    ``target_sheet_id`` has no foreign key on purpose: the log outlives what it describes.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target_sheet_id_at", "target_sheet_id", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str]
    action: Mapped[str]
    target_sheet_id: Mapped[int | None]
    before: Mapped[Any] = mapped_column(_json(), nullable=True)
    after: Mapped[Any] = mapped_column(_json(), nullable=True)
    reason: Mapped[str]
