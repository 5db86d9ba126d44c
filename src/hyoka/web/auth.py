"""Staff login and what every staff route stands on: current user, roles, permissions, CSRF.

- ``/login`` (GET form, POST check) and ``/logout`` (POST); the session token lives in
  an HttpOnly, SameSite=Strict cookie (Secure over https), is replaced on every login and
  ends after ``session_idle_minutes`` without activity or ``session_max_hours`` in all.
- CSRF: every POST/PUT/PATCH/DELETE must carry the token of :func:`csrf_token` in the
  form field ``csrf_token`` or the ``X-CSRF-Token`` header. Staff routers get the check
  by being made with :func:`protected_router`; :data:`router` itself is one. A test
  enumerates the app's routes, so a mutating route without the check fails the suite.
- Dependencies: :data:`OptionalUser`, :data:`CurrentUser` (not logged in: pages
  redirect to /login, JSON gets 401), :func:`require_role`, :func:`require_permission`
  and :func:`ensure_can` (403 with a Japanese page).

Example::

    router = protected_router(prefix="/staff")

    @router.post("/sheets/{sheet_id}/submit")
    def submit(sheet_id: int, user: Annotated[User, Depends(require_permission("submit"))],
               session: SessionDep) -> Response:
        ensure_can(user, "submit", header_of(sheet_id))
        ...
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from hyoka.accounts import ROLE_LABELS, Permission, Role, SheetScope, can
from hyoka.logins import (
    LoginPolicy,
    LoginRateLimitedError,
    authenticate,
    end_session,
    peek_session,
    resume_session,
    start_session,
)
from hyoka.settings import Settings
from hyoka.store import transaction
from hyoka.store.staff.accounts import User
from hyoka.web.deps import SessionDep, SettingsDep, TemplatesDep
from hyoka.web.request_limits import MAX_FORM_FIELDS

SESSION_COOKIE = "hyoka_session"
ANONYMOUS_CSRF_COOKIE = "hyoka_csrf"  # keys the login form's token before any session
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
AFTER_LOGIN = "/staff"
MAX_LOGIN_LENGTH = 64
MAX_PASSWORD_INPUT = 1024

LOGIN_FAILED = "ログイン名またはパスワードが違います"
CSRF_FAILED = (
    "送信を確認できませんでした（フォームの有効期限切れか、別のサイトからの送信です）。"
    "ページを読み込み直してからもう一度お試しください。"
)
FORBIDDEN = "この操作を行う権限がありません。"
LOGIN_REQUIRED = "ログインが必要です。"

_NO_USER_YET = object()


class LoginRequiredError(HTTPException):
    """Not logged in: pages are redirected to /login, JSON gets 401 (see :func:`install`)."""

    def __init__(self) -> None:
        super().__init__(status_code=401, detail=LOGIN_REQUIRED)


def forbidden(detail: str = FORBIDDEN) -> HTTPException:
    return HTTPException(status_code=403, detail=detail)


# --- CSRF -------------------------------------------------------------------------------


def _sign(settings: Settings, value: str) -> str:
    digest = hmac.new(settings.secret_key.encode(), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _csrf_basis(request: Request) -> str | None:
    # A logged-in client's token is bound to its session; before login, to a random cookie.
    session_token = request.cookies.get(SESSION_COOKIE)
    if session_token:
        return f"session:{session_token}"
    anonymous = getattr(request.state, "new_csrf_cookie", None) or request.cookies.get(
        ANONYMOUS_CSRF_COOKIE
    )
    return f"anonymous:{anonymous}" if anonymous else None


def csrf_token(request: Request) -> str:
    """The token forms of this client must send back (also a Jinja global).

    Before login a random cookie keys it; a response that shows such a form must carry
    that cookie: see :func:`set_csrf_cookie`.
    """
    basis = _csrf_basis(request)
    if basis is None:
        request.state.new_csrf_cookie = secrets.token_urlsafe(32)
        basis = f"anonymous:{request.state.new_csrf_cookie}"
    return _sign(request.app.state.settings, f"csrf:{basis}")


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Give the client the cookie a token made by :func:`csrf_token` before login is keyed by."""
    value = getattr(request.state, "new_csrf_cookie", None)
    if value:
        _set_cookie(request, response, ANONYMOUS_CSRF_COOKIE, value)


