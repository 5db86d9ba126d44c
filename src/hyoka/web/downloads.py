"""Files the portal serves: one sheet as JSON/CSV/PDF/xlsx, the bulk open data.

The layout renderers (PDF, workbook) are imported when asked for, so that the portal runs
before they are installed or when one of them fails to load.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from urllib.parse import quote

import orjson
from sqlalchemy.orm import Session

from hyoka.eras import era_short
from hyoka.model import Sheet, SheetKind
from hyoka.store.tables import current_tables

UTF8_BOM = "\ufeff"
CSV_COLUMNS = ["区分", "番号", "項目", "年度", "種別", "値", "単位"]
KIND_LABELS = {"target": "目標", "estimate": "見込", "actual": "実績"}


def file_stem(sheet: Sheet) -> str:
    """e.g. 07-01-01_R5_点検."""
    header = sheet.header
    number = header.program_number.replace(" ", "-").replace("/", "-")
    return f"{number}_{era_short(header.fiscal_year)}_{header.stage.value}"


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition header for a Japanese file name (RFC 5987)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return {
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
        )
    }


def sheet_json(sheet: Sheet) -> bytes:
    return orjson.dumps(sheet.model_dump(mode="json"), option=orjson.OPT_INDENT_2)


def sheet_csv(sheet: Sheet) -> bytes:
    """The figures of one sheet in long form (UTF-8 with BOM for Excel): every indicator
    value, and every cost or budget cell, one row each."""
    stream = io.StringIO()
    stream.write(UTF8_BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for role, indicators in (("成果指標", sheet.indicators), ("活動指標", sheet.outputs)):
        for indicator in indicators:
            for value in indicator.values:
                writer.writerow(
                    [
                        role,
                        indicator.number,
                        indicator.name,
                        value.fiscal_year,
                        KIND_LABELS[value.kind.value],
                        "" if value.value is None else format(value.value, "f"),
                        indicator.unit,
                    ]
                )
    if sheet.header.kind is SheetKind.NATIONAL:
        unit = sheet.money_unit.value
        for budget in sheet.budgets:
            for name, label in _NATIONAL_BUDGET:
                amount = getattr(budget, name)
                if amount is not None:
                    writer.writerow(
                        ["予算", "", label, budget.fiscal_year, "", format(amount, "f"), unit]
                    )
    for cost in sheet.costs:
        for name, label in _COST_FIELDS:
            amount = getattr(cost, name)
            if amount is not None:
                unit = "人" if name == "staff" else "千円"
                writer.writerow(["事業コスト", "", label, cost.fiscal_year, "", str(amount), unit])
    return stream.getvalue().encode("utf-8")


_COST_FIELDS = [
    ("carried_over", "前年度繰越"),
    ("initial_budget", "当初予算"),
    ("supplementary", "補正予算等"),
    ("total", "合計"),
    ("general_revenue", "うち一般財源"),
    ("settlement", "決算額"),
    ("staff", "職員数"),
]
_NATIONAL_BUDGET = [
    ("initial_budget", "当初予算"),
    ("supplementary", "補正予算"),
    ("carried_over", "前年度から繰越し"),
    ("carried_forward", "翌年度へ繰越し"),
    ("reserve", "予備費等"),
    ("total", "予算計"),
    ("executed", "執行額"),
    ("requested", "要求額"),
]


def sheet_pdf(sheet: Sheet) -> bytes:
    from hyoka.render.pdf import render_pdf

    return render_pdf(sheet)


def sheet_xlsx(sheet: Sheet) -> bytes:
    from hyoka.render.workbook import sheet_workbook

    return sheet_workbook(sheet)


def opendata_tables() -> list[str]:
    """The names of the published tables, one CSV each."""
    return [table.name for table in current_tables()]


def opendata_json(*, session: Session) -> Path:
    """All current sheets as one JSON file in a temporary folder (the caller deletes it)."""
    from hyoka.render.opendata import export_json

    path = Path(tempfile.mkdtemp(prefix="hyoka-opendata-")) / "sheets.json"
    export_json(session=session, path=path)
    return path


def opendata_csv(*, session: Session, table: str) -> Path:
    """One table as CSV (UTF-8 with BOM) in a temporary folder (the caller deletes it)."""
    from hyoka.render.opendata import export_csv

    folder = Path(tempfile.mkdtemp(prefix="hyoka-opendata-"))
    export_csv(session=session, directory=folder, bom=True)
    for path in folder.iterdir():
        if path.name != f"{table}.csv":
            path.unlink()
    return folder / f"{table}.csv"
