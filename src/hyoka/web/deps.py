"""Typed dependencies of the routes: one session (one transaction) per request, settings,
templates, and the parsing of query-string numbers that every route shares.

Example::

    @router.get("/x")
    def x(session: SessionDep, templates: TemplatesDep) -> Response: ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hyoka.settings import Settings
from hyoka.store import transaction
from hyoka.store.search.listing import SheetFilters, Sort


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """A session in one transaction: committed after the route returns, rolled back on error.

    Used with ``scope="function"``: the commit happens before the response is sent, so a
    client following a redirect (login, save) always reads what the request wrote, and a
    failed commit is an error response instead of a success reported for lost data.

    A POST (any unsafe method) is a write transaction: it takes the write lock at its
    first statement, which on the staff pages is the account lookup of ``CurrentUser`` —
    in the thread pool, before an ``async`` route body runs, so a save waiting its turn
    never blocks the event loop (and with it the commit of the save it waits for). Login
    counts its attempt in a transaction of its own before its session's first statement.
    GET and HEAD only read and take no lock.
    """
    write = request.method not in SAFE_METHODS
    with transaction(get_engine(request), write=write) as session:
        yield session


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


class ErrorPublic(BaseModel):
    """An error of the API: a Japanese message, or for 422 the framework's list of problems."""

    detail: str | list[dict[str, Any]]


_ERROR_DESCRIPTIONS = {
    400: "クエリ文字列の値が正しくない（detail がどの値か述べる）",
    404: "そのシート・施策分野はない（または公開されていない）",
    422: "パラメータの形が正しくない（整数でない番号など）",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route declaration: the error statuses it can answer, so that
    the OpenAPI document lists every status the API answers with."""
    return {
        status: {"model": ErrorPublic, "description": _ERROR_DESCRIPTIONS[status]}
        for status in statuses
    }


def query_integer(name: str, value: str | None, low: int, high: int, what: str = "") -> int | None:
    """An integer of the query string in ``low``–``high``; ``None`` when empty or absent.

    Only ASCII digits: ``str.isdigit`` also accepts ``²`` or ``①``, which ``int`` refuses
    (a 500 before), and the length is checked before ``int`` ever sees a long string.
    Anything else is a 400 naming the parameter.

    >>> query_integer("page", " 2 ", 1, 100)
    2
    """
    value = _optional(value)
    if value is None:
        return None
    if not (
        value.isascii()
        and value.isdigit()
        and len(value) <= len(str(high))
        and low <= int(value) <= high
    ):
        raise HTTPException(400, f"{name} は{what}（{low}〜{high} の整数）で指定してください")
    return int(value)


def _optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def sheet_filters(
    settings: SettingsDep,
    q: str = "",
    kind: str | None = None,
    year: str | None = None,
    department: str | None = None,
    section: str | None = None,
    policy: str | None = None,
    stage: str | None = None,
    achievement: str | None = None,
    at_risk: str | None = None,
    sort: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
) -> SheetFilters:
    """The list filters of the query string, shared by the pages and the API.

    Empty values mean "no filter" (what a form submits for 「すべて」); malformed values
    are a 400 naming the parameter.
    """
    risk = _optional(at_risk)
    if risk not in (None, "1", "0", "true", "false"):
        raise HTTPException(400, "at_risk は 1 または 0 で指定してください")
    sort_value = _optional(sort)
    if sort_value is not None and sort_value not in Sort.__members__.values():
        raise HTTPException(400, f"sort は {', '.join(Sort)} のいずれかで指定してください")
    if len(q) > 200:
        raise HTTPException(400, "検索語は200文字以内で指定してください")
    return SheetFilters(
        q=q.strip(),
        kind=_optional(kind),
        fiscal_year=query_integer("year", year, 1900, 2200, "西暦の年度"),
        department=_optional(department),
        section=_optional(section),
        policy=_optional(policy),
        stage=_optional(stage),
        achievement=_optional(achievement),
        at_risk=None if risk is None else risk in ("1", "true"),
        sort=None if sort_value is None else Sort(sort_value),
        page=query_integer("page", page, 1, 100_000, "ページ番号") or 1,
        per_page=query_integer("per_page", per_page, 1, 200, "1ページの件数") or settings.page_size,
    )


FiltersDep = Annotated[SheetFilters, Depends(sheet_filters)]
