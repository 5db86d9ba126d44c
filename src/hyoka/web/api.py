"""The public JSON API under /api (read-only): everything the pages show.

The OpenAPI document is /api/openapi.json; /api/docs is a page of our own listing the
endpoints (FastAPI's default docs load Swagger UI from a CDN, which closed networks block).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from hyoka.reviews import finding_trail
from hyoka.rules import Finding, SheetDerived, check_sheet, derive
from hyoka.store.search.listing import SheetPage, list_policy_areas, list_summaries
from hyoka.web import downloads, pages
from hyoka.web.deps import (
    FiltersDep,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    error_responses,
)

router = APIRouter(prefix="/api", tags=["公開API"])


class SnippetPiece(BaseModel):
    text: str
    highlighted: bool


class SheetSummaryPublic(BaseModel):
    id: int
    url: str = Field(description="The sheet's page")
    kind: str = Field(description="prefecture（県） or national（国）")
    program_number: str
    program_name: str
    fiscal_year: int
    fiscal_year_label: str = Field(description="和暦, e.g. 令和5年度")
    stage: str
    department: str
    section: str
    achievement: str | None = Field(description="達成 / 未達成 over the indicators; null: none")
    at_risk: bool = Field(
        description="目標未達のおそれ: an indicator's pace falls short (as /analytics/at-risk)"
    )
    indicator_count: int
    snippets: list[list[SnippetPiece]] = Field(
        default_factory=list, description="Passages around the search terms (search only)"
    )


class FacetPublic(BaseModel):
    value: str
    count: int


class SheetListPublic(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[SheetSummaryPublic]
    facets: dict[str, list[FacetPublic]]


class CorrectionPublic(BaseModel):
    indicator: str
    fiscal_year: int
    kind: str
    text: str
    reason: str
    noted_in: str
    item: str = Field(default="", description="What was corrected (an indicator figure, a cost…)")
    before: str = Field(default="", description="修正前, as the sheet shows it")
    after: str = Field(default="", description="修正後, as the sheet shows it")
    corrected_at: datetime | None = Field(
        default=None, description="When the correction was approved; null when the sheet printed it"
    )


class RevisionPublic(BaseModel):
    """A published version: when, and by which 課・室."""

    revision: int
    published_at: datetime
    section: str


class SheetDetailPublic(BaseModel):
    id: int
    revision: int
    saved_at: datetime
    sheet: dict[str, Any] = Field(description="The sheet (docs/sheet.schema.json)")
    derived: SheetDerived
    findings: list[Finding]
    corrections: list[CorrectionPublic]
    history: list[RevisionPublic]
    downloads: dict[str, str]


class PolicyAreaPublic(BaseModel):
    code: str
    name: str
    sheet_count: int
    url: str


class PolicyIndicatorPublic(BaseModel):
    number: str
    name: str
    unit: str
    achievement: str | None


class PolicySheetPublic(BaseModel):
    id: int
    program_number: str
    program_name: str
    fiscal_year: int
    stage: str
    indicators: list[PolicyIndicatorPublic]


class PolicyDetailPublic(BaseModel):
    code: str
    name: str
    sheets: list[PolicySheetPublic]


class OpenDataPublic(BaseModel):
    json_url: str
    csv_urls: dict[str, str]
    documentation: str


def _list(result: SheetPage) -> SheetListPublic:
    from hyoka.eras import era_label

    return SheetListPublic(
        total=result.total,
        page=result.filters.page,
        per_page=result.filters.per_page,
        pages=result.pages,
        items=[
            SheetSummaryPublic(
                id=item.sheet_id,
                url=f"/sheets/{item.sheet_id}",
                kind=item.kind,
                program_number=item.program_number,
                program_name=item.program_name,
                fiscal_year=item.fiscal_year,
                fiscal_year_label=era_label(item.fiscal_year),
                stage=item.stage,
                department=item.department,
                section=item.section,
                achievement=item.achievement,
                at_risk=item.at_risk,
                indicator_count=item.indicator_count,
                snippets=[
                    [SnippetPiece(text=text, highlighted=hit) for text, hit in passage]
                    for passage in item.snippets
                ],
            )
            for item in result.items
        ],
        facets={
            name: [FacetPublic(value=value.value, count=value.count) for value in values]
            for name, values in result.facets.items()
        },
    )


@router.get(
    "/sheets",
    summary="シートの一覧（絞り込み・並べ替え・ページ送り）",
    responses=error_responses(400),
)
def api_sheets(session: SessionDep, filters: FiltersDep) -> SheetListPublic:
    return _list(list_summaries(session=session, filters=filters))


@router.get("/search", summary="全文検索（関連度順、該当箇所つき）", responses=error_responses(400))
def api_search(session: SessionDep, filters: FiltersDep) -> SheetListPublic:
    if not filters.terms:
        raise HTTPException(400, "検索語 q を指定してください")
    return _list(list_summaries(session=session, filters=filters))


@router.get(
    "/sheets/{sheet_id}",
    summary="シート1件（本体・計算値・点検結果・修正・履歴）",
    responses=error_responses(404),
)
def api_sheet(sheet_id: int, session: SessionDep, settings: SettingsDep) -> SheetDetailPublic:
    context = pages.sheet_context(
        session=session, sheet_id=sheet_id, personnel_cost=settings.personnel_cost_per_person
    )
    sheet = context.sheet
    cost = settings.personnel_cost_per_person
    return SheetDetailPublic(
        id=sheet_id,
        revision=context.stored.revision,
        saved_at=context.stored.saved_at,
        sheet=sheet.model_dump(mode="json"),
        derived=derive(sheet, personnel_cost_per_person=cost),
        findings=check_sheet(sheet, personnel_cost_per_person=cost),
        corrections=[CorrectionPublic(**vars(note)) for note in context.corrections],
        history=[RevisionPublic(**vars(entry)) for entry in context.history],
        downloads={
            suffix: f"/sheets/{sheet_id}.{suffix}" for suffix, _label in downloads.formats(sheet)
        },
    )


class TrailSheetPublic(BaseModel):
    id: int
    url: str
    fiscal_year: int
    program_number: str
    program_name: str
    money_unit: str = Field(description="The sheet's unit of money: 円, 千円 or 百万円")


class FindingStepPublic(BaseModel):
    sheet_id: int
    fiscal_year: int = Field(description="The year of the sheet that says so")
    response: str = Field(description="対応状況")


class TrackedFindingPublic(BaseModel):
    kind: str = Field(description="review（過去に受けた指摘事項） or other（その他の指摘事項）")
    origin: str = Field(description="区分 / 調査等の名称")
    fiscal_year: int | None = Field(description="指摘年度")
    finding: str
    steps: list[FindingStepPublic] = Field(description="Each sheet that lists it, oldest first")


class ReflectedYearPublic(BaseModel):
    sheet_id: int
    fiscal_year: int
    reflection: str = Field(description="反映状況")
    money_unit: str
    amounts: list[tuple[str, str | None]] = Field(
        description="反映額 per 会計 (勘定) in the sheet's unit, exact, as strings"
    )
    total_yen: str | None = Field(description="Their sum in yen, exact")


class FindingTrailPublic(BaseModel):
    sheets: list[TrailSheetPublic] = Field(description="The program's linked sheets, oldest first")
    findings: list[TrackedFindingPublic]
    reflected: list[ReflectedYearPublic]


@router.get(
    "/sheets/{sheet_id}/trail",
    summary="事業の各年度の指摘事項・対応状況・反映額（年度・出典をまたいで）",
    responses=error_responses(404),
)
def api_sheet_trail(sheet_id: int, session: SessionDep) -> FindingTrailPublic:
    pages.sheet_exists(session=session, sheet_id=sheet_id)
    trail = finding_trail(session=session, sheet_id=sheet_id)
    return FindingTrailPublic(
        sheets=[
            TrailSheetPublic(
                id=item.sheet_id,
                url=f"/sheets/{item.sheet_id}",
                fiscal_year=item.fiscal_year,
                program_number=item.program_number,
                program_name=item.program_name,
                money_unit=item.money_unit.value,
            )
            for item in trail.sheets
        ],
        findings=[
            TrackedFindingPublic(
                kind=item.kind.value,
                origin=item.origin,
                fiscal_year=item.fiscal_year,
                finding=item.finding,
                steps=[FindingStepPublic(**vars(step)) for step in item.steps],
            )
            for item in trail.findings
        ],
        reflected=[
            ReflectedYearPublic(
                sheet_id=item.sheet_id,
                fiscal_year=item.fiscal_year,
                reflection=item.reflection,
                money_unit=item.money_unit.value,
                amounts=[(name, None if v is None else str(v)) for name, v in item.amounts],
                total_yen=None if item.total_yen is None else str(item.total_yen),
            )
            for item in trail.reflected
        ],
    )


@router.get("/policies", summary="施策分野の一覧")
def api_policies(session: SessionDep) -> list[PolicyAreaPublic]:
    return [
        PolicyAreaPublic(
            code=area.code,
            name=area.name,
            sheet_count=area.sheet_count,
            url=f"/policies/{area.code}",
        )
        for area in list_policy_areas(session=session)
    ]


@router.get(
    "/policies/{code}",
    summary="施策分野1件（事業と成果指標の達成状況）",
    responses=error_responses(404),
)
def api_policy(code: str, session: SessionDep) -> PolicyDetailPublic:
    context = pages.policy_context(session=session, code=code)
    return PolicyDetailPublic(
        code=context.code,
        name=context.name,
        sheets=[
            PolicySheetPublic(
                id=item.stored.sheet_id,
                program_number=item.stored.sheet.header.program_number,
                program_name=item.stored.sheet.header.program_name,
                fiscal_year=item.stored.sheet.header.fiscal_year,
                stage=item.stored.sheet.header.stage.value,
                indicators=[
                    PolicyIndicatorPublic(
                        number=indicator.number,
                        name=indicator.name,
                        unit=indicator.unit,
                        achievement=None if indicator.status is None else indicator.status.value,
                    )
                    for indicator in item.indicators
                ],
            )
            for item in context.sheets
        ],
    )


@router.get("/opendata", summary="オープンデータの一括ダウンロード先")
def api_opendata() -> OpenDataPublic:
    return OpenDataPublic(
        json_url="/opendata/sheets.json",
        csv_urls={table: f"/opendata/{table}.csv" for table in downloads.opendata_tables()},
        documentation="/opendata#columns",
    )


@router.get("/docs", include_in_schema=False)
def api_docs(request: Request, templates: TemplatesDep) -> Response:
    """The endpoints from the OpenAPI document, as a page served from here."""
    schema = request.app.openapi()
    endpoints = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "parameters": [parameter["name"] for parameter in operation.get("parameters", [])],
        }
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
    ]
    return templates.TemplateResponse(
        request, "api_docs.html", {"page": {"endpoints": endpoints, "info": schema["info"]}}
    )
