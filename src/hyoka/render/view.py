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
    """A table of printed figures: its caption, column headings and rows of text."""

    title: str
    headings: list[str]
    rows: list[list[str]]


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
    return (
        f"{header.program_number} {header.program_name}"
        f"（{year_label(header.fiscal_year)} {header.stage.value}）"
    )


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
    ("活動指標（事務事業の活動量）", "outputs"),
    ("対象指標（対象の大きさ）", "subject_indicators"),
    ("成果指標（対象における意図の達成度）", "indicators"),
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
    for title, name in MUNICIPAL_INDICATORS:
        indicators: list[Indicator] = getattr(sheet, name)
        tables.append(
            FigureTable(
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
