"""The sheet as an Excel workbook in the 事業改善シート's own layout: what staff fill in.

One worksheet per part of the sheet (基本情報, 現状と目的, 取組, 成果指標, 計画, 事業コスト,
取組実績, 今後の方向性, 細事業) and a hidden ``_meta`` sheet with the format version.
``hyoka.importers.workbook`` reads such a workbook back; both follow the labels defined
here, so the layout has one definition. Labels sit in column A (key/value rows and table
header rows); the importer finds blocks and columns by these labels, never by position.

Numbers are plain numeric cells: fiscal years as Western years (an era formula beside
them shows 令和5年度), money in 千円 with ``#,##0;△#,##0``, indicator figures with as
many decimals as they carry (4.0 stays 4.0). ``ー`` in a number cell means "printed as no
value" where the model distinguishes that from an absent figure.

>>> from tests.sheets import sample_sheet  # doctest: +SKIP
>>> Path("07-01-01.xlsx").write_bytes(sheet_workbook(sample_sheet()))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hyoka import display
from hyoka.display import (
    EXCEL_BLANK_DECIMAL_FORMAT,
    EXCEL_MONEY_FORMAT,
    MISSING,
    TREND_LABELS,
    VALUE_KIND_LABELS,
    excel_decimal_format,
)
from hyoka.model import (
    Achievement,
    Comparison,
    CostRow,
    Direction,
    Initiative,
    Method,
    Sheet,
    SheetKind,
    Stage,
    Trend,
    ValueKind,
    YearValue,
)

FORMAT_NAME = "hyoka 事業改善シート"
FORMAT_VERSION = 1

YEAR_FORMAT = "0"
MAIN_MARK = "★"

# Worksheet names, in the order of the printed sheet.
BASIC = "基本情報"
SITUATION = "現状と目的"
INITIATIVES = "取組"
INDICATORS = "成果指標"
PLAN = "計画"
COSTS = "事業コスト"
RESULTS = "取組実績"
FUTURE = "今後の方向性"
SUB_PROJECTS = "細事業"
META = "_meta"
META_REVISION = "B3"  # the stored revision a downloaded sheet was written from
META_REVISION_LABEL = "A3"
WORKSHEETS = (BASIC, SITUATION, INITIATIVES, INDICATORS, PLAN, COSTS, RESULTS, FUTURE, SUB_PROJECTS)

# 基本情報: label -> Header field (source_url is the Sheet's).
BASIC_FIELDS: dict[str, str] = {
    "事業番号": "program_number",
    "事業名": "program_name",
    "部局": "department",
    "課・室": "section",
    "実施期間（開始年度）": "start_year",
    "実施期間（終了年度）": "end_year",
    "連絡先（E-mail）": "email",
    "年度": "fiscal_year",
    "段階": "stage",
    "出典URL": "source_url",
}
BASIC_YEARS = frozenset({"start_year", "end_year", "fiscal_year"})
BASIC_REQUIRED = frozenset({"program_number", "program_name", "department", "section"}) | {
    "fiscal_year",
    "stage",
}

# 現状と目的 and 今後の方向性: section labels; items follow in column B.
SITUATION_LABEL = "1 現状と課題"
PURPOSE_LABEL = "2 事業目的"
ISSUES_LABEL = "(1) 課題"
MEASURES_LABEL = "(2) 改善策"

# 取組 / 取組実績
INITIATIVE_HEADER = ("番号", "取組", "内容")

# 成果指標: a block per indicator, starting at the row labelled 指標番号.
INDICATOR_START = "指標番号"
INDICATOR_FIELDS: dict[str, str] = {
    INDICATOR_START: "number",
    "指標名": "name",
    "単位": "unit",
    "改善方向": "direction",
    "目標の判定": "comparison",
    "目標の期間": "cumulative",
    "累計の開始年度": "start_year",
    "累計の終了年度": "end_year",
    "達成状況（記載）": "printed_achievement",
    "達成状況の年度": "printed_achievement_year",
    "目標値設定理由": "target_reason",
    "要因分析": "analysis",
    "成果目標": "goal",
}
VALUE_HEADER = (
    "年度",
    "和暦",
    "区分",
    "値",
    "上限値（範囲）",
    "修正前",
    "修正後",
    "修正理由",
    "誤りを記載したシート",
)
TREND_HEADER = ("推移の年度", "和暦", "推移（記載）")

# The choices of the drop-down cells, keyed by the model's members (the importer reverses them).
KIND_LABELS = {ValueKind(kind): label for kind, label in VALUE_KIND_LABELS.items()}
DIRECTION_LABELS = {Direction(key): label for key, label in display.DIRECTION_LABELS.items()}
COMPARISON_LABELS = {Comparison(key): label for key, label in display.COMPARISON_LABELS.items()}
PERIOD_LABELS = {False: "単年度", True: "累計"}

# 計画: one row per goal; a link's code and name on its first row.
PLAN_HEADER_START = ("施策分野コード", "施策分野名", "達成目標", "主な目標", "単位")
PLAN_TARGET = ("目標年度", "目標値")
PLAN_RECENT_COLUMNS = 3  # 直近３か年; more pairs are added when a goal has more


def plan_recent_labels(index: int) -> tuple[str, str]:
    return (f"直近の年度{index}", f"直近の値{index}")


# 事業コスト: label -> CostRow field, in printed order.
COST_HEADER_YEAR = ("年度", "和暦")
COST_FIELDS: dict[str, str] = {
    label: name for name, label in display.COST_LABELS_WITH_UNITS.items()
}

# 細事業: a block per sub-project, starting at the row labelled 細事業番号.
SUB_PROJECT_START = "細事業番号"
SUB_PROJECT_NAME = "細事業名"
SETTLEMENT_HEADER = ("決算額の年度", "和暦", "決算額（千円）")
METHOD_COLUMNS = 4
COMPONENT_HEADER = (
    "取組番号",
    "取組名",
    *(f"実施方法{index}" for index in range(1, METHOD_COLUMNS + 1)),
    "内容（上段）",
    "成果（下段）",
    "数量の項目",
    "数量",
    "数量の単位",
)

_TITLE_FONT = Font(bold=True, size=13)
_LABEL_FONT = Font(bold=True)
_LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


class WorkbookError(ValueError):
    """The sheet cannot be written in this layout."""


def sheet_workbook(sheet: Sheet, *, revision: int | None = None) -> bytes:
    """The sheet as an xlsx file (bytes) in the 事業改善シート layout.

    ``revision``, the stored version the sheet is, goes to the meta worksheet
    (``_meta!B3``): a re-upload of the workbook is refused when the sheet changed since.
    Only prefecture sheets have this layout; a national sheet raises ``WorkbookError``.
    """
    if sheet.header.kind is not SheetKind.PREFECTURE:
        raise WorkbookError("国の行政事業レビューシートはこの様式で書き出せません")
    return _WorkbookWriter().write(sheet, revision=revision)


def blank_workbook(*, fiscal_year: int | None = None, stage: Stage | None = None) -> bytes:
    """An empty workbook for a new sheet: labels, one empty block of each kind, cost rows
    for the fiscal year and the two before it when ``fiscal_year`` is given."""
    return _WorkbookWriter().write(None, fiscal_year=fiscal_year, stage=stage)


def workbook_name(sheet: Sheet) -> str:
    """File name from the sheet's key: ``07-01-01_2023_点検.xlsx``."""
    number = "-".join(sheet.header.program_number.split())
    return f"{number}_{sheet.header.fiscal_year}_{sheet.header.stage.value}.xlsx"


