"""Workbooks in the web: the blank template, a sheet as a workbook, and uploads.

An upload is read by :func:`hyoka.importers.workbook.parse_workbook` (the reader of
``hyoka import``; its problems name cells such as 成果指標!F12) and previewed; nothing is
stored until it reads cleanly and the user confirms. The preview carries the read sheet
to the confirmation signed with the server's secret, so exactly what was shown is stored:
a new program's sheet with :func:`hyoka.store.staff.workflow.create_sheet`, an existing
draft with :func:`hyoka.store.staff.workflow.save_edit` on top of the revision written in
the downloaded workbook's ``_meta`` sheet (a stale workbook is a ``RevisionConflict``,
the edit form's rule).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from hyoka.accounts import Permission, can
from hyoka.importers.errors import ImportFailed, Problem
from hyoka.importers.workbook import parse_workbook
from hyoka.model import Header, Sheet, Stage
from hyoka.render.workbook import WorkbookError, blank_workbook, sheet_workbook, workbook_name
from hyoka.revisions import FieldChange, compare
from hyoka.rules import Finding, check_sheet
from hyoka.stages import WorkflowState
from hyoka.store.sheets.writer import RevisionConflict
from hyoka.store.staff.accounts import User
from hyoka.store.staff.refs import SheetRef, current_sheet, program_sheets
from hyoka.store.staff.workflow import WorkflowError, create_sheet, save_edit, status
from hyoka.web.auth import CurrentUser, ensure_can, forbidden, protected_router
from hyoka.web.deps import SessionDep, SettingsDep, TemplatesDep
from hyoka.web.pages import sheet_layout
from hyoka.web.staff_common import load_ref, render
from hyoka.web.staff_create import year_choices

router = protected_router(prefix="/staff", tags=["staff"], include_in_schema=False)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- downloads ---------------------------------------------------------------------------


def _xlsx(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/template.xlsx", name="staff_template")
def template_download(
    user: CurrentUser, fiscal_year: int | None = None, stage: str | None = None
) -> Response:
    """The blank workbook of ``hyoka template`` (optionally with a year and stage)."""
    ensure_can(user, Permission.CREATE, None)
    try:
        chosen = Stage(stage) if stage else None
    except ValueError:
        raise HTTPException(status_code=400, detail="段階が正しくありません") from None
    if fiscal_year is not None and not 1900 <= fiscal_year <= 2200:
        raise HTTPException(status_code=400, detail="年度が正しくありません")
    name = f"事業改善シート_記入用{f'_{fiscal_year}' if fiscal_year else ''}.xlsx"
    return _xlsx(blank_workbook(fiscal_year=fiscal_year, stage=chosen), name)


@router.get("/sheets/{sheet_id:int}/workbook.xlsx", name="staff_sheet_workbook")
def sheet_download(sheet_id: int, user: CurrentUser, session: SessionDep) -> Response:
    """The sheet's current version as a workbook, its revision in ``_meta``."""
    ensure_can(user, Permission.VIEW_DRAFT, load_ref(session, sheet_id))
    ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    try:
        data = sheet_workbook(sheet, revision=ref.revision)
    except WorkbookError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None
    return _xlsx(data, workbook_name(sheet))


# --- upload ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadPage:
    """The upload form, then the preview of what would be stored (or why not)."""

    file_name: str = ""
    error: str = ""
    problems: list[Problem] = field(default_factory=list)
    sheet: Sheet | None = None
    fragment: Markup | None = None
    findings: list[Finding] = field(default_factory=list)
    target: SheetRef | None = None
    changes: list[FieldChange] = field(default_factory=list)
    payload: str = ""
    signature: str = ""
    max_megabytes: int = MAX_UPLOAD_BYTES // (1024 * 1024)
    years: list[tuple[int, str]] = field(default_factory=year_choices)
    stages: list[str] = field(default_factory=lambda: [stage.value for stage in Stage])

    @property
    def clean(self) -> bool:
        return self.sheet is not None and not self.error and not self.problems


@router.get("/upload", name="staff_upload_form")
def upload_form(request: Request, user: CurrentUser, templates: TemplatesDep) -> Response:
    ensure_can(user, Permission.CREATE, None)
    return render(request, templates, "staff/upload.html", UploadPage())


def _existing(session: SessionDep, header: Header) -> SheetRef | None:
    for ref in program_sheets(session=session, program_number=header.program_number):
        if ref.fiscal_year == header.fiscal_year and ref.stage is header.stage:
            return ref
    return None


def _refusal(
    session: SessionDep, user: User, header: Header, revision: int | None
) -> tuple[SheetRef | None, str]:
    """The sheet the upload would replace (None: a new one) and why it may not, if so."""
    target = _existing(session, header)
    if target is None:
        if not can(user, Permission.CREATE, header):
            return None, _scope_message(user, header)
        return None, ""
    if not can(user, Permission.EDIT, target) or not can(user, Permission.EDIT, header):
        return target, _scope_message(user, header)
    state = status(session=session, sheet_id=target.id).state
    if state is WorkflowState.SUBMITTED:
        return (
            target,
            "このシートは提出済のため、アップロードで置き換えられません（差戻し後にできます）。",
        )
    if state.published:
        return target, (
            "このシートは承認済（公開中）のため、アップロードで置き換えられません。"
            "修正はシートの編集画面から理由を添えて行ってください。"
        )
    if revision is None:
        return target, (
            f"このシート（{target.program_number} {target.fiscal_year}年度 {target.stage.value}）は"
            "既にあります。シートの画面から現在の版のExcelブックをダウンロードして編集し、"
            "それをアップロードしてください。"
        )
    if revision != target.revision:
        return target, _stale_message(revision, target.revision)
    return target, ""


