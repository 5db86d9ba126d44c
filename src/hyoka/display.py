"""How values are shown: the labels of the model's codes and the formatting of figures.

One place for what the web, the CLI, the rendered sheet and the workbook print: value kinds
(目標・見込・実績), sheet kinds (県・国), cost cells, directions, comparisons, trends and
severities; figures with thousands separators and ``△`` for negatives as the sheets print
them, money in 千円, percentages, fiscal years with their era (令和5年度, R5年度) and ``ー``
for a figure that is not known.

The label tables are keyed by the enum's value (``"target"``, ``"prefecture"``); a member
of the model's ``StrEnum`` finds the same entry, so callers pass either. Nothing here
imports more than :mod:`hyoka.eras`, so any module (CLI included) may use it cheaply.

>>> VALUE_KIND_LABELS["actual"], SHEET_KIND_LABELS["national"]
('実績', '国')
>>> figure(-4000), number(Decimal("50.10")), trimmed(Decimal("4.0")), year_label(2023)
('△4,000', '50.10', '4', '令和5年度')
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hyoka.eras import era_label, era_short

__all__ = [
    "ACTION_LABELS",
    "COMPARISON_LABELS",
    "COMPARISON_PRINTED",
    "COST_LABELS",
    "COST_LABELS_LONG",
    "COST_LABELS_WITH_UNITS",
    "DIRECTION_LABELS",
    "EXCEL_BLANK_DECIMAL_FORMAT",
    "EXCEL_MONEY_FORMAT",
    "MINUS",
    "MISSING",
    "NO_TREND",
    "OVERRIDE_NOTE",
    "SEVERITY_LABELS",
    "SHEET_KIND_LABELS",
    "SHEET_KIND_LONG",
    "SHEET_KIND_TITLES",
    "TREND_LABELS",
    "VALUE_KIND_LABELS",
    "VALUE_KIND_PRINTED",
    "excel_decimal_format",
    "figure",
    "in_units",
    "local_time",
    "money",
    "number",
    "percent",
    "plain",
    "thousands",
    "to_the_yen",
    "trimmed",
    "year_label",
    "year_short",
    "yen_figure",
]

# --- Marks ---------------------------------------------------------------------------------

MISSING = "ー"
"""A figure printed as not known (an empty settlement, a cell without a value)."""

NO_TREND = "―"
"""The trend legend's "no value", also what a chart's data table shows without a figure."""

MINUS = "△"
"""How the sheets mark a negative figure."""

OVERRIDE_NOTE = "推移・達成状況は計算によらない記載。理由："
"""The note of an indicator whose printed 推移/達成状況 the editor chose against the computed
ones (「※指標①：推移・達成状況は計算によらない記載。理由：…」); the PDF reader reads it back."""

# --- Labels --------------------------------------------------------------------------------

VALUE_KIND_LABELS: dict[str, str] = {"target": "目標", "estimate": "見込", "actual": "実績"}
"""A yearly figure's kind (``ValueKind``) in a word: the workbook's 区分, charts, CSV, history."""

VALUE_KIND_PRINTED: dict[str, str] = {"target": "目標値", "estimate": "見込値", "actual": "実績"}
"""A yearly figure's kind as the sheet's notes print it: R2年度実績：600、R12年度目標値：3,000."""

SHEET_KIND_LABELS: dict[str, str] = {"prefecture": "県", "national": "国", "municipal": "市町村"}
"""Which template (``SheetKind``) in a word, as the filters and reports show it."""

SHEET_KIND_TITLES: dict[str, str] = {
    "prefecture": "事業改善シート",
    "national": "行政事業レビューシート",
    "municipal": "事務事業評価シート",
}
"""The title of each kind of sheet."""

SHEET_KIND_LONG: dict[str, str] = {
    kind: f"{label}（{SHEET_KIND_TITLES[kind]}）" for kind, label in SHEET_KIND_LABELS.items()
}
"""県（事業改善シート） / 国（行政事業レビューシート）."""

DIRECTION_LABELS: dict[str, str] = {"higher": "高いほど良い", "lower": "低いほど良い"}
"""Which way an indicator improves (``Direction``)."""

COMPARISON_LABELS: dict[str, str] = {
    "at_least": "以上",
    "at_most": "以下",
    "exact": "一致",
    "range": "範囲",
}
"""How an actual is compared with its target (``Comparison``), in a word (workbook, forms)."""

COMPARISON_PRINTED: dict[str, str] = {
    "at_least": "目標値以上",
    "at_most": "目標値以下",
    "exact": "目標値と一致",
    "range": "目標範囲内",
}
"""The same as the sheet prints it beside an indicator: （低いほど良い・目標値以下）."""

TREND_LABELS: dict[str, str] = {"↗": "改善", "↘": "悪化", "→": "横ばい", NO_TREND: "値なし"}
"""The trend legend of section 4, arrow (``Trend``) → meaning, in printed order."""

COST_LABELS: dict[str, str] = {
    "carried_over": "前年度繰越",
    "initial_budget": "当初予算",
    "supplementary": "補正予算等",
    "total": "合計",
    "general_revenue": "うち一般財源",
    "settlement": "決算額",
    "staff": "職員数",
}
"""The cells of a cost row (``CostRow`` fields) in printed order, with their short names."""

COST_LABELS_LONG: dict[str, str] = COST_LABELS | {"total": "合計（予算現額）"}
"""The same with 合計（予算現額）, as change histories and correction notes name it."""

COST_LABELS_WITH_UNITS: dict[str, str] = COST_LABELS_LONG | {"staff": "職員数（人）"}
"""The same with 職員数（人）, as the edit form and the workbook head their columns."""

SEVERITY_LABELS: dict[str, str] = {"error": "誤り", "warning": "要確認", "info": "参考"}
"""A finding's severity (``Severity``) as the pages show it."""

