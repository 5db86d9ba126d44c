"""Account management for administrators: list, add, role and 部局/課, display name,
disable/enable, password reset.

Thin over :mod:`hyoka.accounts` (the library ``hyoka user`` uses); it checks the input and
records every change in the audit log. Only ``Permission.MANAGE_USERS`` (admins) gets here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from hyoka.accounts import (
    AccountError,
    Permission,
    Role,
    add_user,
    list_users,
    set_disabled,
    set_display_name,
    set_password,
    set_role,
)
from hyoka.store.staff.accounts import User, get_user
from hyoka.store.staff.audit import Change, list_changes
from hyoka.web.auth import CurrentUser, ensure_can, protected_router
from hyoka.web.deps import SessionDep, TemplatesDep
from hyoka.web.staff_common import render

router = protected_router(prefix="/staff/accounts", tags=["staff"], include_in_schema=False)

ROLE_CHOICES = [(role.value, role.label) for role in Role]
ACTION_LABELS = {
    "user.add": "作成",
    "user.set_role": "役割・部局・課の変更",
    "user.rename": "表示名の変更",
    "user.disable": "無効化",
    "user.enable": "有効化",
    "user.passwd": "パスワードの再設定",
}
NOTICES = {
    "added": "アカウントを作成しました。",
    "role": "役割・部局・課を変更しました。",
    "name": "表示名を変更しました。",
    "disabled": "アカウントを無効にしました。ログイン中の画面も終了しました。",
    "enabled": "アカウントを有効にしました。",
    "password": "パスワードを再設定しました。本人に安全な方法で伝えてください。",
}
Text = Annotated[str, Form(max_length=200)]
Password = Annotated[str, Form(max_length=1000)]


@dataclass(frozen=True)
class AccountRow:
    user: User
    role_label: str


@dataclass(frozen=True)
class AccountsPage:
    """The list of accounts with the form that adds one (kept as typed after an error)."""

    accounts: list[AccountRow]
    values: dict[str, str]
    roles: list[tuple[str, str]]
    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""


@dataclass(frozen=True)
class AccountFormPage:
    """The new-account form, or one account's page (``account`` set)."""

    values: dict[str, str]
    roles: list[tuple[str, str]]
    account: User | None = None
    role_label: str = ""
    history: list[tuple[Change, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    is_self: bool = False


def _label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def _guard(user: User) -> None:
    ensure_can(user, Permission.MANAGE_USERS, None)


def _list_page(
    session: SessionDep,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
) -> AccountsPage:
    rows = [AccountRow(item, _label(item.role)) for item in list_users(session=session)]
    return AccountsPage(
        accounts=rows,
        values=values or {"role": Role.EDITOR.value},
        roles=ROLE_CHOICES,
        errors=errors or {},
        notice=notice,
    )


@router.get("", name="staff_accounts")
def accounts(
    request: Request, user: CurrentUser, session: SessionDep, templates: TemplatesDep
) -> Response:
    _guard(user)
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    return render(request, templates, "staff/accounts.html", _list_page(session, notice=notice))


@router.post("", name="staff_account_add")
def add_account(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
    login: Text = "",
    display_name: Text = "",
    role: Text = "",
    department: Text = "",
    section: Text = "",
    password: Password = "",
    password_again: Password = "",
) -> Response:
    _guard(user)
    values = {
        "login": login.strip(),
        "display_name": display_name,
        "role": role,
        "department": department,
        "section": section,
    }
    errors: dict[str, str] = {}
    if password != password_again:
        errors["password_again"] = "確認のパスワードが一致しません"
    if not errors:
        try:
            add_user(
                session=session,
                login=login.strip(),
                password=password,
                role=role,
                department="" if role == Role.ADMIN.value else department,
                section="" if role == Role.ADMIN.value else section,
                display_name=display_name,
                actor=user.login,
            )
        except AccountError as error:
            errors["form"] = str(error)
        else:
            return RedirectResponse("/staff/accounts?notice=added", status_code=303)
    page = _list_page(session, values, errors)
    return render(request, templates, "staff/accounts.html", page, status_code=400)


def _account_page(session: SessionDep, user: User, login: str, **extra: object) -> AccountFormPage:
    account = get_user(session=session, login=login)
    if account is None:
        raise HTTPException(status_code=404)
    history = [
        (change, ACTION_LABELS.get(change.action, change.action))
        for change in list_changes(session=session, action="user.", limit=500)
        if isinstance(change.after, dict) and change.after.get("login") == login
    ][:20]
    values = {
        "display_name": account.display_name,
        "role": account.role,
        "department": account.department,
        "section": account.section,
    }
    return AccountFormPage(
        **{
            "values": values,
            "roles": ROLE_CHOICES,
            "account": account,
            "role_label": _label(account.role),
            "history": history,
            "is_self": account.login == user.login,
            **extra,  # type: ignore[arg-type]
        }
    )


@router.get("/{login}", name="staff_account")
def account_page(
    request: Request, login: str, user: CurrentUser, session: SessionDep, templates: TemplatesDep
) -> Response:
    _guard(user)
    notice = NOTICES.get(request.query_params.get("notice", ""), "")
    page = _account_page(session, user, login, notice=notice)
    return render(request, templates, "staff/account.html", page)


def _done(login: str, notice: str) -> Response:
    return RedirectResponse(f"/staff/accounts/{login}?notice={notice}", status_code=303)


def _failed(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    user: User,
    login: str,
    errors: dict[str, str],
    values: dict[str, str] | None = None,
) -> Response:
    page = _account_page(session, user, login, errors=errors)
    if values:
        page = AccountFormPage(**{**page.__dict__, "values": {**page.values, **values}})
    return render(request, templates, "staff/account.html", page, status_code=400)


@router.post("/{login}/role", name="staff_account_role")
def change_role(
    request: Request,
    login: str,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
    role: Text = "",
    department: Text = "",
    section: Text = "",
) -> Response:
    _guard(user)
    values = {"role": role, "department": department, "section": section}
    if login == user.login and role != Role.ADMIN.value:
        errors = {"role": "自分の管理者の役割は外せません（ほかの管理者に依頼してください）"}
        return _failed(request, templates, session, user, login, errors, values)
    admin = role == Role.ADMIN.value
    try:
        set_role(
            session=session,
            login=login,
            role=role,
            department="" if admin else department,
            section="" if admin else section,
            actor=user.login,
        )
    except AccountError as error:
        return _failed(request, templates, session, user, login, {"role": str(error)}, values)
    return _done(login, "role")


@router.post("/{login}/name", name="staff_account_name")
def change_name(
    request: Request,
    login: str,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
    display_name: Text = "",
) -> Response:
    _guard(user)
    try:
        set_display_name(session=session, login=login, display_name=display_name, actor=user.login)
    except AccountError as error:
        errors = {"display_name": str(error)}
        return _failed(
            request, templates, session, user, login, errors, {"display_name": display_name}
        )
    return _done(login, "name")


@router.post("/{login}/disabled", name="staff_account_disabled")
def change_disabled(
    request: Request,
    login: str,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
    disabled: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    _guard(user)
    disable = disabled == "1"
    if disable and login == user.login:
        errors = {"disabled": "自分のアカウントは無効にできません"}
        return _failed(request, templates, session, user, login, errors)
    try:
        set_disabled(session=session, login=login, disabled=disable, actor=user.login)
    except AccountError as error:
        return _failed(request, templates, session, user, login, {"disabled": str(error)})
    return _done(login, "disabled" if disable else "enabled")


@router.post("/{login}/password", name="staff_account_password")
def reset_password(
    request: Request,
    login: str,
    user: CurrentUser,
    session: SessionDep,
    templates: TemplatesDep,
    password: Password = "",
    password_again: Password = "",
) -> Response:
    _guard(user)
    if password != password_again:
        errors = {"password_again": "確認のパスワードが一致しません"}
        return _failed(request, templates, session, user, login, errors)
    try:
        set_password(session=session, login=login, password=password, actor=user.login)
    except AccountError as error:
        return _failed(request, templates, session, user, login, {"password": str(error)})
    return _done(login, "password")