def _stale_message(expected: int, current: int) -> str:
    return (
        f"このブックはシートの版{expected}から作られましたが、その後シートが更新されています"
        f"（現在は版{current}）。保存していません。現在の版のブックをダウンロードし直し、"
        "変更をもう一度入力してください。"
    )


def _scope_message(user: User, header: Header) -> str:
    where = f"{header.department} {header.section}".strip()
    return f"このシート（{where}）を登録・編集する権限がありません。"


def _sign(secret: str, login: str, payload: str) -> str:
    message = f"upload:{login}:{payload}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _pack(sheet: Sheet, target: SheetRef | None, revision: int | None) -> str:
    document = {
        "sheet": sheet.model_dump(mode="json"),
        "sheet_id": None if target is None else target.id,
        "revision": revision,
    }
    raw = zlib.compress(json.dumps(document, ensure_ascii=False).encode(), 9)
    return base64.urlsafe_b64encode(raw).decode()


def _unpack(payload: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(zlib.decompress(base64.urlsafe_b64decode(payload)))
    return document


@router.post("/upload", name="staff_upload")
async def upload(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Read the upload and show the preview; nothing is stored here."""
    ensure_can(user, Permission.CREATE, None)
    name = (file.filename if file else "") or "アップロードされたファイル"
    data = await file.read(MAX_UPLOAD_BYTES + 1) if file else b""
    if len(data) > MAX_UPLOAD_BYTES:
        page = UploadPage(
            file_name=name,
            error=f"ファイルが大きすぎます（{MAX_UPLOAD_BYTES // (1024 * 1024)}MBまで）。",
        )
        return render(request, templates, "staff/upload.html", page, status_code=413)
    if not data:
        page = UploadPage(file_name=name, error="ファイルを選んでください。")
        return render(request, templates, "staff/upload.html", page, status_code=400)
    if not name.lower().endswith(".xlsx"):
        page = UploadPage(file_name=name, error="Excelブック（.xlsx）を選んでください。")
        return render(request, templates, "staff/upload.html", page, status_code=400)
    try:
        read = parse_workbook(BytesIO(data), source=name)
    except ImportFailed as failed:
        page = UploadPage(file_name=name, problems=failed.problems)
        return render(request, templates, "staff/upload.html", page, status_code=400)
    sheet = read.parsed.sheet
    target, refusal = _refusal(session, user, sheet.header, read.revision)
    changes: list[FieldChange] = []
    if target is not None and not refusal:
        changes = compare(current_sheet(session=session, sheet_id=target.id)[1], sheet)
    payload = "" if refusal else _pack(sheet, target, read.revision)
    page = UploadPage(
        file_name=name,
        error=refusal,
        sheet=sheet,
        fragment=sheet_layout(sheet),
        findings=check_sheet(sheet, personnel_cost_per_person=settings.personnel_cost_per_person),
        target=target,
        changes=changes,
        payload=payload,
        signature=_sign(settings.secret_key, user.login, payload) if payload else "",
    )
    return render(
        request, templates, "staff/upload.html", page, status_code=409 if refusal else 200
    )


@router.post("/upload/confirm", name="staff_upload_confirm")
def confirm_upload(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    payload: Annotated[str, Form(max_length=900_000)],
    signature: Annotated[str, Form(max_length=128)],
) -> Response:
    """Store the previewed sheet: a new draft, or a new revision of the existing draft."""
    ensure_can(user, Permission.CREATE, None)
    expected = _sign(settings.secret_key, user.login, payload)
    if not hmac.compare_digest(expected, signature):
        raise forbidden(
            "アップロードの確認画面が正しくありません。もう一度アップロードしてください。"
        )
    document = _unpack(payload)
    sheet = Sheet.model_validate(document["sheet"])
    revision = document["revision"]
    target, refusal = _refusal(session, user, sheet.header, revision)
    if not refusal and (None if target is None else target.id) != document["sheet_id"]:
        refusal = "確認の間にシートが作成・削除されました。もう一度アップロードしてください。"
    try:
        if refusal:
            raise WorkflowError(refusal)
        if target is None:
            sheet_id = create_sheet(
                session=session, sheet=sheet, actor=user.login, action="sheet.upload"
            )
        else:
            assert revision is not None
            save_edit(
                session=session,
                sheet_id=target.id,
                sheet=sheet,
                expected_revision=revision,
                actor=user.login,
                action="sheet.upload",
                role=user.role,
            )
            sheet_id = target.id
    except RevisionConflict as conflict:
        page = UploadPage(error=_stale_message(conflict.expected, conflict.current), sheet=sheet)
        return render(request, templates, "staff/upload.html", page, status_code=409)
    except WorkflowError as error:
        page = UploadPage(error=str(error), sheet=sheet)
        return render(request, templates, "staff/upload.html", page, status_code=409)
    return RedirectResponse(f"/staff/sheets/{sheet_id}?notice=saved", status_code=303)
