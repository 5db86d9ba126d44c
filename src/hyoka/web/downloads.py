"""Files the portal serves: one sheet as JSON/CSV/PDF/xlsx, the bulk open data.

The bulk open data holds what the public pages show (published versions only) and is
built once per store revision (:class:`OpenDataCache`), then served from disk with an
ETag and Last-Modified.

The layout renderers (PDF, workbook) are imported when asked for, so that the portal runs
before they are installed or when one of them fails to load.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from sqlalchemy.orm import Session

from hyoka.corrections import FigureCorrection
from hyoka.display import COST_LABELS, VALUE_KIND_LABELS, year_short
from hyoka.model import Sheet, SheetKind
from hyoka.store.schema.sheets import current_tables
from hyoka.store.sheets.published import store_revision

UTF8_BOM = "\ufeff"
CSV_COLUMNS = ["区分", "番号", "項目", "年度", "種別", "値", "単位"]


def file_stem(sheet: Sheet) -> str:
    """e.g. 07-01-01_R5_点検."""
    header = sheet.header
    number = header.program_number.replace(" ", "-").replace("/", "-")
    return f"{number}_{year_short(header.fiscal_year, suffix='')}_{header.stage.value}"


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
                        VALUE_KIND_LABELS[value.kind],
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
        for name, label in COST_LABELS.items():
            amount = getattr(cost, name)
            if amount is not None:
                unit = "人" if name == "staff" else "千円"
                writer.writerow(["事業コスト", "", label, cost.fiscal_year, "", str(amount), unit])
    return stream.getvalue().encode("utf-8")


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


def sheet_pdf(sheet: Sheet, *, corrections: Sequence[FigureCorrection] = ()) -> bytes:
    """The sheet's PDF, rendered on request: Typst takes tens of milliseconds a sheet, so a
    cache would only add memory and a way to serve a stale file (bench/render.py)."""
    from hyoka.render.pdf import render_pdf

    return render_pdf(sheet, corrections=corrections)


def formats(sheet: Sheet) -> list[tuple[str, str]]:
    """The files a sheet is offered as, by suffix, with their labels for the page.

    The entry workbook exists for the prefecture's 事業改善シート only:
    a national sheet is not offered one (and its URL answers 404).
    """
    offered = [("pdf", "PDF（様式どおり）")]
    if has_workbook(sheet):
        # The entry workbook staff fill in (one worksheet per part), not the printed page:
        # it imports back with ``hyoka import`` or the upload page.
        offered.append(("xlsx", "Excel（入力用ワークブック・取り込み可）"))
    return [*offered, ("json", "JSON"), ("csv", "CSV（数値）")]


def has_workbook(sheet: Sheet) -> bool:
    return sheet.header.kind is SheetKind.PREFECTURE


def sheet_xlsx(sheet: Sheet) -> bytes:
    """The sheet's entry workbook (:func:`has_workbook` sheets only), which imports back."""
    from hyoka.render.workbook import sheet_workbook

    return sheet_workbook(sheet)


def opendata_tables() -> list[str]:
    """The names of the published tables, one CSV each."""
    return [table.name for table in current_tables()]


# --- Bulk open data, built once per store revision ----------------------------------------

OPENDATA_FORMAT = 1  # bump when the files' content changes for the same store state
JSON_NAME = "sheets.json"


@dataclass(frozen=True)
class OpenDataFiles:
    """The open-data files of one store revision: ``sheets.json`` and ``<table>.csv``."""

    folder: Path
    etag: str  # a strong validator: the store revision in quotes
    last_modified: datetime | None  # the newest save or recorded change

    def path(self, name: str) -> Path:
        return self.folder / name

    def headers(self) -> dict[str, str]:
        found = {"ETag": self.etag, "Cache-Control": "no-cache"}
        if self.last_modified is not None:
            found["Last-Modified"] = format_datetime(self.last_modified, usegmt=True)
        return found

    def not_modified(self, request_headers: Mapping[str, str]) -> bool:
        """Whether a conditional request (If-None-Match, else If-Modified-Since) is fresh."""
        tags = request_headers.get("if-none-match")
        if tags is not None:
            return tags.strip() == "*" or self.etag in [tag.strip() for tag in tags.split(",")]
        since = request_headers.get("if-modified-since")
        if since is None or self.last_modified is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.last_modified.replace(microsecond=0) <= moment


class OpenDataCache:
    """The open-data files on disk, built when the store's revision changes.

    Only published sheets go in (``public=True`` exports). Files are written to a scratch
    folder and renamed into place, so a reader never sees half a file; the two newest
    revisions are kept (a download of the previous one may still be streaming).
    ``directory`` defaults to a temporary folder removed when the cache is.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self.builds = 0

    @property
    def directory(self) -> Path:
        if self._directory is None:
            self._directory = Path(tempfile.mkdtemp(prefix="hyoka-opendata-"))
            weakref.finalize(self, shutil.rmtree, self._directory, ignore_errors=True)
        return self._directory

    def files(self, *, session: Session) -> OpenDataFiles:
        """The files of the store's current revision, building them if needed."""
        revision = store_revision(session=session)
        name = f"v{OPENDATA_FORMAT}-{revision.key}"
        folder = self.directory / name
        if not folder.is_dir():
            with self._lock:
                if not folder.is_dir():
                    self._build(session, folder)
        return OpenDataFiles(folder, f'"{name}"', revision.changed_at)

    def _build(self, session: Session, folder: Path) -> None:
        from hyoka.render.opendata import export_csv, export_json

        scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=self.directory))
        try:
            export_json(session=session, path=scratch / JSON_NAME, public=True)
            export_csv(session=session, directory=scratch, bom=True, public=True)
            scratch.rename(folder)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        self.builds += 1
        built = sorted(
            (path for path in self.directory.iterdir() if path.name.startswith("v")),
            key=lambda path: path.stat().st_mtime,
        )
        for stale in built[:-2]:
            shutil.rmtree(stale, ignore_errors=True)


_CACHE_LOCK = threading.Lock()


def opendata_cache(state: Any) -> OpenDataCache:
    """The app's cache (``app.state.opendata_cache``), made on first use."""
    with _CACHE_LOCK:
        cache = getattr(state, "opendata_cache", None)
        if cache is None:
            cache = OpenDataCache()
            state.opendata_cache = cache
        assert isinstance(cache, OpenDataCache)
        return cache