def select_sheets(
    sheets: Iterable[Sheet],
    *,
    program: str | None = None,
    year: int | None = None,
    stage: Stage | None = None,
) -> list[Sheet]:
    """The prefecture sheets matching 事業番号 (spaces as printed or not), year and stage."""
    number = " ".join(program.split()) if program else None
    return [
        sheet
        for sheet in sheets
        if sheet.header.kind is SheetKind.PREFECTURE
        and (number is None or sheet.header.program_number == number)
        and (year is None or sheet.header.fiscal_year == year)
        and (stage is None or sheet.header.stage is stage)
    ]


def write_workbooks(sheets: Sequence[Sheet], output: Path) -> list[Path]:
    """Write one workbook per sheet into the folder ``output`` (named by ``workbook_name``),
    or into the file ``output`` when it ends in .xlsx and there is exactly one sheet."""
    if not sheets:
        raise WorkbookError(
            "書き出すシートがありません(--program/--year/--stage を確かめてください)"
        )
    if output.suffix.lower() == ".xlsx":
        if len(sheets) != 1:
            raise WorkbookError(
                f"{len(sheets)}件のシートが該当します: -o にフォルダーを指定するか、"
                "--program/--year/--stage で1件に絞ってください"
            )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(sheet_workbook(sheets[0]))
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = output / workbook_name(sheet)
        path.write_bytes(sheet_workbook(sheet))
        written.append(path)
    return written


