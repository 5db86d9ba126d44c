"""Logging in: password checks with rate limits, and login sessions with idle and absolute expiry.

Web-independent: :mod:`hyoka.web.auth` puts the session token in a cookie; anything else
(a test, a script) can log in the same way.

Example::

    policy = LoginPolicy.from_settings(settings)
    with transaction(engine) as session:
        user = authenticate(session=session, login="tanaka", password=typed,
                            client_ip="10.0.0.5", policy=policy)
        token = start_session(session=session, user=user, policy=policy) if user else None
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from hyoka import accounts
from hyoka.settings import Settings
from hyoka.store.staff import accounts as store
from hyoka.store.staff.accounts import User

# last_seen is written at most this often: idle expiry needs minutes, not every request.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=60)
    absolute: timedelta = timedelta(hours=12)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_max_hours),
        )


class LoginRateLimitedError(Exception):
    """Too many failed attempts for this login name or client address."""

    def __init__(self, retry_after: timedelta) -> None:
        minutes = max(1, -(-int(retry_after.total_seconds()) // 60))
        super().__init__(
            f"ログインの失敗が続いたため、一時的にログインできません。{minutes}分ほど待ってから"
            "もう一度お試しください。"
        )
        self.retry_after = retry_after


def authenticate(
    *,
    session: Session,
    login: str,
    password: str,
    client_ip: str,
    policy: LoginPolicy,
    now: datetime | None = None,
) -> User | None:
    """The account if the password is right and the account enabled, else None.

    Raises :class:`LoginRateLimitedError` before checking anything once
    ``policy.max_failures`` attempts failed within ``policy.window`` for the login name
    or for the client address. Every checked attempt is recorded. A hash made with older
    parameters is replaced by one with the current parameters.
    """
    at = now or datetime.now(UTC)
    since = at - policy.window
    by_login = store.count_login_failures(session=session, login=login, since=since)
    by_address = store.count_login_failures(session=session, client_ip=client_ip, since=since)
    if max(by_login, by_address) >= policy.max_failures:
        raise LoginRateLimitedError(policy.window)
    user = store.get_user(session=session, login=login)
    valid = accounts.verify_password(user.password_hash if user else _dummy_hash(), password)
    succeeded = user is not None and valid and not user.disabled
    store.record_login_attempt(
        session=session, login=login, client_ip=client_ip, succeeded=succeeded, at=at
    )
    if not succeeded or user is None:
        store.purge_login_attempts(
            session=session, before=at - max(policy.window, timedelta(days=1))
        )
        return None
    if accounts.PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user = store.update_user(
            session=session, login=login, now=at, password_hash=accounts.hash_password(password)
        )
    return user


_dummy: dict[int, str] = {}


def _dummy_hash() -> str:
    # Checking an unknown login name against this takes as long as a real check, so
    # response times do not tell which login names exist. Made once per hasher in use.
    hasher = accounts.PASSWORD_HASHER
    if id(hasher) not in _dummy:
        _dummy[id(hasher)] = hasher.hash("hyoka-dummy-password-for-timing")
    return _dummy[id(hasher)]


def token_hash(token: str) -> str:
    """What the store keeps of a session token (the token has 256 random bits: no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    *, session: Session, user: User, policy: LoginPolicy, now: datetime | None = None
) -> str:
    """A new session for ``user``; returns its token (given to the client, stored hashed)."""
    at = now or datetime.now(UTC)
    store.purge_sessions(session=session, before=at)
    token = secrets.token_urlsafe(32)
    store.create_session(
        session=session,
        user_id=user.id,
        token_hash=token_hash(token),
        now=at,
        expires_at=at + policy.absolute,
    )
    return token


def resume_session(
    *, session: Session, token: str, policy: LoginPolicy, now: datetime | None = None
) -> User | None:
    """The account of a live session, or None (unknown, expired, idle too long, disabled).

    An expired session is deleted; a live one's last activity is brought up to date.
    """
    at = now or datetime.now(UTC)
    found = store.find_session(session=session, token_hash=token_hash(token))
    if found is None:
        return None
    stored, user = found
    if at >= stored.expires_at or at - stored.last_seen_at >= policy.idle:
        store.delete_session(session=session, token_hash=token_hash(token))
        return None
    if user.disabled:
        return None
    if at - stored.last_seen_at >= TOUCH_INTERVAL:
        store.touch_session(session=session, session_id=stored.id, now=at)
    return user


def peek_session(
    *, session: Session, token: str, policy: LoginPolicy, now: datetime | None = None
) -> User | None:
    """Like :func:`resume_session` but writes nothing (for showing who is logged in)."""
    at = now or datetime.now(UTC)
    found = store.find_session(session=session, token_hash=token_hash(token))
    if found is None:
        return None
    stored, user = found
    expired = at >= stored.expires_at or at - stored.last_seen_at >= policy.idle
    return None if expired or user.disabled else user


def end_session(*, session: Session, token: str) -> None:
    store.delete_session(session=session, token_hash=token_hash(token))
