"""The sheet a hyoka PDF carries as an attached file (``sheet.json``), and its check against
what the pages show.

hyoka's PDFs attach their sheet in the schema of docs/sheet.schema.json, like an e-invoice
carries its XML, so that a PDF reads back exactly. The attachment is trusted only as far as
the pages agree with it: where the layout shows a field, the attached value must be the one
shown, else the PDF is refused with the differing fields named (an edited figure on a page
and an untouched attachment would otherwise publish two versions of one sheet).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from hyoka.display import figure, yen_figure
from hyoka.fonts import printable
from hyoka.importers._text_subprojects import parse_quantities
from hyoka.importers.errors import ImportFailed, Problem
from hyoka.model import ATTACHED_SHEET, SCHEMA_VERSION, Sheet

SCHEMA_VERSIONS = (SCHEMA_VERSION,)
"""Versions of the attached schema this reader knows."""

# The fields of a prefecture sheet its layout prints (the national fields are not printed).
PRINTED_FIELDS = (
    "header",
    "situation",
    "purpose",
    "initiatives",
    "indicators",
    "plan_links",
    "costs",
    "results",
    "future",
    "sub_projects",
)
_SECTION = "添付データ"
_BUDGET_LABELS = {"initial_budget": "当初予算", "total": "計", "executed": "執行額"}
_MUNICIPAL_LABELS = {
    "project_cost": "事業費計",
    "personnel_cost": "人件費計",
    "total_cost": "トータルコスト",
}


def attached_sheet(path: Path, source: str) -> Sheet | None:
    """The sheet attached to the PDF, or None when it carries none (another producer, an
    older hyoka PDF)."""
    try:
        files = PdfReader(path).attachments
        data = files.get(ATTACHED_SHEET)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return None  # the layout reader reports what is wrong with the file
    if not data:
        return None
    try:
        document = orjson.loads(data[0])
    except orjson.JSONDecodeError as error:
        raise ImportFailed(
            source, [Problem(_SECTION, f"{ATTACHED_SHEET} が JSON として読めません({error})")]
        ) from error
    version = document.get("schema") if isinstance(document, dict) else None
    if version not in SCHEMA_VERSIONS:
        raise ImportFailed(
            source,
            [
                Problem(
                    _SECTION,
                    f"{ATTACHED_SHEET} の形式の版 {version!r} には対応していません"
                    f"(対応: {'、'.join(SCHEMA_VERSIONS)})",
                )
            ],
        )
    try:
        return Sheet.model_validate(document.get("sheet"))
    except ValidationError as error:
        raise ImportFailed(
            source,
            [
                Problem(
                    _SECTION,
                    f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}",
                )
                for item in error.errors()
            ],
        ) from error


def as_printed(sheet: Sheet) -> Sheet:
    """The sheet as its layout carries it: one year's indicator figures in year and kind
    order, and the quantities of a component as its output text states them."""
    copy = sheet.model_copy(deep=True)
    for indicator in copy.indicators:
        indicator.values = sorted(indicator.values, key=lambda v: (v.fiscal_year, v.kind.value))
    for sub in copy.sub_projects:
        for component in sub.components:
            component.quantities = parse_quantities(component.output)
    return copy


def printed_differences(attached: Sheet, shown: Sheet) -> list[str]:
    """Where the pages show another value than the attachment holds, as
    「6 事業コスト R5年度 当初予算: 表示 999 / 添付 213,739」."""
    mine, theirs = as_printed(attached), as_printed(shown)
    found: list[str] = []
    for name in PRINTED_FIELDS:
        label = Sheet.model_fields[name].description or name
        found += _walk(getattr(mine, name), getattr(theirs, name), [label])
    return found


def check_shown_text(sheet: Sheet, text: str) -> list[str]:
    """A national or a municipality's sheet has no layout reader: its name, number and its
    money figures (予算額・執行額, or 総投入量) must stand on the pages (whitespace ignored)."""
    squeezed = "".join(text.split())
    expected = [
        ("事業名", sheet.header.program_name),
        ("事業番号", sheet.header.program_number),
    ]
    yen = sheet.money_unit.yen
    for row in sheet.budgets:
        for name, label in _BUDGET_LABELS.items():
            value = getattr(row, name)
            if value is not None:
                where = f"予算額・執行額 {row.fiscal_year}年度 {label}"
                expected.append((where, yen_figure(value, yen)))
    for cost in sheet.municipal.costs if sheet.municipal else []:
        for name, label in _MUNICIPAL_LABELS.items():
            value = getattr(cost, name)
            if value is not None:
                expected.append((f"総投入量 {cost.fiscal_year}年度 {label}", figure(value)))
    return [
        f"{label}: 添付 {value} がページにありません"
        for label, value in expected
        if value and "".join(printable(value).split()) not in squeezed
    ]


def _shown(value: Any) -> str:
    if value is None:
        return "（空欄）"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, int | float) or type(value).__name__ == "Decimal":
        return figure(value)
    return str(getattr(value, "value", value))[:40]


def _item_label(item: Any, index: int) -> str:
    for key in ("fiscal_year", "number", "policy_code", "name"):
        value = getattr(item, key, None)
        if value not in (None, ""):
            return f"{value}年度" if key == "fiscal_year" else str(value)
    return f"{index + 1}件目"


def _walk(mine: Any, theirs: Any, path: list[str]) -> Iterator[str]:
    where = " ".join(path)
    if isinstance(mine, BaseModel) and isinstance(theirs, BaseModel):
        for name, info in type(mine).model_fields.items():
            yield from _walk(
                getattr(mine, name), getattr(theirs, name), [*path, info.description or name]
            )
    elif isinstance(mine, Sequence) and not isinstance(mine, str) and isinstance(theirs, list):
        if len(mine) != len(theirs):
            yield f"{where}: 表示 {len(theirs)}件 / 添付 {len(mine)}件"
            return
        for index, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            yield from _walk(a, b, [*path, _item_label(a, index)])
    elif isinstance(mine, dict) and isinstance(theirs, dict):
        for key in sorted(set(mine) | set(theirs), key=str):
            yield from _walk(mine.get(key), theirs.get(key), [*path, str(key)])
    elif (printable(mine) if isinstance(mine, str) else mine) != theirs:
        # A character the font cannot show is printed as 〓 (hyoka.fonts).
        yield f"{where}: 表示 {_shown(theirs)} / 添付 {_shown(mine)}"
