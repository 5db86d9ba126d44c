"""Staff accounts: passwords, the permission table, logins and sessions, the audit log, and
``hyoka user`` read back from the store — on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from hyoka import accounts
from hyoka.accounts import AccountError, Permission, Role, can
from hyoka.cli import app
from hyoka.cli.users import users_app
from hyoka.logins import (
    LoginPolicy,
    LoginRateLimitedError,
    authenticate,
    end_session,
    peek_session,
    resume_session,
    start_session,
    token_hash,
)
from hyoka.model import Header, Stage
from hyoka.settings import Settings
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.schema.accounts import LoginAttemptRow, UserSessionRow
from hyoka.store.staff import accounts as store
from hyoka.store.staff.audit import list_changes, record_change

runner = CliRunner()
PASSWORD = "長野県の事業を良くする合言葉"
T0 = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
POLICY = LoginPolicy(
    max_failures=3,
    window=timedelta(minutes=15),
    idle=timedelta(minutes=30),
    absolute=timedelta(hours=8),
    address_max_failures=10,
    account_delay_after=5,
    account_max_delay=timedelta(seconds=8),
    account_max_failures=20,
    account_window=timedelta(hours=1),
)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[PasswordHasher]:
    """argon2 with small costs: the real ones take ~0.5 s per hash on the test machine."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "PASSWORD_HASHER", hasher)
    yield hasher


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """A migrated SQLite store, for cases whose SQL the two-database tests already cover."""
    created = create_engine_for(sqlite_url)
    migrate(created)
    yield created
    created.dispose()


def _add(engine: Engine, login: str = "tanaka", **options: str) -> store.User:
    fields = {"role": "editor", "department": "産業労働部", **options}
    with transaction(engine) as session:
        return accounts.add_user(
            session=session, login=login, password=PASSWORD, actor="test", now=T0, **fields
        )


# --- passwords --------------------------------------------------------------------------


def test_a_hash_verifies_its_password_only() -> None:
    hashed = accounts.hash_password(PASSWORD)
    assert PASSWORD not in hashed and hashed.startswith("$argon2id$")
    assert accounts.verify_password(hashed, PASSWORD)
    assert not accounts.verify_password(hashed, PASSWORD + "x")
    assert not accounts.verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize(
    ("login", "password", "problem"),
    [
        ("tanaka", "a" * 12, None),
        ("tanaka", "長野県の事業評価シート", "12文字以上"),  # 11 characters
        ("tanaka", "長野県の事業評価シート。", None),  # 12 characters, not bytes
        ("tanaka", "short-pass", "12文字以上"),
        ("tanaka", "", "12文字以上"),
        ("suzuki.hanako", "suzuki.hanako", "ログイン名"),
        ("suzuki.hanako", "SUZUKI.HANAKO", "ログイン名"),
        ("tanaka", " " * 20, "空白"),
        ("tanaka", "x" * 257, "256文字以下"),
    ],
)
def test_password_policy(login: str, password: str, problem: str | None) -> None:
    problems = accounts.password_problems(login, password)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in text for text in problems), problems


# --- the permission table ---------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    role: str
    department: str = ""
    section: str = ""
    disabled: bool = False


@dataclass(frozen=True)
class Scope:
    department: str
    section: str


OWN = Scope("産業労働部", "産業政策課")
OWN_OTHER_SECTION = Scope("産業労働部", "産業人材育成課")
OTHER = Scope("建設部", "道路建設課")
EDITOR = Account("editor", "産業労働部")
SECTION_EDITOR = Account("editor", "産業労働部", "産業政策課")
REVIEWER = Account("reviewer")
DEPARTMENT_REVIEWER = Account("reviewer", "産業労働部")
EXPERT = Account("expert")
ADMIN = Account("admin")

