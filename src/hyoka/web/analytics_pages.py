"""Public analytics dashboards (no login) under /analytics, and their JSON under /api/analytics.

Each dashboard is one report of :data:`hyoka.analytics.REPORTS`, generated from its
specification: its filters as GET query parameters (a plain form, no script needed), its
tables, its SVG charts and CSV/JSON downloads of the same rows.

Example::

    GET /analytics/execution?kind=national&year=2021&limit=10
    GET /analytics/execution.csv?kind=national&year=2021&table=under_executions
    GET /api/analytics/execution?kind=national&year=2021
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from hyoka.analytics import FILTERS, REPORTS, Filters, Report, Result
from hyoka.display import SHEET_KIND_LABELS
from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.render.charts import Chart
from hyoka.store.search.listing import SheetFilters, list_summaries
from hyoka.web.deps import SessionDep, TemplatesDep, error_responses, query_integer
from hyoka.web.downloads import attachment

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/analytics", tags=["分析"])

KINDS = {"": None, "both": None} | {kind.value: kind for kind in SheetKind}
LIMIT_MAX = 500
TEXT_MAX = 200
FLAGS = {"": False, "0": False, "1": True, "true": True, "on": True}


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


def _flag(name: str, value: str | None) -> bool:
    value = (value or "").strip()
    if value not in FLAGS:
        raise HTTPException(400, f"{name} は 1 または 0 で指定してください")
    return FLAGS[value]


def _help(name: str) -> str:
    return FILTERS[name].help


def analytics_filters(
    kind: Annotated[str | None, Query(description=_help("kind"))] = None,
    organisation: Annotated[str | None, Query(description=_help("organisation"))] = None,
    year: Annotated[str | None, Query(description=_help("year"))] = None,
    limit: Annotated[str | None, Query(description=f"{_help('limit')}（1〜{LIMIT_MAX}）")] = None,
    program: Annotated[str | None, Query(description=_help("program"))] = None,
    policy: Annotated[str | None, Query(description=_help("policy"))] = None,
    by_bureau: Annotated[str | None, Query(description=f"{_help('by_bureau')}（1）")] = None,
) -> Filters:
    """The query string's filters; a malformed value is a 400 naming the parameter."""
    kind_value = (kind or "").strip()
    if kind_value not in KINDS:
        raise HTTPException(400, "kind は prefecture・national・both のいずれかで指定してください")
    return Filters(
        kind=KINDS[kind_value],
        organisation=_text("organisation", organisation),
        year=query_integer("year", year, 1900, 2200, "西暦の年度"),
        limit=query_integer("limit", limit, 1, LIMIT_MAX, "行数"),
        program=_text("program", program),
        policy=_text("policy", policy),
        by_bureau=_flag("by_bureau", by_bureau),
    )


FiltersDep = Annotated[Filters, Depends(analytics_filters)]


def _report(slug: str) -> Report[Any]:
    report = REPORTS.get(slug)
    if report is None:
        raise HTTPException(404)
    return report


# --- Pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyticsIndexContext:
    reports: list[Report[Any]]


@dataclass(frozen=True)
class DashboardContext:
    result: Result
    charts: list[Chart]
    reports: list[Report[Any]]
    years: list[tuple[int, str]]  # the year filter's choices, newest first
    organisations: list[str]  # the 府省庁・部局 of the published sheets, offered to pick

    @property
    def report(self) -> Report[Any]:
        return self.result.report

    @property
    def filters(self) -> Filters:
        return self.result.filters

    def label(self, name: str) -> str:
        return FILTERS[name].label

    def download(self, suffix: str, **changes: Any) -> str:
        return self.filters.url(f"/analytics/{self.report.slug}.{suffix}", **changes)

    @property
    def api_url(self) -> str:
        return self.filters.url(f"/api/analytics/{self.report.slug}")

    @property
    def at_risk_list_url(self) -> str:
        """The public list of the sheets 目標未達のおそれ under this page's filters."""
        f = self.filters
        found = {
            "kind": f.kind.value if f.kind else None,
            "year": f.year,
            "department": f.organisation,
            "q": f.program,
            "at_risk": 1,
        }
        return "/?" + urlencode({name: value for name, value in found.items() if value})

    @property
    def active_filters(self) -> list[tuple[str, str]]:
        """The filters in force, in words, for the page's summary."""
        f = self.filters
        found = [
            (
                "種別",
                SHEET_KIND_LABELS[f.kind.value] if f.kind else "",
            ),
            ("府省庁・部局", f.organisation or ""),
            ("年度", era_label(f.year) if f.year else ""),
            ("事業", f.program or ""),
            ("施策分野", f.policy or ""),
            ("担当部局庁ごと", "はい" if f.by_bureau else ""),
        ]
        return [(name, value) for name, value in found if value]


