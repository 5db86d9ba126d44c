"""Public HTML pages (no login): list and search, sheet, downloads, policy areas, open data.

Each page renders from one context dataclass (its contract with the template).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from markupsafe import Markup
from starlette.responses import FileResponse, Response

from hyoka.corrections import FigureCorrection, figure_year, sheet_label, shown_figure
from hyoka.display import SEVERITY_LABELS, SHEET_KIND_LABELS, VALUE_KIND_LABELS, plain
from hyoka.eras import era_label
from hyoka.model import Achievement, Sheet, Stage
from hyoka.render.charts import Chart, budget_chart, indicator_chart
from hyoka.reviews import FindingTrail, finding_trail
from hyoka.rules import Finding, check_sheet
from hyoka.rules.findings import as_of_year
from hyoka.rules.summaries import indicator_status
from hyoka.store import StoredSheet, load_sheets, sheet_history
from hyoka.store.schema.sheets import SHEET_ID_MAX
from hyoka.store.search.listing import (
    PolicyArea,
    SheetFilters,
    SheetPage,
    Sort,
    list_policy_areas,
    list_summaries,
    policy_sheet_ids,
)
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.baseline import published_revisions
from hyoka.store.staff.corrections import CorrectedField, corrected_fields, figure_corrections
from hyoka.web import downloads
from hyoka.web.deps import FiltersDep, SessionDep, SettingsDep, TemplatesDep

if TYPE_CHECKING:
    from hyoka.render.opendata import Documentation

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)

SORT_LABELS = {
    Sort.RELEVANCE: "関連度順",
    Sort.NUMBER: "事業番号順",
    Sort.YEAR_DESC: "年度の新しい順",
    Sort.NAME: "事業名順",
    Sort.DEPARTMENT: "部局順",
}
ACHIEVEMENT_LABELS = {"達成": "達成", "未達成": "未達成", "none": "判定なし"}


# --- List and search ---------------------------------------------------------------------


@dataclass(frozen=True)
class ListContext:
    filters: SheetFilters
    result: SheetPage
    stages: list[str]

    def url(self, **changes: Any) -> str:
        """This list's URL with some parameters changed (None drops one); page 1 unless
        ``page`` is given."""
        current = self.query() | {"page": None} | changes
        pairs = {key: value for key, value in current.items() if value not in (None, "")}
        return "/?" + urlencode(pairs) if pairs else "/"

    def query(self) -> dict[str, Any]:
        f = self.filters
        return {
            "q": f.q or None,
            "kind": f.kind,
            "year": f.fiscal_year,
            "department": f.department,
            "section": f.section,
            "policy": f.policy,
            "stage": f.stage,
            "achievement": f.achievement,
            "at_risk": None if f.at_risk is None else int(f.at_risk),
            "sort": f.sort.value if f.sort else None,
            "page": f.page if f.page > 1 else None,
        }

    @property
    def sorts(self) -> list[Sort]:
        return [sort for sort in Sort if sort is not Sort.RELEVANCE or self.filters.terms]

    @property
    def page_numbers(self) -> list[int]:
        last = self.result.pages
        around = range(max(1, self.filters.page - 2), min(last, self.filters.page + 2) + 1)
        return sorted({1, last, *around})


@router.get("/", name="index")
def index(
    request: Request, session: SessionDep, templates: TemplatesDep, filters: FiltersDep
) -> Response:
    result = list_summaries(session=session, filters=filters)
    context = ListContext(filters=filters, result=result, stages=[stage.value for stage in Stage])
    return templates.TemplateResponse(request, "index.html", _common(context))


# --- One sheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionNote:
    indicator: str  # "① 見学会参加者数"; empty for a cost, settlement or quantity
    fiscal_year: int
    kind: str  # 目標 / 見込 / 実績 of an indicator value; empty otherwise
    text: str  # 修正前：473、修正後：493
    reason: str
    noted_in: str
    # What was corrected, as the page shows it: 成果指標① 見学会参加者数（令和5年度実績）
    item: str = ""
    before: str = ""  # 修正前, as the sheet shows it
    after: str = ""  # 修正後
    corrected_at: datetime | None = None  # when the correction was approved (None: printed)


@dataclass(frozen=True)
class HistoryEntry:
    """A published version as the public sees it: when, and by which 課 (not by whom)."""

    revision: int
    published_at: datetime
    section: str


@dataclass(frozen=True)
class SheetContext:
    stored: StoredSheet
    fragment: Markup | None
    charts: list[Chart]
    findings: list[Finding]
    corrections: list[CorrectionNote]
    history: list[HistoryEntry]
    downloads: list[tuple[str, str]] = field(default_factory=list)
    figure_corrections: list[FigureCorrection] = field(default_factory=list)
    trail: FindingTrail | None = None  # the program's other years: findings and 反映額

    @property
    def sheet(self) -> Sheet:
        return self.stored.sheet

    @property
    def title(self) -> str:
        header = self.sheet.header
        return f"{header.program_number} {header.program_name}（{era_label(header.fiscal_year)} {header.stage.value}）"


def _load(session: SessionDep, sheet_id: int) -> StoredSheet:
    if not 1 <= sheet_id <= SHEET_ID_MAX:
        raise HTTPException(404)  # no such sheet, and the driver cannot carry the number
    found = load_sheets(session=session, sheet_ids=[sheet_id], public=True)
    if not found:
        raise HTTPException(404)
    return found[0]


def sheet_exists(*, session: SessionDep, sheet_id: int) -> None:
    """404 unless ``sheet_id`` is a published sheet."""
    _load(session, sheet_id)


def correction_notes(
    sheet: Sheet,
    figures: Sequence[FigureCorrection] = (),
    fields: Sequence[CorrectedField] = (),
) -> list[CorrectionNote]:
    """Every correction of the published sheet, as the notes 「修正前：473、修正後：493」:
    the indicators' (kept on their values), the costs', settlements' and quantities'
    (``figures``, :func:`hyoka.store.staff.corrections.figure_corrections`), then every
    other field — text included — that an approved correction changed (``fields``,
    :func:`hyoka.store.staff.corrections.corrected_fields`). A correction approved in
    hyoka is dated; one the sheet printed (an imported sheet) is not.
    """
    dated = {
        (item.change.path[:5], item.change.before, item.change.after): item.at
        for item in fields
        if len(item.change.path) == 6 and item.change.path[5] == "value"
    }
    notes = []
    for role, key, indicators in (
        ("成果指標", "indicators", sheet.indicators),
        ("活動指標", "outputs", sheet.outputs),
    ):
        for indicator in indicators:
            for value in indicator.values:
                kind = VALUE_KIND_LABELS[value.kind]
                path = (key, indicator.number, "values", value.fiscal_year, value.kind.value)
                for correction in value.corrections:
                    before, after = plain(correction.before), plain(correction.after)
                    notes.append(
                        CorrectionNote(
                            indicator=f"{indicator.number} {indicator.name}",
                            fiscal_year=value.fiscal_year,
                            kind=kind,
                            text=f"修正前：{before}、修正後：{after}",
                            reason=correction.reason,
                            noted_in=correction.noted_in,
                            item=(
                                f"{role}{indicator.number} {indicator.name}"
                                f"（{era_label(value.fiscal_year)}{kind}）"
                            ),
                            before=before,
                            after=after,
                            corrected_at=dated.get((path, correction.before, correction.after)),
                        )
                    )
    for figure in figures:
        notes.append(
            CorrectionNote(
                indicator="",
                fiscal_year=figure.fiscal_year,
                kind="",
                text=figure.text,
                reason=figure.reason,
                noted_in=figure.noted_in,
                item=f"{figure.section} {figure.item}"
                + (f"（{figure.unit}）" if figure.unit else ""),
                before=shown_figure(figure.before),
                after=shown_figure(figure.after),
                corrected_at=figure.corrected_at,
            )
        )
    noted_in = sheet_label(sheet)
    for item in fields:
        if figure_year(item.change.path) is not None:
            continue  # a figure: listed above
        change = item.change
        notes.append(
            CorrectionNote(
                indicator="",
                fiscal_year=sheet.header.fiscal_year,
                kind="",
                text=f"修正前：{change.before_text}、修正後：{change.after_text}",
                reason=item.reason,
                noted_in=noted_in,
                item=change.label,
                before=change.before_text,
                after=change.after_text,
                corrected_at=item.at,
            )
        )
    return notes


def sheet_layout(sheet: Sheet, corrections: Sequence[FigureCorrection] = ()) -> Markup | None:
    """The sheet in its official layout (an ``<article>``) for a page of the portal, or None
    when it cannot be drawn: the page then shows a summary instead."""
    try:
        from hyoka.render.html import sheet_fragment
    except ImportError:  # the layout renderer is not installed: the page shows a summary
        return None
    try:
        return sheet_fragment(sheet, corrections=corrections)
    except Exception:  # one sheet the layout cannot draw must not take its page down
        logger.exception("sheet layout failed for %s", sheet.header.program_number)
        return None


def published_history(
    *, session: SessionDep, sheet_id: int, versions: Sequence[StoredSheet]
) -> list[HistoryEntry]:
    """The published ones of a sheet's ``versions``, newest first.

    Which revisions were published is the workflow's word
    (:func:`hyoka.store.staff.baseline.published_revisions`): drafts, submitted and
    returned revisions are left out. An approved revision is dated by its approval, any
    other by its saving; each is attributed to its 課, never to a login or a file.
    """
    published = set(published_revisions(session=session, sheet_id=sheet_id))
    approved_at: dict[int, datetime] = {}
    for change in list_changes(
        session=session, target_sheet_id=sheet_id, action="sheet.approve", newest_first=False
    ):
        revision = change.after.get("版") if isinstance(change.after, dict) else None
        if isinstance(revision, int):
            approved_at.setdefault(revision, change.at)
    return [
        HistoryEntry(
            revision=stored.revision,
            published_at=approved_at.get(stored.revision, stored.saved_at),
            section=stored.sheet.header.section,
        )
        for stored in reversed(versions)
        if stored.revision in published
    ]


def sheet_context(*, session: SessionDep, sheet_id: int, personnel_cost: int) -> SheetContext:
    stored = _load(session, sheet_id)
    sheet = stored.sheet
    charts = [
        chart
        for index, indicator in enumerate(sheet.indicators)
        if (chart := indicator_chart(indicator, chart_id=f"chart-indicator-{index}")) is not None
    ]
    budget = budget_chart(sheet, chart_id="chart-budget")
    if budget is not None:
        charts.append(budget)
    header = sheet.header
    figures = figure_corrections(session=session, sheet_id=sheet_id)
    fields = corrected_fields(session=session, sheet_id=sheet_id)
    revisions = sheet_history(
        session=session,
        program_number=header.program_number,
        fiscal_year=header.fiscal_year,
        stage=header.stage,
    )
    return SheetContext(
        stored=stored,
        fragment=sheet_layout(sheet, figures),
        charts=charts,
        findings=check_sheet(sheet, personnel_cost_per_person=personnel_cost),
        corrections=correction_notes(sheet, figures, fields),
        figure_corrections=figures,
        history=published_history(session=session, sheet_id=sheet_id, versions=revisions),
        downloads=[
            (f"/sheets/{sheet_id}.{suffix}", label) for suffix, label in downloads.formats(sheet)
        ],
        trail=finding_trail(session=session, sheet_id=sheet_id),
    )


@router.get("/sheets/{sheet_id:int}", name="sheet")
def sheet_page(
    request: Request,
    sheet_id: int,
    session: SessionDep,
    templates: TemplatesDep,
    settings: SettingsDep,
) -> Response:
    context = sheet_context(
        session=session, sheet_id=sheet_id, personnel_cost=settings.personnel_cost_per_person
    )
    return templates.TemplateResponse(request, "sheet.html", _common(context))


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers=downloads.attachment(filename))


@router.get("/sheets/{sheet_id:int}.json", name="sheet_json")
def sheet_json(sheet_id: int, session: SessionDep) -> Response:
    sheet = _load(session, sheet_id).sheet
    name = downloads.file_stem(sheet) + ".json"
    return _download(downloads.sheet_json(sheet), "application/json", name)


@router.get("/sheets/{sheet_id:int}.csv", name="sheet_csv")
def sheet_csv(sheet_id: int, session: SessionDep) -> Response:
    sheet = _load(session, sheet_id).sheet
    name = downloads.file_stem(sheet) + ".csv"
    return _download(downloads.sheet_csv(sheet), "text/csv; charset=utf-8", name)


@router.get("/sheets/{sheet_id:int}.pdf", name="sheet_pdf")
def sheet_pdf(sheet_id: int, session: SessionDep) -> Response:
    sheet = _load(session, sheet_id).sheet
    figures = figure_corrections(session=session, sheet_id=sheet_id)
    return _download(
        downloads.sheet_pdf(sheet, corrections=figures),
        "application/pdf",
        downloads.file_stem(sheet) + ".pdf",
    )


@router.get("/sheets/{sheet_id:int}.xlsx", name="sheet_xlsx")
def sheet_xlsx(sheet_id: int, session: SessionDep) -> Response:
    sheet = _load(session, sheet_id).sheet
    if not downloads.has_workbook(sheet):
        raise HTTPException(404)  # the layout is the prefecture's; the page offers no link
    return _download(
        downloads.sheet_xlsx(sheet),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        downloads.file_stem(sheet) + ".xlsx",
    )


# --- Policy areas ------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyIndicator:
    number: str
    name: str
    unit: str
    status: Achievement | None


@dataclass(frozen=True)
class PolicySheet:
    stored: StoredSheet
    indicators: list[PolicyIndicator]


@dataclass(frozen=True)
class PolicyContext:
    code: str
    name: str
    sheets: list[PolicySheet]


@dataclass(frozen=True)
class PoliciesContext:
    areas: list[PolicyArea]


@router.get("/policies", name="policies")
def policies(request: Request, session: SessionDep, templates: TemplatesDep) -> Response:
    context = PoliciesContext(areas=list_policy_areas(session=session))
    return templates.TemplateResponse(request, "policies.html", _common(context))


def policy_context(*, session: SessionDep, code: str) -> PolicyContext:
    stored = load_sheets(
        session=session, sheet_ids=policy_sheet_ids(session=session, code=code), public=True
    )
    if not stored:
        raise HTTPException(404)
    name = next(
        link.policy_name
        for item in stored
        for link in item.sheet.plan_links
        if link.policy_code == code
    )
    sheets = []
    for item in stored:
        as_of = as_of_year(item.sheet)
        sheets.append(
            PolicySheet(
                stored=item,
                indicators=[
                    PolicyIndicator(
                        indicator.number,
                        indicator.name,
                        indicator.unit,
                        indicator_status(indicator, as_of=as_of),
                    )
                    for indicator in item.sheet.indicators
                ],
            )
        )
    return PolicyContext(code=code, name=name, sheets=sheets)


@router.get("/policies/{code}", name="policy")
def policy(request: Request, code: str, session: SessionDep, templates: TemplatesDep) -> Response:
    context = policy_context(session=session, code=code)
    return templates.TemplateResponse(request, "policy.html", _common(context))


# --- Open data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataContext:
    tables: list[str]
    documentation: Documentation  # the columns of each table (hyoka.render.opendata)
    examples: dict[str, dict[str, str]]  # table → column → the first published row's value


@router.get("/opendata", name="opendata")
def opendata(request: Request, session: SessionDep, templates: TemplatesDep) -> Response:
    # Imported here, as downloads does: the exporters load openpyxl, which pages need not.
    from hyoka.render.opendata import documentation, example_rows

    context = OpenDataContext(
        tables=downloads.opendata_tables(),
        documentation=documentation(),
        examples=example_rows(session=session),
    )
    return templates.TemplateResponse(request, "opendata.html", _common(context))


def _opendata_file(request: Request, session: SessionDep, name: str, media_type: str) -> Response:
    files = downloads.opendata_cache(request.app.state).files(session=session)
    if files.not_modified(request.headers):
        return Response(status_code=304, headers=files.headers())
    return FileResponse(
        files.path(name), media_type=media_type, filename=name, headers=files.headers()
    )


@router.get("/opendata/sheets.json", name="opendata_json")
def opendata_json(request: Request, session: SessionDep) -> Response:
    return _opendata_file(request, session, downloads.JSON_NAME, "application/json")


@router.get("/opendata/{table}.csv", name="opendata_csv")
def opendata_csv(request: Request, table: str, session: SessionDep) -> Response:
    if table not in downloads.opendata_tables():
        raise HTTPException(404)
    return _opendata_file(request, session, f"{table}.csv", "text/csv; charset=utf-8")


def _common(context: object) -> dict[str, Any]:
    return {
        "page": context,
        "kind_labels": SHEET_KIND_LABELS,
        "sort_labels": SORT_LABELS,
        "achievement_labels": ACHIEVEMENT_LABELS,
        "severity_labels": SEVERITY_LABELS,
    }
