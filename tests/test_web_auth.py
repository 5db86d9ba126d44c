"""Staff login over HTTP: login/logout, refusals, rate limits, cookies, expiry, roles, and CSRF
on every mutating route of the app (enumerated from ``app.routes``)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pytest
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select, update

from hyoka import accounts
from hyoka.settings import DEFAULT_SECRET_KEY, Settings
from hyoka.store import transaction
from hyoka.store.schema.accounts import LoginAttemptRow, UserSessionRow
from hyoka.store.staff.accounts import User
from hyoka.web.app import create_app
from hyoka.web.auth import (
    CSRF_FAILED,
    LOGIN_FAILED,
    SESSION_COOKIE,
    CurrentUser,
    OptionalUser,
    protected_router,
    require_permission,
    require_role,
)
from hyoka.web.deps import get_session

PASSWORD = "長野県の事業を良くする合言葉"
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# Routes that stand in for the staff pages, to exercise the dependencies.
probe = protected_router(prefix="/probe")


@probe.get("/me")
def me(user: CurrentUser) -> dict[str, str]:
    return {"login": user.login}


@probe.get("/optional")
def optional(user: OptionalUser) -> dict[str, str | None]:
    return {"login": user.login if user else None}


@probe.get("/admin")
def admin_only(user: Annotated[User, Depends(require_role("admin"))]) -> dict[str, str]:
    return {"login": user.login}


@probe.post("/edit")
def edit(user: Annotated[User, Depends(require_permission("edit"))]) -> dict[str, str]:
    return {"login": user.login}


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small costs: the real ones take ~0.5 s per hash on the test machine."""
    monkeypatch.setattr(
        accounts, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def _app(url: str, **settings: Any) -> FastAPI:
    app = create_app(Settings(database_url=url, **settings))
    with transaction(app.state.engine) as session:
        for login, role, department in [
            ("admin", "admin", ""),
            ("tanaka", "editor", "産業労働部"),
            ("expert", "expert", ""),
        ]:
            accounts.add_user(session=session, login=login, password=PASSWORD, role=role,
                              department=department, display_name=f"{login}さん", actor="test")  # fmt: skip
    return app


@pytest.fixture
def app(sqlite_url: str) -> Iterator[FastAPI]:
    created = _app(sqlite_url, login_max_failures=3, session_idle_minutes=30)
    created.include_router(probe)
    yield created
    created.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def _token(client: TestClient, path: str = "/login") -> str:
    found = TOKEN.search(client.get(path).text)
    assert found, f"no csrf_token field on {path}"
    return found.group(1)


def _login(
    client: TestClient, login: str = "tanaka", password: str = PASSWORD, **extra: str
) -> Response:
    data = {"login": login, "password": password, "csrf_token": _token(client), **extra}
    return client.post("/login", data=data, follow_redirects=False)


def _cookie_header(response: Response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


def _account_slot(client: TestClient) -> str:
    found = re.search(r'<div class="site-account">(.*?)</div>', client.get("/").text, re.S)
    assert found
    return found.group(1)


def test_login_page_is_a_japanese_form_with_a_csrf_token(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert "<h1>職員ログイン</h1>" in page.text and 'autocomplete="current-password"' in page.text
    assert TOKEN.search(page.text)
    assert page.headers["cache-control"] == "no-store"
    cookie = _cookie_header(page, "hyoka_csrf")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_login_then_logout(db_url: str) -> None:
    app = _app(db_url)
    client = TestClient(app)
    assert "職員ログイン" in _account_slot(client)

    response = _login(client)
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    cookie = _cookie_header(response, SESSION_COOKIE)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert "ログイン中: tanakaさん（編集者）" in _account_slot(client)

    logout_token = TOKEN.search(_account_slot(client))
    assert logout_token
    response = client.post(
        "/logout", data={"csrf_token": logout_token.group(1)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "Max-Age=0" in _cookie_header(response, SESSION_COOKIE)
    assert "職員ログイン" in _account_slot(client)
    with transaction(app.state.engine) as session:
        assert session.scalars(select(UserSessionRow)).all() == []
    app.state.engine.dispose()


def test_login_goes_to_next_only_on_this_site(client: TestClient) -> None:
    assert (
        _login(client, next="/staff/sheets/3?tab=2").headers["location"] == "/staff/sheets/3?tab=2"
    )
    for outside in ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"]:
        assert _login(client, next=outside).headers["location"] == "/staff", outside


def test_a_new_session_on_every_login(app: FastAPI, client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    _login(client)
    first = client.cookies[SESSION_COOKIE]
    assert first != "planted-by-an-attacker"
    _login(client)
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    stale = TestClient(app, cookies={SESSION_COOKIE: first})
    assert stale.get("/probe/optional").json() == {"login": None}
    assert client.get("/probe/me").json() == {"login": "tanaka"}


@pytest.mark.parametrize(
    ("login", "password"),
    [("tanaka", "違うパスワードです"), ("nobody", PASSWORD), ("", PASSWORD), ("tanaka", "")],
)
def test_wrong_login_gets_the_same_generic_message(
    client: TestClient, login: str, password: str
) -> None:
    response = _login(client, login, password)
    assert response.status_code == 200
    assert LOGIN_FAILED in response.text and 'role="alert"' in response.text
    assert SESSION_COOKIE not in response.cookies


def test_a_disabled_account_cannot_log_in_and_loses_its_session(
    app: FastAPI, client: TestClient
) -> None:
    _login(client)
    assert client.get("/probe/me").status_code == 200
    with transaction(app.state.engine) as session:
        accounts.set_disabled(session=session, login="tanaka", disabled=True, actor="test")
    assert client.get("/probe/optional").json() == {"login": None}
    response = _login(client)
    assert response.status_code == 200 and LOGIN_FAILED in response.text


def test_repeated_failures_get_429_with_the_remaining_time(
    app: FastAPI, client: TestClient
) -> None:
    for _ in range(3):
        assert _login(client, password="違うパスワードです").status_code == 200
    # The failures were 5 minutes ago: 10 minutes remain of the 15-minute window.
    with transaction(app.state.engine) as session:
        session.execute(
            update(LoginAttemptRow).values(attempted_at=datetime.now(UTC) - timedelta(minutes=5))
        )
    limited = _login(client)  # even the right password, while the limit holds
    assert limited.status_code == 429
    assert "一時的にログインできません" in limited.text and "10分ほど待って" in limited.text
    assert abs(int(limited.headers["retry-after"]) - 10 * 60) <= 2
    assert SESSION_COOKIE not in limited.cookies
    # The attempts are in the database: a second worker (another app) sees them too.
    other = create_app(Settings(database_url=str(app.state.engine.url), login_max_failures=3))
    assert _login(TestClient(other)).status_code == 429
    other.state.engine.dispose()
    # Once they are older than the window, logging in works again.
    with transaction(app.state.engine) as session:
        session.execute(
            update(LoginAttemptRow).values(attempted_at=datetime.now(UTC) - timedelta(minutes=16))
        )
    assert _login(client).status_code == 303


def test_an_office_behind_one_address_is_not_locked_out(client: TestClient) -> None:
    for name in ["admin", "expert", "sato", "suzuki", "yamada"]:
        assert _login(client, login=name, password="違うパスワードです").status_code == 200
    assert _login(client).status_code == 303  # tanaka, from the same address


def test_failures_for_a_name_at_one_address_do_not_lock_it_out_elsewhere(sqlite_url: str) -> None:
    app = _app(sqlite_url)  # the shipped limits: 5 per name and address
    there = TestClient(app, client=("203.0.113.9", 40000))
    for _ in range(5):
        assert _login(there, password="違うパスワードです").status_code == 200
    assert _login(there).status_code == 429
    here = TestClient(app, client=("10.0.0.2", 40000))
    assert _login(here).status_code == 303
    app.state.engine.dispose()


def test_parallel_wrong_logins_check_no_more_passwords_than_the_limit(app: FastAPI) -> None:
    attempts = 30
    clients = [TestClient(app, client=("192.0.2.50", 40000 + n)) for n in range(attempts)]
    tokens = [_token(client) for client in clients]
    barrier = threading.Barrier(attempts)

    def attempt(number: int) -> int:
        data = {"login": "tanaka", "password": f"違うパスワード{number}", "csrf_token": tokens[number]}  # fmt: skip
        barrier.wait()
        return clients[number].post("/login", data=data, follow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(attempt, range(attempts)))
    assert sorted(statuses) == [200] * 3 + [429] * (attempts - 3)
    with transaction(app.state.engine) as session:
        checked = session.scalar(select(func.count()).select_from(LoginAttemptRow))
    assert checked == 3  # one row per password checked


def test_the_address_ceiling_still_stops_a_flood(sqlite_url: str) -> None:
    app = _app(sqlite_url, login_address_max_failures=10)
    flood = TestClient(app, client=("198.51.100.7", 40000))
    for number in range(10):
        assert _login(flood, login=f"guess{number}", password="違う").status_code == 200
    limited = _login(flood)  # a right password of another name
    assert limited.status_code == 429
    assert abs(int(limited.headers["retry-after"]) - 15 * 60) <= 2
    assert _login(TestClient(app, client=("198.51.100.8", 40000))).status_code == 303
    app.state.engine.dispose()


def test_sessions_end_when_idle(app: FastAPI, client: TestClient) -> None:
    _login(client)
    assert client.get("/probe/me").status_code == 200
    with transaction(app.state.engine) as session:
        session.execute(
            update(UserSessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31))
        )
    response = client.get("/probe/me", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fprobe%2Fme"


def test_sessions_end_after_the_absolute_lifetime(app: FastAPI, client: TestClient) -> None:
    _login(client)
    with transaction(app.state.engine) as session:
        session.execute(update(UserSessionRow).values(expires_at=datetime.now(UTC)))
    assert client.get("/probe/optional").json() == {"login": None}
    assert client.get("/probe/me").status_code == 401  # JSON clients get 401, not a redirect


def test_roles_and_permissions_give_403_in_japanese(client: TestClient) -> None:
    _login(client, "expert")
    token = TOKEN.search(_account_slot(client))
    assert token
    response = client.get("/probe/admin")
    assert response.status_code == 403 and "権限がありません" in response.text
    response = client.post("/probe/edit", data={"csrf_token": token.group(1)})
    assert response.status_code == 403 and "権限がありません" in response.text
    _login(client, "tanaka")
    token = TOKEN.search(_account_slot(client))
    assert token
    assert client.post("/probe/edit", data={"csrf_token": token.group(1)}).status_code == 200
    assert client.post("/probe/edit", headers={"X-CSRF-Token": token.group(1)}).status_code == 200


@pytest.mark.parametrize(
    ("settings", "base_url", "secure"),
    [
        ({}, "http://testserver", False),
        ({}, "https://testserver", True),
        ({"cookie_secure": True}, "http://testserver", True),
        ({"cookie_secure": False}, "https://testserver", False),
    ],
)
def test_cookies_are_secure_over_https_or_when_set(
    sqlite_url: str, settings: dict[str, bool], base_url: str, secure: bool
) -> None:
    app = _app(sqlite_url, **settings)
    client = TestClient(app, base_url=base_url)
    page = client.get("/login")
    found = TOKEN.search(page.text)
    assert found
    assert ("Secure" in _cookie_header(page, "hyoka_csrf")) is secure
    data = {"login": "tanaka", "password": PASSWORD, "csrf_token": found.group(1)}
    if secure and base_url.startswith("http:"):
        # The client does not send a Secure cookie over http, so hand it over explicitly.
        client.cookies.set("hyoka_csrf", page.cookies["hyoka_csrf"])
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert ("Secure" in _cookie_header(response, SESSION_COOKIE)) is secure
    app.state.engine.dispose()


def test_the_default_secret_is_refused_off_this_machine() -> None:
    for host in ["127.0.0.1", "localhost", "::1"]:
        Settings().check_secret_for_host(host)
    with pytest.raises(ValueError, match="HYOKA_SECRET_KEY"):
        Settings(secret_key=DEFAULT_SECRET_KEY).check_secret_for_host("0.0.0.0")
    Settings(secret_key="s" * 48).check_secret_for_host("0.0.0.0")


def test_tokens_depend_on_the_secret_key(sqlite_url: str) -> None:
    first = _app(sqlite_url, secret_key="a" * 40)
    token = _token(TestClient(first, cookies={"hyoka_csrf": "same"}))
    first.state.engine.dispose()
    second = create_app(Settings(database_url=sqlite_url, secret_key="b" * 40))
    assert _token(TestClient(second, cookies={"hyoka_csrf": "same"})) != token
    second.state.engine.dispose()


# --- CSRF on every mutating route -------------------------------------------------------


def _mutating_routes(app: FastAPI) -> list[tuple[str, str]]:
    # FastAPI keeps included routers as branches: iter_route_contexts walks them all.
    found = []
    for route in iter_route_contexts(app.routes):
        for method in sorted(set(route.methods or ()) & MUTATING):
            found.append((method, re.sub(r"\{[^}]+\}", "1", route.path or "")))
    return found


@pytest.fixture
def real_app(sqlite_url: str) -> Iterator[FastAPI]:
    created = _app(sqlite_url)
    yield created
    created.state.engine.dispose()


def test_the_app_has_mutating_routes_to_check(real_app: FastAPI) -> None:
    assert ("POST", "/login") in _mutating_routes(real_app)
    assert ("POST", "/logout") in _mutating_routes(real_app)


def test_every_mutating_route_refuses_a_missing_or_wrong_csrf_token(real_app: FastAPI) -> None:
    routes = _mutating_routes(real_app)
    refused_without, refused_wrong, accepted_right = [], [], []
    for method, path in routes:
        client = TestClient(real_app)
        assert _login(client, "admin").status_code == 303  # allowed everything but this check
        right = TOKEN.search(_account_slot(client))
        assert right
        without = client.request(method, path, data={"x": "1"}, follow_redirects=False)
        wrong = client.request(method, path, data={"csrf_token": "forged"}, follow_redirects=False)
        header = client.request(method, path, headers={"X-CSRF-Token": right.group(1) + "x"})
        anonymous = TestClient(real_app).request(method, path, follow_redirects=False)
        if without.status_code == 403 and CSRF_FAILED in without.text:
            refused_without.append((method, path))
        if all(r.status_code == 403 and CSRF_FAILED in r.text for r in (wrong, header, anonymous)):
            refused_wrong.append((method, path))
        good = client.request(
            method, path, data={"csrf_token": right.group(1)}, follow_redirects=False
        )
        if CSRF_FAILED not in good.text:
            accepted_right.append((method, path))
    assert refused_without == routes
    assert refused_wrong == routes
    assert accepted_right == routes  # the check refuses only what it should


# --- transactions end before responses ----------------------------------------------


def test_every_route_commits_its_transaction_before_responding(real_app: FastAPI) -> None:
    # A redirect after a write (login, save) is followed at once: if the commit ran after
    # the response was sent, the next request could miss what this one wrote.
    def session_scopes(dependant: Any) -> Iterator[str | None]:
        for child in dependant.dependencies:
            if child.call is get_session:
                yield child.scope
            yield from session_scopes(child)

    scopes = {
        (route.path, scope)
        for route in iter_route_contexts(real_app.routes)
        if getattr(route, "dependant", None) is not None
        for scope in session_scopes(route.dependant)
    }
    assert ("/login", "function") in scopes
    assert {scope for _, scope in scopes} == {"function"}
