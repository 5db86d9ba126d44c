"""Public analytics dashboards (no login) under /analytics, and their JSON under /api/analytics.

Each dashboard is one report of :mod:`hyoka.analytics` (built by
:mod:`hyoka.web.analytics_reports`) with its filters as GET query parameters (a plain form,
no script needed), tables, SVG charts and CSV/JSON downloads of the same rows.

Example::

    GET /analytics/execution?kind=national&year=2021&limit=10
    GET /analytics/execution.csv?kind=national&year=2021&table=under_executions
    GET /api/analytics/execution?kind=national&year=2021
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.web.analytics_catalog import REPORTS
from hyoka.web.analytics_reports import build_dashboard
from hyoka.web.analytics_tables import AnalyticsFilters, Dashboard, ReportInfo
from hyoka.web.deps import SessionDep, TemplatesDep
from hyoka.web.downloads import attachment

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/analytics", tags=["分析"])

KINDS = {"": None, "both": None, "prefecture": SheetKind.PREFECTURE, "national": SheetKind.NATIONAL}
LIMIT_MAX = 500
TEXT_MAX = 200


def install(app: FastAPI) -> None:
    """Add the dashboards and their API."""
    app.include_router(api_router)
    app.include_router(router)


# --- Filters -----------------------------------------------------------------------------------


def _text(name: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise HTTPException(400, f"{name} は{TEXT_MAX}文字以内で指定してください")
    return value or None


def _integer(name: str, value: str | None, low: int, high: int, what: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise HTTPException(400, f"{name} は{what}（{low}〜{high} の整数）で指定してください")
    return int(value)


def analytics_filters(
    kind: Annotated[
        str | None, Query(description="prefecture（県）、national（国）、both（両方・既定）")
    ] = None,
    organisation: Annotated[
        str | None, Query(description="府省庁・部局（国は担当部局庁も可）、完全一致")
    ] = None,
    year: Annotated[
        str | None, Query(description="年度（西暦、例 2021）。何の年度かはレポートごとに異なる")
    ] = None,
    limit: Annotated[str | None, Query(description=f"順位表・明細の行数（1〜{LIMIT_MAX}）")] = None,
    program: Annotated[str | None, Query(description="事業番号、または事業名の一部")] = None,
    policy: Annotated[
        str | None, Query(description="施策分野（県：コードまたは名称）／主要施策（国）。推移のみ")
    ] = None,
) -> AnalyticsFilters:
    """The query string's filters; a malformed value is a 400 naming the parameter."""
    kind_value = (kind or "").strip()
    if kind_value not in KINDS:
        raise HTTPException(400, "kind は prefecture・national・both のいずれかで指定してください")
    return AnalyticsFilters(
        kind=KINDS[kind_value],
        organisation=_text("organisation", organisation),
        year=_integer("year", year, 1900, 2200, "西暦の年度"),
        limit=_integer("limit", limit, 1, LIMIT_MAX, "行数"),
        program=_text("program", program),
        policy=_text("policy", policy),
    )


FiltersDep = Annotated[AnalyticsFilters, Depends(analytics_filters)]


def _report(slug: str) -> ReportInfo:
    report = REPORTS.get(slug)
    if report is None:
        raise HTTPException(404)
    return report


# --- Pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyticsIndexContext:
    reports: list[ReportInfo]


@dataclass(frozen=True)
class DashboardContext:
    board: Dashboard
    reports: list[ReportInfo]
    years: list[tuple[int, str]]  # the year filter's choices, newest first

    @property
    def report(self) -> ReportInfo:
        return self.board.report

    @property
    def filters(self) -> AnalyticsFilters:
        return self.board.filters

    def download(self, suffix: str, **changes: Any) -> str:
        return self.filters.url(f"/analytics/{self.report.slug}.{suffix}", **changes)

    @property
    def api_url(self) -> str:
        return self.filters.url(f"/api/analytics/{self.report.slug}")

    @property
    def active_filters(self) -> list[tuple[str, str]]:
        """The filters in force, in words, for the page's summary."""
        f = self.filters
        found = [
            (
                "種別",
                {SheetKind.PREFECTURE: "県", SheetKind.NATIONAL: "国"}[f.kind] if f.kind else "",
            ),
            ("府省庁・部局", f.organisation or ""),
            ("年度", era_label(f.year) if f.year else ""),
            ("事業", f.program or ""),
            ("施策分野", f.policy or ""),
        ]
        return [(name, value) for name, value in found if value]


