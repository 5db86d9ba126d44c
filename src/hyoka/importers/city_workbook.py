"""Read a municipality's 事務事業評価 workbook (大船渡市's layout): one 事務事業 a row.

The workbook is one wide worksheet: a helper row, then the header row (事務事業ID,
事務事業名, 政策名, …, six blocks of 国庫支出金 … ⑦成果指標ス, the 評価 and the
comments), then one row per program. The layout is recognised by its header row
(:func:`find_layout`), never by its values, and every column is found by its header
label, so inserted or reordered columns move nothing. The cost-and-indicator blocks
repeat the same labels; the k-th block of n is the fiscal year 年度 − n + k, the last
one (the sheet's own year) being the plan (計画), the others actuals (実績).

:func:`read_city_workbook` streams the rows (openpyxl read-only): each row becomes a
:class:`CityRow` (its :class:`~hyoka.model.Sheet`, with warnings for figures it could not
read and left empty) or a :class:`BadRecord` naming the row, the
column and the reason in Japanese; a bad row is skipped whole.

Example::

    for item in read_city_workbook(Path("report.xlsx")):
        ...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from hyoka.eras import parse_fiscal_year, to_western
from hyoka.importers.errors import BadRecord, ImportFailed, Problem
from hyoka.importers.limits import MAX_WORKBOOK_BYTES, check_size, check_workbook_zip
from hyoka.model import (
    Header,
    Indicator,
    IndicatorValue,
    MoneyUnit,
    MunicipalCost,
    MunicipalDetails,
    PlanLevel,
    Review,
    ReviewRating,
    Sheet,
    SheetKind,
    Stage,
    ValueKind,
)
from hyoka.numbers import FigureError, bounded, from_number

MUNICIPALITY = "大船渡市"
"""Whose layout this is: the header row below is 大船渡市's 事務事業評価シート."""

MONEY_UNIT = MoneyUnit.THOUSAND_YEN
"""The sheet's 総投入量 is printed in 千円 (人件費計 = 延べ業務時間 × 4 千円 on every row)."""

HEADER_SCAN_ROWS = 5
"""The header row is looked for among the first rows (row 1 holds helper text)."""

# Labels (NFKC, without spaces) that make a row the header of this layout.
_REQUIRED = ("事務事業ID", "事務事業名", "基本事業ID", "政策名", "施策名", "基本事業名", "部課名")
_BLOCK_START = "国庫支出金"
_BLOCK_FIELDS = {
    "国庫支出金": "national_subsidy",
    "都道府県支出金": "prefectural_subsidy",
    "地方債": "local_bond",
    "その他": "other",
    "一般財源": "general_revenue",
    "事業費計(A)": "project_cost",
    "正規職員従事人数": "regular_staff",
    "延べ業務時間": "work_hours",
    "人件費計(B)": "personnel_cost",
    "トータルコスト(A)+(B)": "total_cost",
}
_PLAN_FIELDS = {
    f"全体計画({label.removesuffix('(A)').removesuffix('(B)')})": name
    for label, name in _BLOCK_FIELDS.items()
    if name != "total_cost"
} | {"トータルコスト": "total_cost"}
_INDICATOR_KINDS = {"活動": "output", "対象": "subject", "成果": "outcome"}
_INDICATOR_LABEL = re.compile(r"^\d(活動|対象|成果)指標.*?([ア-ン]):(名称|単位)$")
_INDICATOR_VALUE = re.compile(r"^\d(活動|対象|成果)指標([ア-ン])$")
_ASSESSMENTS = (
    "政策体系との整合性",
    "公共関与の妥当性",
    "対象・意図の妥当性",
    "成果の向上余地",
    "廃止・休止の成果への影響",
    "事業費の削減余地",
    "人件費(延べ業務時間)の削減余地",
    "受益機会・費用負担の適正化余地",
)
# Texts of this layout, by label (NFKC, without spaces) or label prefix.
_TEXTS = {
    "overview": "事務事業の概要",
    "activities_done": "1手段(主な活動)前年度実績",
    "activities_planned": "1手段(主な活動)今年度計画",
    "subject": "2対象",
    "intent": "3意図",
    "result": "4結果",
    "origin": "1この事務事業を開始したきっかけ",
    "changes": "2事務事業を取り巻く状況",
    "opinions": "3この事務事業に対して関係者",
    "direction": "(1)改革改善の方向性",
    "expected_outcome": "(2)改革・改善による期待成果(成果)",
    "expected_cost": "(2)改革・改善による期待成果(コスト)",
    "section_comment": "(3)改革改善を実現する上で解決すべき課題",
    "manager_direction": "4課長等意見(1)今後の方向性",
    "manager_comment": "(2)全体総括・今後の改革改善の内容",
}
# Blank figure cells: after NFKC, any dash stands for "no value".
_NO_VALUE = frozenset({"", "-", "ー", "―", "—", "‐", "─", "–", "−"})
_GROUPED = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def _label(value: object) -> str:
    """A header as compared: NFKC, without whitespace (（A） and (A) match)."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


@dataclass(frozen=True)
class Block:
    """The columns of one fiscal year's cost and indicator figures."""

    money: dict[str, int]  # MunicipalCost field → column index
    indicators: dict[tuple[str, str], int]  # (role, letter) → column index