def organisation_choices(session: SessionDep, kind: SheetKind | None) -> list[str]:
    """The 府省庁・部局 of the published sheets (of ``kind``), for the filter's list."""
    listed = list_summaries(
        session=session, filters=SheetFilters(kind=kind.value if kind else None, per_page=1)
    )
    return sorted(facet.value for facet in listed.facets.get("department", []) if facet.value)


def year_choices(today: date | None = None) -> list[tuple[int, str]]:
    """Fiscal years from 平成24年度 to next year, newest first, with the era."""
    last = (today or date.today()).year + 1
    return [(year, f"{era_label(year)}（{year}）") for year in range(last, 2011, -1)]


@router.get("/analytics", name="analytics")
def analytics_index(request: Request, templates: TemplatesDep) -> Response:
    context = AnalyticsIndexContext(reports=list(REPORTS.values()))
    return templates.TemplateResponse(request, "analytics/index.html", {"page": context})


def _result(session: SessionDep, slug: str, filters: Filters) -> Result:
    # The dashboards are public: only published versions, as on the sheet pages.
    return _report(slug).run(session=session, filters=filters, public=True)


@router.get("/analytics/{slug}.csv", name="analytics_csv")
def analytics_csv(
    slug: str,
    session: SessionDep,
    filters: FiltersDep,
    table: Annotated[str | None, Query(description="表のキー（既定：最初の表）")] = None,
) -> Response:
    result = _result(session, slug, filters)
    found = result.table(table or None)
    if found is None:
        keys = "、".join(item.key for item in result.tables)
        raise HTTPException(400, f"table は {keys} のいずれかで指定してください")
    return Response(
        found.csv_text().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"{slug}-{found.key}.csv"),
    )


@router.get("/analytics/{slug}.json", name="analytics_json")
def analytics_json(slug: str, session: SessionDep, filters: FiltersDep) -> Response:
    result = _result(session, slug, filters)
    return Response(
        orjson.dumps(result.document(), option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers=attachment(f"{slug}.json"),
    )


@router.get("/analytics/{slug}", name="analytics_report")
def analytics_report(
    request: Request, slug: str, session: SessionDep, templates: TemplatesDep, filters: FiltersDep
) -> Response:
    result = _result(session, slug, filters)
    context = DashboardContext(
        result=result,
        charts=result.charts(),
        reports=list(REPORTS.values()),
        years=year_choices(),
        organisations=organisation_choices(session, filters.kind)
        if "organisation" in result.report.filters
        else [],
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
    by_bureau: bool


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


def _api_route(info: Report[Any]) -> None:
    # One route per report, so that the OpenAPI document names each with its summary.
    def endpoint(session: SessionDep, filters: FiltersDep) -> AnalyticsReportPublic:
        result = info.run(session=session, filters=filters, public=True)
        return AnalyticsReportPublic.model_validate(result.document())

    api_router.add_api_route(
        f"/{info.slug}",
        endpoint,
        methods=["GET"],
        summary=f"分析：{info.title}",
        description=f"{info.summary} year は{info.year_help}。",
        name=f"api_analytics_{info.slug.replace('-', '_')}",
        response_model=AnalyticsReportPublic,
        responses=error_responses(400),
    )


for _info in REPORTS.values():
    _api_route(_info)