PERMISSION_CASES = [
    # (account, action, sheet, allowed)
    (ADMIN, "manage_users", None, True),
    (ADMIN, "edit", OTHER, True),
    (ADMIN, "approve", OTHER, True),
    (EDITOR, "edit", OWN, True),
    (EDITOR, "edit", OWN_OTHER_SECTION, True),
    (EDITOR, "edit", OTHER, False),
    (EDITOR, "create", OWN, True),
    (EDITOR, "submit", OWN, True),
    (EDITOR, "submit", OTHER, False),
    (EDITOR, "correct_published", OWN, True),
    (EDITOR, "correct_published", OTHER, False),
    (EDITOR, "view_draft", OTHER, False),
    (EDITOR, "approve", OWN, False),
    (EDITOR, "return", OWN, False),
    (EDITOR, "manage_users", None, False),
    (EDITOR, "view_dashboard", None, False),
    (EDITOR, "edit", None, True),  # may edit some sheet: the route then checks the sheet
    (SECTION_EDITOR, "edit", OWN, True),
    (SECTION_EDITOR, "edit", OWN_OTHER_SECTION, False),
    (Account("editor"), "edit", OWN, False),  # an editor without 部局 edits nothing
    (Account("editor"), "edit", None, False),
    (REVIEWER, "approve", OTHER, True),
    (REVIEWER, "return", OWN, True),
    (REVIEWER, "comment", OWN, True),
    (REVIEWER, "view_dashboard", None, True),
    (REVIEWER, "edit", OWN, False),
    (REVIEWER, "submit", OWN, False),
    (REVIEWER, "correct_published", OWN, False),
    (REVIEWER, "manage_users", None, False),
    (DEPARTMENT_REVIEWER, "approve", OWN, True),
    (DEPARTMENT_REVIEWER, "approve", OTHER, False),
    (DEPARTMENT_REVIEWER, "view_dashboard", None, True),
    (EXPERT, "comment", OTHER, True),
    (EXPERT, "view_draft", OWN, True),
    (EXPERT, "edit", OWN, False),
    (EXPERT, "approve", OWN, False),
    (EXPERT, "view_history", OWN, False),
    (Account("admin", disabled=True), "edit", OWN, False),
    (Account("editor", "産業労働部", disabled=True), "edit", OWN, False),
    (Account("superuser"), "edit", OWN, False),
    (None, "view_draft", OWN, False),
]


@pytest.mark.parametrize(("user", "action", "sheet", "allowed"), PERMISSION_CASES)
def test_permission_table(
    user: Account | None, action: str, sheet: Scope | None, allowed: bool
) -> None:
    assert can(user, action, sheet) is allowed


def test_every_role_and_permission_is_in_a_case() -> None:
    roles = {case[0].role for case in PERMISSION_CASES if case[0] is not None}
    actions = {case[1] for case in PERMISSION_CASES}
    assert roles >= {role.value for role in Role}
    assert actions >= {permission.value for permission in Permission}


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="publish_everything"):
        can(ADMIN, "publish_everything", None)


def test_can_takes_the_model_header() -> None:
    header = Header(
        program_number="07 01 01",
        program_name="産業振興のための企画調査・応援事業",
        department="産業労働部",
        section="産業政策課",
        fiscal_year=2023,
        stage=Stage.REVIEW,
    )
    assert can(SECTION_EDITOR, Permission.EDIT, header)
    assert not can(Account("editor", "建設部"), Permission.EDIT, header)


# --- accounts in the store --------------------------------------------------------------


def test_add_user_stores_a_hash_and_audits(engine: Engine) -> None:
    user = _add(engine, display_name="田中 一郎", section="産業政策課")
    with transaction(engine) as session:
        stored = store.get_user(session=session, login="tanaka")
        changes = list_changes(session=session, action="user.add")
    assert stored == user
    assert (stored.role, stored.department, stored.section) == (
        "editor",
        "産業労働部",
        "産業政策課",
    )
    assert stored.display_name == "田中 一郎" and not stored.disabled
    assert accounts.verify_password(stored.password_hash, PASSWORD)
    assert [change.after["login"] for change in changes] == ["tanaka"]
    assert "password_hash" not in changes[0].after and changes[0].before is None


