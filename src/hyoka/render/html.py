"""The sheet as HTML in its official layout: one template set for the web, the page and the PDF.

``sheet_fragment`` gives the ``<article>`` the web app embeds in its own pages;
``sheet_page`` a standalone document with the stylesheet inlined. ``render.pdf`` renders
the same markup with the same stylesheet (``static/sheet.css``) through WeasyPrint.

The templates get one typed context (:class:`SheetView`): figures already written the way
the sheets print them (thousands separators, ``△`` for negatives, R5年度), trend arrows as
printed or, where the sheet printed none, as ``hyoka.rules`` computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

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
    Comparison,
    Direction,
    Indicator,
    IndicatorValue,
    Sheet,
    SheetKind,
    ValueKind,
)
from hyoka.rules import achievement
from hyoka.rules.indicators import printed_trend_years, year_trend

STATIC_DIR = Path(str(files("hyoka.render").joinpath("static")))
STYLESHEET = STATIC_DIR / "sheet.css"


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
    outcomes: list[NationalIndicator] = field(default_factory=list)
    outputs: list[NationalIndicator] = field(default_factory=list)
    title_level: int = 1  # the sheet's title: h1 standalone, h2 inside a page that has its own h1
    # Corrections of published figures outside the indicators (hyoka.corrections), as notes
    # under 事業コスト and 細事業一覧; the indicators carry their own.
    cost_notes: list[str] = field(default_factory=list)
    sub_project_notes: list[str] = field(default_factory=list)


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
    return [
        Column(year - 2, "実績"),
        Column(year - 1, "実績"),
        Column(year - 1, "推移"),
        Column(year, "目標値"),
        Column(year, "実績"),
        Column(year, "推移"),
    ]


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


def sheet_view(sheet: Sheet) -> SheetView:
    """The template context of one sheet."""
    year = sheet.header.fiscal_year
    national = sheet.header.kind is SheetKind.NATIONAL
    stages = [(stage.value, stage is sheet.header.stage) for stage in STAGE_ORDER]
    if national:
        return SheetView(
            sheet=sheet,
            national=True,
            title=SHEET_KIND_TITLES[SheetKind.NATIONAL],
            period_title=f"（{year_label(year)}）",
            stages=stages,
            period=_period(sheet),
            outcomes=[_national_indicator(item) for item in sheet.indicators],
            outputs=[_national_indicator(item) for item in sheet.outputs],
        )
    columns = _indicator_columns(year)
    settlement_years = sorted(
        {year - 2, year - 1, year}.union(*(sub.settlements for sub in sheet.sub_projects))
    )
    return SheetView(
        sheet=sheet,
        national=False,
        title=SHEET_KIND_TITLES[SheetKind.PREFECTURE],
        period_title=f"（{year_label(year)}実施事業分）",
        stages=stages,
        period=_period(sheet),
        indicator_columns=columns,
        indicators=[_indicator_row(item, columns, year) for item in sheet.indicators],
        settlement_years=settlement_years,
    )


@cache
def environment() -> Environment:
    """The Jinja2 environment of the sheet templates (shared; templates are cached)."""
    env = Environment(
        loader=PackageLoader("hyoka.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figure"] = figure
    env.filters["yen_figure"] = yen_figure
    env.filters["fiscal_year"] = year_short
    env.filters["era_label"] = year_label
    env.globals["trend_labels"] = TREND_LABELS
    return env


@cache
def stylesheet() -> str:
    """The text of ``static/sheet.css`` (screen and print)."""
    return STYLESHEET.read_text(encoding="utf-8")


def sheet_fragment(
    sheet: Sheet, *, title_level: int = 2, corrections: Sequence[FigureCorrection] = ()
) -> Markup:
    """The sheet as an ``<article>`` in its official layout, for embedding in a page.

    Its title is an ``<h2>`` under the embedding page's own ``<h1>`` (one h1 per page);
    :func:`sheet_page` makes it the document's ``<h1>``. ``corrections`` of cost and
    sub-project figures (:func:`hyoka.store.staff.corrections.figure_corrections`) are noted
    under their tables.
    """
    template = environment().get_template("sheet/sheet.html")
    view = replace(
        sheet_view(sheet),
        title_level=title_level,
        cost_notes=[item.note for item in corrections if item.section == "事業コスト"],
        sub_project_notes=[item.note for item in corrections if item.section == "細事業一覧"],
    )
    return Markup(template.render(view=view))


def document_title(sheet: Sheet) -> str:
    """事業番号 事業名 （令和5年度 点検）: the title of the page and the PDF."""
    header = sheet.header
    return (
        f"{header.program_number} {header.program_name}"
        f"（{year_label(header.fiscal_year)} {header.stage.value}）"
    )


def sheet_page(
    sheet: Sheet, *, inline_css: bool = True, corrections: Sequence[FigureCorrection] = ()
) -> str:
    """The sheet as a standalone HTML document; no external URL.

    ``inline_css=False`` leaves the stylesheet out (``render.pdf`` passes it, parsed once).
    """
    template = environment().get_template("sheet/page.html")
    return template.render(
        title=document_title(sheet),
        css=Markup(stylesheet()) if inline_css else None,
        fragment=sheet_fragment(sheet, title_level=1, corrections=corrections),
    )