@dataclass
class Layout:
    """Where each part of the layout is: column indexes (0-based) found by their labels."""

    header_row: int  # 1-based
    columns: dict[str, int] = field(default_factory=dict)  # single labels
    plan: dict[str, int] = field(default_factory=dict)  # 全体計画 fields
    blocks: list[Block] = field(default_factory=list)
    indicator_labels: dict[tuple[str, str, str], int] = field(default_factory=dict)
    texts: dict[str, int] = field(default_factory=dict)
    assessments: list[tuple[str, int, int | None]] = field(default_factory=list)


def find_layout(rows: list[tuple[Any, ...]]) -> Layout | None:
    """The layout read from its header row among ``rows`` (the first rows), or None."""
    for number, row in enumerate(rows, start=1):
        labels = [_label(value) for value in row]
        if all(required in labels for required in _REQUIRED):
            return _layout(number, labels)
    return None


def _layout(number: int, labels: list[str]) -> Layout:
    layout = Layout(header_row=number)
    block: Block | None = None
    for index, label in enumerate(labels):
        if not label:
            continue
        if label == _BLOCK_START:
            block = Block({}, {})
            layout.blocks.append(block)
        if block is not None and label in _BLOCK_FIELDS:
            block.money.setdefault(_BLOCK_FIELDS[label], index)
            continue
        if block is not None and (match := _INDICATOR_VALUE.match(label)):
            block.indicators.setdefault((_INDICATOR_KINDS[match[1]], match[2]), index)
            continue
        if label in _PLAN_FIELDS:
            layout.plan.setdefault(_PLAN_FIELDS[label], index)
        elif match := _INDICATOR_LABEL.match(label):
            layout.indicator_labels[(_INDICATOR_KINDS[match[1]], match[2], match[3])] = index
        else:
            layout.columns.setdefault(label, index)
            for key, prefix in _TEXTS.items():
                if label.startswith(prefix):
                    layout.texts.setdefault(key, index)
            for position, item in enumerate(_ASSESSMENTS):
                if label == f"{position + 1}{item}":
                    reason = index + 1 if index + 1 < len(labels) else None
                    layout.assessments.append((item, index, reason))
    return layout


@dataclass(frozen=True)
class CityRow:
    """One row read: its sheet and what could not be read in it (kept empty)."""

    row: int
    sheet: Sheet
    warnings: list[BadRecord]


class _RowError(Exception):
    def __init__(self, column: int | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def is_city_workbook(path: Path) -> bool:
    """Whether ``path`` is a workbook of this layout (by the header row of a worksheet)."""
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a workbook: the other importers say why
        return False
    try:
        for sheet in book.worksheets:
            head = list(sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True))
            if find_layout(head) is not None:
                return True
        return False
    finally:
        book.close()


