"""A report's tables and the one formatter of their rows: page/CLI text, CSV and JSON.

A :class:`Column` says what a value is (its :class:`ColumnKind`) and how to get it from a row;
a :class:`Table` is rows under columns. The page and the CLI table show each value
formatted (years with the era, money in 千円 — 百万円 when only national sheets are read —,
rates as %; :mod:`hyoka.display` formats them); CSV and JSON carry the raw values of the same rows (money in yen exactly,
Western years, rates as decimals), so that every output agrees.

Example::

    table.records()  # [{"kind": "national", "fiscal_year": 2021, "total_yen": "130000000"}]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from hyoka import display
from hyoka.analytics.facts import ALL
from hyoka.analytics.filters import Filters
from hyoka.model import SheetKind
from hyoka.store.reports.scope import SheetInfo


class ColumnKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # yen; shown in the filters' money unit, headed with it
    YEAR = "year"  # Western fiscal year; shown with the era
    PERCENT = "percent"  # a rate as a decimal; shown as %
    SHEET_KIND = "kind"  # 県 / 国
    MARK = "mark"  # a flag; shown as ※
    DATA = "data"  # CSV and JSON only, not shown


NUMERIC = {ColumnKind.NUMBER, ColumnKind.MONEY, ColumnKind.PERCENT}

Link = Callable[[Any, Filters], str | None]


@dataclass(frozen=True)
class Column:
    key: str  # JSON key
    heading: str  # Japanese; money without its unit
    kind: ColumnKind
    value: Callable[[Any], Any]  # the raw value of a row
    link: Link | None = None  # the page links the cell there
    words: Callable[[Any], str] | None = None  # the page's text instead of the raw value

    @property
    def shown(self) -> bool:
        return self.kind is not ColumnKind.DATA

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def page_heading(self, filters: Filters) -> str:
        if self.kind is ColumnKind.MONEY:
            return f"{self.heading}（{filters.money_unit[0]}）"
        return self.heading

    @property
    def data_heading(self) -> str:
        return f"{self.heading}（円）" if self.kind is ColumnKind.MONEY else self.heading

    def text(self, row: Any, filters: Filters) -> str:
        """The value as the page and the CLI table show it."""
        if self.words is not None:
            return self.words(row)
        value = self.value(row)
        match self.kind:
            case ColumnKind.NUMBER:
                return display.trimmed(value)
            case ColumnKind.MONEY:
                return shown_money(value, filters.money_unit[1])
            case ColumnKind.YEAR:
                return display.year_label(value)
            case ColumnKind.PERCENT:
                return display.percent(value)
            case ColumnKind.SHEET_KIND:
                return "" if value is None else display.SHEET_KIND_LABELS[value]
            case ColumnKind.MARK:
                return "※" if value else ""
        return str(value or "")


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]
    filters: Filters

    @property
    def page_columns(self) -> list[Column]:
        return [column for column in self.columns if column.shown]

    @property
    def head(self) -> list[Cell]:
        """The headings the page and the CLI table show."""
        return [
            Cell(column.page_heading(self.filters), numeric=column.numeric)
            for column in self.page_columns
        ]

    @property
    def body(self) -> list[list[Cell]]:
        """The rows as the page and the CLI table show them."""
        columns = self.page_columns
        return [
            [
                Cell(
                    column.text(row, self.filters),
                    column.link(row, self.filters) if column.link else None,
                    column.numeric,
                )
                for column in columns
            ]
            for row in self.rows
        ]

    def data_columns(self) -> list[dict[str, str]]:
        return [{"key": column.key, "heading": column.data_heading} for column in self.columns]

    def records(self) -> list[dict[str, object]]:
        """The rows for JSON: raw values by column key."""
        return [
            {column.key: raw(column.value(row)) for column in self.columns} for row in self.rows
        ]

    def csv_rows(self) -> list[list[str]]:
        """The headings (money in 円) and the raw values, as CSV cells."""
        return [
            [column.data_heading for column in self.columns],
            *([csv_cell(column.value(row)) for column in self.columns] for row in self.rows),
        ]

    def csv_text(self, *, bom: bool = True, newline: str = "\r\n") -> str:
        """The rows as CSV (by default with a BOM, so that Excel reads the Japanese headings)."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=newline).writerows(self.csv_rows())
        return ("\ufeff" if bom else "") + buffer.getvalue()


