"""The analytics dashboards' data: each report of :mod:`hyoka.analytics` as titled tables.

A :class:`Table` is one list of rows and typed columns; the page shows each column
formatted (years with the era, money in 千円 — 百万円 when only national sheets are read —,
rates as %), the CSV and JSON carry the raw values of the same rows (money in yen exactly,
Western years, rates as decimals), so the three always agree.

Example::

    board = build_dashboard(session=session, slug="execution", filters=AnalyticsFilters())
    board.tables[0].records()  # [{"kind": "national", "fiscal_year": 2021, ...}, ...]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from hyoka.analytics import ALL, Scope, SheetInfo
from hyoka.eras import era_label
from hyoka.model import SheetKind
from hyoka.render.charts import Chart

KIND_LABELS = {SheetKind.PREFECTURE: "県", SheetKind.NATIONAL: "国"}


@dataclass(frozen=True)
class AnalyticsFilters:
    """The dashboards' filters (query parameters); None means no filter."""

    kind: SheetKind | None = None
    organisation: str | None = None
    year: int | None = None
    limit: int | None = None  # None: the report's default
    program: str | None = None
    policy: str | None = None

    def scope(self) -> Scope:
        # The dashboards are public: only published versions, as on the sheet pages.
        return Scope(
            kind=self.kind, organisation=self.organisation, program=self.program, public=True
        )

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), some changed."""
        current: dict[str, Any] = {
            "kind": self.kind.value if self.kind else None,
            "organisation": self.organisation,
            "year": self.year,
            "limit": self.limit,
            "program": self.program,
            "policy": self.policy,
        } | changes
        return {key: str(value) for key, value in current.items() if value not in (None, "")}

    def url(self, path: str, **changes: Any) -> str:
        query = self.query(**changes)
        return f"{path}?{urlencode(query)}" if query else path

    @property
    def money_unit(self) -> tuple[str, Decimal]:
        """The unit money is shown in: 百万円 for national sheets alone, else 千円."""
        if self.kind is SheetKind.NATIONAL:
            return "百万円", Decimal(1_000_000)
        return "千円", Decimal(1000)


# --- Formatting --------------------------------------------------------------------------------


def figure(value: Decimal | int | None) -> str:
    """A number with separators and no trailing zeros; △ for negatives, blank for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        magnitude = abs(value)
        if magnitude == magnitude.to_integral_value():
            text = f"{int(magnitude):,}"
        else:
            text = f"{magnitude.normalize():,f}"
    else:
        text = f"{abs(value):,}"
    return f"△{text}" if value < 0 else text


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def year_label(value: int | None) -> str:
    return "" if value is None else era_label(value)


def kind_label(kind: SheetKind | None) -> str:
    return "" if kind is None else KIND_LABELS[kind]


