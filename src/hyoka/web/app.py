"""The application factory: engine, templates, static files, routers, headers, error pages.

Example::

    app = create_app(Settings(database_url="sqlite:///var/demo.sqlite"))
    uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from hyoka.accounts import can
from hyoka.display import ACTION_LABELS, SHEET_KIND_LONG, local_time, year_label
from hyoka.settings import Settings
from hyoka.store import create_engine_for, index_missing, migrate, transaction
from hyoka.store.database import StoreBusy
from hyoka.web.request_limits import MAX_FORM_FIELDS, BodyLimit

WEB = Path(__file__).parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
SHEET_STATIC = WEB.parent / "render" / "static"

# No inline script, nothing from outside the server (government networks are closed).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

ERROR_MESSAGES = {
    400: ("リクエストが正しくありません", "入力内容をご確認ください。"),
    403: ("この操作は許可されていません", "この操作を行う権限がありません。"),
    404: ("ページが見つかりません", "お探しのページは移動または削除された可能性があります。"),
    405: ("この方法では利用できません", "このページはこの方法では利用できません。"),
    413: (
        "送信された内容が大きすぎます",
        "送信できる大きさを超えています。内容を減らして、もう一度送信してください。"
        "ブラウザの「戻る」で入力した画面に戻れます。",
    ),
    422: ("入力内容に誤りがあります", "入力内容をご確認ください。"),
    429: (
        "しばらくお待ちください",
        "短い間に多くの操作がありました。時間をおいて再度お試しください。",
    ),
    500: ("サーバーでエラーが発生しました", "時間をおいて再度お試しください。"),
    503: (
        "ただいま混み合っています",
        "ほかの保存や取り込みが終わるのを待ちましたが、時間内に終わりませんでした。"
        "入力した内容はまだ保存されていません。ブラウザの「戻る」で入力した画面に戻り、"
        "少し待ってから、もう一度送信してください。",
    ),
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application over the store at ``settings.database_url`` (migrated on start)."""
    settings = settings or Settings()
    app = FastAPI(
        title="hyoka 公開API",
        description="事業評価シートの一覧・検索・シート・施策分野・オープンデータ（読み取り専用）",
        version="1",
        docs_url=None,  # FastAPI's docs load Swagger UI from a CDN: /api/docs is our own page
        redoc_url=None,
        openapi_url="/api/openapi.json",
        form_limits={"max_fields": MAX_FORM_FIELDS},
    )
    engine = create_engine_for(settings.database_url)
    migrate(engine)
    with transaction(engine) as session:
        index_missing(session=session)  # sheets stored before the search existed
    app.state.engine = engine
    app.state.settings = settings
    app.state.templates = _templates(settings)

    app.mount("/static/sheet", StaticFiles(directory=SHEET_STATIC, check_dir=False), "sheet")
    app.mount("/static", StaticFiles(directory=STATIC), "static")

    from hyoka.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    from hyoka.web import auth

    auth.install(app)  # /login, /logout, the login redirect, the header's account slot
    from hyoka.web import staff

    app.include_router(staff.router)  # /staff: editing, workflow, review
    from hyoka.web import staff_create

    app.include_router(staff_create.router)  # /staff/new: a sheet for a new program
    from hyoka.web import staff_workbooks

    app.include_router(staff_workbooks.router)  # /staff/upload, workbook downloads
    from hyoka.web import staff_accounts

    app.include_router(staff_accounts.router)  # /staff/accounts: admins manage accounts
    from hyoka.web import analytics_pages

    analytics_pages.install(app)  # /analytics dashboards, /api/analytics

    # Added before the headers middleware, so inside it: its 413 is raised where the route
    # reads the body, and the app's Japanese error page answers it.
    app.add_middleware(BodyLimit)
    app.middleware("http")(_security_headers)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreBusy, _store_busy)
    app.add_exception_handler(Exception, _server_error)
    return app


def _templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.globals["site_name"] = settings.site_name
    templates.env.filters["era"] = year_label
    templates.env.globals["sheet_kind_long"] = SHEET_KIND_LONG
    zone = settings.zone
    templates.env.filters["when"] = lambda at: local_time(at, zone)
    from hyoka.web.staff_common import person

    templates.env.globals["person"] = person  # a login → the account's display name
    templates.env.filters["action_label"] = lambda action: ACTION_LABELS.get(action, action)
    # Whether an account may do something on some sheet: menus show only what it can open.
    templates.env.globals["may"] = lambda user, permission: can(user, permission, None)
    return templates


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(request: Request, status: int, detail: str | None = None) -> Response:
    """A Japanese error page (HTML) or ``{"detail": …}`` under /api."""
    title, message = ERROR_MESSAGES.get(status, ERROR_MESSAGES[500])
    if _wants_json(request):
        return JSONResponse({"detail": detail or title}, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": title, "message": detail or message},
        status_code=status,
    )


# Starlette's form parsers refuse a field over max_part_size (1 MiB) or too many fields
# with a 400 and an English message; FastAPI passes it on as the HTTPException's detail.
_TOO_LARGE = re.compile(r"Field exceeded maximum size of (\d+)KB|Too many (fields|files)")


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    status = error.status_code
    detail = error.detail if isinstance(error.detail, str) and status != 404 else None
    too_large = _TOO_LARGE.match(detail or "")
    if too_large:
        status = 413
        size = too_large.group(1)
        detail = (
            f"入力された文章が長すぎます（1つの欄に入力できるのは{size}KB、"
            f"全角でおよそ{int(size) * 1024 // 3:,}文字までです）。文章を短くして、"
            "もう一度送信してください。ブラウザの「戻る」で入力した画面に戻れます。"
            if size
            else "入力欄が多すぎます。内容を減らして、もう一度送信してください。"
        )
    elif detail is not None and detail.isascii() and not _wants_json(request):
        detail = None  # an English message of the framework: the Japanese default instead
    response = error_response(request, status, detail)
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if _wants_json(request):
        return JSONResponse({"detail": error.errors()}, status_code=422)
    # The names of the fields (loc) are the code's words: the page says what to do instead.
    limits = [
        item["ctx"]["max_length"]
        for item in error.errors()
        if item.get("type") == "string_too_long" and "max_length" in item.get("ctx", {})
    ]
    if limits:
        message = (
            f"入力された文章が長すぎます（{min(limits):,}文字まで）。文章を短くして、"
            "もう一度送信してください。ブラウザの「戻る」で入力した画面に戻れます。"
        )
    else:
        message = (
            "送信された内容に、足りない項目か正しくない値があります。"
            "入力した内容を確かめて、もう一度送信してください。"
        )
    return error_response(request, 422, message)


async def _store_busy(request: Request, error: Exception) -> Response:
    assert isinstance(error, StoreBusy)
    response = error_response(request, 503)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


async def _server_error(request: Request, error: Exception) -> Response:
    return error_response(request, 500)
