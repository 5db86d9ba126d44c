"""Read a workbook in the 事業改善シート layout (``hyoka.render.workbook``) back into a Sheet.

Driven by the layout's labels: blocks start at their label cells (指標番号, 細事業番号),
tables at their header rows, and a table's columns are found by their header labels, so
rows or columns staff insert within a block do not move anything. Every problem is
collected with its place as ``シート名!セル`` (e.g. ``事業コスト!F4``) before the import
fails; arithmetic is checked with the rules (``hyoka.rules``), whose errors fail it too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from hyoka.eras import parse_fiscal_year
from hyoka.importers._normalize import NO_VALUE_MARKS, normalize_text
from hyoka.importers.errors import ImportFailed, ImportNotes, Problem
from hyoka.importers.limits import (
    MAX_WORKBOOK_BYTES,
    check_size,
    check_workbook_zip,
)
from hyoka.importers.sheet_text import ParsedSheet
from hyoka.model import (
    Achievement,
    Component,
    Correction,
    CostRow,
    FuturePlan,
    Header,
    Indicator,
    IndicatorValue,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    Quantity,
    Sheet,
    Stage,
    SubProject,
    TargetSpec,
    Trend,
    YearValue,
)
from hyoka.numbers import MAX_DECIMALS, MAX_INTEGER_DIGITS, FigureError, figure, from_number, whole
from hyoka.render import workbook as layout
from hyoka.rules import Severity, check_sheet

T = TypeVar("T")
_NO_VALUE = object()  # a number cell holding ー: printed, but no value
# Enough digits to show any bounded figure with every place its cell format asks for.
_EXACT = Context(prec=MAX_INTEGER_DIGITS + MAX_DECIMALS)


def parse_workbook_file(path: Path) -> ParsedSheet:
    """Read one workbook; raise ``ImportFailed`` listing every problem found."""
    return parse_workbook(path, source=str(path)).parsed


@dataclass(frozen=True)
class ReadWorkbook:
    """A workbook read back: the sheet, and the stored revision it was downloaded at."""

    parsed: ParsedSheet
    revision: int | None


def parse_workbook(file: Path | BinaryIO, *, source: str) -> ReadWorkbook:
    """Read one workbook (a path or an open binary file, e.g. an upload).

    Raises ``ImportFailed`` listing every problem found, each named by its cell. The
    revision is ``_meta!B3`` as :func:`hyoka.render.workbook.sheet_workbook` writes it
    (None in a blank template or a workbook made elsewhere).
    """
    if isinstance(file, Path):
        with file.open("rb") as opened:
            return parse_workbook(opened, source=source)
    file.seek(0, 2)
    check_size(source, file.tell(), MAX_WORKBOOK_BYTES, "ブック")
    file.seek(0)
    check_workbook_zip(source, file)
    try:
        book = load_workbook(file, data_only=True)
    except Exception as error:
        # openpyxl reads the whole file here and reports damage as whatever failed first:
        # BadZipFile, zlib.error, EOFError (a part cut short), XML ParseError, KeyError or
        # TypeError (a part missing or malformed). Any of them means the file is unreadable.
        raise ImportFailed(
            source, [Problem("ファイル", f"Excel ブック(.xlsx)として読めません ({error})")]
        ) from error
    try:
        reader = _Reader(book)
        sheet = reader.read()
        revision = reader.revision()
    finally:
        book.close()
    if isinstance(sheet, list):
        raise ImportFailed(source, sheet)
    return ReadWorkbook(ParsedSheet(sheet=sheet, notes=ImportNotes(), source=source), revision)


def _label(value: object) -> str:
    """A label as compared: NFKC, without spaces (（1） and (1) match)."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Table:
    """A table found by its header row: the columns by label, then its data rows."""

    columns: dict[str, int]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)

    def cell(self, row: Sequence[Cell], label: str) -> Cell | None:
        index = self.columns.get(_label(label))
        return row[index] if index is not None and index < len(row) else None