ACTION_LABELS: dict[str, str] = {
    "sheet.create": "作成",
    "sheet.edit": "編集",
    "sheet.upload": "Excelの取込み",
    "sheet.submit": "提出",
    "sheet.approve": "承認",
    "sheet.return": "差戻し",
    "sheet.reopen": "編集の再開",
    "sheet.correct": "公開後の訂正（承認）",
    "sheet.correct_prior": "前のシートの数値の訂正（承認）",
    "correction.edit": "修正案の保存",
    "correction.submit": "修正案の提出",
    "correction.approve": "修正案の承認",
    "correction.return": "修正案の差戻し",
    "correction.reopen": "修正案の編集の再開",
    "correction.discard": "修正案の取下げ",
    "sheet.assign": "担当者の割当て",
    "sheet.move": "部局・課の変更",
    "sheet.comment": "コメント",
    "sheet.resolve_comment": "コメントの解決",
    "sheet.next_stage": "次の段階の作成",
    "sheet.next_year": "次年度の作成",
    "cycle.deadline": "期限の設定",
    "user.add": "アカウントの作成",
    "user.set_role": "役割・部局・課の変更",
    "user.rename": "表示名の変更",
    "user.disable": "アカウントの無効化",
    "user.enable": "アカウントの有効化",
    "user.passwd": "パスワードの再設定",
}
"""What the audit log's ``action`` of each change means, as the history pages show it."""

# --- Figures -------------------------------------------------------------------------------


def number(value: int | Decimal | None, *, missing: str = "", negative: str = MINUS) -> str:
    """Thousands separators, the decimals the value holds (50.10 stays 50.10), ``△`` for
    negatives; ``missing`` for None. ``negative="-"`` gives a plain minus sign.

    >>> number(209739), number(Decimal("-2.5")), number(None), number(-3, negative="-")
    ('209,739', '△2.5', '', '-3')
    """
    if value is None:
        return missing
    if value < 0 and negative != "-":
        return f"{negative}{abs(value):,}"
    return f"{value:,}"


def money(value: int | Decimal | None, *, missing: str = "") -> str:
    """Money as the sheets print it (千円, or yen): separators and ``△`` for negatives.

    >>> money(209739), money(-4000), money(0), money(None)
    ('209,739', '△4,000', '0', '')
    """
    return number(value, missing=missing)


def figure(value: int | Decimal | None, *, missing: str = MISSING) -> str:
    """A figure as the sheet prints it: like :func:`number`, with no exponent (1E+3 →
    1,000); ``ー`` when not known.

    >>> figure(-4000), figure(Decimal("0.995652")), figure(Decimal("1E+3")), figure(None)
    ('△4,000', '0.995652', '1,000', 'ー')
    """
    if value is None:
        return missing
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
    if isinstance(exponent, int) and exponent > 0:
        value = Decimal(value).quantize(Decimal(1))
    return number(value)


def to_the_yen(value: Decimal, yen: int = 1) -> Decimal:
    """An amount in a unit of ``yen`` yen (百万円: 1,000,000; yen itself: 1) rounded to the
    yen where it carries more: the float noise of a source (337.97638700000005 百万円) is
    no money. Exact amounts pass unchanged.

    >>> to_the_yen(Decimal("337.97638700000005"), 1_000_000), to_the_yen(Decimal("3.00000005"))
    (Decimal('337.976387'), Decimal('3'))
    """
    places = len(str(yen)) - 1  # one yen is 10**-places of the unit
    exponent = value.as_tuple().exponent
    if value.is_finite() and isinstance(exponent, int) and -exponent > places:
        return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP).normalize()
    return value