async def csrf_protected(request: Request) -> None:
    """Refuse (403) a mutating request without this client's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form(max_fields=MAX_FORM_FIELDS)  # cached for the route
        field = form.get(CSRF_FIELD)
        submitted = field if isinstance(field, str) else None
    basis = _csrf_basis(request)
    if basis is None or submitted is None:
        raise forbidden(CSRF_FAILED)
    expected = _sign(request.app.state.settings, f"csrf:{basis}")
    if not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise forbidden(CSRF_FAILED)


def protected_router(**options: Any) -> APIRouter:
    """An APIRouter whose every route has the CSRF check: make staff routers with this."""
    dependencies = [Depends(csrf_protected), *options.pop("dependencies", [])]
    return APIRouter(dependencies=dependencies, **options)


# --- who is logged in -------------------------------------------------------------------


def login_policy(settings: Settings) -> LoginPolicy:
    return LoginPolicy.from_settings(settings)


def get_optional_user(request: Request, session: SessionDep, settings: SettingsDep) -> User | None:
    """The logged-in account, or None (looked up once per request)."""
    cached = getattr(request.state, "hyoka_user", _NO_USER_YET)
    if cached is not _NO_USER_YET:
        return cached  # type: ignore[return-value]
    token = request.cookies.get(SESSION_COOKIE)
    user = (
        resume_session(session=session, token=token, policy=login_policy(settings))
        if token
        else None
    )
    request.state.hyoka_user = user
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise LoginRequiredError()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role | str) -> Callable[[User], User]:
    """A dependency: the current account if its role is one of ``roles``, else 403."""
    allowed = frozenset(Role(role) for role in roles)

    def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise forbidden()
        return user

    return dependency


def require_permission(action: Permission | str) -> Callable[[User], User]:
    """A dependency: the current account if it may do ``action`` on some sheet, else 403.

    Check the sheet itself with :func:`ensure_can` once the route has loaded it.
    """
    permission = Permission(action)

    def dependency(user: CurrentUser) -> User:
        if not can(user, permission, None):
            raise forbidden()
        return user

    return dependency


def ensure_can(user: User, action: Permission | str, sheet_header: SheetScope | None) -> None:
    """403 unless ``user`` may do ``action`` on this sheet (its 部局/課 included)."""
    if not can(user, action, sheet_header):
        raise forbidden()


@dataclass(frozen=True)
class AccountView:
    """What ``_account.html`` shows of the logged-in account."""

    login: str
    display_name: str
    role_label: str
    csrf_token: str


def account_of(request: Request) -> AccountView | None:
    """The logged-in account for the page header (a Jinja global; writes nothing)."""
    user = getattr(request.state, "hyoka_user", _NO_USER_YET)
    if user is _NO_USER_YET:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None  # public pages without a session cost no query
        settings: Settings = request.app.state.settings
        with transaction(request.app.state.engine) as session:
            user = peek_session(session=session, token=token, policy=login_policy(settings))
    if not isinstance(user, User):
        return None
    try:
        role_label = ROLE_LABELS[Role(user.role)]
    except ValueError:
        role_label = user.role
    return AccountView(
        login=user.login,
        display_name=user.display_name,
        role_label=role_label,
        csrf_token=csrf_token(request),
    )


# --- routes -----------------------------------------------------------------------------

router = protected_router(tags=["staff"], include_in_schema=False)


@dataclass(frozen=True)
class LoginPage:
    """The context of ``login.html``."""

    csrf_token: str
    login: str = ""
    next: str = ""
    error: str = ""


@router.get("/login", name="login")
def login_form(
    request: Request,
    templates: TemplatesDep,
    next_url: Annotated[str, Query(alias="next")] = "",
) -> Response:
    page = LoginPage(csrf_token=csrf_token(request), next=_safe_next(next_url, default=""))
    return _login_page(request, templates, page)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    login_name: Annotated[str, Form(alias="login")] = "",
    password: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form(alias="next")] = "",
) -> Response:
    login_name = login_name.strip()
    page = LoginPage(
        csrf_token=csrf_token(request),
        login=login_name[:MAX_LOGIN_LENGTH],
        next=_safe_next(next_url, default=""),
    )
    if not login_name or len(login_name) > MAX_LOGIN_LENGTH or len(password) > MAX_PASSWORD_INPUT:
        return _login_page(request, templates, _with_error(page, LOGIN_FAILED))
    client = request.client.host if request.client else "unknown"
    policy = login_policy(settings)
    try:
        user = authenticate(
            session=session, login=login_name, password=password, client_ip=client, policy=policy
        )
    except LoginRateLimitedError as error:
        response = _login_page(request, templates, _with_error(page, str(error)), status=429)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    if user is None:
        return _login_page(request, templates, _with_error(page, LOGIN_FAILED))
    # A new token on every login: a token planted before login (fixation) is worthless.
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        end_session(session=session, token=previous)
    token = start_session(session=session, user=user, policy=policy)
    response = RedirectResponse(_safe_next(next_url, default=AFTER_LOGIN), status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, token)
    _delete_cookie(request, response, ANONYMOUS_CSRF_COOKIE)
    return response


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session=session, token=token)
    response = RedirectResponse("/", status_code=303)
    _delete_cookie(request, response, SESSION_COOKIE)
    return response


def install(app: FastAPI) -> None:
    """Add /login and /logout, the login redirect, and the account slot's Jinja globals."""
    app.include_router(router)
    app.add_exception_handler(LoginRequiredError, _login_required)
    templates: Jinja2Templates = app.state.templates
    templates.env.globals["account_of"] = account_of
    templates.env.globals["csrf_token"] = csrf_token


async def _login_required(request: Request, error: Exception) -> Response:
    wants_html = "text/html" in request.headers.get("accept", "")
    if request.url.path.startswith("/api") or not wants_html:
        return JSONResponse(
            {"detail": LOGIN_REQUIRED}, status_code=401, headers={"WWW-Authenticate": "Cookie"}
        )
    target = "/login"
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += f"?next={quote(here, safe='')}"
    return RedirectResponse(target, status_code=303)


def _with_error(page: LoginPage, error: str) -> LoginPage:
    return LoginPage(csrf_token=page.csrf_token, login=page.login, next=page.next, error=error)


def _login_page(
    request: Request, templates: Jinja2Templates, page: LoginPage, status: int = 200
) -> Response:
    response = templates.TemplateResponse(request, "login.html", {"page": page}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    set_csrf_cookie(request, response)
    return response


def _safe_next(target: str, *, default: str) -> str:
    """Only a path on this site: an open redirect would lend our login page to phishing."""
    parts = urlsplit(target)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or parts.scheme
        or parts.netloc
        or any(ord(char) < 0x20 for char in target)
    ):
        return default
    return target


def _secure(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    # No max_age: the cookie ends with the browser; the server ends the session anyway.
    response.set_cookie(
        name, value, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )


def _delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
