"""Staff accounts, login sessions and login attempts: the SQL of ``hyoka.accounts``.

Rules (roles, password policy, rate limits, expiry) live in :mod:`hyoka.accounts` and
:mod:`hyoka.logins`; these functions only read and write rows.

Example::

    with transaction(engine) as session:
        user = create_user(session=session, login="tanaka", display_name="田中",
                           password_hash=hash_, role="editor", department="産業労働部",
                           section="", now=now)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hyoka.store.schema.accounts import LoginAttemptRow, UserRow, UserSessionRow


@dataclass(frozen=True)
class User:
    """A staff account as stored (the password hash stays inside the store's callers)."""

    id: int
    login: str
    display_name: str
    role: str
    department: str
    section: str
    disabled: bool
    created_at: datetime
    updated_at: datetime
    password_hash: str


@dataclass(frozen=True)
class StoredSession:
    id: int
    user_id: int
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime


class UserExistsError(ValueError):
    """The login name is taken."""


class UnknownUserError(LookupError):
    """No account has this login name."""


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=row.role,
        department=row.department,
        section=row.section,
        disabled=row.disabled,
        created_at=row.created_at,
        updated_at=row.updated_at,
        password_hash=row.password_hash,
    )


def create_user(
    *,
    session: Session,
    login: str,
    display_name: str,
    password_hash: str,
    role: str,
    department: str,
    section: str,
    now: datetime,
) -> User:
    """Insert an account; :class:`UserExistsError` when the login name is taken."""
    row = UserRow(
        login=login,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        department=department,
        section=section,
        disabled=False,
        created_at=now,
        updated_at=now,
    )
    # A savepoint, so that a taken name leaves the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:
        raise UserExistsError(login) from error
    return _user(row)


def get_user(*, session: Session, login: str) -> User | None:
    row = session.scalars(select(UserRow).where(UserRow.login == login)).one_or_none()
    return None if row is None else _user(row)


def list_users(*, session: Session) -> list[User]:
    return [_user(row) for row in session.scalars(select(UserRow).order_by(UserRow.login))]


def update_user(
    *,
    session: Session,
    login: str,
    now: datetime,
    display_name: str | None = None,
    password_hash: str | None = None,
    role: str | None = None,
    department: str | None = None,
    section: str | None = None,
    disabled: bool | None = None,
) -> User:
    """Change the given fields (None leaves a field as it is)."""
    row = session.scalars(select(UserRow).where(UserRow.login == login)).one_or_none()
    if row is None:
        raise UnknownUserError(login)
    changes = {
        "display_name": display_name,
        "password_hash": password_hash,
        "role": role,
        "department": department,
        "section": section,
        "disabled": disabled,
    }
    for name, value in changes.items():
        if value is not None:
            setattr(row, name, value)
    row.updated_at = now
    session.flush()
    return _user(row)


# Advisory locks of login attempts on PostgreSQL: (this class, hashtext(key)).
_LOGIN_LOCK_CLASS = 0x6879_6C61


