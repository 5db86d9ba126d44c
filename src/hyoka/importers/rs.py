"""The national 行政事業レビューシート from the RS system's CSV tables (2024 on).

Source: 行政事業レビュー見える化サイト（RSシステム）, 内閣官房行政改革推進本部事務局 (the
bulk CSV download, as mirrored by team-mirai-volunteer/gov-vis). Credit the source wherever
the data is shown or shipped.

The 13 tables hold one program (予算事業ID) on rows of several tables; :func:`sheet_from_rows`
turns all rows of one id into one :class:`hyoka.model.Sheet` (``kind = national``, stage 点検
like JUDGIT!'s: the sheet of 事業年度 2024 reviews 2023's execution and shows 2024's budget
and 2025's request; 事業番号 ``RS-{予算事業ID}``, amounts exact in 円). Tables that repeat a
program's scalar columns beside lists (1-1, 1-2, 1-3, 4-1 …) are read as one value and a
list of distinct items. Cells are read by column name (:mod:`hyoka.importers.rs_tables`):
NFKC, commas in numbers, △ for minus, ``-``/``ー`` for none, TRUE/FALSE/1 for flags. A row
with a cell that cannot be read is reported (file, line, column, reason) and left out; the
sheet keeps its other rows. What the tables do not hold (3-1 indicator values, 5-1
recipients) stays empty.

Storing whole downloads is :mod:`hyoka.importers.rs_import`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from hyoka.eras import parse_fiscal_year
from hyoka.importers._normalize import NO_VALUE_MARKS, UnreadableNumber, parse_decimal
from hyoka.importers.errors import BadRecord
from hyoka.importers.judgit import PLAUSIBLE_YEARS
from hyoka.importers.rs_tables import COMMON_COLUMNS, Line, column_key
from hyoka.model import FindingKind, MoneyUnit, Sheet, SheetKind, Stage

PROGRAM_PREFIX = "RS-"


def program_number(project_id: int) -> str:
    """The stored 事業番号 of an RS sheet: the 予算事業ID, the same in every year.

    >>> program_number(4)
    'RS-4'
    """
    return f"{PROGRAM_PREFIX}{project_id}"


class RowError(ValueError):
    """A cell of a row that cannot be read."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


@dataclass
class TableCount:
    """What became of one table's rows."""

    rows: int = 0  # records read
    placed: int = 0  # rows that gave the sheet something
    blank: int = 0  # rows with only the 13 common columns (the program has none of these)
    repeated: int = 0  # rows repeating what an earlier row of the program gave
    skipped: int = 0  # rows with a cell that could not be read, or of no sheet

    def add(self, other: TableCount) -> None:
        self.rows += other.rows
        self.placed += other.placed
        self.blank += other.blank
        self.repeated += other.repeated
        self.skipped += other.skipped


Rows = dict[str, list[tuple[str, Line]]]
"""A program's rows: per table number, (file name, record)."""


@dataclass
class ReadSheet:
    """One program read from its rows: the sheet (None when it could not be made), the rows
    left out, and the count per table."""

    sheet: Sheet | None
    problems: list[BadRecord] = field(default_factory=list)
    counts: dict[str, TableCount] = field(default_factory=dict)


def _k(*names: str) -> tuple[str, ...]:
    return tuple(column_key(name) for name in names)