def money(yen: Decimal | None, filters: AnalyticsFilters) -> str:
    """Yen in the display unit, rounded half up."""
    if yen is None:
        return ""
    return figure((yen / filters.money_unit[1]).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw(value: object) -> object:
    """A value for CSV/JSON: decimals as exact strings, enums as their value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, SheetKind):
        return value.value
    return value


# --- Tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Column:
    key: str  # JSON key
    heading: str  # page heading, with the display unit
    value: Callable[[Any], object]  # raw value: CSV and JSON
    show: Callable[[Any], str] | None = None  # page text; None: not shown on the page
    link: Callable[[Any], str | None] | None = None
    numeric: bool = False
    data_heading: str | None = None  # CSV heading when the unit differs (円)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]
    note: str = ""

    @property
    def page_columns(self) -> list[Column]:
        return [column for column in self.columns if column.show is not None]

    @property
    def body(self) -> list[list[Cell]]:
        """The rows as the page shows them."""
        return [
            [
                Cell(
                    column.show(row),  # type: ignore[misc]
                    column.link(row) if column.link else None,
                    column.numeric,
                )
                for column in self.page_columns
            ]
            for row in self.rows
        ]

    def records(self) -> list[dict[str, object]]:
        """The rows for JSON: raw values by column key."""
        return [
            {column.key: raw(column.value(row)) for column in self.columns} for row in self.rows
        ]

    def csv_text(self) -> str:
        """The rows as CSV (UTF-8 with BOM so that Excel reads the Japanese headings)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([column.data_heading or column.heading for column in self.columns])
        for row in self.rows:
            writer.writerow([_csv_cell(column.value(row)) for column in self.columns])
        return "\ufeff" + buffer.getvalue()


def _csv_cell(value: object) -> str:
    value = raw(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def text(key: str, heading: str, get: Callable[[Any], object], **extra: Any) -> Column:
    return Column(key, heading, get, lambda row: str(get(row) or ""), **extra)


def number(key: str, heading: str, get: Callable[[Any], Decimal | int | None]) -> Column:
    return Column(key, heading, get, lambda row: figure(get(row)), numeric=True)


def rate(key: str, heading: str, get: Callable[[Any], Decimal | None]) -> Column:
    return Column(key, heading, get, lambda row: percent(get(row)), numeric=True)


def fiscal_year(key: str, heading: str, get: Callable[[Any], int | None]) -> Column:
    return Column(key, heading, get, lambda row: year_label(get(row)))


def kind_column(get: Callable[[Any], SheetKind | None]) -> Column:
    return Column("kind", "種別", get, lambda row: kind_label(get(row)))


def yen_column(
    key: str, heading: str, get: Callable[[Any], Decimal | None], filters: AnalyticsFilters
) -> Column:
    """Money: the page in 千円/百万円, the data in yen."""
    return Column(
        key,
        f"{heading}（{filters.money_unit[0]}）",
        get,
        lambda row: money(get(row), filters),
        numeric=True,
        data_heading=f"{heading}（円）",
    )


def sheet_columns(get: Callable[[Any], SheetInfo], filters: AnalyticsFilters) -> list[Column]:
    """Which sheet a row comes from: 事業番号 links to the program's years, 事業名 to the sheet."""
    return [
        kind_column(lambda row: get(row).kind),
        text("organisation", "府省庁・部局", lambda row: get(row).organisation),
        text(
            "program_number",
            "事業番号",
            lambda row: get(row).program_number,
            link=lambda row: program_url(get(row)),
        ),
        text(
            "program_name",
            "事業名",
            lambda row: get(row).program_name,
            link=lambda row: f"/sheets/{get(row).sheet_id}",
        ),
        fiscal_year("sheet_year", "シート年度", lambda row: get(row).fiscal_year),
        Column("sheet_id", "シートID", lambda row: get(row).sheet_id),
        Column("url", "シートURL", lambda row: f"/sheets/{get(row).sheet_id}"),
    ]


def program_url(sheet: SheetInfo) -> str:
    """The program's budget and results across years (its lineage for a national one)."""
    return AnalyticsFilters(kind=sheet.kind, program=sheet.program_number).url("/analytics/changes")


def organisation_column(
    slug: str,
    get: Callable[[Any], str],
    kind: Callable[[Any], SheetKind],
    filters: AnalyticsFilters,
) -> Column:
    """An organisation linking to the same report narrowed to it."""

    def link(row: Any) -> str | None:
        if get(row) == ALL:
            return None
        return filters.url(f"/analytics/{slug}", organisation=get(row), kind=kind(row).value)

    return text("organisation", "府省庁・部局", get, link=link)


# --- Dashboards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInfo:
    slug: str
    title: str
    summary: str
    year_help: str  # what the year filter selects in this report
    fields: tuple[str, ...]  # the filters this report takes
    default_limit: int | None = None


@dataclass(frozen=True)
class Dashboard:
    report: ReportInfo
    filters: AnalyticsFilters
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str | None) -> Table | None:
        """The table ``key`` (the first when None)."""
        if key is None:
            return self.tables[0]
        return next((table for table in self.tables if table.key == key), None)

    def document(self) -> dict[str, Any]:
        """The dashboard's data as JSON-ready values (the API's and the .json download's body)."""
        return {
            "report": self.report.slug,
            "title": self.report.title,
            "filters": {
                "kind": self.filters.kind.value if self.filters.kind else None,
                "organisation": self.filters.organisation,
                "year": self.filters.year,
                "limit": self.filters.limit,
                "program": self.filters.program,
                "policy": self.filters.policy,
            },
            "notes": self.notes,
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "columns": [
                        {"key": column.key, "heading": column.data_heading or column.heading}
                        for column in table.columns
                    ],
                    "rows": table.records(),
                }
                for table in self.tables
            ],
        }