def read_city_workbook(
    path: Path, *, municipality: str = MUNICIPALITY
) -> Iterator[CityRow | BadRecord]:
    """Every program row of the workbook, in order; blank rows are left out.

    Raises ``ImportFailed`` when the file is not a workbook of this layout.
    """
    source = str(path)
    check_size(source, path.stat().st_size, MAX_WORKBOOK_BYTES, "ブック")
    with path.open("rb") as opened:
        check_workbook_zip(source, opened)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ImportFailed(
            source, [Problem("ファイル", f"Excel ブック(.xlsx)として読めません ({error})")]
        ) from error
    try:
        for worksheet in book.worksheets:
            head = list(worksheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True))
            layout = find_layout(head)
            if layout is None:
                continue
            problems = _layout_problems(layout)
            if problems:
                raise ImportFailed(source, problems)
            rows = worksheet.iter_rows(min_row=layout.header_row + 1, values_only=True)
            for number, values in enumerate(rows, start=layout.header_row + 1):
                if _blank(values, layout):
                    continue
                yield _read_row(path.name, number, values, layout, municipality)
            return
        raise ImportFailed(
            source,
            [
                Problem(
                    "見出し", "事務事業評価シートの見出し行（事務事業ID、事務事業名…）がありません"
                )
            ],
        )
    finally:
        book.close()


def _layout_problems(layout: Layout) -> list[Problem]:
    problems = []
    for label in ("年度", "事務事業ID", "事務事業名"):
        if label not in layout.columns:
            problems.append(Problem("見出し", f"「{label}」の列がありません"))
    if not layout.blocks:
        problems.append(Problem("見出し", "年度ごとの事業費（国庫支出金…）の列がありません"))
    for number, block in enumerate(layout.blocks, start=1):
        missing = [label for label, name in _BLOCK_FIELDS.items() if name not in block.money]
        if missing:
            problems.append(
                Problem("見出し", f"{number}番目の年度の列に「{'」「'.join(missing)}」がありません")
            )
    return problems


def _blank(values: tuple[Any, ...], layout: Layout) -> bool:
    # A row is a program when it names one: the formula columns of empty rows are no data.
    keys = (layout.columns["事務事業ID"], layout.columns["事務事業名"])
    return all(_text(values, index) == "" for index in keys)


