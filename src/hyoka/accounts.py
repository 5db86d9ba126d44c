"""Staff accounts: roles, the one permission table, passwords, and account management.

Roles:

- ``admin`` (管理者): everything, including managing accounts;
- ``editor`` (編集者): writes the sheets of their own 部局 (and only their 課・室 when
  one is set): create, edit, submit, correct published figures, comment;
- ``reviewer`` (審査者): reads drafts, approves or returns them, comments, sees the
  review dashboard; limited to one 部局 when one is set (a 部局's manager), else all
  (the administrative-reform section);
- ``expert`` (外部有識者): reads drafts and comments, nothing else.

:func:`can` is the only place that decides who may do what; routes, the CLI and the
workflow ask it. Every account change is recorded in the audit log.

Example::

    with transaction(engine) as session:
        user = add_user(session=session, login="tanaka", password="長くて推測されにくい合言葉",
                        role=Role.EDITOR, department="産業労働部", actor="cli")
    can(user, Permission.EDIT, sheet.header)  # True for 産業労働部's sheets
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from hyoka.store.staff import accounts as store
from hyoka.store.staff.accounts import User
from hyoka.store.staff.audit import record_change


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    EXPERT = "expert"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "管理者",
    Role.EDITOR: "編集者",
    Role.REVIEWER: "審査者",
    Role.EXPERT: "外部有識者",
}


class Permission(StrEnum):
    """What an account may be allowed to do (the ``action`` of :func:`can`)."""

    VIEW_DRAFT = "view_draft"  # read sheets that are not published yet
    CREATE = "create"  # start a sheet (e.g. next year's from this year's)
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"  # send back with a comment
    COMMENT = "comment"
    CORRECT_PUBLISHED = "correct_published"  # change a published figure, with a reason
    VIEW_HISTORY = "view_history"  # the audit trail of a sheet
    VIEW_DASHBOARD = "view_dashboard"  # the review dashboard of the cycle
    MANAGE_USERS = "manage_users"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset(
        {P.VIEW_DRAFT, P.CREATE, P.EDIT, P.SUBMIT, P.COMMENT, P.CORRECT_PUBLISHED, P.VIEW_HISTORY}
    ),
    Role.REVIEWER: frozenset(
        {P.VIEW_DRAFT, P.APPROVE, P.RETURN, P.COMMENT, P.VIEW_HISTORY, P.VIEW_DASHBOARD}
    ),
    Role.EXPERT: frozenset({P.VIEW_DRAFT, P.COMMENT}),
}
"""The permission table: which role may do what (the sheet's 部局/課 is checked apart)."""

UNSCOPED: frozenset[Permission] = frozenset({P.MANAGE_USERS, P.VIEW_DASHBOARD})
"""Permissions about no particular sheet: an account's 部局 does not limit them."""


MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MAX_DISPLAY_NAME_LENGTH = 100
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")

PASSWORD_HASHER = PasswordHasher()
"""argon2id with the library's current defaults; older hashes are upgraded on login."""


class Account(Protocol):
    """What :func:`can` needs of an account (a stored :class:`User` has it)."""

    @property
    def role(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def disabled(self) -> bool: ...


class SheetScope(Protocol):
    """What :func:`can` needs of a sheet (``hyoka.model.Header`` or a sheet row has it)."""

    @property
    def department(self) -> str: ...
    @property
    def section(self) -> str: ...


class AccountError(ValueError):
    """Input an account cannot take; the message is Japanese and names the field."""


def can(user: Account | None, action: Permission | str, sheet_header: SheetScope | None) -> bool:
    """Whether ``user`` may do ``action`` on the sheet with this header.

    ``sheet_header=None`` asks whether the account may do it on some sheet (to show a
    menu or guard a route before the sheet is known); ask again with the sheet.
    Nobody logged in, a disabled account or an unknown role may do nothing.

    >>> can(None, "edit", None)
    False
    """
    permission = Permission(action)  # an unknown action is a programming error: loud
    if user is None or user.disabled:
        return False
    try:
        role = Role(user.role)
    except ValueError:
        return False
    if permission not in ROLE_PERMISSIONS[role]:
        return False
    if role is Role.ADMIN or permission in UNSCOPED:
        return True
    if role is Role.EDITOR and not user.department:
        return False  # an editor without a 部局 would otherwise edit everything
    if sheet_header is None:
        return True
    if user.department and sheet_header.department != user.department:
        return False
    return not user.section or sheet_header.section == user.section


def may_set_deadline(user: Account | None) -> bool:
    """Whether ``user`` may set a cycle's due date.

    Due dates are per fiscal year and stage, for every 部局 at once, so only reviewers
    without a 部局 scope (the 行政改革課) and administrators may set them; a reviewer
    limited to a 部局 would otherwise move every other 部局's deadline.
    """
    if not can(user, Permission.VIEW_DASHBOARD, None):
        return False
    assert user is not None
    return user.role == Role.ADMIN.value or not user.department


def may_resolve(user: Account | None, author: str, login: str, sheet: SheetScope) -> bool:
    """Whether ``user`` (logged in as ``login``) may resolve a comment written by ``author``.

    Reviewers and administrators resolve any comment they may comment on, editors the
    comments on their sheets; an expert resolves only the comments they wrote.
    """
    if not can(user, Permission.COMMENT, sheet):
        return False
    assert user is not None
    return user.role != Role.EXPERT.value or author == login


def may_be_assigned(user: Account | None, sheet: SheetScope) -> bool:
    """Whether an account can be a sheet's 担当: an active editor within the sheet's
    部局/課, or an active administrator."""
    if user is None or user.disabled or user.role not in (Role.ADMIN.value, Role.EDITOR.value):
        return False
    return can(user, Permission.EDIT, sheet)


def password_problems(login: str, password: str) -> list[str]:
    """What is wrong with a new password (Japanese, empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"パスワードは{MAX_PASSWORD_LENGTH}文字以下にしてください")
    if password.strip().casefold() == login.strip().casefold():
        problems.append("パスワードにログイン名と同じものは使えません")
    if password and password.strip() == "":
        problems.append("パスワードが空白だけです")
    return problems


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def public_view(user: User) -> dict[str, Any]:
    """An account as the audit log keeps it: everything but the password hash."""
    return {
        "login": user.login,
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department,
        "section": user.section,
        "disabled": user.disabled,
    }


def add_user(
    *,
    session: Session,
    login: str,
    password: str,
    role: Role | str,
    department: str = "",
    section: str = "",
    display_name: str = "",
    actor: str,
    now: datetime | None = None,
) -> User:
    """Create an account (AccountError when the input is not acceptable)."""
    if not LOGIN_PATTERN.fullmatch(login):
        raise AccountError(
            f"ログイン名 {login!r} は使えません（英数字で始まり、英数字と . _ @ - の64文字まで）"
        )
    checked_role = _role(role)
    if checked_role is Role.ADMIN and (department.strip() or section.strip()):
        raise AccountError("管理者は部局・課で限定されません（--department/--section は不要です）")
    department, section = _scope(checked_role, department.strip(), section.strip())
    _require_password(login, password)
    at = now or datetime.now(UTC)
    try:
        user = store.create_user(
            session=session,
            login=login,
            display_name=display_name.strip() or login,
            password_hash=hash_password(password),
            role=checked_role.value,
            department=department,
            section=section,
            now=at,
        )
    except store.UserExistsError:
        raise AccountError(f"ログイン名 {login} はすでに使われています") from None
    _record(session, actor, "user.add", None, user, at)
    return user


def set_role(
    *,
    session: Session,
    login: str,
    role: Role | str,
    department: str | None = None,
    section: str | None = None,
    actor: str,
    now: datetime | None = None,
) -> User:
    """Change an account's role and, when given, its 部局/課 (its sessions end)."""
    before = _existing(session, login)
    checked_role = _role(role)
    new_department, new_section = _scope(
        checked_role,
        before.department if department is None else department.strip(),
        before.section if section is None else section.strip(),
    )
    return _update(
        session,
        before,
        actor,
        "user.set_role",
        now,
        end_sessions=True,
        role=checked_role.value,
        department=new_department,
        section=new_section,
    )


def set_display_name(
    *, session: Session, login: str, display_name: str, actor: str, now: datetime | None = None
) -> User:
    """Change the name shown for an account (the login name when left empty)."""
    before = _existing(session, login)
    name = display_name.strip() or login
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise AccountError(f"表示名は{MAX_DISPLAY_NAME_LENGTH}文字以下にしてください")
    return _update(
        session, before, actor, "user.rename", now, end_sessions=False, display_name=name
    )


def set_disabled(
    *, session: Session, login: str, disabled: bool, actor: str, now: datetime | None = None
) -> User:
    """Disable (its sessions end at once) or enable an account."""
    before = _existing(session, login)
    action = "user.disable" if disabled else "user.enable"
    return _update(session, before, actor, action, now, end_sessions=disabled, disabled=disabled)


def set_password(
    *, session: Session, login: str, password: str, actor: str, now: datetime | None = None
) -> User:
    """Give an account a new password (its sessions end)."""
    before = _existing(session, login)
    _require_password(login, password)
    return _update(
        session,
        before,
        actor,
        "user.passwd",
        now,
        end_sessions=True,
        password_hash=hash_password(password),
    )


def list_users(*, session: Session) -> list[User]:
    return store.list_users(session=session)


def _update(
    session: Session,
    before: User,
    actor: str,
    action: str,
    now: datetime | None,
    *,
    end_sessions: bool,
    **changes: Any,
) -> User:
    at = now or datetime.now(UTC)
    after = store.update_user(session=session, login=before.login, now=at, **changes)
    if end_sessions:
        store.delete_user_sessions(session=session, user_id=after.id)
    _record(session, actor, action, before, after, at)
    return after


def _record(
    session: Session, actor: str, action: str, before: User | None, after: User, at: datetime
) -> None:
    record_change(
        session=session,
        actor=actor,
        action=action,
        target_sheet_id=None,
        before=None if before is None else public_view(before),
        after=public_view(after),
        reason="",
        at=at,
    )


def _existing(session: Session, login: str) -> User:
    user = store.get_user(session=session, login=login)
    if user is None:
        raise AccountError(f"ログイン名 {login} のアカウントはありません")
    return user


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = "、".join(f"{r.value}（{r.label}）" for r in Role)
        raise AccountError(f"役割 {role!r} はありません（{names}）") from None


def _scope(role: Role, department: str, section: str) -> tuple[str, str]:
    if role is Role.ADMIN:
        return "", ""  # an administrator is not limited to a 部局
    if role is Role.EDITOR and not department:
        raise AccountError("編集者には部局（--department）が必要です")
    if section and not department:
        raise AccountError("課・室（--section）は部局（--department）と一緒に指定してください")
    return department, section


def _require_password(login: str, password: str) -> None:
    problems = password_problems(login, password)
    if problems:
        raise AccountError("、".join(problems))