@pytest.mark.parametrize(
    ("login", "options", "message"),
    [
        ("tanaka", {"role": "editor", "department": ""}, "部局"),
        ("tanaka", {"role": "boss"}, "役割"),
        ("tanaka", {"role": "admin", "department": "産業労働部"}, "管理者"),
        ("tanaka", {"role": "reviewer", "section": "産業政策課", "department": ""}, "課・室"),
        ("田中", {"role": "expert"}, "ログイン名"),
        ("-x", {"role": "expert"}, "ログイン名"),
    ],
)
def test_add_user_refuses_bad_input_and_stores_nothing(
    sqlite_engine: Engine, login: str, options: dict[str, str], message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        _add(sqlite_engine, login, **options)
    with transaction(sqlite_engine) as session:
        assert store.list_users(session=session) == []
        assert list_changes(session=session) == []


def test_a_taken_login_is_refused(sqlite_engine: Engine) -> None:
    _add(sqlite_engine)
    with pytest.raises(AccountError, match="すでに使われています"):
        _add(sqlite_engine, role="reviewer", department="")
    with transaction(sqlite_engine) as session:
        assert [user.role for user in store.list_users(session=session)] == ["editor"]


# --- logins and sessions ----------------------------------------------------------------


def _login(engine: Engine, password: str = PASSWORD, *, login: str = "tanaka", ip: str = "10.0.0.1", at: datetime = T0) -> store.User | None:  # fmt: skip
    with transaction(engine) as session:
        return authenticate(
            session=session, login=login, password=password, client_ip=ip, policy=POLICY, now=at
        )


def test_authenticate_right_wrong_unknown_and_disabled(engine: Engine) -> None:
    user = _add(engine)
    assert _login(engine) == user
    assert _login(engine, "違うパスワードです") is None
    assert _login(engine, login="nobody") is None
    with transaction(engine) as session:
        accounts.set_disabled(session=session, login="tanaka", disabled=True, actor="test")
    assert _login(engine) is None


def test_failures_of_many_names_from_one_address_do_not_block_another_name(
    engine: Engine,
) -> None:
    # An office behind one proxy: colleagues' typing mistakes do not lock out the others.
    _add(engine)
    for number in range(5):
        assert _login(engine, "wrong", login=f"guess{number}", ip="192.0.2.7") is None
    assert _login(engine, ip="192.0.2.7") is not None


def test_a_names_failures_from_one_address_do_not_block_it_elsewhere(engine: Engine) -> None:
    _add(engine)
    for minute in range(POLICY.max_failures):
        assert _login(engine, "wrong", ip="203.0.113.9", at=T0 + timedelta(minutes=minute)) is None  # fmt: skip
    with pytest.raises(LoginRateLimitedError):  # the right password, from the same address
        _login(engine, ip="203.0.113.9", at=T0 + timedelta(minutes=5))
    assert _login(engine, ip="10.0.0.1", at=T0 + timedelta(minutes=5)) is not None


def test_the_pair_limit_says_the_remaining_time(engine: Engine) -> None:
    _add(engine)
    for minute in range(POLICY.max_failures):
        assert _login(engine, "wrong", ip="10.0.0.9", at=T0 + timedelta(minutes=minute)) is None  # fmt: skip
    with pytest.raises(LoginRateLimitedError) as caught:
        _login(engine, ip="10.0.0.9", at=T0 + timedelta(minutes=5))
    assert caught.value.retry_after == timedelta(minutes=10)  # the first failure + 15 min
    assert caught.value.retry_after_seconds == 600
    assert "10分ほど待って" in str(caught.value)
    with pytest.raises(LoginRateLimitedError, match="1秒ほど待って"):
        _login(engine, ip="10.0.0.9", at=T0 + timedelta(minutes=15) - timedelta(seconds=1))
    assert _login(engine, ip="10.0.0.9", at=T0 + timedelta(minutes=15, seconds=1)) is not None


def test_a_success_clears_the_pairs_failures(engine: Engine) -> None:
    _add(engine)
    for _ in range(POLICY.max_failures - 1):
        assert _login(engine, "wrong", ip="10.0.1.1") is None
    assert _login(engine, ip="10.0.1.1", at=T0 + timedelta(seconds=1)) is not None
    later = T0 + timedelta(minutes=1)
    for _ in range(POLICY.max_failures - 1):
        assert _login(engine, "wrong", ip="10.0.1.1", at=later) is None
    assert _login(engine, ip="10.0.1.1", at=later + timedelta(seconds=1)) is not None


def _fail_waiting(engine: Engine, ip: str, at: datetime) -> tuple[datetime, timedelta]:
    """A wrong password from ``ip``, waiting as told first; (when it was checked, the wait)."""
    try:
        assert _login(engine, "wrong", ip=ip, at=at) is None
        return at, timedelta(0)
    except LoginRateLimitedError as error:
        at += error.retry_after
        assert _login(engine, "wrong", ip=ip, at=at) is None
        return at, error.retry_after


def test_failures_from_many_addresses_slow_a_name_down_but_not_at_its_owners_address(
    engine: Engine,
) -> None:
    _add(engine)
    assert _login(engine, ip="10.1.0.1", at=T0) is not None  # the owner's usual address
    at = T0 + timedelta(minutes=1)
    waits = []
    for number in range(POLICY.account_delay_after + 6):
        at, waited = _fail_waiting(engine, f"198.51.100.{number}", at)
        waits.append(int(waited.total_seconds()))
    assert waits == [0] * POLICY.account_delay_after + [1, 2, 4, 8, 8, 8]
    with pytest.raises(LoginRateLimitedError, match="8秒ほど"):  # the right password elsewhere
        _login(engine, ip="198.51.100.200", at=at)
    assert _login(engine, ip="10.1.0.1", at=at) is not None  # not held back at their desk


def test_a_names_ceiling_waits_for_its_window_except_at_its_owners_address(
    engine: Engine,
) -> None:
    _add(engine)
    assert _login(engine, ip="10.1.0.1", at=T0) is not None
    first = at = T0 + timedelta(minutes=1)
    for number in range(POLICY.account_max_failures):
        at, _ = _fail_waiting(engine, f"198.51.100.{number}", at)
    at += timedelta(minutes=1)
    with pytest.raises(LoginRateLimitedError) as caught:
        _login(engine, ip="198.51.100.250", at=at)
    assert caught.value.retry_after == first + POLICY.account_window - at
    assert _login(engine, ip="10.1.0.1", at=at) is not None


def test_the_address_ceiling_stops_a_flood(engine: Engine) -> None:
    _add(engine)
    for number in range(POLICY.address_max_failures):
        at = T0 + timedelta(seconds=number)
        assert _login(engine, "wrong", login=f"guess{number}", ip="192.0.2.66", at=at) is None
    at = T0 + timedelta(seconds=30)
    with pytest.raises(LoginRateLimitedError) as caught:  # even a right password of a new name
        _login(engine, ip="192.0.2.66", at=at)
    assert caught.value.retry_after == POLICY.window - timedelta(seconds=30)
    assert _login(engine, ip="192.0.2.67", at=at) is not None


def test_parallel_wrong_attempts_check_no_more_passwords_than_the_limit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(engine)
    checked: list[str] = []
    verify = accounts.verify_password

    def counting(stored: str, password: str) -> bool:
        checked.append(password)  # list.append is atomic under the GIL
        return verify(stored, password)

    monkeypatch.setattr(accounts, "verify_password", counting)
    attempts = 30
    barrier = threading.Barrier(attempts)

    def attempt(number: int) -> str:
        barrier.wait()
        try:
            return "checked" if _login(engine, f"wrong{number}", ip="192.0.2.50") is None else "in"
        except LoginRateLimitedError:
            return "limited"

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        outcomes = list(pool.map(attempt, range(attempts)))
    # The threads' garbage (their exceptions' frames and sessions), collected now: collected
    # later inside an ast.parse of pytest's import hook, it trips CPython 3.11.7's shared
    # AST recursion counter ("AST constructor recursion depth mismatch").
    gc.collect()
    assert outcomes.count("checked") == POLICY.max_failures, outcomes
    assert outcomes.count("limited") == attempts - POLICY.max_failures
    assert len(checked) == POLICY.max_failures
    with transaction(engine) as session:
        rows = session.scalar(select(func.count()).select_from(LoginAttemptRow))
    assert rows == POLICY.max_failures


def test_an_old_hash_is_replaced_on_login(
    sqlite_engine: Engine, cheap_hashes: PasswordHasher
) -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    _add(sqlite_engine)
    with transaction(sqlite_engine) as session:
        store.update_user(
            session=session, login="tanaka", now=T0, password_hash=weaker.hash(PASSWORD)
        )
    assert _login(sqlite_engine) is not None
    with transaction(sqlite_engine) as session:
        stored = store.get_user(session=session, login="tanaka")
    assert stored is not None and not cheap_hashes.check_needs_rehash(stored.password_hash)
    assert weaker.check_needs_rehash(stored.password_hash)
    assert accounts.verify_password(stored.password_hash, PASSWORD)


def test_sessions_expire_when_idle_and_absolutely(engine: Engine) -> None:
    user = _add(engine)
    with transaction(engine) as session:
        token = start_session(session=session, user=user, policy=POLICY, now=T0)
        kept = session.scalars(select(UserSessionRow.token_hash)).all()
    assert kept == [token_hash(token)]  # only the hash is stored

    def resume(at: datetime) -> store.User | None:
        with transaction(engine) as session:
            return resume_session(session=session, token=token, policy=POLICY, now=at)

    # Activity every 20 minutes keeps it alive past the 30-minute idle limit…
    for minutes in range(20, 8 * 60, 20):
        assert resume(T0 + timedelta(minutes=minutes)) == user, minutes
    # …but not past the absolute 8 hours.
    assert resume(T0 + timedelta(hours=8)) is None
    assert resume(T0 + timedelta(minutes=20)) is None  # deleted, not just refused

    with transaction(engine) as session:
        idle = start_session(session=session, user=user, policy=POLICY, now=T0)
        assert peek_session(session=session, token=idle, policy=POLICY, now=T0) == user
        assert resume_session(session=session, token=idle, policy=POLICY, now=T0 + timedelta(minutes=30)) is None  # fmt: skip
        assert resume_session(session=session, token="forged", policy=POLICY, now=T0) is None


def test_ending_and_disabling_end_sessions(engine: Engine) -> None:
    user = _add(engine)
    with transaction(engine) as session:
        first = start_session(session=session, user=user, policy=POLICY, now=T0)
        second = start_session(session=session, user=user, policy=POLICY, now=T0)
        end_session(session=session, token=first)
        assert resume_session(session=session, token=first, policy=POLICY, now=T0) is None
        assert resume_session(session=session, token=second, policy=POLICY, now=T0) == user
        accounts.set_disabled(session=session, login="tanaka", disabled=True, actor="test")
        assert resume_session(session=session, token=second, policy=POLICY, now=T0) is None
        assert session.scalar(select(func.count()).select_from(UserSessionRow)) == 0


# --- the audit log ----------------------------------------------------------------------


def test_audit_log_keeps_who_when_before_after_why(engine: Engine) -> None:
    header = Header(
        program_number="07 01 01",
        program_name="事業",
        department="産業労働部",
        section="産業政策課",
        fiscal_year=2023,
        stage=Stage.REVIEW,
    )
    with transaction(engine) as session:
        record_change(session=session, actor="tanaka", action="sheet.edit", target_sheet_id=7,
                      before={"value": 473}, after={"value": 493}, reason="実績の誤り", at=T0)  # fmt: skip
        record_change(session=session, actor="sato", action="sheet.approve", target_sheet_id=7,
                      before=None, after=header, reason="", at=T0 + timedelta(hours=1))  # fmt: skip
        record_change(session=session, actor="tanaka", action="sheet.edit", target_sheet_id=8,
                      before=[1, 2], after="三", at=T0 + timedelta(hours=2))  # fmt: skip
    with transaction(engine) as session:
        sheet7 = list_changes(session=session, target_sheet_id=7)
        oldest_first = list_changes(session=session, newest_first=False)
        tanaka = list_changes(session=session, actor="tanaka")
        family = list_changes(session=session, action="sheet.")
        since = list_changes(session=session, since=T0 + timedelta(minutes=30), limit=1)
    assert [change.action for change in sheet7] == ["sheet.approve", "sheet.edit"]
    assert sheet7[1].before == {"value": 473} and sheet7[1].after == {"value": 493}
    assert sheet7[1].reason == "実績の誤り" and sheet7[1].at == T0
    assert sheet7[0].before is None and sheet7[0].after == header.model_dump(mode="json")
    assert [change.target_sheet_id for change in oldest_first] == [7, 7, 8]
    assert {change.target_sheet_id for change in tanaka} == {7, 8}
    assert len(family) == 3 and list_changes(session=session, action="sheet") == []
    assert [(change.before, change.after) for change in since] == [([1, 2], "三")]


def test_record_change_takes_an_account_as_actor(sqlite_engine: Engine) -> None:
    user = _add(sqlite_engine)
    with transaction(sqlite_engine) as session:
        change = record_change(session=session, actor=user, action="sheet.submit",
                               target_sheet_id=1, before=None, after=None, reason="")  # fmt: skip
    assert change.actor == "tanaka" and change.before is None


# --- hyoka user ... ---------------------------------------------------------------------


def _cli(db_url: str, *args: str, password: str | None = None) -> tuple[int, str, str]:
    stdin = None if password is None else password + "\n"
    result = runner.invoke(app, ["user", *args, "--db", db_url], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_cli_manages_accounts_in_the_store(db_url: str, engine: Engine) -> None:
    code, out, err = _cli(db_url, "add", "admin1", "--role", "admin", "--name", "管理 花子",
                          "--password-stdin", password=PASSWORD)  # fmt: skip
    assert code == 0, err
    code, out, err = _cli(db_url, "add", "tanaka", "--role", "editor", "--department", "産業労働部",
                          "--section", "産業政策課", "--password-stdin", password=PASSWORD)  # fmt: skip
    assert code == 0, err
    code, out, _ = _cli(db_url, "list")
    assert code == 0 and "admin1" in out and "管理 花子" in out and "産業政策課" in out
    assert "2件" in out

    assert _cli(db_url, "set-role", "tanaka", "reviewer", "--department", "建設部")[0] == 0
    assert _cli(db_url, "disable", "admin1")[0] == 0
    new_password = "新しい長いパスワード2024"
    assert _cli(db_url, "passwd", "tanaka", "--password-stdin", password=new_password)[0] == 0

    with transaction(engine) as session:
        users = {user.login: user for user in store.list_users(session=session)}
        actions = [change.action for change in list_changes(session=session, newest_first=False)]
        actors = {change.actor for change in list_changes(session=session)}
    assert (users["tanaka"].role, users["tanaka"].department) == ("reviewer", "建設部")
    assert users["tanaka"].section == "産業政策課"  # kept: only --department was given
    assert users["admin1"].disabled and users["admin1"].department == ""
    assert accounts.verify_password(users["tanaka"].password_hash, new_password)
    assert not accounts.verify_password(users["tanaka"].password_hash, PASSWORD)
    assert actions == ["user.add", "user.add", "user.set_role", "user.disable", "user.passwd"]
    assert all(actor.startswith("cli") for actor in actors)

    assert _cli(db_url, "enable", "admin1")[0] == 0
    with transaction(engine) as session:
        admin = store.get_user(session=session, login="admin1")
    assert admin is not None and not admin.disabled


def test_cli_prompts_twice_for_the_password(sqlite_url: str, sqlite_engine: Engine) -> None:
    code, _, err = _cli(
        sqlite_url, "add", "sato", "--role", "expert", password=f"{PASSWORD}\n{PASSWORD}"
    )
    assert code == 0, err
    with transaction(sqlite_engine) as session:
        sato = store.get_user(session=session, login="sato")
    assert sato is not None and accounts.verify_password(sato.password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "tanaka", "--role", "editor", "--password-stdin"), PASSWORD, "部局"),
        (("add", "tanaka", "--role", "expert", "--password-stdin"), "short", "12文字以上"),
        (("add", "tanaka", "--role", "expert", "--password-stdin"), "tanaka", "ログイン名"),
        (("set-role", "nobody", "admin"), None, "nobody"),
        (("disable", "nobody"), None, "nobody"),
        (("passwd", "nobody", "--password-stdin"), PASSWORD, "nobody"),
    ],
)
def test_cli_refuses_bad_input(
    sqlite_url: str, args: tuple[str, ...], password: str | None, message: str
) -> None:
    code, _, err = _cli(sqlite_url, *args, password=password)
    assert code == 2 and message in err
    _, out, _ = _cli(sqlite_url, "list")
    assert "0件" in out


def test_every_user_command_and_account_setting_is_documented() -> None:
    security = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    names = [command.name for command in users_app.registered_commands]
    assert set(names) == {"add", "list", "set-role", "disable", "enable", "passwd"}
    for name in names:
        assert f"hyoka user {name}" in security, name
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
    for name in Settings.model_fields:
        if name.startswith(("session_", "login_")) or name in {"secret_key", "cookie_secure"}:
            assert name in security or f"HYOKA_{name.upper()}" in security, name