def _cell(values: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def _text(values: tuple[Any, ...], index: int | None) -> str:
    """A text cell as printed, trimmed (line breaks kept, CR LF as LF)."""
    value = _cell(values, index)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _code(values: tuple[Any, ...], index: int | None) -> str:
    """A short code or choice, NFKC (Ｅ　一般 → E 一般), spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", _text(values, index))).strip()


def _figure(values: tuple[Any, ...], index: int | None) -> Decimal | None:
    """A figure cell: a number, or text such as 1,400,000 / １２ / △5; a dash for none.

    Excel holds numbers as doubles and shows 15 significant digits; a float is read to
    those digits, so 2799.4849999999997 (a formula's noise) is the 2799.485 it shows.
    """
    value = _cell(values, index)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        try:
            return bounded(Decimal(format(value, ".15g")))
        except FigureError as error:
            raise _RowError(index, f"数値として読めません（{error}）") from None
    if isinstance(value, int | Decimal):
        try:
            return from_number(value)
        except FigureError as error:
            raise _RowError(index, f"数値として読めません（{error}）") from None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    if text in _NO_VALUE:
        return None
    negative = text.startswith(("△", "▲"))
    text = text.lstrip("△▲")
    if not _GROUPED.match(text):
        shown = str(value).strip()
        raise _RowError(index, f"数値として読めません: {shown[:40]!r}")
    try:
        number = bounded(Decimal(text.replace(",", "")))
    except FigureError as error:
        raise _RowError(index, f"数値として読めません（{error}）") from None
    return -number if negative else number


def _year(text: str) -> int | None:
    """A 事業期間 year as printed (昭和39, 令和６, 令和元, H13, 2019); None for none."""
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if cleaned in _NO_VALUE or cleaned == "0":
        return None
    return parse_fiscal_year(cleaned)


def _read_row(
    file: str, number: int, values: tuple[Any, ...], layout: Layout, municipality: str
) -> CityRow | BadRecord:
    warnings: list[BadRecord] = []

    def column(index: int | None) -> str:
        return "" if index is None else f"{get_column_letter(index + 1)}{number}"

    def warn(index: int | None, reason: str) -> None:
        warnings.append(BadRecord(file, number, column(index), reason))

    try:
        sheet = _sheet(values, layout, municipality, warn)
    except _RowError as error:
        return BadRecord(file, number, column(error.column), error.reason)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return BadRecord(file, number, "", f"シートとして不正です（{where}: {first['msg']}）")
    return CityRow(number, sheet, warnings)


def _sheet(values: tuple[Any, ...], layout: Layout, municipality: str, warn: Any) -> Sheet:
    columns = layout.columns

    def text(label: str) -> str:
        return _text(values, columns.get(label))

    def code(label: str) -> str:
        return _code(values, columns.get(label))

    identifier = code("事務事業ID")
    if identifier in ("", "0"):
        raise _RowError(columns["事務事業ID"], "事務事業IDがありません")
    name = text("事務事業名")
    if not name:
        raise _RowError(columns["事務事業名"], "事務事業名がありません")
    fiscal_year = _sheet_year(values, columns["年度"])
    costs = []
    count = len(layout.blocks)
    for position, block in enumerate(layout.blocks):
        year = fiscal_year - count + 1 + position
        costs.append(
            MunicipalCost(
                fiscal_year=year,
                planned=year == fiscal_year,
                **{name: _figure(values, index) for name, index in block.money.items()},
            )
        )
    plan = {name: _figure(values, index) for name, index in layout.plan.items()}
    plan_costs = MunicipalCost(**plan) if any(value for value in plan.values()) else None
    indicators = _indicators(values, layout, fiscal_year, warn)
    department, section = _organisation(code("部課名"))
    start = _period_year(values, columns.get("事業期間(期間(始期))"), warn)
    end = _period_year(values, columns.get("事業期間(期間(終期))"), warn)
    phone = code("電話")
    if extension := code("内線"):
        phone = f"{phone}（内線{extension}）" if phone else f"内線{extension}"
    texts = {key: _text(values, index) for key, index in layout.texts.items()}
    details = MunicipalDetails(
        municipality=municipality,
        policy=_level(code("政策番号十の位") + code("政策番号一の位"), text("政策名")),
        measure=_level(code("施策番号十の位") + code("施策番号一の位"), text("施策名")),
        basic_project=_level(
            code("基本事業番号十の位") + code("基本事業番号一の位"), text("基本事業名")
        ),
        basic_project_id=code("基本事業ID"),
        team=text("係名"),
        manager=text("課長名"),
        contact=text("担当者"),
        phone=phone,
        legal_basis="" if code("根拠法令") in _NO_VALUE else text("根拠法令"),
        period_type=code("事業期間(区分)"),
        category=code("事務事業区分"),
        budget_code=_budget_code(values, columns),
        implementation_plan=code("実施計画") not in ("", "-"),
        comprehensive_strategy=code("総合戦略") not in ("", "-"),
        created_on=_created(values, columns),
        overview=texts.get("overview", ""),
        activities_done=texts.get("activities_done", ""),
        activities_planned=texts.get("activities_planned", ""),
        subject=texts.get("subject", ""),
        intent=texts.get("intent", ""),
        result=texts.get("result", ""),
        origin=texts.get("origin", ""),
        changes=texts.get("changes", ""),
        opinions=texts.get("opinions", ""),
        plan_costs=plan_costs,
        costs=costs,
    )
    header = Header(
        kind=SheetKind.MUNICIPAL,
        program_number=f"{municipality}-{identifier}",
        program_name=name,
        department=department,
        section=section,
        start_year=start,
        end_year=end,
        fiscal_year=fiscal_year,
        stage=Stage.REVIEW,
    )
    sheet = Sheet(
        header=header,
        purpose=details.intent,
        indicators=indicators["outcome"],
        outputs=indicators["output"],
        subject_indicators=indicators["subject"],
        money_unit=MONEY_UNIT,
        municipal=details,
    )

    def choice(key: str) -> str:
        # A choice cell: NFKC (１　現状維持 → 1 現状維持); a stray 0 is no choice.
        value = _code(values, layout.texts.get(key))
        return "" if value == "0" else value

    ratings = [
        ReviewRating(aspect=item, grade=_code(values, verdict), comment=_text(values, reason))
        for item, verdict, reason in layout.assessments
        if _text(values, verdict) or _text(values, reason)
    ]
    for aspect, key in (
        ("改革改善の方向性（担当課）", "direction"),
        ("期待成果（成果）", "expected_outcome"),
        ("期待成果（コスト）", "expected_cost"),
    ):
        if grade := _choice_name(choice(key)):
            ratings.append(ReviewRating(aspect=aspect, grade=grade))
    review = Review(
        ratings=ratings,
        direction=texts.get("section_comment", ""),
        verdict=_choice_name(choice("manager_direction")),
        verdict_detail=texts.get("manager_comment", ""),
    )
    sheet.review = None if review.is_empty() else review
    return sheet


def _choice_name(choice: str) -> str:
    """A numbered choice without its number: 1 現状維持 → 現状維持."""
    return re.sub(r"^\d+\s*", "", choice)


def _sheet_year(values: tuple[Any, ...], index: int) -> int:
    """年度 as printed: 7 (令和), 令和7, R7 or 2025; the Western year."""
    raw = _code(values, index)
    if raw.isdigit() and 1 <= int(raw) < 100:
        return to_western("R", int(raw))
    try:
        return parse_fiscal_year(raw)
    except ValueError:
        raise _RowError(index, f"年度が読めません: {raw[:20]!r}") from None


def _period_year(values: tuple[Any, ...], index: int | None, warn: Any) -> int | None:
    raw = _text(values, index)
    try:
        return _year(raw)
    except ValueError:
        warn(index, f"事業期間の年度が読めません（空欄にしました）: {raw[:20]!r}")
        return None


def _level(number: str, name: str) -> PlanLevel | None:
    if not name and not number.strip("0"):
        return None
    return PlanLevel(number=number, name=name)


def _organisation(text: str) -> tuple[str, str]:
    """部課名 as 部局 and 課: 農林水産部水産課 → (農林水産部, 水産課); 会計課 → (会計課, 会計課)."""
    compact = re.sub(r"\s+", "", text)
    match = re.match(r"^(.+?(?:部|事務局))(.+)$", compact)
    if match:
        return match[1], match[2]
    return compact, compact


def _budget_code(values: tuple[Any, ...], columns: dict[str, int]) -> str:
    # Each part may hold several lines (a program paid from two 科目): joined per line.
    parts = [
        _text(values, columns.get(label)).split("\n")
        for label in (
            "予算科目(会計)",
            "予算科目(款)",
            "予算科目(項)",
            "予算科目(目)",
            "予算科目(事業)",
        )
    ]
    lines = max((len(part) for part in parts), default=0)
    joined = [
        "-".join(part[line].strip() if line < len(part) else "" for part in parts).strip("-")
        for line in range(lines)
    ]
    return "\n".join(line for line in joined if line)


def _created(values: tuple[Any, ...], columns: dict[str, int]) -> str:
    parts = [_code(values, columns.get(label)) for label in ("作成年", "作成月", "作成日")]
    if not all(part.isdigit() for part in parts):
        return ""
    year, month, day = (int(part) for part in parts)
    try:
        return date(to_western("R", year) if year < 100 else year, month, day).isoformat()
    except ValueError:
        return ""


def _indicators(
    values: tuple[Any, ...], layout: Layout, fiscal_year: int, warn: Any
) -> dict[str, list[Indicator]]:
    found: dict[str, list[Indicator]] = {"output": [], "subject": [], "outcome": []}
    letters: dict[str, list[str]] = {}
    for role, letter, _part in layout.indicator_labels:
        if letter not in letters.setdefault(role, []):
            letters[role].append(letter)
    count = len(layout.blocks)
    for role, role_letters in letters.items():
        for letter in role_letters:
            name = _text(values, layout.indicator_labels.get((role, letter, "名称")))
            unit = _code(values, layout.indicator_labels.get((role, letter, "単位")))
            yearly = []
            for position, block in enumerate(layout.blocks):
                year = fiscal_year - count + 1 + position
                index = block.indicators.get((role, letter))
                try:
                    value = _figure(values, index)
                except _RowError as error:
                    warn(error.column, f"指標{letter}の値: {error.reason}（空欄にしました）")
                    continue
                if value is not None:
                    kind = ValueKind.TARGET if year == fiscal_year else ValueKind.ACTUAL
                    yearly.append(IndicatorValue(fiscal_year=year, kind=kind, value=value))
            if not name:
                # Zeros under a blank name are the template's fill, not figures.
                if any(item.value != 0 for item in yearly):
                    warn(
                        layout.indicator_labels.get((role, letter, "名称")),
                        f"指標{letter}に名称がないため値を取り込みませんでした",
                    )
                continue
            found[role].append(Indicator(number=letter, name=name, unit=unit, values=yearly))
    return found
