"""The page context of a sheet: everything its layouts show, already written the way the
sheets print it. One builder (:func:`sheet_view`), two templates: the HTML of
``render.html`` (Jinja) and the PDF of ``render.pdf`` (Typst, which gets the view as JSON).

Figures are written as the sheets print them (thousands separators, ``△`` for negatives,
R5年度); trend arrows as printed or, where the sheet printed none, as ``hyoka.rules``
computes them, marked ＊.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from hyoka.corrections import FigureCorrection
from hyoka.display import (
    COMPARISON_PRINTED,
    DIRECTION_LABELS,
    MISSING,
    OVERRIDE_NOTE,
    SHEET_KIND_TITLES,
    TREND_LABELS,
    VALUE_KIND_PRINTED,
    figure,
    year_label,
    year_short,
    yen_figure,
)
from hyoka.model import (
    STAGE_ORDER,
    BudgetRow,
    Comparison,
    CostRow,
    Direction,
    Indicator,
    IndicatorValue,
    MunicipalCost,
    PlanLink,
    Sheet,
    SheetKind,
    SubProject,
    ValueKind,
    YearValue,
)
from hyoka.rules import achievement
from hyoka.rules.indicators import printed_trend_years, year_trend

AUTHOR = "hyoka"  # the PDF's author where a sheet names no 課


@dataclass(frozen=True)
class Cell:
    """One printed figure of an indicator, with what kind of figure it is."""

    text: str
    kind: str = ""  # "見込" when an estimate stands in for an actual; "見込：400" beside one


@dataclass(frozen=True)
class IndicatorRow:
    number: str
    name: str
    spec: str  # （低いほど良い・目標範囲内）: how the target is meant, when not the default
    unit: str
    cells: list[Cell]  # in the order of ``SheetView.indicator_columns``
    achievement: str
    target_reason: str
    notes: list[str]
    analysis: str
    trends: list[tuple[str, str]]  # (R4年度, ↘) for the previous and the sheet's year


@dataclass(frozen=True)
class Column:
    """A column of the indicator table: its year heading and its kind heading."""

    year: int
    label: str  # 実績 / 推移 / 目標値
    year_text: str = ""  # R5年度


@dataclass(frozen=True)
class NationalIndicator:
    number: str
    goal: str
    name: str
    unit: str
    years: list[str]
    targets: list[str]
    actuals: list[str]


@dataclass(frozen=True)
class PlanGoalRow:
    """A 達成目標 of section 5: three recent years and the target as (year, figure)."""

    goal: str  # ★ first for a main goal
    unit: str
    recent: list[tuple[str, str]]  # ("ー", "") pads the years the sheet has no figure for
    target: tuple[str, str]


@dataclass(frozen=True)
class PlanRow:
    code: str
    policy: str
    goals: list[PlanGoalRow]  # empty when the sheet names the 施策 without a goal


@dataclass(frozen=True)
class ComponentRow:
    number: str
    name: str
    methods: list[str]
    description: list[str]  # its lines, as entered
    output: str


@dataclass(frozen=True)
class SubProjectRow:
    number: str
    name: str
    settlements: list[str | None]  # per ``SheetView.settlement_years``; None: not listed
    components: list[ComponentRow]


@dataclass(frozen=True)
class FigureTable:
    """A table of figures (an RS part, a municipality's indicators), its cells already
    written as the sheet prints them.

    ``key`` names the table for the layouts (its HTML class and id, its Typst column
    widths); ``numeric`` lists the columns of figures (right-aligned); a cell's lines are
    separated by newlines; the first cell of a row heads the row.
    """

    key: str
    title: str
    headings: list[str]
    rows: list[list[str]]
    numeric: list[int] = field(default_factory=list)
    unit: str = ""  # 円 where the table holds money
    note: str = ""


@dataclass(frozen=True)
class SheetView:
    """Everything a sheet template shows, already formatted; a contract for the templates."""

    sheet: Sheet
    national: bool
    title: str
    period_title: str
    stages: list[tuple[str, bool]]
    period: str
    indicator_columns: list[Column] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    settlement_years: list[int] = field(default_factory=list)
    settlement_headings: list[str] = field(default_factory=list)  # R5年度 per settlement year
    outcomes: list[NationalIndicator] = field(default_factory=list)
    outputs: list[NationalIndicator] = field(default_factory=list)
    title_level: int = 1  # the sheet's title: h1 standalone, h2 inside a page that has its own h1
    # Corrections of published figures outside the indicators (hyoka.corrections), as notes
    # under 事業コスト and 細事業一覧; the indicators carry their own.
    cost_notes: list[str] = field(default_factory=list)
    sub_project_notes: list[str] = field(default_factory=list)
    document_title: str = ""
    author: str = ""  # the 課 that wrote the sheet
    legend: str = ""  # 推移の凡例 of section 4, with ＊ explained when a cell uses it
    plan: list[PlanRow] = field(default_factory=list)
    costs: list[list[str]] = field(default_factory=list)  # year, then the seven figures
    sub_projects: list[SubProjectRow] = field(default_factory=list)
    component_heading: str = ""
    money_unit: str = ""
    budgets: list[list[str]] = field(default_factory=list)  # national: year, eight figures
    recipients: list[list[str]] = field(default_factory=list)
    predecessors: list[str] = field(default_factory=list)
    # 点検・評価 (Sheet.review) of national and municipal sheets: its figures as printed.
    review_external_year: str = ""
    review_amounts: list[list[str]] = field(default_factory=list)  # 会計, 勘定, 反映額
    review_findings: list[list[str]] = field(default_factory=list)  # 年度, 区分, 指摘, 対応状況
    # A municipality's 事務事業評価シート (Sheet.municipal).
    municipal_period: str = ""
    municipal_costs: list[list[str]] = field(default_factory=list)  # 年度, then ten figures
    municipal_indicators: list[FigureTable] = field(default_factory=list)
    # The RS system's parts of a national sheet since 2024 (:func:`_rs_parts`); empty on
    # the JUDGIT! sheets, whose layout stays as it was.
    rs: bool = False
    rs_situation: list[str] = field(default_factory=list)  # 現状・課題
    rs_facts: list[tuple[str, str]] = field(default_factory=list)  # 事業区分, 主要経費 …
    rs_basics: list[FigureTable] = field(default_factory=list)  # 1-1, 1-3, 1-4, 1-5
    rs_budget: list[FigureTable] = field(default_factory=list)  # 2-1 notes and accounts, 2-2
    rs_logic: list[FigureTable] = field(default_factory=list)  # 3-2
    rs_spending: list[FigureTable] = field(default_factory=list)  # 5-2, 5-3, 5-4
    rs_remarks: list[str] = field(default_factory=list)  # 6-1
    rs_notes: dict[str, str] = field(default_factory=dict)  # what a part leaves out, by part


def _value_cell(indicator: Indicator, year: int, kind: ValueKind) -> Cell:
    item = _find(indicator, year, kind)
    if (item is None or item.value is None) and kind is ValueKind.ACTUAL:
        estimate = _find(indicator, year, ValueKind.ESTIMATE)
        if estimate is not None and estimate.value is not None:
            return Cell(_value_text(estimate), "見込")
    return Cell(MISSING if item is None else _value_text(item))


def _find(indicator: Indicator, year: int, kind: ValueKind) -> IndicatorValue | None:
    return next(
        (item for item in indicator.values if item.fiscal_year == year and item.kind is kind),
        None,
    )


def _value_text(item: IndicatorValue) -> str:
    text = figure(item.value)
    if item.upper is not None:
        text += f"〜{figure(item.upper)}"
    return text


COMPUTED_MARK = "＊"
"""After a trend arrow or an achievement the sheet did not print and hyoka computed, so that
readers (and the PDF importer) tell it from a printed one."""


def _trend_cell(indicator: Indicator, year: int) -> Cell:
    printed = indicator.printed_trends.get(year)
    if printed is not None:
        return Cell(printed.value)
    return Cell(year_trend(indicator, year).value + COMPUTED_MARK)


def _printed_cell(indicator: Indicator, year: int, kind: ValueKind) -> Cell:
    """A cell of the indicator table: blank without a figure for the year, ー for a figure
    not known; the actual column shows the estimate (見込) beside or instead of the actual."""
    item = _find(indicator, year, kind)
    if kind is not ValueKind.ACTUAL:
        return Cell("" if item is None else _value_text(item))
    estimate = _find(indicator, year, ValueKind.ESTIMATE)
    if estimate is None:
        return Cell("" if item is None else _value_text(item))
    if item is None:
        return Cell(_value_text(estimate), "見込")
    return Cell(_value_text(item), f"見込：{_value_text(estimate)}")


def target_note(indicator: Indicator) -> str:
    """（低いほど良い・目標値以下・R5年度〜R12年度の累計）; empty for the usual target (higher
    is better, at least the target, one year)."""
    lower = indicator.direction is Direction.LOWER_IS_BETTER
    target = indicator.target
    parts = [DIRECTION_LABELS[Direction.LOWER_IS_BETTER]] if lower else []
    usual = Comparison.AT_MOST if lower else Comparison.AT_LEAST
    if target.comparison is not usual:
        parts.append(COMPARISON_PRINTED[target.comparison])
    if target.cumulative and target.start_year is not None and target.end_year is not None:
        parts.append(f"{year_short(target.start_year)}〜{year_short(target.end_year)}の累計")
    return f"（{'・'.join(parts)}）" if parts else ""


def _other_values_note(indicator: Indicator, year: int) -> list[str]:
    """Figures of years (or kinds) the table has no column for, so that none is lost."""
    shown = {(year, ValueKind.TARGET)} | {
        (shown_year, kind)
        for shown_year in (year - 2, year - 1, year)
        for kind in (ValueKind.ACTUAL, ValueKind.ESTIMATE)
    }
    others = [
        f"{year_short(item.fiscal_year)}{VALUE_KIND_PRINTED[item.kind]}：{_value_text(item)}"
        for item in indicator.values
        if (item.fiscal_year, item.kind) not in shown
    ]
    return [f"※指標{indicator.number}：その他の年度の数値　{'、'.join(others)}"] if others else []


def _correction_notes(indicator: Indicator) -> list[str]:
    """Notes for corrected figures that the target reason does not already tell."""
    notes = []
    for item in indicator.values:
        for correction in item.corrections:
            before, after = figure(correction.before), figure(correction.after)
            told = "修正前" in indicator.target_reason and before in indicator.target_reason
            if told:
                continue
            what = f"{year_short(item.fiscal_year)}{VALUE_KIND_PRINTED[item.kind]}"
            figures = f"（修正前：{before}、修正後：{after}）"
            written = f"{correction.noted_in}に記載した{what}"
            if (
                correction.noted_in
                and correction.reason.startswith(written)
                and not any(ch.isspace() or ch == "※" for ch in correction.reason)
            ):
                # The sheets' own wording, which the text and PDF importers read back.
                notes.append(f"※指標{indicator.number}：{correction.reason}{figures}")
                continue
            note = f"※指標{indicator.number}：{what}の修正{figures}"
            if correction.noted_in:
                note += f"。記載：{correction.noted_in}"
            if correction.reason:
                note += f"。理由：{correction.reason}"
            notes.append(note)
    return notes


def _override_note(indicator: Indicator) -> list[str]:
    reason = indicator.printed_override_reason
    return [f"※指標{indicator.number}：{OVERRIDE_NOTE}{reason}"] if reason else []


def _indicator_row(indicator: Indicator, columns: list[Column], year: int) -> IndicatorRow:
    cells = []
    for column in columns:
        if column.label == "推移":
            cells.append(_trend_cell(indicator, column.year))
        elif column.label == "目標値":
            cells.append(_printed_cell(indicator, column.year, ValueKind.TARGET))
        else:
            cells.append(_printed_cell(indicator, column.year, ValueKind.ACTUAL))
    computed = achievement(indicator, year) if indicator.printed_achievement is None else None
    status = (
        indicator.printed_achievement.value
        if indicator.printed_achievement is not None
        else computed.value + COMPUTED_MARK
        if computed is not None
        else MISSING
    )
    return IndicatorRow(
        number=indicator.number,
        name=indicator.name,
        spec=target_note(indicator),
        unit=indicator.unit,
        cells=cells,
        achievement=status,
        target_reason=indicator.target_reason,
        notes=_other_values_note(indicator, year)
        + _correction_notes(indicator)
        + _override_note(indicator),
        analysis=indicator.analysis,
        trends=[(year_short(y), _trend_cell(indicator, y).text) for y in printed_trend_years(year)],
    )


def _indicator_columns(year: int) -> list[Column]:
    shown = [(year - 2, "実績"), (year - 1, "実績"), (year - 1, "推移")]
    shown += [(year, "目標値"), (year, "実績"), (year, "推移")]
    return [Column(column_year, label, year_short(column_year)) for column_year, label in shown]


def _national_indicator(indicator: Indicator) -> NationalIndicator:
    years = sorted({item.fiscal_year for item in indicator.values})
    return NationalIndicator(
        number=indicator.number,
        goal=indicator.goal,
        name=indicator.name,
        unit=indicator.unit,
        years=[year_short(year) for year in years],
        targets=[_value_cell(indicator, year, ValueKind.TARGET).text for year in years],
        actuals=[_actual_text(indicator, year) for year in years],
    )


def _actual_text(indicator: Indicator, year: int) -> str:
    cell = _value_cell(indicator, year, ValueKind.ACTUAL)
    return f"{cell.text}（{cell.kind}）" if cell.kind else cell.text


def _period(sheet: Sheet) -> str:
    start, end = sheet.header.start_year, sheet.header.end_year
    if start is None and end is None:
        return ""
    if sheet.header.kind is SheetKind.NATIONAL:
        return f"{year_label(start or None)} 〜 {year_label(end or None)}".strip()
    return f"{year_short(start or None, suffix='')} 〜 {year_short(end or None, suffix='')}".strip()


def document_title(sheet: Sheet) -> str:
    """事業番号 事業名 （令和5年度 点検）: the title of the page and the PDF."""
    header = sheet.header
    title = (
        f"{header.program_number} {header.program_name}"
        f"（{year_label(header.fiscal_year)} {header.stage.value}）"
    )
    # One line: 397 JUDGIT! names hold a line break, which a PDF title cannot.
    return " ".join(title.split())


def _year_cell(item: YearValue | None) -> tuple[str, str]:
    if item is None:
        return ("ー", "")
    year = item.fiscal_year
    text = f"{year}({year_short(year).replace('年度', '')})" if year else ""
    return (text, figure(item.value))


def _plan_row(link: PlanLink) -> PlanRow:
    goals = []
    for goal in link.goals:
        recent = goal.recent[-3:]
        goals.append(
            PlanGoalRow(
                goal=("★" if goal.main else "") + goal.name,
                unit=goal.unit,
                recent=[("ー", "")] * (3 - len(recent)) + [_year_cell(item) for item in recent],
                target=_year_cell(goal.target),
            )
        )
    return PlanRow(link.policy_code, link.policy_name, goals)


def _cost_row(row: CostRow) -> list[str]:
    figures: tuple[int | Decimal | None, ...] = (
        row.carried_over,
        row.initial_budget,
        row.supplementary,
        row.total,
        row.general_revenue,
        row.settlement,
        row.staff,
    )
    return [year_short(row.fiscal_year), *(figure(value) for value in figures)]


def _sub_project_row(sub: SubProject, years: Sequence[int]) -> SubProjectRow:
    return SubProjectRow(
        number=str(sub.number),
        name=sub.name,
        settlements=[figure(sub.settlements[y]) if y in sub.settlements else None for y in years],
        components=[
            ComponentRow(
                number=str(component.number),
                name=component.name,
                methods=[method.value for method in component.methods],
                description=component.description.splitlines(),
                output=component.output,
            )
            for component in sub.components
        ],
    )


def _budget_row(row: BudgetRow, yen: int) -> list[str]:
    figures = (
        row.initial_budget,
        row.supplementary,
        row.carried_over,
        row.carried_forward,
        row.reserve,
        row.total,
        row.executed,
        row.requested,
    )
    return [year_short(row.fiscal_year), *(yen_figure(value, yen) for value in figures)]


def _legend(indicators: Sequence[IndicatorRow]) -> str:
    arrows = "".join(f"　{arrow}：{meaning}" for arrow, meaning in TREND_LABELS.items())
    computed = any(
        text.endswith(COMPUTED_MARK)
        for row in indicators
        for text in [*(cell.text for cell in row.cells), row.achievement]
    )
    return f"（推移の凡例{arrows}{'　＊：記載がなく計算で補ったもの' if computed else ''}）"


# 国庫支出金 … トータルコスト, in the model's (and the sheet's) order.
MUNICIPAL_COST_FIELDS = tuple(
    name for name in MunicipalCost.model_fields if name not in ("fiscal_year", "planned")
)
MUNICIPAL_INDICATORS = (
    ("活動指標（事務事業の活動量）", "outputs", "output"),
    ("対象指標（対象の大きさ）", "subject_indicators", "subject"),
    ("成果指標（対象における意図の達成度）", "indicators", "outcome"),
)


def _review_parts(sheet: Sheet) -> dict[str, object]:
    review = sheet.review
    if review is None:
        return {}
    yen = sheet.money_unit.yen
    return {
        "review_external_year": year_label(review.external_year) if review.external_year else "",
        "review_amounts": [
            [item.account, item.subaccount, yen_figure(item.amount, yen)]
            for item in review.reflected
        ],
        "review_findings": [
            [
                year_label(item.fiscal_year) if item.fiscal_year else "",
                item.origin,
                item.finding,
                item.response,
            ]
            for item in review.findings
        ],
    }


RS_SOURCE = (
    "出典：行政事業レビュー見える化サイト（RSシステム）、内閣官房行政改革推進本部事務局のCSVデータを"
    "加工して作成。同サイトの注記のとおり、金額は予算書・決算書の数値と一致しない場合があり、"
    "端数を処理したものがあります"
)
RS_NO_INDICATORS = (
    "RSシステムのCSVのうち「3-1 効果発現経路（目標・実績）」は公開データに含まれないため、"
    "成果指標・活動指標の目標値と実績は表示していません"
)
RS_NO_RECIPIENTS = (
    "RSシステムのCSVのうち「5-1 支出先（支出情報）」は公開データに含まれないため、"
    "支出先ごとの支出額の一覧は表示していません"
)


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _rate(value: Decimal | None) -> str:
    """執行率 as the RS tables give it (a fraction, 0.73278) written exactly as a percentage."""
    if value is None:
        return ""
    text = f"{value * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _account(account_type: str, account: str, subaccount: str) -> str:
    """会計区分, 会計 and 勘定 without repeating 一般会計 twice."""
    return _lines(account_type, account if account != account_type else "", subaccount)


def _numbered(columns: Sequence[Sequence[Decimal | None]]) -> int:
    """How many of the numbered columns (第n次補正予算, 予備費等n) to show: up to the last
    one with a figure other than 0, at least one."""
    used = [i for values in columns for i, value in enumerate(values) if value]
    return max(used, default=0) + 1


def _rs_parts(sheet: Sheet) -> dict[str, object]:
    """The RS system's parts of a national sheet (1-1 … 6-1 but 4-1, which is the review),
    formatted for both layouts; empty for a sheet that has none of them (JUDGIT!)."""
    parts = (
        sheet.org_units, sheet.policy_refs, sheet.laws, sheet.plans, sheet.subsidy_rates,
        sheet.related, sheet.budget_notes, sheet.budget_accounts, sheet.budget_items,
        sheet.logic_links, sheet.spending_flows, sheet.spending_uses, sheet.contracts,
        sheet.remarks, sheet.program_category, sheet.major_expenses,
    )  # fmt: skip
    if sheet.header.kind is not SheetKind.NATIONAL or not any(parts):
        return {}
    yen = sheet.money_unit.yen
    unit = sheet.money_unit.value

    def money(value: Decimal | None) -> str:
        return yen_figure(value, yen)

    def year(value: int | None) -> str:
        return year_label(value) if value else ""

    def table(
        key: str,
        title: str,
        headings: list[str],
        rows: list[list[str]],
        *,
        numeric: Sequence[int] = (),
        unit: str = "",
        note: str = "",
    ) -> list[FigureTable]:
        return [FigureTable(key, title, headings, rows, list(numeric), unit, note)] if rows else []

    facts = [
        ("事業区分", sheet.program_category),
        ("主要経費", "、".join(sheet.major_expenses)),
        ("政策所管府省庁", sheet.policy_ministry),
        ("旧事業番号", sheet.former_number),
        ("備考", sheet.summary_note),
        ("事業概要URL", sheet.source_url),
    ]
    orgs = [
        ["担当組織" if index == 0 else "その他担当組織", org.ministry, org.bureau, org.division,
         org.section, org.office, org.team, org.unit, org.responsible]
        for index, org in enumerate(sheet.org_units)
    ]  # fmt: skip
    basics = [
        *table(
            "rs-orgs", "組織情報",
            ["区分", "府省庁", "局・庁", "部", "課", "室", "班", "係", "作成責任者"], orgs,
        ),
        *table(
            "rs-policies", "政策・施策",
            ["政策所管府省庁", "政策", "施策", "URL"],
            [[p.ministry, p.policy, p.measure, p.url] for p in sheet.policy_refs],
        ),
        *table(
            "rs-laws", "根拠法令",
            ["法令名", "法令番号", "条", "項", "号・号の細分"],
            [[law.name, law.number, law.article, law.paragraph, law.item] for law in sheet.laws],
        ),
        *table(
            "rs-plans", "関係する計画・通知等",
            ["計画・通知等の名称", "URL"], [[plan.name, plan.url] for plan in sheet.plans],
        ),
        *table(
            "rs-subsidies", "補助率等",
            ["補助対象", "補助率", "補助上限等", "URL"],
            [[r.target, r.rate, r.cap, r.url] for r in sheet.subsidy_rates],
        ),
        *table(
            "rs-related", "関連事業",
            ["予算事業ID", "事業名", "関連性"],
            [
                ["" if r.project_id is None else str(r.project_id), r.name, r.relation]
                for r in sheet.related
            ],
            numeric=[0],
        ),
    ]  # fmt: skip

    accounts = sorted(sheet.budget_accounts, key=lambda item: item.fiscal_year)
    supplements = _numbered([item.supplementary for item in accounts])
    reserves = _numbered([item.reserves for item in accounts])
    omitted = [
        f"第{supplements + 1}次〜第5次補正予算" if supplements < 5 else "",
        f"予備費等{reserves + 1}〜4" if reserves < 4 else "",
    ]

    def nth(values: list[Decimal | None], count: int) -> list[str]:
        return [money(values[i] if i < len(values) else None) for i in range(count)]

    account_rows = [
        [
            year(item.fiscal_year),
            _account(item.account_type, item.account, item.subaccount),
            money(item.initial_budget),
            *nth(item.supplementary, supplements),
            money(item.carried_over),
            *nth(item.reserves, reserves),
            money(item.total),
            money(item.executed),
            money(item.requested),
            money(item.wished),
            item.note,
        ]
        for item in accounts
    ]
    account_headings = [
        "予算年度", "会計・勘定", "当初予算",
        *(f"第{n}次補正予算" for n in range(1, supplements + 1)),
        "前年度から繰越し",
        *(f"予備費等{n}" for n in range(1, reserves + 1)),
        "歳出予算現額", "執行額", "翌年度要求額", "要望額", "備考",
    ]  # fmt: skip
    money_columns = [i for i, name in enumerate(account_headings) if name not in
                     ("予算年度", "会計・勘定", "備考")]  # fmt: skip
    shown = "、".join(item for item in omitted if item)
    items = sorted(sheet.budget_items, key=lambda item: item.fiscal_year)
    budget = [
        *table(
            "rs-budget-notes", "執行率・主な増減理由",
            ["予算年度", "執行率", "主な増減理由", "その他特記事項"],
            [
                [year(n.fiscal_year), _rate(n.execution_rate), n.change_reason, n.note]
                for n in sorted(sheet.budget_notes, key=lambda note: note.fiscal_year)
            ],
            numeric=[1],
        ),
        *table(
            "rs-accounts", "会計・勘定ごとの予算・執行", account_headings, account_rows,
            numeric=money_columns, unit=unit,
            note=f"{shown}はいずれも0または空欄のため列を省略しています" if shown else "",
        ),
        *table(
            "rs-items", "予算種別・歳出予算項目",
            ["予算年度", "会計・予算種別", "所管", "組織・勘定", "項", "目",
             "歳出予算項目の補足情報", "予算額", "翌年度要求額", "備考"],
            [
                [year(i.fiscal_year),
                 _lines(_account(i.account_type, i.account, i.subaccount), i.budget_type),
                 i.jurisdiction, i.organisation, i.item, i.sub_item, i.detail,
                 money(i.amount), money(i.requested), i.note]
                for i in items
            ],
            numeric=[7, 8], unit=unit,
        ),
    ]  # fmt: skip

    def step(number: str, kind: str, period: str, text: str) -> str:
        label = " ".join(part for part in (kind, number) if part)
        return _lines(label + (f"（{period}）" if period else ""), text)

    logic = table(
        "rs-logic", "目標のつながり",
        ["派生元", "派生先", "後続アウトカムへのつながり", "アウトカムを複数段階で設定できない理由"],
        [
            [step(link.source_number, link.source_kind, link.source_period, link.source_text),
             step(link.target_number, link.target_kind, link.target_period, link.target_text),
             link.reason, link.no_stages_reason]
            for link in sheet.logic_links
        ],
    )  # fmt: skip

    def block(code: str, name: str) -> str:
        return " ".join(part for part in (code, name) if part)

    spending = [
        *table(
            "rs-flows", "支出ブロックのつながり",
            ["支出元", "支出先", "資金の流れの補足情報", "国自らが支出する間接経費", "金額"],
            [
                [_lines(block(f.source_block, f.source_name), "（担当組織）" if f.from_ministry else ""),
                 block(f.target_block, f.target_name), f.note,
                 _lines(f.indirect, f.indirect_item),
                 money(f.indirect_amount) if f.indirect_amount is not None else ""]
                for f in sheet.spending_flows
            ],
            numeric=[4], unit=unit,
        ),
        *table(
            "rs-uses", "費目・使途",
            ["支出先ブロック", "支出先名", "法人番号", "契約概要", "費目", "使途", "金額"],
            [
                [u.block, u.recipient, u.corporate_number, u.contract, u.expense, u.use,
                 money(u.amount)]
                for u in sheet.spending_uses
            ],
            numeric=[6], unit=unit,
        ),
        *table(
            "rs-contracts", "国庫債務負担行為等による契約",
            ["支出先ブロック", "契約先", "契約概要（契約名）", "契約額", "契約方式等", "入札者数（応募者数）",
             "落札率（％）", "一者応札・一者応募又は競争性のない随意契約となった理由及び改善策"],
            [
                [c.block,
                 _lines(c.name, f"法人番号 {c.corporate_number}" if c.corporate_number else "",
                        c.address, f"法人種別 {c.corporate_type}" if c.corporate_type else ""),
                 _lines(c.summary, f"その他の契約：{c.other}" if c.other not in ("", "f", "false") else ""),
                 money(c.amount), _lines(c.method, c.method_detail),
                 "" if c.bidders is None else str(c.bidders),
                 "" if c.winning_rate is None else figure(c.winning_rate), c.single_bid_reason]
                for c in sheet.contracts
            ],
            numeric=[3, 5, 6], unit=unit,
        ),
    ]  # fmt: skip
    return {
        "rs": True,
        "rs_situation": sheet.situation,
        "rs_facts": [(label, text) for label, text in facts if text],
        "rs_basics": basics,
        "rs_budget": budget,
        "rs_logic": logic,
        "rs_spending": spending,
        "rs_remarks": sheet.remarks,
        "rs_notes": {
            "logic": RS_NO_INDICATORS, "spending": RS_NO_RECIPIENTS, "source": RS_SOURCE,
        },
    }  # fmt: skip


def _municipal_parts(sheet: Sheet) -> dict[str, object]:
    details = sheet.municipal
    if details is None:
        return {}
    rows = []
    for cost in details.costs:
        label = f"{year_label(cost.fiscal_year)}（{'計画' if cost.planned else '実績'}）"
        rows.append([label, *(figure(getattr(cost, name)) for name in MUNICIPAL_COST_FIELDS)])
    if details.plan_costs is not None:
        plan = details.plan_costs
        rows.append(["全体計画", *(figure(getattr(plan, name)) for name in MUNICIPAL_COST_FIELDS)])
    years = [cost.fiscal_year for cost in details.costs if cost.fiscal_year is not None]
    headings = [
        year_short(year) + ("（計画）" if index == len(years) - 1 else "")
        for index, year in enumerate(years)
    ]
    tables = []
    for title, name, key in MUNICIPAL_INDICATORS:
        indicators: list[Indicator] = getattr(sheet, name)
        tables.append(
            FigureTable(
                key=f"municipal-{key}",
                title=title,
                headings=headings,
                rows=[
                    [
                        f"{item.number}：{item.name}",
                        item.unit,
                        *(
                            figure(
                                next((v.value for v in item.values if v.fiscal_year == year), None)
                            )
                            for year in years
                        ),
                    ]
                    for item in indicators
                ],
            )
        )
    start, end = sheet.header.start_year, sheet.header.end_year
    period = details.period_type
    if start or end:
        period += f"（{year_label(start) if start else ''}〜{year_label(end) if end else ''}）"
    return {
        "municipal_period": period,
        "municipal_costs": rows,
        "municipal_indicators": tables,
    }


def sheet_view(
    sheet: Sheet, *, title_level: int = 1, corrections: Sequence[FigureCorrection] = ()
) -> SheetView:
    """The page context of one sheet; ``corrections`` of cost and sub-project figures
    (:func:`hyoka.store.staff.corrections.figure_corrections`) become notes under their
    tables."""
    year = sheet.header.fiscal_year
    national = sheet.header.kind is SheetKind.NATIONAL
    stages = [(stage.value, stage is sheet.header.stage) for stage in STAGE_ORDER]
    common = {
        "sheet": sheet,
        "stages": stages,
        "period": _period(sheet),
        "title_level": title_level,
        "document_title": document_title(sheet),
        "author": sheet.header.section or AUTHOR,
        "money_unit": sheet.money_unit.value,
        **_review_parts(sheet),
        **_municipal_parts(sheet),
        **_rs_parts(sheet),
    }
    if sheet.header.kind is SheetKind.MUNICIPAL:
        municipality = sheet.municipal.municipality if sheet.municipal else ""
        return SheetView(
            national=False,
            title=f"{municipality} 事務事業評価シート".strip(),
            period_title=f"（{year_label(year)}）",
            **common,  # type: ignore[arg-type]
        )
    if national:
        return SheetView(
            national=True,
            title=SHEET_KIND_TITLES[SheetKind.NATIONAL],
            period_title=f"（{year_label(year)}）",
            outcomes=[_national_indicator(item) for item in sheet.indicators],
            outputs=[_national_indicator(item) for item in sheet.outputs],
            budgets=[_budget_row(row, sheet.money_unit.yen) for row in sheet.budgets],
            recipients=[
                [
                    r.group,
                    str(r.number) if r.number is not None else "",
                    r.name,
                    r.corporate_number,
                    r.description,
                    yen_figure(r.amount, sheet.money_unit.yen),
                ]
                for r in sheet.recipients
            ],
            predecessors=[
                f"{year_short(link.fiscal_year)} {link.ministry} {link.program_number}"
                for link in sheet.predecessors
            ],
            **common,  # type: ignore[arg-type]
        )
    columns = _indicator_columns(year)
    settlement_years = sorted(
        {year - 2, year - 1, year}.union(*(sub.settlements for sub in sheet.sub_projects))
    )
    indicators = [_indicator_row(item, columns, year) for item in sheet.indicators]
    return SheetView(
        national=False,
        title=SHEET_KIND_TITLES[SheetKind.PREFECTURE],
        period_title=f"（{year_label(year)}実施事業分）",
        indicator_columns=columns,
        indicators=indicators,
        legend=_legend(indicators),
        plan=[_plan_row(link) for link in sheet.plan_links],
        costs=[_cost_row(row) for row in sheet.costs],
        settlement_years=settlement_years,
        settlement_headings=[year_short(y) for y in settlement_years],
        sub_projects=[_sub_project_row(sub, settlement_years) for sub in sheet.sub_projects],
        component_heading=(
            f"{year_label(year)}実施内容（実績）（上段：事業概要、下段：活動によるアウトプット）"
        ),
        cost_notes=[item.note for item in corrections if item.section == "事業コスト"],
        sub_project_notes=[item.note for item in corrections if item.section == "細事業一覧"],
        **common,  # type: ignore[arg-type]
    )