def yen_figure(value: int | Decimal | None, yen: int, *, missing: str = MISSING) -> str:
    """An amount in a unit of ``yen`` yen as the sheet prints it, to the yen at most
    (:func:`to_the_yen`); the stored figure stays as read.

    >>> yen_figure(Decimal("337.97638700000005"), 1_000_000), yen_figure(Decimal("0.5"), 1_000)
    ('337.976387', '0.5')
    """
    if isinstance(value, Decimal):
        value = to_the_yen(value, yen)
    return figure(value, missing=missing)


def trimmed(value: int | Decimal | None, *, missing: str = "", negative: str = MINUS) -> str:
    """Separators without trailing zeros (4.0 → 4, 2.50 → 2.5), for tables and charts.

    >>> trimmed(Decimal("1234.50")), trimmed(Decimal("-4.0")), trimmed(None, missing="―")
    ('1,234.5', '△4', '―')
    >>> trimmed(Decimal("-2.50"), negative="-")
    '-2.5'
    """
    if value is None:
        return missing
    magnitude = abs(Decimal(value))
    if magnitude == magnitude.to_integral_value():
        text = f"{int(magnitude):,}"
    else:
        text = f"{magnitude.normalize():,f}"
    return f"{negative}{text}" if value < 0 else text


def in_units(yen: Decimal | int, unit: Decimal | int = 1000) -> Decimal:
    """Yen in a larger unit (1000 for 千円, 1,000,000 for 百万円), rounded half up.

    >>> in_units(Decimal(1500)), in_units(Decimal(47966256), 1_000_000)
    (Decimal('2'), Decimal('48'))
    """
    return (Decimal(yen) / Decimal(unit)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def thousands(yen: Decimal | int | None, *, missing: str = "") -> str:
    """Yen shown in 千円: rounded half up, separators, ``△`` for negatives.

    >>> thousands(Decimal(209739400)), thousands(Decimal(-4000500)), thousands(None)
    ('209,739', '△4,001', '')
    """
    if yen is None:
        return missing
    return number(in_units(yen))


def percent(value: Decimal | None, *, places: int = 1, missing: str = "") -> str:
    """A rate (0.455) as a percentage with ``places`` decimals.

    >>> percent(Decimal("0.455")), percent(Decimal(1), places=0), percent(None)
    ('45.5%', '100%', '')
    """
    if value is None:
        return missing
    return f"{value * 100:.{places}f}%"


def plain(value: int | Decimal | None, *, missing: str = "") -> str:
    """The exact digits without separators or trailing zeros: 473.50 → 473.5, 1E+3 → 1000.

    >>> plain(Decimal("473.50")), plain(Decimal("1E+3")), plain(Decimal("-2")), plain(None)
    ('473.5', '1000', '-2', '')
    """
    if value is None:
        return missing
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Fiscal years --------------------------------------------------------------------------


def year_label(fiscal_year: int | None, *, missing: str = "") -> str:
    """A fiscal year with its era in full: 令和5年度 for 2023; ``missing`` for None.

    >>> year_label(2023), year_label(2019), year_label(None)
    ('令和5年度', '令和元年度', '')
    """
    return missing if fiscal_year is None else era_label(fiscal_year)


def year_short(fiscal_year: int | None, *, missing: str = "", suffix: str = "年度") -> str:
    """A fiscal year as the sheets' tables print it: R5年度 for 2023 (R5 with ``suffix=""``).

    >>> year_short(2023), year_short(2023, suffix=""), year_short(None)
    ('R5年度', 'R5', '')
    """
    return missing if fiscal_year is None else era_short(fiscal_year, suffix=suffix)


# --- Excel number formats ------------------------------------------------------------------

EXCEL_MONEY_FORMAT = "#,##0;△#,##0"
"""Money in a workbook cell: separators, △ for negatives."""

EXCEL_BLANK_DECIMAL_FORMAT = "#,##0.##;△#,##0.##"
"""An empty figure cell: up to two decimals for whatever is typed into it."""


def excel_decimal_format(value: Decimal) -> str:
    """A number format showing exactly the decimals the figure carries (4.0 → 0.0).

    >>> excel_decimal_format(Decimal("4.0")), excel_decimal_format(Decimal("1200"))
    ('#,##0.0;△#,##0.0', '#,##0;△#,##0')
    """
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    body = "#,##0" + ("." + "0" * places if places else "")
    return f"{body};{MINUS}{body}"


def local_time(at: datetime | None, zone: ZoneInfo) -> str:
    """A stored instant in ``zone``, as 2026年12月3日 22:05 (naive instants are UTC)."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    here = at.astimezone(zone)
    return f"{here.year}年{here.month}月{here.day}日 {here:%H:%M}"