COLUMNS: dict[str, tuple[str, ...]] = {
    "1-1": _k(
        "府省庁（その他担当組織）",
        "局・庁（その他担当組織）",
        "部（その他担当組織）",
        "課（その他担当組織）",
        "室（その他担当組織）",
        "班（その他担当組織）",
        "係（その他担当組織）",
        "作成責任者",
    ),
    "1-2": _k(
        "事業の目的",
        "現状・課題",
        "事業の概要",
        "事業概要URL",
        "事業区分",
        "事業開始年度",
        "開始年度不明",
        "事業終了（予定）年度",
        "終了予定なし",
        "主要経費",
        "備考",
        "旧事業番号",
    ),
    "1-3": _k(
        "番号（政策・施策）",
        "政策所管府省庁_P",
        "政策",
        "施策",
        "政策・施策URL",
        "番号（根拠法令）",
        "法令名",
        "法令番号",
        "法令ID",
        "条",
        "項",
        "号・号の細分",
        "番号（関係する計画・通知等）",
        "計画通知名",
        "計画通知等URL",
    ),
    "1-4": _k("番号（補助率等）", "補助対象", "補助率", "補助上限等", "補助率URL"),
    "1-5": _k("番号（関連事業）", "関連事業の事業ID", "関連事業の事業名", "関連性"),
    "2-1": _k(
        "予算年度",
        "当初予算（合計）",
        "補正予算（合計）",
        "前年度からの繰越し（合計）",
        "予備費等（合計）",
        "計（歳出予算現額合計）",
        "執行額（合計）",
        "執行率",
        "翌年度への繰越し(合計）",
        "翌年度要求額（合計）",
        "主な増減理由",
        "その他特記事項",
        "会計区分",
        "会計",
        "勘定",
        "当初予算",
        "前年度から繰越し",
        "歳出予算現額",
        "執行額",
        "翌年度要求額",
        "要望額",
        "備考",
    ),
    "2-2": _k(
        "予算年度",
        "会計区分",
        "会計",
        "勘定",
        "予算種別",
        "所管",
        "組織・勘定",
        "項",
        "目",
        "歳出予算項目の補足情報",
        "予算額（歳出予算項目ごと）",
        "翌年度要求額（歳出予算項目ごと）",
        "備考（歳出予算項目ごと）",
    ),
    "3-2": _k(
        "派生元ーアクティビティ・アウトプット・アウトカムの番号",
        "派生元ー種別（アクティビティ・アウトプット・アウトカム）",
        "派生元ーアウトカムの期間",
        "派生元ーアクティビティの内容/ 活動目標／成果目標",
        "派生先ーアクティビティ・アウトプット・アウトカムの番号",
        "派生先ー種別（アクティビティ・アウトプット・アウトカム）",
        "派生先ーアウトカムの期間",
        "派生先ー 活動目標／成果目標",
        "後続アウトカムへのつながり",
        "アウトカムを複数段階で設定できない理由",
    ),
    "4-1": _k(
        "事業所管部局による点検・改善ー点検結果",
        "事業所管部局による点検・改善ー改善の方向性",
        "事業所管部局による点検・改善－目標年度における効果測定に関する評価",
        "外部有識者による点検ー最終実施年度",
        "外部有識者による点検ー点検対象",
        "外部有識者による点検ー対象の理由",
        "外部有識者による点検ー所見",
        "公開プロセス結果概要",
        "行政事業レビュー推進チームの所見",
        "行政事業レビュー推進チームの所見の詳細",
        "所見を踏まえた改善点／概算要求における反映状況",
        "所見を踏まえた改善点／概算要求における反映状況の詳細",
        "反映額（一般会計）",
        "反映額（特別会計）－会計",
        "反映額（特別会計）－勘定",
        "反映額（特別会計）－反映額",
        "過去に受けた指摘事項－区分",
        "過去に受けた指摘事項－取りまとめ年度",
        "過去に受けた指摘事項－取りまとめ内容",
        "過去に受けた指摘事項－対応状況",
        "その他の指摘事項－調査等の名称",
        "その他の指摘事項－指摘年度",
        "その他の指摘事項－指摘内容",
        "その他の指摘事項－対応状況",
    ),
    "5-2": _k(
        "支出元の支出先ブロック",
        "支出元の支出先ブロック名",
        "担当組織からの支出",
        "支出先の支出先ブロック",
        "支出先の支出先ブロック名",
        "資金の流れの補足情報",
        "国自らが支出する間接経費",
        "国自らが支出する間接経費の項目",
        "国自らが支出する間接経費の金額",
    ),
    "5-3": _k("支出先ブロック番号", "支出先名", "法人番号", "契約概要", "費目", "使途", "金額"),
    "5-4": tuple(
        column_key(f"{name}（国庫債務負担行為等による契約）")
        for name in (
            "支出先ブロック",
            "契約先名",
            "契約先の法人番号",
            "契約先の所在地",
            "契約先の法人種別",
            "契約概要（契約名）",
            "契約額",
            "契約方式等",
            "具体的な契約方式等",
            "入札者数（応募者数）",
            "落札率（％）",
            "一者応札・一者応募又は競争性のない随意契約となった理由及び改善策（契約額10億円以上）",
            "その他の契約",
        )
    )
    + _k("その他の契約"),
    "6-1": _k("備考"),
}
"""The columns read from each table beyond the 13 common ones; a table without one of them
is refused (its header names what is missing)."""