class _Reader:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.problems: list[Problem] = []
        self.where: dict[tuple[str | int, ...], str] = {}

    # --- problems and cells --------------------------------------------------------------

    def problem(self, place: str | Cell | None, message: str) -> None:
        if isinstance(place, Cell):
            place = f"{place.parent.title}!{place.coordinate}"
        self.problems.append(Problem(place or "ブック", message))

    def text(self, cell: Cell | None) -> str:
        if cell is None or cell.value is None:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return value if isinstance(value, str) else str(value)

    def number(self, cell: Cell | None, what: str, *, no_value: bool = False) -> Any:
        """A Decimal, None for blank, ``_NO_VALUE`` for ー where allowed; problems reported."""
        if cell is None or _is_blank(cell.value):
            return None
        value = cell.value
        if isinstance(value, bool):
            self.problem(cell, f"{what}が数値ではありません({value})")
            return None
        try:
            # Bounded before anything else touches it: a cell may hold 1e300 or a huge int.
            if isinstance(value, int | float):
                found = from_number(value)
                # Excel drops a float's trailing zeros; the cell's format keeps them (4.0).
                places = min(_format_places(cell.number_format), MAX_DECIMALS)
                exponent = found.as_tuple().exponent
                if isinstance(exponent, int) and places > -exponent:
                    found = found.quantize(Decimal(1).scaleb(-places), context=_EXACT)
                return found
            if isinstance(value, str):
                token = normalize_text(value).strip()
                if token in NO_VALUE_MARKS:
                    if no_value:
                        return _NO_VALUE
                    self.problem(cell, f"{what}に「{value}」は使えません(空欄にしてください)")
                    return None
                token = re.sub(r"[,\s]", "", token).replace("△", "-").replace("▲", "-")
                return figure(token)
        except FigureError as error:
            reason = str(error)
            if reason != "数値ではありません":
                self.problem(cell, f"{what}: {reason}(入力値: {_shown(value)})")
                return None
        self.problem(cell, f"{what}が数値ではありません(入力値: {_shown(value)})")
        return None

    def integer(self, cell: Cell | None, what: str, *, no_value: bool = False) -> Any:
        found = self.number(cell, what, no_value=no_value)
        if isinstance(found, Decimal):
            try:
                return whole(found)
            except FigureError:
                self.problem(cell, f"{what}は整数で入力してください(入力値: {cell.value})")  # type: ignore[union-attr]
                return None
        return found

    def year(self, cell: Cell | None, what: str) -> int | None:
        if cell is not None and isinstance(cell.value, str):
            try:  # staff may type R5 or 令和5年度
                return parse_fiscal_year(normalize_text(cell.value))
            except ValueError:
                pass
        found = self.integer(cell, what)
        if isinstance(found, int) and not 1868 <= found <= 2200:
            self.problem(cell, f"{what}は西暦で入力してください(入力値: {found})")
            return None
        return found if isinstance(found, int) else None

    def choice(self, cell: Cell | None, what: str, labels: dict[str, T]) -> T | None:
        if cell is None or _is_blank(cell.value):
            return None
        found = labels.get(_label(self.text(cell)))
        if found is None:
            allowed = "・".join(labels)
            self.problem(cell, f"{what}「{cell.value}」は不明です({allowed}のいずれか)")
        return found

    def required(self, cell: Cell | None, what: str, fallback: str) -> str:
        found = self.text(cell).strip() and self.text(cell)
        if not found:
            self.problem(cell if cell is not None else fallback, f"{what}が空欄です")
        return found

    def build(self, place: str | Cell, factory: Callable[[], Any]) -> Any:
        """Construct a model part; its validation errors become problems at ``place``."""
        try:
            return factory()
        except ValidationError as error:
            for item in error.errors():
                message = str(item["msg"]).removeprefix("Value error, ")
                self.problem(place, f"内容が不正です: {message}")
            return None

    # --- worksheets ----------------------------------------------------------------------

    def rows(self, title: str) -> list[tuple[Cell, ...]]:
        if title not in self.book.sheetnames:
            self.problem(title, f"ワークシート「{title}」がありません")
            return []
        worksheet = self.book[title]
        assert isinstance(worksheet, Worksheet)
        return [tuple(row) for row in worksheet.iter_rows() if row]

    def read(self) -> Sheet | list[Problem]:
        self._check_meta()
        header, source_url = self._basic()
        situation, purpose = self._sections(
            layout.SITUATION, (layout.SITUATION_LABEL, layout.PURPOSE_LABEL)
        )
        issues, measures = self._sections(
            layout.FUTURE, (layout.ISSUES_LABEL, layout.MEASURES_LABEL)
        )
        parts = {
            "situation": situation,
            "purpose": "\n".join(purpose),
            "initiatives": self._initiatives(layout.INITIATIVES),
            "indicators": self._indicators(),
            "plan_links": self._plan(),
            "costs": self._costs(),
            "results": self._initiatives(layout.RESULTS),
            "future": FuturePlan(issues=issues, measures=measures),
            "sub_projects": self._sub_projects(),
            "source_url": source_url,
        }
        if self.problems or header is None:
            return self.problems
        sheet: Sheet | None = self.build(layout.BASIC, lambda: Sheet(header=header, **parts))
        if sheet is None:
            return self.problems
        self._check_rules(sheet)
        return self.problems or sheet

    def revision(self) -> int | None:
        if layout.META not in self.book.sheetnames:
            return None
        meta = self.book[layout.META]
        assert isinstance(meta, Worksheet)
        value = meta[layout.META_REVISION].value
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _check_meta(self) -> None:
        if layout.META not in self.book.sheetnames:
            return  # staff may copy the sheets into a new book: the labels are what counts
        meta = self.book[layout.META]
        assert isinstance(meta, Worksheet)
        version = meta["B2"].value
        if not isinstance(version, int) or version > layout.FORMAT_VERSION:
            self.problem(
                f"{layout.META}!B2",
                f"様式の版 {version!r} には対応していません(対応: {layout.FORMAT_VERSION}まで)",
            )

    def _key_cells(self, rows: Sequence[Sequence[Cell]], labels: Sequence[str]) -> dict[str, Cell]:
        wanted = {_label(label): label for label in labels}
        found: dict[str, Cell] = {}
        for row in rows:
            label = wanted.get(_label(row[0].value))
            if label is not None and label not in found and len(row) > 1:
                found[label] = row[1]
        return found

    def _basic(self) -> tuple[Header | None, str]:
        rows = self.rows(layout.BASIC)
        if not rows:
            return None, ""
        cells = self._key_cells(rows, list(layout.BASIC_FIELDS))
        values: dict[str, Any] = {}
        for label, name in layout.BASIC_FIELDS.items():
            cell = cells.get(label)
            if cell is None:
                self.problem(layout.BASIC, f"「{label}」の行がありません")
                continue
            self.where[("header", name)] = f"{layout.BASIC}!{cell.coordinate}"
            if name in layout.BASIC_YEARS:
                values[name] = self.year(cell, label)
                if values[name] is None and name in layout.BASIC_REQUIRED and _is_blank(cell.value):
                    self.problem(cell, f"{label}が空欄です")
            elif name == "stage":
                values[name] = self.choice(cell, label, {_label(s.value): s for s in Stage})
                if _is_blank(cell.value):
                    self.problem(cell, f"{label}が空欄です")
            elif name in layout.BASIC_REQUIRED:
                values[name] = self.required(cell, label, layout.BASIC)
            else:
                values[name] = self.text(cell)
        source_url = values.pop("source_url", "")
        if any(values.get(name) in (None, "") for name in layout.BASIC_REQUIRED):
            return None, source_url
        place = cells.get("事業番号") or layout.BASIC
        return self.build(place, lambda: Header(**values)), source_url

    def _sections(self, title: str, labels: Sequence[str]) -> list[list[str]]:
        """Items of each labelled section: column B of the rows after its label row."""
        found: dict[str, list[str]] = {label: [] for label in labels}
        wanted = {_label(label): label for label in labels}
        current: str | None = None
        for row in self.rows(title):
            first = row[0].value
            if not _is_blank(first):
                current = wanted.get(_label(first))
                continue
            if current is not None and len(row) > 1 and not _is_blank(row[1].value):
                found[current].append(self.text(row[1]))
        return [found[label] for label in labels]

    def _table(
        self, rows: Sequence[tuple[Cell, ...]], header: Sequence[str], stop: Sequence[str] = ()
    ) -> Iterator[_Table]:
        """Tables whose header row starts with ``header[0]``; data rows until a row whose
        column A is another known label (``stop``) or a new header."""
        first = _label(header[0])
        stops = {_label(label) for label in stop} | {first}
        table: _Table | None = None
        for row in rows:
            label = _label(row[0].value)
            if label == first:
                if table is not None:
                    yield table
                columns = {_label(c.value): i for i, c in enumerate(row) if _label(c.value)}
                table = _Table(columns)
                for name in header:
                    if _label(name) not in columns:
                        self.problem(row[0], f"見出し「{name}」の列がありません")
                continue
            if label in stops:
                if table is not None:
                    yield table
                table = None
                continue
            if table is not None and any(not _is_blank(cell.value) for cell in row):
                table.rows.append(row)
        if table is not None:
            yield table

    def _initiatives(self, title: str) -> list[Initiative]:
        found: list[Initiative] = []
        for table in self._table(self.rows(title), layout.INITIATIVE_HEADER):
            number_label, title_label, bullet_label = layout.INITIATIVE_HEADER
            for row in table.rows:
                number = self.text(table.cell(row, number_label))
                bullet = self.text(table.cell(row, bullet_label))
                if number.strip():
                    found.append(
                        Initiative(
                            number=number,
                            title=self.text(table.cell(row, title_label)),
                            bullets=[bullet] if bullet else [],
                        )
                    )
                elif found and bullet and not self.text(table.cell(row, title_label)):
                    found[-1].bullets.append(bullet)
                else:
                    self.problem(row[0], f"{number_label}が空欄です")
        return found

    # --- 成果指標 ------------------------------------------------------------------------

    def _blocks(self, rows: list[tuple[Cell, ...]], start: str) -> list[list[tuple[Cell, ...]]]:
        starts = [i for i, row in enumerate(rows) if _label(row[0].value) == _label(start)]
        ends = [*starts[1:], len(rows)]
        return [rows[a:b] for a, b in zip(starts, ends[: len(starts)], strict=True)]

    def _indicators(self) -> list[Indicator]:
        found = []
        for block in self._blocks(self.rows(layout.INDICATORS), layout.INDICATOR_START):
            indicator = self._indicator(block)
            if indicator is not None:
                found.append(indicator)
        return found

    def _indicator(self, block: list[tuple[Cell, ...]]) -> Indicator | None:
        cells = self._key_cells(block, list(layout.INDICATOR_FIELDS))
        fields = {name: cells.get(label) for label, name in layout.INDICATOR_FIELDS.items()}
        stops = [*layout.INDICATOR_FIELDS, layout.TREND_HEADER[0], layout.VALUE_HEADER[0]]
        values_tables = list(self._table(block, layout.VALUE_HEADER, stops))
        trend_tables = list(self._table(block, layout.TREND_HEADER, stops))
        trend_rows = [row for table in trend_tables for row in table.rows]
        has_content = any(
            not _is_blank(cell.value) for cell in fields.values() if cell is not None
        ) or any(self._has_input(row, table) for table in values_tables for row in table.rows)
        if not has_content and not trend_rows:
            return None  # the template's empty block
        start = block[0][1] if len(block[0]) > 1 else block[0][0]
        number = self.required(fields["number"], "指標番号", layout.INDICATORS)
        self.where[("indicators", number)] = f"{layout.INDICATORS}!{start.coordinate}"
        name = self.required(fields["name"], "指標名", layout.INDICATORS)
        direction = self.choice(fields["direction"], "改善方向", _reverse(layout.DIRECTION_LABELS))
        comparison = self.choice(
            fields["comparison"], "目標の判定", _reverse(layout.COMPARISON_LABELS)
        )
        cumulative = self.choice(fields["cumulative"], "目標の期間", _reverse(layout.PERIOD_LABELS))
        period = {
            "start_year": self.year(fields["start_year"], "累計の開始年度"),
            "end_year": self.year(fields["end_year"], "累計の終了年度"),
        }
        achievement = self.choice(
            fields["printed_achievement"], "達成状況", {_label(a.value): a for a in Achievement}
        )
        achievement_year = self.year(fields["printed_achievement_year"], "達成状況の年度")
        spec = {
            key: value
            for key, value in {"comparison": comparison, "cumulative": cumulative, **period}.items()
            if value is not None
        }
        target = self.build(fields["cumulative"] or start, lambda: TargetSpec(**spec))
        values = self._values(values_tables, number)
        trends = self._trends(trend_tables)
        if target is None:
            return None
        indicator: Indicator | None = self.build(
            start,
            lambda: Indicator(
                number=number,
                name=name,
                goal=self.text(fields["goal"]),
                unit=self.text(fields["unit"]),
                **({"direction": direction} if direction is not None else {}),
                target=target,
                values=values,
                target_reason=self.text(fields["target_reason"]),
                analysis=self.text(fields["analysis"]),
                printed_trends=trends,
                printed_achievement=achievement,
                printed_achievement_year=achievement_year,
            ),
        )
        return indicator

    def _has_input(self, row: Sequence[Cell], table: _Table) -> bool:
        wanted = [label for label in layout.VALUE_HEADER if label != "和暦"]
        return any(
            (cell := table.cell(row, label)) is not None and not _is_blank(cell.value)
            for label in wanted
        )

    def _values(self, tables: list[_Table], number: str) -> list[IndicatorValue]:
        year_l, _, kind_l, value_l, upper_l, before_l, after_l, reason_l, noted_l = (
            layout.VALUE_HEADER
        )
        kinds = _reverse(layout.KIND_LABELS)
        found: list[IndicatorValue] = []
        seen: dict[tuple[int, Any], Cell] = {}
        for table in tables:
            for row in table.rows:
                if not self._has_input(row, table):
                    continue
                year_cell = table.cell(row, year_l)
                kind_cell = table.cell(row, kind_l)
                correction_only = (year_cell is None or _is_blank(year_cell.value)) and all(
                    (cell := table.cell(row, label)) is None or _is_blank(cell.value)
                    for label in (kind_l, value_l, upper_l)
                )
                if not correction_only:
                    fiscal_year = self.year(year_cell, "年度")
                    kind = self.choice(kind_cell, "区分", kinds)
                    if year_cell is None or _is_blank(year_cell.value):
                        self.problem(year_cell or row[0], "年度が空欄です")
                    if kind_cell is None or _is_blank(kind_cell.value):
                        self.problem(kind_cell or row[0], "区分(目標・見込・実績)が空欄です")
                    value = self.number(table.cell(row, value_l), "値")
                    upper = self.number(table.cell(row, upper_l), "上限値")
                    if fiscal_year is None or kind is None:
                        continue
                    if (fiscal_year, kind) in seen:
                        self.problem(
                            year_cell,
                            f"指標{number}の{fiscal_year}年度の{layout.KIND_LABELS[kind]}が重複しています"
                            f"({seen[(fiscal_year, kind)].coordinate}行と同じ)",
                        )
                        continue
                    assert year_cell is not None
                    seen[(fiscal_year, kind)] = year_cell
                    found.append(
                        IndicatorValue(fiscal_year=fiscal_year, kind=kind, value=value, upper=upper)
                    )
                correction = self._correction(table, row, before_l, after_l, reason_l, noted_l)
                if correction is not None:
                    if found:
                        found[-1].corrections.append(correction)
                    else:
                        self.problem(row[0], "修正の対象となる年度・区分の行がありません")
        return found

    def _correction(self, table: _Table, row: Sequence[Cell], *labels: str) -> Correction | None:
        before_l, after_l = labels[:2]
        cells = [table.cell(row, label) for label in labels]
        if all(cell is None or _is_blank(cell.value) for cell in cells):
            return None
        before = self.number(cells[0], before_l)
        after = self.number(cells[1], after_l)
        for cell, label, value in ((cells[0], before_l, before), (cells[1], after_l, after)):
            if value is None and (cell is None or _is_blank(cell.value)):
                self.problem(cell or row[0], f"{label}が空欄です")
        if before is None or after is None:
            return None
        return Correction(
            before=before,
            after=after,
            reason=self.text(cells[2]),
            noted_in=self.text(cells[3]),
        )

    def _trends(self, tables: list[_Table]) -> dict[int, Trend]:
        year_l, _, trend_l = layout.TREND_HEADER
        found: dict[int, Trend] = {}
        for table in tables:
            for row in table.rows:
                year_cell, trend_cell = table.cell(row, year_l), table.cell(row, trend_l)
                if trend_cell is None or _is_blank(trend_cell.value):
                    if year_cell is not None and not _is_blank(year_cell.value):
                        self.problem(trend_cell or row[0], "推移が空欄です")
                    continue
                fiscal_year = self.year(year_cell, "推移の年度")
                trend = self.choice(trend_cell, "推移", {_label(t.value): t for t in Trend})
                if year_cell is None or _is_blank(year_cell.value):
                    self.problem(year_cell or row[0], "推移の年度が空欄です")
                if fiscal_year is None or trend is None:
                    continue
                if fiscal_year in found:
                    self.problem(year_cell, f"推移の年度 {fiscal_year} が重複しています")
                    continue
                found[fiscal_year] = trend
        return found

    # --- 計画 ----------------------------------------------------------------------------

    def _plan(self) -> list[PlanLink]:
        links: list[PlanLink] = []
        code_l, name_l, goal_l, main_l, unit_l = layout.PLAN_HEADER_START
        for table in self._table(self.rows(layout.PLAN), layout.PLAN_HEADER_START):
            pairs = 0
            while _label(layout.plan_recent_labels(pairs + 1)[0]) in table.columns:
                pairs += 1
            for row in table.rows:
                code = self.text(table.cell(row, code_l))
                if code.strip():
                    links.append(
                        PlanLink(policy_code=code, policy_name=self.text(table.cell(row, name_l)))
                    )
                elif not links:
                    self.problem(table.cell(row, code_l) or row[0], "施策分野コードが空欄です")
                    continue
                recent = [
                    self._year_value(table, row, *layout.plan_recent_labels(index))
                    for index in range(1, pairs + 1)
                ]
                target = self._year_value(table, row, *layout.PLAN_TARGET)
                name_cell = table.cell(row, goal_l)
                main = self.choice(
                    table.cell(row, main_l), "主な目標", {_label(layout.MAIN_MARK): True}
                )
                unit = self.text(table.cell(row, unit_l))
                if _is_blank(name_cell.value if name_cell else None):
                    if any(item is not None for item in recent) or target or main or unit:
                        self.problem(name_cell or row[0], "達成目標が空欄です")
                    continue
                links[-1].goals.append(
                    PlanGoal(
                        name=self.text(name_cell),
                        main=bool(main),
                        unit=unit,
                        recent=[item for item in recent if item is not None],
                        target=target,
                    )
                )
        return links

    def _year_value(
        self, table: _Table, row: Sequence[Cell], year_label: str, value_label: str
    ) -> YearValue | None:
        year_cell, value_cell = table.cell(row, year_label), table.cell(row, value_label)
        fiscal_year = self.year(year_cell, year_label)
        value = self.number(value_cell, value_label, no_value=True)
        if fiscal_year is None and value is None:
            return None
        return YearValue(fiscal_year=fiscal_year, value=None if value is _NO_VALUE else value)

    # --- 事業コスト ----------------------------------------------------------------------

    def _costs(self) -> list[CostRow]:
        rows: list[CostRow] = []
        header = [*layout.COST_HEADER_YEAR, *layout.COST_FIELDS]
        seen: dict[int, Cell] = {}
        for table in self._table(self.rows(layout.COSTS), header):
            for row in table.rows:
                year_cell = table.cell(row, layout.COST_HEADER_YEAR[0])
                figures = {}
                for label, name in layout.COST_FIELDS.items():
                    cell = table.cell(row, label)
                    figures[name] = (
                        self.number(cell, label) if name == "staff" else self.integer(cell, label)
                    )
                if year_cell is None or _is_blank(year_cell.value):
                    if any(value is not None for value in figures.values()):
                        self.problem(year_cell or row[0], "年度が空欄です")
                    continue
                fiscal_year = self.year(year_cell, "年度")
                if fiscal_year is None:
                    continue
                if fiscal_year in seen:
                    self.problem(
                        year_cell,
                        f"{fiscal_year}年度の行が重複しています({seen[fiscal_year].coordinate}と同じ)",
                    )
                    continue
                seen[fiscal_year] = year_cell
                self.where[("costs", fiscal_year)] = f"{layout.COSTS}!{year_cell.coordinate}"
                for label, name in layout.COST_FIELDS.items():
                    cell = table.cell(row, label)
                    if cell is not None:
                        self.where[("costs", fiscal_year, name)] = (
                            f"{layout.COSTS}!{cell.coordinate}"
                        )
                rows.append(CostRow(fiscal_year=fiscal_year, **figures))
        return rows

    # --- 細事業 --------------------------------------------------------------------------

    def _sub_projects(self) -> list[SubProject]:
        found = []
        for block in self._blocks(self.rows(layout.SUB_PROJECTS), layout.SUB_PROJECT_START):
            project = self._sub_project(block)
            if project is not None:
                found.append(project)
        return found

    def _sub_project(self, block: list[tuple[Cell, ...]]) -> SubProject | None:
        cells = self._key_cells(block, [layout.SUB_PROJECT_START, layout.SUB_PROJECT_NAME])
        stops = [
            layout.SUB_PROJECT_START,
            layout.SUB_PROJECT_NAME,
            layout.SETTLEMENT_HEADER[0],
            layout.COMPONENT_HEADER[0],
        ]
        settlement_tables = list(self._table(block, layout.SETTLEMENT_HEADER, stops))
        component_tables = list(self._table(block, layout.COMPONENT_HEADER, stops))
        number_cell = cells.get(layout.SUB_PROJECT_START)
        name_cell = cells.get(layout.SUB_PROJECT_NAME)
        component_rows = [row for table in component_tables for row in table.rows]
        settlements = self._settlements(settlement_tables)
        if (
            all(cell is None or _is_blank(cell.value) for cell in (number_cell, name_cell))
            and not component_rows
            and all(value is None for value in settlements.values())
        ):
            return None  # the template's empty block
        number = self.integer(number_cell, layout.SUB_PROJECT_START)
        if number_cell is None or _is_blank(number_cell.value):
            self.problem(number_cell or block[0][0], f"{layout.SUB_PROJECT_START}が空欄です")
        name = self.text(name_cell)  # the text importer may leave it empty
        components = self._components(component_tables)
        if not isinstance(number, int):
            return None
        return SubProject(number=number, name=name, settlements=settlements, components=components)

    def _settlements(self, tables: list[_Table]) -> dict[int, int | None]:
        year_l, _, amount_l = layout.SETTLEMENT_HEADER
        found: dict[int, int | None] = {}
        for table in tables:
            for row in table.rows:
                year_cell, amount_cell = table.cell(row, year_l), table.cell(row, amount_l)
                amount = self.integer(amount_cell, "決算額", no_value=True)
                if year_cell is None or _is_blank(year_cell.value):
                    if amount is not None:
                        self.problem(year_cell or row[0], "決算額の年度が空欄です")
                    continue
                fiscal_year = self.year(year_cell, "決算額の年度")
                if fiscal_year is None:
                    continue
                if fiscal_year in found:
                    self.problem(year_cell, f"決算額の年度 {fiscal_year} が重複しています")
                    continue
                found[fiscal_year] = amount if isinstance(amount, int) else None
        return found

    def _components(self, tables: list[_Table]) -> list[Component]:
        header = layout.COMPONENT_HEADER
        number_l, name_l = header[0], header[1]
        method_labels = header[2 : 2 + layout.METHOD_COLUMNS]
        description_l, output_l, q_label_l, q_value_l, q_unit_l = header[
            2 + layout.METHOD_COLUMNS :
        ]
        methods = {_label(m.value): m for m in Method}
        found: list[Component] = []
        for table in tables:
            for row in table.rows:
                number_cell = table.cell(row, number_l)
                quantity = self._quantity(table, row, q_label_l, q_value_l, q_unit_l)
                if number_cell is None or _is_blank(number_cell.value):
                    others = [name_l, *method_labels, description_l, output_l]
                    if (
                        any(
                            (cell := table.cell(row, label)) is not None
                            and not _is_blank(cell.value)
                            for label in others
                        )
                        or not found
                    ):
                        self.problem(number_cell or row[0], f"{number_l}が空欄です")
                    elif quantity is not None:
                        found[-1].quantities.append(quantity)
                    continue
                number = self.integer(number_cell, number_l)
                chosen = [
                    method
                    for label in method_labels
                    if (method := self.choice(table.cell(row, label), "実施方法", methods))
                ]
                if not isinstance(number, int):
                    continue
                found.append(
                    Component(
                        number=number,
                        name=self.text(table.cell(row, name_l)),
                        methods=chosen,
                        description=self.text(table.cell(row, description_l)),
                        output=self.text(table.cell(row, output_l)),
                        quantities=[quantity] if quantity is not None else [],
                    )
                )
        return found

    def _quantity(self, table: _Table, row: Sequence[Cell], *labels: str) -> Quantity | None:
        label_cell, value_cell, unit_cell = (table.cell(row, label) for label in labels)
        if all(
            cell is None or _is_blank(cell.value) for cell in (label_cell, value_cell, unit_cell)
        ):
            return None
        value = self.number(value_cell, labels[1])
        if value is None:
            if value_cell is None or _is_blank(value_cell.value):
                self.problem(value_cell or row[0], f"{labels[1]}が空欄です")
            return None
        return Quantity(label=self.text(label_cell), value=value, unit=self.text(unit_cell))

    # --- arithmetic ----------------------------------------------------------------------

    def _check_rules(self, sheet: Sheet) -> None:
        """Errors of the rules (e.g. 合計 ≠ 前年度繰越＋当初予算＋補正予算等) fail the import."""
        for finding in check_sheet(sheet):
            if finding.severity is not Severity.ERROR:
                continue
            self.problem(self._place(finding.location.path), finding.message)

    def _place(self, path: tuple[str | int, ...]) -> str:
        for end in range(len(path), 0, -1):
            if (found := self.where.get(path[:end])) is not None:
                return found
        sections = {"costs": layout.COSTS, "sub_projects": layout.SUB_PROJECTS}
        return sections.get(str(path[0]), layout.INDICATORS) if path else layout.BASIC


def _reverse(labels: dict[T, str]) -> dict[str, T]:
    return {_label(text): key for key, text in labels.items()}


def _shown(value: object) -> str:
    """A cell's value as a message quotes it: at most 40 characters."""
    if isinstance(value, int) and value.bit_length() > 128:
        # str() of an int past 4,300 digits raises; the length is what matters here.
        return f"約{round(value.bit_length() * 0.30103)}桁の整数"
    text = repr(value) if isinstance(value, str | float) else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)}文字)"


def _format_places(number_format: str) -> int:
    """Decimals a number format shows (0.0 → 1): Excel drops a float's trailing zeros."""
    section = number_format.split(";")[0]
    match = re.search(r"\.(0+)", section)
    return len(match.group(1)) if match else 0