def shown_money(yen: Decimal | None, scale: Decimal) -> str:
    """Yen in the display unit of ``scale`` yen (1,000: 千円), rounded half up."""
    return "" if yen is None else display.number(display.in_units(yen, scale))


def raw(value: object) -> object:
    """A value for CSV/JSON: decimals as exact strings, enums as their value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, SheetKind):
        return value.value
    return value


def csv_cell(value: object) -> str:
    value = raw(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


# --- Columns -----------------------------------------------------------------------------


def text(
    key: str,
    heading: str,
    get: Callable[[Any], Any],
    link: Link | None = None,
    words: Callable[[Any], str] | None = None,
) -> Column:
    """A text; ``words``: what the page shows instead (a check's name for its code)."""
    return Column(key, heading, ColumnKind.TEXT, get, link, words)


def number(key: str, heading: str, get: Callable[[Any], Decimal | int | None]) -> Column:
    return Column(key, heading, ColumnKind.NUMBER, get)


def money(key: str, heading: str, get: Callable[[Any], Decimal | None]) -> Column:
    """Yen: the page in 千円/百万円 (``heading（千円）``), the data in yen (``heading（円）``)."""
    return Column(key, heading, ColumnKind.MONEY, get)


def rate(key: str, heading: str, get: Callable[[Any], Decimal | None]) -> Column:
    return Column(key, heading, ColumnKind.PERCENT, get)


def fiscal_year(key: str, heading: str, get: Callable[[Any], int | None]) -> Column:
    return Column(key, heading, ColumnKind.YEAR, get)


def kind_column(get: Callable[[Any], SheetKind | None]) -> Column:
    return Column("kind", "種別", ColumnKind.SHEET_KIND, get)


def mark(key: str, heading: str, get: Callable[[Any], bool]) -> Column:
    return Column(key, heading, ColumnKind.MARK, get)


def data(key: str, heading: str, get: Callable[[Any], Any]) -> Column:
    return Column(key, heading, ColumnKind.DATA, get)


def sheet_columns(get: Callable[[Any], SheetInfo | None]) -> list[Column]:
    """Which sheet a row comes from (blank when it concerns no single sheet): 事業番号 links
    to the program's years, 事業名 to the sheet."""

    def of(read: Callable[[SheetInfo], Any]) -> Callable[[Any], Any]:
        def value(row: Any) -> Any:
            sheet = get(row)
            return None if sheet is None else read(sheet)

        return value

    def link(read: Callable[[SheetInfo], str]) -> Link:
        def target(row: Any, filters: Filters) -> str | None:
            sheet = get(row)
            return None if sheet is None else read(sheet)

        return target

    return [
        kind_column(of(lambda sheet: sheet.kind)),
        text("organisation", "府省庁・部局", of(lambda sheet: sheet.organisation)),
        text(
            "program_number",
            "事業番号",
            of(lambda sheet: sheet.program_number),
            link(program_url),
        ),
        text(
            "program_name",
            "事業名",
            of(lambda sheet: sheet.program_name),
            link(sheet_url),
        ),
        fiscal_year("sheet_year", "シート年度", of(lambda sheet: sheet.fiscal_year)),
        data("sheet_id", "シートID", of(lambda sheet: sheet.sheet_id)),
        data("url", "シートURL", of(sheet_url)),
    ]


def sheet_url(sheet: SheetInfo) -> str:
    return f"/sheets/{sheet.sheet_id}"


def program_url(sheet: SheetInfo) -> str:
    """The program's budget and results across years (its lineage for a national one)."""
    return Filters(kind=sheet.kind, program=sheet.program_number).url("/analytics/changes")


def organisation_column(slug: str) -> Column:
    """The organisation of a row with ``kind`` and ``organisation``, linking to report
    ``slug`` narrowed to it (total rows, ``（全体）``, link nowhere)."""

    def link(row: Any, filters: Filters) -> str | None:
        if row.organisation == ALL:
            return None
        return filters.url(f"/analytics/{slug}", organisation=row.organisation, kind=row.kind.value)

    return text("organisation", "府省庁・部局", lambda row: row.organisation, link)