_COMMON = set(_k(*COMMON_COLUMNS))
_SUPPLEMENTARY = re.compile(r"第(\d+)次補正予算")
_RESERVE = re.compile(r"予備費等(\d+)")
_METHOD = column_key("実施方法ー")


def missing_columns(table: str, columns: list[str]) -> list[str]:
    """The columns :data:`COLUMNS` needs that a header of this table lacks."""
    present = set(columns)
    return [name for name in COLUMNS[table] if name not in present]


def numbered_columns(columns: list[str], pattern: re.Pattern[str]) -> list[str]:
    """第n次補正予算 / 予備費等n columns of a 2-1 header, by n."""
    found = [(int(match[1]), name) for name in columns if (match := pattern.fullmatch(name))]
    return [name for _, name in sorted(found)]


# --- Cells -----------------------------------------------------------------------------


def _cell(line: Line, column: str) -> str:
    return line.cells.get(column, "")


def _text(line: Line, column: str) -> str:
    """A text cell: NFKC'd as the model's other text is not (kept as written), trimmed; a
    cell holding only a dash is empty."""
    text = _cell(line, column).strip()
    return "" if text in NO_VALUE_MARKS else text


def _number(line: Line, column: str) -> Decimal | None:
    raw = _cell(line, column)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except UnreadableNumber as error:
        raise RowError(column, error.message) from None
    if value is not None and value == value.to_integral_value():
        # 34482000.0 as written by the download is the whole amount 34482000.
        value = value.quantize(Decimal(1))
    return value


def _int(line: Line, column: str) -> int | None:
    value = _number(line, column)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise RowError(column, f"整数ではありません: {_cell(line, column)!r}")
    return int(value)


def _year(line: Line, column: str) -> int | None:
    text = unicodedata.normalize("NFKC", _cell(line, column)).strip()
    if not text or text in NO_VALUE_MARKS:
        return None
    try:
        year = parse_fiscal_year(text)
    except ValueError:
        raise RowError(column, f"年度として読めません: {text[:40]!r}") from None
    if year not in PLAUSIBLE_YEARS:
        raise RowError(column, f"ありえない年度です({year})")
    return year


_TRUE = {"TRUE", "1", "○", "〇", "はい", "有"}
_FALSE = {"", "FALSE", "0", "いいえ", "無"}


def _flag(line: Line, column: str) -> bool:
    text = unicodedata.normalize("NFKC", _cell(line, column)).strip().upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(column, f"TRUE/FALSE として読めません: {text[:20]!r}")


def _blank(line: Line) -> bool:
    """Whether a row has nothing beyond the 13 common columns (a program without items)."""
    return not any(
        value.strip() for name, value in line.cells.items() if name not in _COMMON and name
    )


# --- One program -----------------------------------------------------------------------