def year_choices(today: date | None = None) -> list[tuple[int, str]]:
    """Fiscal years from 平成24年度 to next year, newest first, with the era."""
    last = (today or date.today()).year + 1
    return [(year, f"{era_label(year)}（{year}）") for year in range(last, 2011, -1)]


@router.get("/analytics", name="analytics")
def analytics_index(request: Request, templates: TemplatesDep) -> Response:
    context = AnalyticsIndexContext(reports=list(REPORTS.values()))
    return templates.TemplateResponse(request, "analytics/index.html", {"page": context})


def _dashboard(session: SessionDep, slug: str, filters: AnalyticsFilters) -> Dashboard:
    return build_dashboard(session=session, slug=_report(slug).slug, filters=filters)


@router.get("/analytics/{slug}.csv", name="analytics_csv")
def analytics_csv(
    slug: str,
    session: SessionDep,
    filters: FiltersDep,
    table: Annotated[str | None, Query(description="表のキー（既定：最初の表）")] = None,
) -> Response:
    board = _dashboard(session, slug, filters)
    found = board.table(table or None)
    if found is None:
        keys = "、".join(item.key for item in board.tables)
        raise HTTPException(400, f"table は {keys} のいずれかで指定してください")
    return Response(
        found.csv_text().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"{slug}-{found.key}.csv"),
    )


@router.get("/analytics/{slug}.json", name="analytics_json")
def analytics_json(slug: str, session: SessionDep, filters: FiltersDep) -> Response:
    board = _dashboard(session, slug, filters)
    return Response(
        orjson.dumps(board.document(), option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers=attachment(f"{slug}.json"),
    )


@router.get("/analytics/{slug}", name="analytics_report")
def analytics_report(
    request: Request, slug: str, session: SessionDep, templates: TemplatesDep, filters: FiltersDep
) -> Response:
    context = DashboardContext(
        board=_dashboard(session, slug, filters),
        reports=list(REPORTS.values()),
        years=year_choices(),
    )
    return templates.TemplateResponse(request, "analytics/report.html", {"page": context})


# --- API ---------------------------------------------------------------------------------------


class AnalyticsColumnPublic(BaseModel):
    key: str
    heading: str = Field(description="見出し（金額は円、年度は西暦）")


class AnalyticsTablePublic(BaseModel):
    key: str = Field(description="表のキー（CSV の table パラメータ）")
    title: str
    columns: list[AnalyticsColumnPublic]
    rows: list[dict[str, Any]] = Field(
        description="行（列のキーごとの値。金額は円・率は小数で、正確さのため文字列）"
    )


class AnalyticsFiltersPublic(BaseModel):
    kind: str | None
    organisation: str | None
    year: int | None
    limit: int | None
    program: str | None
    policy: str | None


class AnalyticsReportPublic(BaseModel):
    report: str
    title: str
    filters: AnalyticsFiltersPublic
    notes: list[str]
    tables: list[AnalyticsTablePublic]


class AnalyticsReportInfoPublic(BaseModel):
    report: str
    title: str
    summary: str
    url: str = Field(description="The dashboard page")
    api_url: str


@api_router.get("", summary="分析レポートの一覧")
def api_analytics() -> list[AnalyticsReportInfoPublic]:
    return [
        AnalyticsReportInfoPublic(
            report=info.slug,
            title=info.title,
            summary=info.summary,
            url=f"/analytics/{info.slug}",
            api_url=f"/api/analytics/{info.slug}",
        )
        for info in REPORTS.values()
    ]


def _api_route(info: ReportInfo) -> None:
    # One route per report, so that the OpenAPI document names each with its summary.
    def endpoint(session: SessionDep, filters: FiltersDep) -> AnalyticsReportPublic:
        board = build_dashboard(session=session, slug=info.slug, filters=filters)
        return AnalyticsReportPublic.model_validate(board.document())

    api_router.add_api_route(
        f"/{info.slug}",
        endpoint,
        methods=["GET"],
        summary=f"分析：{info.title}",
        description=f"{info.summary} year は{info.year_help}。",
        name=f"api_analytics_{info.slug.replace('-', '_')}",
        response_model=AnalyticsReportPublic,
    )


for _info in REPORTS.values():
    _api_route(_info)
