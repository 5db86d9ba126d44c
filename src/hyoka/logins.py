"""Logging in: password checks with throttling of failed attempts, and login sessions with idle and absolute expiry.

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
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from hyoka import accounts
from hyoka.settings import Settings
from hyoka.store.database import transaction
from hyoka.store.staff import accounts as store
from hyoka.store.staff.accounts import User

# last_seen is written at most this often: idle expiry needs minutes, not every request.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed logins are allowed, and what happens then (docs/security.md).

    - per login name *and* address: ``max_failures`` within ``window``, then a wait until
      the oldest of them leaves the window;
    - per address (any names): ``address_max_failures`` within ``window``, then a wait;
    - per login name (any address): after ``account_delay_after`` failures within
      ``account_window`` each attempt waits 1, 2, 4 … up to ``account_max_delay`` seconds
      after the last failure, and after ``account_max_failures`` until the oldest leaves
      the window. Addresses the account logged in from within ``trusted_for`` are exempt,
      so guessing from elsewhere cannot lock the owner out at their desk.
    """

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=60)
    absolute: timedelta = timedelta(hours=12)
    address_max_failures: int = 100
    account_delay_after: int = 10
    account_max_delay: timedelta = timedelta(seconds=30)
    account_max_failures: int = 100
    account_window: timedelta = timedelta(hours=1)
    trusted_for: timedelta = timedelta(days=30)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_max_hours),
            address_max_failures=settings.login_address_max_failures,
            account_delay_after=settings.login_account_delay_after,
            account_max_delay=timedelta(seconds=settings.login_account_max_delay_seconds),
            account_max_failures=settings.login_account_max_failures,
            account_window=timedelta(minutes=settings.login_account_window_minutes),
            trusted_for=timedelta(days=settings.login_trusted_days),
        )


class LoginRateLimitedError(Exception):
    """Too many failed attempts; ``retry_after`` is the real time until the next may be checked."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        seconds = self.retry_after_seconds
        wait = f"{seconds}秒" if seconds < 60 else f"{-(-seconds // 60)}分"
        super().__init__(
            f"ログインの失敗が続いたため、一時的にログインできません。{wait}ほど待ってから"
            "もう一度お試しください。"
        )


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

    The attempt is counted before the password is checked: in a transaction of its own
    (committed before the check, so no lock is held during it) the attempt is recorded as
    a failure under a lock of its login name and address, and the limits of ``policy``
    are checked with it. Over a limit, the record is dropped and
    :class:`LoginRateLimitedError` says how long to wait; so parallel attempts cannot check
    more passwords than the limits allow. A right password turns the record into a
    success in ``session`` (which must not have written yet: on SQLite the counting
    transaction waits for the one writer). A hash made with older parameters is replaced
    by one with the current parameters.
    """
    at = now or datetime.now(UTC)
    attempt_id = _count_attempt(_engine_of(session), login, client_ip, policy, at)
    user = store.get_user(session=session, login=login)
    valid = accounts.verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or user.disabled:
        return None
    store.mark_login_succeeded(session=session, attempt_id=attempt_id)
    if accounts.PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user = store.update_user(
            session=session, login=login, now=at, password_hash=accounts.hash_password(password)
        )
    return user


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def _count_attempt(
    engine: Engine, login: str, client_ip: str, policy: LoginPolicy, at: datetime
) -> int:
    with transaction(engine) as counting:
        store.lock_login_keys(session=counting, login=login, client_ip=client_ip)
        attempt_id = store.record_login_attempt(
            session=counting, login=login, client_ip=client_ip, succeeded=False, at=at
        )
        wait = login_wait(
            session=counting,
            login=login,
            client_ip=client_ip,
            policy=policy,
            at=at,
            exclude_id=attempt_id,
        )
        if wait > timedelta(0):
            raise LoginRateLimitedError(wait)  # rolls the record back: nothing was checked
        store.purge_login_attempts(
            session=counting,
            failures_before=at - max(policy.window, policy.account_window, timedelta(days=1)),
            successes_before=at - policy.trusted_for,
        )
    return attempt_id


def login_wait(
    *,
    session: Session,
    login: str,
    client_ip: str,
    policy: LoginPolicy,
    at: datetime,
    exclude_id: int | None = None,
) -> timedelta:
    """How long an attempt of ``login`` from ``client_ip`` at ``at`` must wait (0: none)."""
    waits = [timedelta(0)]
    pair = store.login_failure_times(session=session, login=login, client_ip=client_ip,
                                     since=at - policy.window, limit=policy.max_failures,
                                     exclude_id=exclude_id)  # fmt: skip
    if len(pair) >= policy.max_failures:
        waits.append(pair[-1] + policy.window - at)
    address = store.login_failure_times(session=session, client_ip=client_ip,
                                        since=at - policy.window,
                                        limit=policy.address_max_failures,
                                        exclude_id=exclude_id)  # fmt: skip
    if len(address) >= policy.address_max_failures:
        waits.append(address[-1] + policy.window - at)
    trusted = store.has_logged_in_from(
        session=session, login=login, client_ip=client_ip, since=at - policy.trusted_for
    )
    if not trusted:
        account = store.login_failure_times(session=session, login=login,
                                            since=at - policy.account_window,
                                            limit=policy.account_max_failures,
                                            exclude_id=exclude_id)  # fmt: skip
        if len(account) >= policy.account_max_failures:
            waits.append(account[-1] + policy.account_window - at)
        elif len(account) >= policy.account_delay_after:
            doublings = min(len(account) - policy.account_delay_after, 30)
            delay = min(policy.account_max_delay, timedelta(seconds=2**doublings))
            waits.append(account[0] + delay - at)
    return max(waits)


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