class _Reader:
    """Reads the rows of one program table by table, keeping count and the bad rows."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.problems: list[BadRecord] = []
        self.counts: dict[str, TableCount] = {}

    def each(self, table: str, read: Callable[[Line], Any]) -> list[Any]:
        """``read`` of every row of the table with something beyond the common columns;
        the distinct results in order (a repeated one is counted, not kept)."""
        count = self.counts.setdefault(table, TableCount())
        found: list[Any] = []
        seen: set[str] = set()
        for file, line in self.rows.get(table, []):
            count.rows += 1
            if "" in line.cells:
                count.skipped += 1
                self.problems.append(BadRecord(file, line.number, "", line.cells[""]))
                continue
            if _blank(line):
                count.blank += 1
                continue
            try:
                item = read(line)
            except RowError as error:
                count.skipped += 1
                self.problems.append(BadRecord(file, line.number, error.column, error.reason))
                continue
            key = repr(item)
            if item is None or key in seen:
                count.repeated += 1
                continue
            seen.add(key)
            count.placed += 1
            found.append(item)
        return found

    def first(self) -> Line | None:
        for table in ("1-2", "1-1", *sorted(self.rows)):
            for _, line in self.rows.get(table, []):
                if "" not in line.cells:
                    return line
        return None


def _items(values: list[Any]) -> list[Any]:
    return [value for value in values if value]


def sheet_from_rows(project_id: int, rows: Rows) -> ReadSheet:
    """The sheet of one 予算事業ID from its rows of every table."""
    reader = _Reader(rows)
    first = reader.first()
    if first is None:
        return ReadSheet(None, reader.problems, reader.counts)
    k = column_key
    file, _ = next((f, item) for lines in rows.values() for f, item in lines if item is first)
    try:
        year = _year(first, k("事業年度"))
    except RowError as error:
        bad = BadRecord(file, first.number, error.column, error.reason)
        return ReadSheet(None, [*reader.problems, bad], reader.counts)
    if year is None:
        bad = BadRecord(file, first.number, "事業年度", "ありません")
        return ReadSheet(None, [*reader.problems, bad], reader.counts)
    data: dict[str, Any] = {"money_unit": MoneyUnit.YEN, "project_id": project_id}
    _organisation(reader, first, data)
    _overview(reader, data)
    _policies(reader, data)
    _budgets(reader, data)
    _logic_and_spending(reader, data)
    data["review"] = _review(reader)
    data["remarks"] = reader.each("6-1", lambda line: _text(line, k("備考")) or None)
    order = _optional_int(first, k("府省庁の建制順"))
    data["ministry_order"] = order
    data["policy_ministry"] = _text(first, k("政策所管府省庁"))
    section = " ".join(_items([_text(first, k(name)) for name in ("部", "課", "室", "班", "係")]))
    ministry = _text(first, k("府省庁"))
    header = {
        "kind": SheetKind.NATIONAL,
        "program_number": program_number(project_id),
        "program_name": _text(first, k("事業名")),
        "department": ministry,
        "bureau": _text(first, k("局・庁")),
        "section": section,
        "fiscal_year": year,
        "stage": Stage.REVIEW,
        **data.pop("_period", {}),
    }
    if data.get("former_number"):
        data["predecessors"] = _former_links(data["former_number"], ministry)
    try:
        sheet = Sheet.model_validate({"header": header, **data})
    except ValidationError as error:
        problem = error.errors()[0]
        file, line = next((f, item) for lines in rows.values() for f, item in lines)
        where = ".".join(str(part) for part in problem["loc"])
        return ReadSheet(
            None,
            [*reader.problems, BadRecord(file, line.number, where, problem["msg"])],
            reader.counts,
        )
    return ReadSheet(sheet, reader.problems, reader.counts)


def _optional_int(line: Line, column: str) -> int | None:
    try:
        return _int(line, column)
    except RowError:
        return None


def _organisation(reader: _Reader, first: Line, data: dict[str, Any]) -> None:
    k = column_key
    main = {
        "ministry": _text(first, k("府省庁")),
        "bureau": _text(first, k("局・庁")),
        "division": _text(first, k("部")),
        "section": _text(first, k("課")),
        "office": _text(first, k("室")),
        "team": _text(first, k("班")),
        "unit": _text(first, k("係")),
    }
    names = ("ministry", "bureau", "division", "section", "office", "team", "unit")
    columns = COLUMNS["1-1"][:7]

    def other(line: Line) -> dict[str, Any]:
        unit = {name: _text(line, column) for name, column in zip(names, columns, strict=True)}
        return {**unit, "responsible": _text(line, k("作成責任者"))}

    others = reader.each("1-1", other)
    units = [{**main, "responsible": ""}]
    for unit in others:
        if not any(unit[name] for name in names):
            # A responsible person of the unit in charge itself; a sheet may name several.
            named = [units[0]["responsible"], unit["responsible"]]
            units[0]["responsible"] = "、".join(dict.fromkeys(_items(named)))
            continue
        units.append(unit)
    data["org_units"] = units
    data["responsible"] = "、".join(dict.fromkeys(_items([u["responsible"] for u in units])))


def _overview(reader: _Reader, data: dict[str, Any]) -> None:
    k = column_key
    scalars: dict[str, Any] = {}

    def read(line: Line) -> tuple[Any, ...]:
        started = None if _flag(line, k("開始年度不明")) else _year(line, k("事業開始年度"))
        ends = None if _flag(line, k("終了予定なし")) else _year(line, k("事業終了（予定）年度"))
        methods = tuple(
            name.removeprefix(_METHOD)
            for name in line.cells
            if name.startswith(_METHOD) and _flag(line, name)
        )
        if not scalars:
            scalars.update(
                purpose=_text(line, k("事業の目的")),
                situation=_items([_text(line, k("現状・課題"))]),
                summary=_text(line, k("事業の概要")),
                source_url=_text(line, k("事業概要URL")),
                program_category=_text(line, k("事業区分")),
                summary_note=_text(line, k("備考")),
                former_number=_text(line, k("旧事業番号")),
                _period={"start_year": started, "end_year": ends},
                methods=list(methods),
            )
        return (_text(line, k("主要経費")),)

    expenses = reader.each("1-2", read)
    data.update(scalars)
    data["major_expenses"] = _items([item[0] for item in expenses])


def _former_links(former: str, ministry: str) -> list[dict[str, Any]]:
    # 旧事業番号 as printed (2023-経産-22-0001, 2023ｰ経産ｰ…, 2023警察220059): a link to
    # the sheet of that year when the text starts with one.
    number = unicodedata.normalize("NFKC", former).strip()
    number = re.sub(r"[ー－‐−–—―]", "-", number)
    match = re.match(r"(\d{4})-", number)
    if match is None:
        return []
    return [{"fiscal_year": int(match[1]), "ministry": ministry, "program_number": number}]


def _policies(reader: _Reader, data: dict[str, Any]) -> None:
    k = column_key
    policies: list[dict[str, Any]] = []
    laws: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []

    def read(line: Line) -> tuple[Any, ...]:
        # One row holds up to three independent items, each with its own number.
        policy = law = plan = None
        if _text(line, k("政策")) or _text(line, k("施策")):
            policy = {
                "ministry": _text(line, k("政策所管府省庁_P")),
                "policy": _text(line, k("政策")),
                "measure": _text(line, k("施策")),
                "url": _text(line, k("政策・施策URL")),
            }
        if _text(line, k("法令名")):
            law = {
                "name": _text(line, k("法令名")),
                "number": _text(line, k("法令番号")),
                "law_id": _text(line, k("法令ID")),
                "article": _text(line, k("条")),
                "paragraph": _text(line, k("項")),
                "item": _text(line, k("号・号の細分")),
            }
        if _text(line, k("計画通知名")):
            plan = {"name": _text(line, k("計画通知名")), "url": _text(line, k("計画通知等URL"))}
        return (policy, law, plan)

    for policy, law, plan in reader.each("1-3", read):
        for item, found in ((policy, policies), (law, laws), (plan, plans)):
            if item is not None and item not in found:
                found.append(item)
    data["policy_refs"], data["laws"], data["plans"] = policies, laws, plans
    data["policies"] = list(dict.fromkeys(_items([item["policy"] for item in policies])))

    data["subsidy_rates"] = reader.each(
        "1-4",
        lambda line: {
            "target": _text(line, k("補助対象")),
            "rate": _text(line, k("補助率")),
            "cap": _text(line, k("補助上限等")),
            "url": _text(line, k("補助率URL")),
        },
    )
    data["related"] = reader.each(
        "1-5",
        lambda line: {
            "project_id": _int(line, k("関連事業の事業ID")),
            "name": _text(line, k("関連事業の事業名")),
            "relation": _text(line, k("関連性")),
        },
    )


def _budgets(reader: _Reader, data: dict[str, Any]) -> None:
    k = column_key
    rows = reader.rows.get("2-1", [])
    columns = rows[0][1].cells.keys() if rows else []
    supplementary = numbered_columns(list(columns), _SUPPLEMENTARY)
    reserves = numbered_columns(list(columns), _RESERVE)

    def read(line: Line) -> tuple[str, dict[str, Any]]:
        year = _year(line, k("予算年度"))
        if year is None:
            raise RowError(k("予算年度"), "ありません")
        if _text(line, k("会計区分")) or _text(line, k("会計")):
            return "account", {
                "fiscal_year": year,
                "account_type": _text(line, k("会計区分")),
                "account": _text(line, k("会計")),
                "subaccount": _text(line, k("勘定")),
                "initial_budget": _number(line, k("当初予算")),
                "supplementary": [_number(line, name) for name in supplementary],
                "carried_over": _number(line, k("前年度から繰越し")),
                "reserves": [_number(line, name) for name in reserves],
                "total": _number(line, k("歳出予算現額")),
                "executed": _number(line, k("執行額")),
                "requested": _number(line, k("翌年度要求額")),
                "wished": _number(line, k("要望額")),
                "note": _text(line, k("備考")),
            }
        return "summary", {
            "fiscal_year": year,
            "initial_budget": _number(line, k("当初予算（合計）")),
            "supplementary": _number(line, k("補正予算（合計）")),
            "carried_over": _number(line, k("前年度からの繰越し（合計）")),
            "reserve": _number(line, k("予備費等（合計）")),
            "total": _number(line, k("計（歳出予算現額合計）")),
            "executed": _number(line, k("執行額（合計）")),
            "carried_forward": _number(line, k("翌年度への繰越し(合計）")),
            "_requested": _number(line, k("翌年度要求額（合計）")),
            "_note": {
                "fiscal_year": year,
                "execution_rate": _number(line, k("執行率")),
                "change_reason": _text(line, k("主な増減理由")),
                "note": _text(line, k("その他特記事項")),
            },
        }

    budgets: dict[int, dict[str, Any]] = {}
    requests: dict[int, Decimal] = {}
    notes: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    for kind, item in reader.each("2-1", read):
        if kind == "account":
            accounts.append(item)
            continue
        note = item.pop("_note")
        requested = item.pop("_requested")
        if requested is not None:
            # 翌年度要求額 is the request for the next year: on that year's row, as JUDGIT!
            # has it (BudgetRow.requested).
            requests[item["fiscal_year"] + 1] = requested
        budgets.setdefault(item["fiscal_year"], item)
        if note["execution_rate"] is not None or note["change_reason"] or note["note"]:
            notes.append(note)
    for year, requested in requests.items():
        budgets.setdefault(year, {"fiscal_year": year})["requested"] = requested
    data["budgets"] = [budgets[year] for year in sorted(budgets)]
    data["budget_notes"] = sorted(notes, key=lambda note: note["fiscal_year"])
    data["budget_accounts"] = accounts
    data["accounts"] = list(dict.fromkeys(_items([item["account"] for item in accounts])))

    def budget_item(line: Line) -> dict[str, Any]:
        year = _year(line, k("予算年度"))
        if year is None:
            raise RowError(k("予算年度"), "ありません")
        return {
            "fiscal_year": year,
            "account_type": _text(line, k("会計区分")),
            "account": _text(line, k("会計")),
            "subaccount": _text(line, k("勘定")),
            "budget_type": _text(line, k("予算種別")),
            "jurisdiction": _text(line, k("所管")),
            "organisation": _text(line, k("組織・勘定")),
            "item": _text(line, k("項")),
            "sub_item": _text(line, k("目")),
            "detail": _text(line, k("歳出予算項目の補足情報")),
            "amount": _number(line, k("予算額（歳出予算項目ごと）")),
            "requested": _number(line, k("翌年度要求額（歳出予算項目ごと）")),
            "note": _text(line, k("備考（歳出予算項目ごと）")),
        }

    data["budget_items"] = _all(reader, "2-2", budget_item)


def _all(reader: _Reader, table: str, read: Callable[[Line], dict[str, Any]]) -> list[Any]:
    """Every row of a table that lists items (two equal rows are two items): numbered so
    that :meth:`_Reader.each` keeps repeats."""
    counter = iter(range(1 << 62))
    found = reader.each(table, lambda line: (next(counter), read(line)))
    return [item for _, item in found]


def _logic_and_spending(reader: _Reader, data: dict[str, Any]) -> None:
    source, target = COLUMNS["3-2"][:4], COLUMNS["3-2"][4:8]
    parts = ("number", "kind", "period", "text")

    def logic(line: Line) -> dict[str, Any]:
        item = {f"source_{p}": _text(line, c) for p, c in zip(parts, source, strict=True)}
        item |= {f"target_{p}": _text(line, c) for p, c in zip(parts, target, strict=True)}
        item["reason"] = _text(line, COLUMNS["3-2"][8])
        item["no_stages_reason"] = _text(line, COLUMNS["3-2"][9])
        return item

    data["logic_links"] = _all(reader, "3-2", logic)
    flow = COLUMNS["5-2"]
    data["spending_flows"] = _all(
        reader,
        "5-2",
        lambda line: {
            "source_block": _text(line, flow[0]),
            "source_name": _text(line, flow[1]),
            "from_ministry": _flag(line, flow[2]),
            "target_block": _text(line, flow[3]),
            "target_name": _text(line, flow[4]),
            "note": _text(line, flow[5]),
            "indirect": _text(line, flow[6]),
            "indirect_item": _text(line, flow[7]),
            "indirect_amount": _number(line, flow[8]),
        },
    )
    use = COLUMNS["5-3"]
    data["spending_uses"] = _all(
        reader,
        "5-3",
        lambda line: {
            "block": _text(line, use[0]),
            "recipient": _text(line, use[1]),
            "corporate_number": unicodedata.normalize("NFKC", _text(line, use[2])),
            "contract": _text(line, use[3]),
            "expense": _text(line, use[4]),
            "use": _text(line, use[5]),
            "amount": _number(line, use[6]),
        },
    )
    c = COLUMNS["5-4"]
    data["contracts"] = _all(
        reader,
        "5-4",
        lambda line: {
            "block": _text(line, c[0]),
            "name": _text(line, c[1]),
            "corporate_number": unicodedata.normalize("NFKC", _text(line, c[2])),
            "address": _text(line, c[3]),
            "corporate_type": _text(line, c[4]),
            "summary": _text(line, c[5]),
            "amount": _number(line, c[6]),
            "method": _text(line, c[7]),
            "method_detail": _text(line, c[8]),
            "bidders": _int(line, c[9]),
            "winning_rate": _number(line, c[10]),
            "single_bid_reason": _text(line, c[11]),
            "other": _text(line, c[12]) or _text(line, c[13]),
        },
    )


def _review(reader: _Reader) -> dict[str, Any] | None:
    c = COLUMNS["4-1"]
    review: dict[str, Any] = {}
    amounts: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []

    def read(line: Line) -> tuple[Any, ...]:
        scalars = {
            "assessment": _text(line, c[0]),
            "direction": _text(line, c[1]),
            "effect": _text(line, c[2]),
            "external_year": _year(line, c[3]),
            "external_scope": _text(line, c[4]),
            "external_reason": _text(line, c[5]),
            "external_opinion": _text(line, c[6]),
            "public_process": _text(line, c[7]),
            "verdict": _text(line, c[8]),
            "verdict_detail": _text(line, c[9]),
            "reflection": _text(line, c[10]),
            "reflection_detail": _text(line, c[11]),
        }
        general = _number(line, c[12])
        special = _number(line, c[15])
        found_amounts = []
        if general is not None:
            found_amounts.append({"account": "一般会計", "subaccount": "", "amount": general})
        if special is not None or _text(line, c[13]):
            found_amounts.append(
                {"account": _text(line, c[13]), "subaccount": _text(line, c[14]), "amount": special}
            )
        found = []
        if any(_text(line, name) for name in c[16:20]):
            found.append(
                {
                    "kind": FindingKind.REVIEW,
                    "origin": _text(line, c[16]),
                    "fiscal_year": _year(line, c[17]),
                    "finding": _text(line, c[18]),
                    "response": _text(line, c[19]),
                }
            )
        if any(_text(line, name) for name in c[20:24]):
            found.append(
                {
                    "kind": FindingKind.OTHER,
                    "origin": _text(line, c[20]),
                    "fiscal_year": _year(line, c[21]),
                    "finding": _text(line, c[22]),
                    "response": _text(line, c[23]),
                }
            )
        return (scalars, found_amounts, found)

    for scalars, found_amounts, found in reader.each("4-1", read):
        if not review:
            review.update(scalars)
        for amount in found_amounts:
            if amount not in amounts:
                amounts.append(amount)
        for finding in found:
            if finding not in findings:
                findings.append(finding)
    if not review and not amounts and not findings:
        return None
    return {**review, "reflected": amounts, "findings": findings}