def era_formula(address: str) -> str:
    """An Excel formula showing the year in ``address`` with its era (令和5年度)."""
    a = address
    eras = (("令和", 2019), ("平成", 1989), ("昭和", 1926), ("大正", 1912))
    expression = f'{a}&""'
    for name, first in reversed(eras):
        expression = f'IF({a}>={first},"{name}"&IF({a}={first},"元",{a}-{first - 1}),{expression})'
    return f'=IF(ISNUMBER({a}),{expression}&"年度","")'


def decimal_cell(value: Decimal) -> int | float:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


class _WorkbookWriter:
    def __init__(self) -> None:
        self.book = Workbook()
        self.lists: dict[tuple[str, str], DataValidation] = {}

    def write(
        self,
        sheet: Sheet | None,
        *,
        fiscal_year: int | None = None,
        stage: Stage | None = None,
        revision: int | None = None,
    ) -> bytes:
        first = self.book.active
        assert first is not None
        self.book.remove(first)
        year = sheet.header.fiscal_year if sheet else fiscal_year
        self._basic(sheet, fiscal_year, stage)
        self._situation(sheet)
        self._initiatives(
            INITIATIVES, "3 事業目的を達成するための取組", sheet.initiatives if sheet else None
        )
        self._indicators(sheet)
        self._plan(sheet)
        self._costs(sheet.costs if sheet else None, year)
        self._initiatives(RESULTS, "7 主な取組実績と成果", sheet.results if sheet else None)
        self._future(sheet)
        self._sub_projects(sheet, year)
        self._meta(revision)
        if sheet is not None:
            self.book.properties.title = (
                f"{sheet.header.program_number} {sheet.header.program_name}"
            )
        self.book.properties.creator = "hyoka"
        buffer = BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    # --- cells -------------------------------------------------------------------------------

    def _new(self, title: str, heading: str, widths: Sequence[float]) -> Worksheet:
        ws = self.book.create_sheet(title)
        ws["A1"] = heading
        ws["A1"].font = _TITLE_FONT
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        ws.freeze_panes = "A3"
        return ws

    def _label(self, ws: Worksheet, row: int, column: int, text: str) -> None:
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = _LABEL_FONT
        cell.fill = _LABEL_FILL
        cell.alignment = _WRAP

    def _header(self, ws: Worksheet, row: int, labels: Sequence[str]) -> None:
        for column, text in enumerate(labels, start=1):
            self._label(ws, row, column, text)

    def _text(self, ws: Worksheet, row: int, column: int, value: str | None) -> None:
        cell = ws.cell(row=row, column=column)
        cell.number_format = "@"  # keep 07 01 01 and the like as typed
        cell.alignment = _WRAP
        if value:
            cell.value = value
            cell.data_type = "s"  # a text starting with = is text, not a formula

    def _year(self, ws: Worksheet, row: int, column: int, value: int | None, *, era: bool) -> None:
        cell = ws.cell(row=row, column=column, value=value)
        cell.number_format = YEAR_FORMAT
        if era:
            ws.cell(row=row, column=column + 1, value=era_formula(cell.coordinate))

    def _money(self, ws: Worksheet, row: int, column: int, value: int | None) -> None:
        cell = ws.cell(row=row, column=column, value=value)
        cell.number_format = EXCEL_MONEY_FORMAT

    def _decimal(
        self, ws: Worksheet, row: int, column: int, value: Decimal | None, *, mark: bool = False
    ) -> None:
        cell = ws.cell(row=row, column=column)
        if value is None:
            cell.number_format = EXCEL_BLANK_DECIMAL_FORMAT
            if mark:
                cell.value = MISSING
            return
        cell.value = decimal_cell(value)
        cell.number_format = excel_decimal_format(value)

    def _choice(
        self, ws: Worksheet, row: int, column: int, value: str | None, choices: Sequence[str]
    ) -> None:
        cell = ws.cell(row=row, column=column, value=value or None)
        key = (ws.title, ",".join(choices))
        validation = self.lists.get(key)
        if validation is None:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
            )
            validation.error = "一覧から選んでください: " + "・".join(choices)
            validation.errorTitle = "入力できない値です"
            validation.showErrorMessage = True
            ws.add_data_validation(validation)
            self.lists[key] = validation
        validation.add(cell.coordinate)

    # --- worksheets --------------------------------------------------------------------------

    def _basic(self, sheet: Sheet | None, fiscal_year: int | None, stage: Stage | None) -> None:
        ws = self._new(BASIC, "事業改善シート 基本情報", (22, 60, 16))
        header: dict[str, Any] = (
            sheet.header.model_dump() if sheet else {"fiscal_year": fiscal_year, "stage": stage}
        )
        if sheet:
            header["source_url"] = sheet.source_url
        for row, (label, field) in enumerate(BASIC_FIELDS.items(), start=3):
            self._label(ws, row, 1, label)
            value = header.get(field)
            if field in BASIC_YEARS:
                self._year(ws, row, 2, value, era=True)
            elif field == "stage":
                self._choice(ws, row, 2, value.value if value else None, [s.value for s in Stage])
            else:
                self._text(ws, row, 2, value)

    def _list_section(self, ws: Worksheet, row: int, label: str, items: Sequence[str]) -> int:
        self._label(ws, row, 1, label)
        for item in items or [""]:
            row += 1
            self._text(ws, row, 2, item)
        return row + 2

    def _situation(self, sheet: Sheet | None) -> None:
        ws = self._new(SITUATION, "1 現状と課題・2 事業目的", (16, 110))
        row = self._list_section(ws, 3, SITUATION_LABEL, sheet.situation if sheet else [])
        self._list_section(
            ws, row, PURPOSE_LABEL, [sheet.purpose] if sheet and sheet.purpose else []
        )

    def _future(self, sheet: Sheet | None) -> None:
        ws = self._new(FUTURE, "9 今後の事業の方向性", (16, 110))
        row = self._list_section(ws, 3, ISSUES_LABEL, sheet.future.issues if sheet else [])
        self._list_section(ws, row, MEASURES_LABEL, sheet.future.measures if sheet else [])

    def _initiatives(self, title: str, heading: str, items: list[Initiative] | None) -> None:
        ws = self._new(title, heading, (8, 40, 100))
        self._header(ws, 3, INITIATIVE_HEADER)
        ws.freeze_panes = "A4"
        row = 4
        for item in items if items is not None else [Initiative(number="", title="")]:
            self._text(ws, row, 1, item.number)
            self._text(ws, row, 2, item.title)
            for index, bullet in enumerate(item.bullets or [""]):
                if index:
                    row += 1
                self._text(ws, row, 3, bullet)
            row += 1

    def _indicators(self, sheet: Sheet | None) -> None:
        ws = self._new(INDICATORS, "4 成果指標・8 要因分析", (18, 14, 10, 14, 14, 12, 12, 40, 30))
        legend = " ".join(f"{arrow} {meaning}" for arrow, meaning in TREND_LABELS.items())
        ws["A2"] = f"推移: {legend}　区分: {'・'.join(VALUE_KIND_LABELS.values())}"
        row = 3
        for indicator in sheet.indicators if sheet else [None]:
            values = indicator.model_dump() if indicator else {}
            target = indicator.target if indicator else None
            for label, field in INDICATOR_FIELDS.items():
                self._label(ws, row, 1, label)
                match field:
                    case "direction":
                        direction = indicator.direction if indicator else None
                        self._choice(
                            ws,
                            row,
                            2,
                            DIRECTION_LABELS.get(direction) if direction else None,
                            list(DIRECTION_LABELS.values()),
                        )
                    case "comparison":
                        label_value = COMPARISON_LABELS[target.comparison] if target else None
                        self._choice(ws, row, 2, label_value, list(COMPARISON_LABELS.values()))
                    case "cumulative":
                        label_value = PERIOD_LABELS[target.cumulative] if target else None
                        self._choice(ws, row, 2, label_value, list(PERIOD_LABELS.values()))
                    case "start_year" | "end_year":
                        self._year(ws, row, 2, getattr(target, field) if target else None, era=True)
                    case "printed_achievement_year":
                        self._year(
                            ws,
                            row,
                            2,
                            indicator.printed_achievement_year if indicator else None,
                            era=True,
                        )
                    case "printed_achievement":
                        found = indicator.printed_achievement if indicator else None
                        self._choice(
                            ws,
                            row,
                            2,
                            found.value if found else None,
                            [a.value for a in Achievement],
                        )
                    case _:
                        self._text(ws, row, 2, values.get(field))
                row += 1
            self._header(ws, row, VALUE_HEADER)
            row += 1
            for value in indicator.values if indicator else []:
                self._year(ws, row, 1, value.fiscal_year, era=True)
                self._choice(ws, row, 3, KIND_LABELS[value.kind], list(KIND_LABELS.values()))
                self._decimal(ws, row, 4, value.value)
                self._decimal(ws, row, 5, value.upper)
                for index, correction in enumerate(value.corrections):
                    if index:
                        row += 1
                    self._decimal(ws, row, 6, correction.before)
                    self._decimal(ws, row, 7, correction.after)
                    self._text(ws, row, 8, correction.reason)
                    self._text(ws, row, 9, correction.noted_in)
                row += 1
            if indicator is None:
                for _ in range(3):
                    self._year(ws, row, 1, None, era=True)
                    self._choice(ws, row, 3, None, list(KIND_LABELS.values()))
                    row += 1
            self._header(ws, row, TREND_HEADER)
            row += 1
            trends = indicator.printed_trends.items() if indicator else [(None, None)]
            for fiscal_year, trend in trends:
                self._year(ws, row, 1, fiscal_year, era=True)
                self._choice(ws, row, 3, trend.value if trend else None, [t.value for t in Trend])
                row += 1
            row += 1

    def _plan(self, sheet: Sheet | None) -> None:
        links = sheet.plan_links if sheet else []
        pairs = max(
            [PLAN_RECENT_COLUMNS, *(len(goal.recent) for link in links for goal in link.goals)]
        )
        header = [*PLAN_HEADER_START]
        for index in range(1, pairs + 1):
            header += plan_recent_labels(index)
        header += PLAN_TARGET
        widths = (14, 30, 50, 8, 8, *([10, 10] * (pairs + 1)))
        ws = self._new(PLAN, "5 総合５か年計画（しあわせ信州創造プラン）との関連", widths)
        self._header(ws, 3, header)
        ws.freeze_panes = "A4"
        row = 4
        for link in links:
            self._text(ws, row, 1, link.policy_code)
            self._text(ws, row, 2, link.policy_name)
            for goal in link.goals:
                self._text(ws, row, 3, goal.name)
                self._choice(ws, row, 4, MAIN_MARK if goal.main else None, [MAIN_MARK])
                self._text(ws, row, 5, goal.unit)
                for index, pair in enumerate(goal.recent):
                    self._year_value(ws, row, 6 + 2 * index, pair)
                self._year_value(ws, row, 6 + 2 * pairs, goal.target)
                row += 1
            if not link.goals:
                row += 1
        if not links:
            self._choice(ws, row, 4, None, [MAIN_MARK])

    def _year_value(self, ws: Worksheet, row: int, column: int, pair: YearValue | None) -> None:
        if pair is None:
            return
        self._year(ws, row, column, pair.fiscal_year, era=False)
        # Both blank would read as no pair at all: mark the printed no-value.
        self._decimal(ws, row, column + 1, pair.value, mark=pair.fiscal_year is None)

    def _costs(self, costs: list[CostRow] | None, fiscal_year: int | None) -> None:
        ws = self._new(COSTS, "6 事業コスト", (10, 12, *([14] * len(COST_FIELDS))))
        ws["A2"] = (
            "単位: 千円（職員数は人）　△はマイナス　合計（予算現額）＝前年度繰越＋当初予算＋補正予算等"
        )
        self._header(ws, 3, [*COST_HEADER_YEAR, *COST_FIELDS])
        ws.freeze_panes = "C4"
        if costs is None:
            years = [fiscal_year - offset for offset in range(3)] if fiscal_year else [None] * 3
            costs_rows: list[CostRow | int | None] = list(years)
        else:
            costs_rows = list(costs)
        for row, item in enumerate(costs_rows, start=4):
            cost = item if isinstance(item, CostRow) else None
            self._year(ws, row, 1, cost.fiscal_year if cost else item, era=True)  # type: ignore[arg-type]
            for column, field in enumerate(COST_FIELDS.values(), start=3):
                figure = getattr(cost, field) if cost else None
                if field == "staff":
                    self._decimal(ws, row, column, figure)
                else:
                    self._money(ws, row, column, figure)

    def _sub_projects(self, sheet: Sheet | None, fiscal_year: int | None) -> None:
        widths = (14, 30, 9, 9, 9, 9, 50, 50, 20, 10, 8)
        ws = self._new(SUB_PROJECTS, "細事業一覧", widths)
        methods = [method.value for method in Method]
        row = 3
        for project in sheet.sub_projects if sheet else [None]:
            self._label(ws, row, 1, SUB_PROJECT_START)
            cell = ws.cell(row=row, column=2, value=project.number if project else None)
            cell.number_format = "0"
            self._label(ws, row + 1, 1, SUB_PROJECT_NAME)
            self._text(ws, row + 1, 2, project.name if project else None)
            row += 2
            self._header(ws, row, SETTLEMENT_HEADER)
            row += 1
            if project is not None:
                settlements = list(project.settlements.items())
            else:
                years = [fiscal_year - 2 + offset for offset in range(3)] if fiscal_year else []
                settlements = [(year, None) for year in years]
            for year, amount in settlements:
                self._year(ws, row, 1, year, era=True)
                self._money(ws, row, 3, amount)
                if amount is None and project is not None:
                    ws.cell(row=row, column=3, value=MISSING)
                row += 1
            self._header(ws, row, COMPONENT_HEADER)
            row += 1
            for component in project.components if project else [None]:
                ws.cell(row=row, column=1, value=component.number if component else None)
                self._text(ws, row, 2, component.name if component else None)
                for index in range(METHOD_COLUMNS):
                    found = (
                        component.methods[index].value
                        if component and index < len(component.methods)
                        else None
                    )
                    self._choice(ws, row, 3 + index, found, methods)
                self._text(ws, row, 7, component.description if component else None)
                self._text(ws, row, 8, component.output if component else None)
                for index, quantity in enumerate(component.quantities if component else []):
                    if index:
                        row += 1
                    self._text(ws, row, 9, quantity.label)
                    self._decimal(ws, row, 10, quantity.value)
                    self._text(ws, row, 11, quantity.unit)
                row += 1
            row += 1

    def _meta(self, revision: int | None) -> None:
        ws = self.book.create_sheet(META)
        ws["A1"], ws["B1"] = "様式", FORMAT_NAME
        ws["A2"], ws["B2"] = "様式の版", FORMAT_VERSION
        if revision is not None:
            ws[META_REVISION_LABEL], ws[META_REVISION] = "シートの版", revision
        ws.sheet_state = "hidden"
        ws.protection.sheet = True
