"""The demo store: a SQLite file holding the sample sheets of both kinds and three accounts.

The samples ship with the package (:mod:`hyoka.samples`): two 長野県「事業改善シート」 texts
and a few national 行政事業レビューシート records from JUDGIT!. ``hyoka demo`` and the
browser tests both build their store with :func:`create_demo_database`; ``hyoka demo``
then gives it an admin, an editor of the first sample sheet's 部局/課 and a reviewer with
:func:`create_demo_accounts`, each with a new random password it prints.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from hyoka import accounts
from hyoka.accounts import Role
from hyoka.importers import parse_file
from hyoka.importers.judgit_import import import_files
from hyoka.samples import SAMPLES, national_files, seed_files
from hyoka.store import create_engine_for, migrate, save_sheet, transaction

DEMO_ACTOR = "demo"


@dataclass(frozen=True)
class DemoAccount:
    """An account of the demo store with the password it was given at this start."""

    login: str
    role: Role
    display_name: str
    password: str
    department: str = ""
    section: str = ""

    @property
    def scope(self) -> str:
        return " ".join(part for part in (self.department, self.section) if part) or "すべて"


def sample_files(folder: Path = SAMPLES) -> list[Path]:
    """Every sample file: the prefecture's texts (required), then the national records."""
    return [*seed_files(folder / "seeds"), *national_files(folder)]


def create_demo_database(path: Path, *, samples: Path = SAMPLES) -> str:
    """Replace ``path`` by a new SQLite store holding the sample sheets; return its URL.

    ``samples`` is a folder laid out like :mod:`hyoka.samples` (``seeds/*.txt``, and
    ``*.ndjson`` of national records).
    """
    texts, national = seed_files(samples / "seeds"), national_files(samples)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    url = demo_url(path)
    engine = create_engine_for(url)
    try:
        migrate(engine)
        for file in texts:
            parsed = parse_file(file)
            with transaction(engine) as session:
                save_sheet(session=session, sheet=parsed.sheet, source=file.name)
        if national:
            summary = import_files(engine=engine, paths=national)
            if summary.problems:
                raise ValueError(
                    "見本の国のシートを取り込めません: " + summary.problems[0].describe()
                )
    finally:
        engine.dispose()
    return url


def demo_url(path: Path) -> str:
    return f"sqlite:///{path}"


def create_demo_accounts(url: str, *, samples: Path = SAMPLES) -> list[DemoAccount]:
    """Give the demo store an admin, an editor and a reviewer, each a new random password.

    The editor may edit the sheets of the first sample sheet's 部局 and 課. An account that
    is already there (``hyoka demo --keep``) gets a new password, its role and scope again
    and is enabled; accounts added to the store otherwise are left alone.
    """
    header = parse_file(seed_files(samples / "seeds")[0]).sheet.header
    wanted = [
        DemoAccount("admin", Role.ADMIN, "管理者（見本）", _password()),
        DemoAccount(
            "editor",
            Role.EDITOR,
            f"{header.section} 編集者（見本）",
            _password(),
            department=header.department,
            section=header.section,
        ),
        DemoAccount("reviewer", Role.REVIEWER, "審査者（見本）", _password()),
    ]
    engine = create_engine_for(url)
    try:
        migrate(engine)
        with transaction(engine) as session:
            existing = {user.login for user in accounts.list_users(session=session)}
            for account in wanted:
                if account.login not in existing:
                    accounts.add_user(
                        session=session,
                        login=account.login,
                        password=account.password,
                        role=account.role,
                        department=account.department,
                        section=account.section,
                        display_name=account.display_name,
                        actor=DEMO_ACTOR,
                    )
                    continue
                accounts.set_role(
                    session=session,
                    login=account.login,
                    role=account.role,
                    department=account.department,
                    section=account.section,
                    actor=DEMO_ACTOR,
                )
                accounts.set_disabled(
                    session=session, login=account.login, disabled=False, actor=DEMO_ACTOR
                )
                accounts.set_password(
                    session=session,
                    login=account.login,
                    password=account.password,
                    actor=DEMO_ACTOR,
                )
    finally:
        engine.dispose()
    return wanted


def _password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters of A–Z a–z 0–9 - _
