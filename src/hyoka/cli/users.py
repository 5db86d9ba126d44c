"""``hyoka user …``: staff accounts on the command line (the first admin is made here).

Each command parses its options, calls one function of :mod:`hyoka.accounts` in one
transaction and prints the result; every change goes to the audit log with the actor
``cli:<operating-system user>``.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from hyoka import accounts
from hyoka.accounts import AccountError, Role
from hyoka.cli._common import DatabaseOption, app, err, out, store_session

users_app = typer.Typer(
    help="職員アカウントの追加・一覧・役割変更・無効化・パスワード変更",
    no_args_is_help=True,
)
app.add_typer(users_app, name="user")

T = TypeVar("T")

LoginArgument = Annotated[str, typer.Argument(help="Login name (英数字と . _ @ -)")]
RoleHelp = "Role: " + ", ".join(f"{role.value} ({role.label})" for role in Role)
DepartmentOption = Annotated[
    str | None,
    typer.Option("--department", help="部局 the account is limited to (required for editor)"),
]
SectionOption = Annotated[
    str | None, typer.Option("--section", help="課・室 within the 部局 (optional)")
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin (for scripts)"
    ),
]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (containers)
        return "cli"


def _run(db: str | None, action: Callable[[Session], T]) -> T:
    """Run one library call in one transaction; a refused input exits with code 2."""
    try:
        with store_session(db) as session:
            return action(session)
    except AccountError as error:
        err.print(f"[red]エラー[/red] {error}", highlight=False)
        raise typer.Exit(2) from error


def _password(stdin: bool) -> str:
    if stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    password: str = typer.prompt("パスワード", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def add(
    login: LoginArgument,
    role: Annotated[str, typer.Option("--role", help=RoleHelp)],
    department: DepartmentOption = None,
    section: SectionOption = None,
    name: Annotated[str, typer.Option("--name", help="Display name (default: the login)")] = "",
    password_stdin: PasswordStdinOption = False,
    db: DatabaseOption = None,
) -> None:
    """Create an account; the password is asked twice (or read with --password-stdin)."""
    password = _password(password_stdin)
    user = _run(
        db,
        lambda session: accounts.add_user(
            session=session,
            login=login,
            password=password,
            role=role,
            department=department or "",
            section=section or "",
            display_name=name,
            actor=_actor(),
        ),
    )
    out.print(f"アカウント {user.login}（{_role_label(user.role)}）を追加しました", highlight=False)


@users_app.command("list")
def list_(db: DatabaseOption = None) -> None:
    """Every account with its role, 部局/課 and state."""
    users = _run(db, lambda session: accounts.list_users(session=session))
    table = Table("ログイン名", "名前", "役割", "部局", "課・室", "状態", "更新")
    for user in users:
        table.add_row(
            user.login,
            user.display_name,
            _role_label(user.role),
            user.department or "（すべて）",
            user.section or "（すべて）",
            "無効" if user.disabled else "有効",
            user.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    out.print(table)
    out.print(f"{len(users)}件", highlight=False)


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:  # a role this version does not know: show it as stored
        return role


@users_app.command("set-role")
def set_role(
    login: LoginArgument,
    role: Annotated[str, typer.Argument(help=RoleHelp)],
    department: DepartmentOption = None,
    section: SectionOption = None,
    db: DatabaseOption = None,
) -> None:
    """Change an account's role (and 部局/課 when given); its logins end."""
    user = _run(
        db,
        lambda session: accounts.set_role(
            session=session,
            login=login,
            role=role,
            department=department,
            section=section,
            actor=_actor(),
        ),
    )
    scope = " ".join(part for part in (user.department, user.section) if part) or "すべての部局"
    out.print(
        f"{user.login} の役割を {_role_label(user.role)}（{scope}）にしました", highlight=False
    )


@users_app.command("disable")
def disable(login: LoginArgument, db: DatabaseOption = None) -> None:
    """Disable an account: it cannot log in, and its logins end at once."""
    _run(
        db,
        lambda session: accounts.set_disabled(
            session=session, login=login, disabled=True, actor=_actor()
        ),
    )
    out.print(f"{login} を無効にしました", highlight=False)


@users_app.command("enable")
def enable(login: LoginArgument, db: DatabaseOption = None) -> None:
    """Enable a disabled account again."""
    _run(
        db,
        lambda session: accounts.set_disabled(
            session=session, login=login, disabled=False, actor=_actor()
        ),
    )
    out.print(f"{login} を有効にしました", highlight=False)


@users_app.command("passwd")
def passwd(
    login: LoginArgument, password_stdin: PasswordStdinOption = False, db: DatabaseOption = None
) -> None:
    """Set a new password (asked twice, or --password-stdin); the account's logins end."""
    password = _password(password_stdin)
    _run(
        db,
        lambda session: accounts.set_password(
            session=session, login=login, password=password, actor=_actor()
        ),
    )
    out.print(f"{login} のパスワードを変更しました", highlight=False)