def lock_login_keys(*, session: Session, login: str, client_ip: str) -> None:
    """Serialise the attempts of this login name and of this address until the transaction ends.

    PostgreSQL: transaction-scoped advisory locks, the name's before the address's (one
    order for everyone, so no deadlock). SQLite has one writer: the caller's first write
    (:func:`record_login_attempt`) takes the database's write lock, and reads after it see
    every committed attempt.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in (f"login:{login}", f"address:{client_ip}"):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(:key))"),
            {"lock_class": _LOGIN_LOCK_CLASS, "key": key},
        )


def record_login_attempt(
    *, session: Session, login: str, client_ip: str, succeeded: bool, at: datetime
) -> int:
    """Insert an attempt; returns its id."""
    row = LoginAttemptRow(login=login, client_ip=client_ip, attempted_at=at, succeeded=succeeded)
    session.add(row)
    session.flush()
    return row.id


def mark_login_succeeded(*, session: Session, attempt_id: int) -> None:
    session.execute(
        update(LoginAttemptRow).where(LoginAttemptRow.id == attempt_id).values(succeeded=True)
    )


def login_failure_times(
    *,
    session: Session,
    since: datetime,
    limit: int,
    login: str | None = None,
    client_ip: str | None = None,
    exclude_id: int | None = None,
) -> list[datetime]:
    """Times of the newest ``limit`` failed attempts since ``since``, newest first.

    For a login name (with or without an address) only failures after the last success
    of that name (at that address) count: whoever got in is not held back by earlier
    typing mistakes. An address's failures alone all count, so that one valid account
    cannot be used to reset the count for guessing others.
    """
    query = select(LoginAttemptRow.attempted_at).where(
        LoginAttemptRow.succeeded.is_(False), LoginAttemptRow.attempted_at >= since
    )
    if login is not None:
        success = select(func.max(LoginAttemptRow.attempted_at)).where(
            LoginAttemptRow.login == login, LoginAttemptRow.succeeded.is_(True)
        )
        if client_ip is not None:
            success = success.where(LoginAttemptRow.client_ip == client_ip)
        last_success = success.scalar_subquery()
        query = query.where(
            LoginAttemptRow.login == login,
            (last_success.is_(None)) | (LoginAttemptRow.attempted_at > last_success),
        )
    if client_ip is not None:
        query = query.where(LoginAttemptRow.client_ip == client_ip)
    if exclude_id is not None:
        query = query.where(LoginAttemptRow.id != exclude_id)
    query = query.order_by(LoginAttemptRow.attempted_at.desc()).limit(limit)
    return list(session.scalars(query))


def has_logged_in_from(*, session: Session, login: str, client_ip: str, since: datetime) -> bool:
    """Whether this login name logged in successfully from this address since ``since``."""
    found = session.scalar(
        select(LoginAttemptRow.id)
        .where(
            LoginAttemptRow.login == login,
            LoginAttemptRow.client_ip == client_ip,
            LoginAttemptRow.succeeded.is_(True),
            LoginAttemptRow.attempted_at >= since,
        )
        .limit(1)
    )
    return found is not None


def purge_login_attempts(
    *, session: Session, failures_before: datetime, successes_before: datetime
) -> int:
    """Delete failures older than ``failures_before`` and successes older than ``successes_before``."""
    result = session.execute(
        delete(LoginAttemptRow).where(
            (
                (LoginAttemptRow.succeeded.is_(False))
                & (LoginAttemptRow.attempted_at < failures_before)
            )
            | (LoginAttemptRow.attempted_at < successes_before)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def create_session(
    *, session: Session, user_id: int, token_hash: str, now: datetime, expires_at: datetime
) -> StoredSession:
    row = UserSessionRow(
        token_hash=token_hash,
        user_id=user_id,
        created_at=now,
        expires_at=expires_at,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return _stored_session(row)


def find_session(*, session: Session, token_hash: str) -> tuple[StoredSession, User] | None:
    found = session.execute(
        select(UserSessionRow, UserRow)
        .join(UserRow, UserRow.id == UserSessionRow.user_id)
        .where(UserSessionRow.token_hash == token_hash)
    ).one_or_none()
    if found is None:
        return None
    return _stored_session(found[0]), _user(found[1])


def touch_session(*, session: Session, session_id: int, now: datetime) -> None:
    row = session.get(UserSessionRow, session_id)
    if row is not None:
        row.last_seen_at = now
        session.flush()


def delete_session(*, session: Session, token_hash: str) -> None:
    session.execute(delete(UserSessionRow).where(UserSessionRow.token_hash == token_hash))


def delete_user_sessions(*, session: Session, user_id: int) -> None:
    """End every session of an account (disabled, password or role changed)."""
    session.execute(delete(UserSessionRow).where(UserSessionRow.user_id == user_id))


def purge_sessions(*, session: Session, before: datetime) -> int:
    """Delete sessions whose absolute expiry is before ``before``."""
    result = session.execute(delete(UserSessionRow).where(UserSessionRow.expires_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def _stored_session(row: UserSessionRow) -> StoredSession:
    return StoredSession(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_seen_at=row.last_seen_at,
    )
