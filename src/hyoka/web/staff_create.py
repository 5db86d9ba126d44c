"""A new sheet for a new program: the header form (事業番号, 事業名, 部局, 課・室, 年度, 段階,
実施期間, E-mail), stored as a 作成中 draft with :func:`hyoka.store.staff.workflow.create_sheet`.

Editors create sheets within their 部局 (and 課・室 when theirs is set); admins anywhere
(``hyoka.accounts.can`` with ``Permission.CREATE``). 事業番号 is unique per year and stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fastapi import Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from hyoka.accounts import Permission, can
from hyoka.display import year_label
from hyoka.model import Header, Sheet, Stage
from hyoka.store.staff.accounts import User
from hyoka.store.staff.workflow import WorkflowError, create_sheet
from hyoka.web.auth import CurrentUser, ensure_can, protected_router
from hyoka.web.deps import SessionDep, TemplatesDep
from hyoka.web.staff_common import render

router = protected_router(prefix="/staff", tags=["staff"], include_in_schema=False)

FIELDS = (
    "program_number",
    "program_name",
    "department",
    "section",
    "fiscal_year",
    "stage",
    "start_year",
    "end_year",
    "email",
)
MAX_FIELD = 200


@dataclass(frozen=True)
class NewSheetPage:
    values: dict[str, str]
    years: list[tuple[int, str]]
    stages: list[tuple[str, str]]
    scope_hint: str
    errors: dict[str, str] = field(default_factory=dict)


def year_choices(around: int | None = None) -> list[tuple[int, str]]:
    """Fiscal years offered in forms: last year to two years ahead, with their era."""
    today = date.today()
    current = around or (today.year if today.month >= 4 else today.year - 1)
    return [(year, f"{year_label(year)}（{year}年度）") for year in range(current - 1, current + 3)]


def _page(user: User, values: dict[str, str], errors: dict[str, str] | None = None) -> NewSheetPage:
    return NewSheetPage(
        values=values,
        years=year_choices(),
        stages=[(stage.value, stage.value) for stage in Stage],
        scope_hint=f"担当の範囲: {scope_text(user)}" if user.department else "",
        errors=errors or {},
    )


@router.get("/new", name="staff_new_sheet")
def new_sheet_form(request: Request, user: CurrentUser, templates: TemplatesDep) -> Response:
    ensure_can(user, Permission.CREATE, None)
    values = {name: "" for name in FIELDS}
    values.update(
        department=user.department,
        section=user.section,
        fiscal_year=str(year_choices()[1][0]),
        stage=Stage.INITIAL_REQUEST.value,
    )
    return render(request, templates, "staff/new_sheet.html", _page(user, values))


def _year(text: str, label: str, errors: dict[str, str], name: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1868 <= int(text) <= 2200:
        errors[name] = f"{label}は西暦の年（例: 2024）で入力してください"
        return None
    return int(text)


def parse_header(values: dict[str, str]) -> tuple[Header | None, dict[str, str]]:
    """The header the form describes, or the problems by field (Japanese)."""
    errors: dict[str, str] = {}
    for name, label in (
        ("program_number", "事業番号"),
        ("program_name", "事業名"),
        ("department", "部局"),
        ("section", "課・室"),
    ):
        if not values[name].strip():
            errors[name] = f"{label}を入力してください"
    number = " ".join(values["program_number"].split())
    if number and not all(part.isdigit() for part in number.split()):
        errors["program_number"] = (
            "事業番号は数字の組を空白で区切って入力してください（例: 07 01 01）"
        )
    fiscal_year = _year(values["fiscal_year"], "年度", errors, "fiscal_year")
    if fiscal_year is None and "fiscal_year" not in errors:
        errors["fiscal_year"] = "年度を選んでください"
    try:
        stage = Stage(values["stage"])
    except ValueError:
        errors["stage"] = "段階を選んでください"
    start = _year(values["start_year"], "実施期間の開始年度", errors, "start_year")
    end = _year(values["end_year"], "実施期間の終了年度", errors, "end_year")
    if start is not None and end is not None and end < start:
        errors["end_year"] = "実施期間の終了年度は開始年度より後にしてください"
    email = values["email"].strip()
    if email and ("@" not in email or " " in email):
        errors["email"] = "E-mail の形式が正しくありません（例: sansei@pref.nagano.lg.jp）"
    if errors:
        return None, errors
    assert fiscal_year is not None
    try:
        header = Header(
            program_number=number,
            program_name=values["program_name"].strip(),
            department=values["department"].strip(),
            section=values["section"].strip(),
            start_year=start,
            end_year=end,
            email=email,
            fiscal_year=fiscal_year,
            stage=stage,
        )
    except ValidationError as error:
        return None, {"form": "、".join(str(item["msg"]) for item in error.errors())}
    return header, {}


def scope_text(user: User) -> str:
    return user.department + (f" {user.section}" if user.section else "")


def scope_error(user: User) -> str:
    return f"部局・課・室は担当の範囲（{scope_text(user)}）にしてください"


@router.post("/new", name="staff_create_sheet")
async def create_new_sheet(
    request: Request, user: CurrentUser, session: SessionDep, templates: TemplatesDep
) -> Response:
    ensure_can(user, Permission.CREATE, None)
    form = await request.form()
    values = {name: str(form.get(name, ""))[:MAX_FIELD] for name in FIELDS}
    header, errors = parse_header(values)
    if header is not None and not can(user, Permission.CREATE, header):
        errors = {"department": scope_error(user)}
    if header is not None and not errors:
        try:
            sheet_id = create_sheet(session=session, sheet=Sheet(header=header), actor=user.login)
        except WorkflowError as error:
            errors = {"program_number": str(error)}
        else:
            return RedirectResponse(f"/staff/sheets/{sheet_id}?notice=created", status_code=303)
    page = _page(user, values, errors)
    return render(request, templates, "staff/new_sheet.html", page, status_code=400)
