"""The tables of page 1 of the sheet's PDF text: 4 成果指標, 5 総合５か年計画, 6 事業コスト.

Cells come out column by column and sometimes glued, so each table is rebuilt from
the template's structure: the per-indicator summary lines of section 8 (指標… R4年度推移 ↘
R5年度推移 ↘ 達成状況 達成), the count of rows, and the arithmetic that ties the columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import permutations

from hyoka.display import VALUE_KIND_PRINTED
from hyoka.eras import parse_fiscal_year
from hyoka.importers._layout import Line, blocks, join_wrapped
from hyoka.importers._normalize import NO_VALUE_MARKS, located, parse_amount, parse_decimal
from hyoka.importers.errors import ImportNotes
from hyoka.model import (
    Achievement,
    Comparison,
    Correction,
    CostRow,
    Direction,
    Indicator,
    IndicatorValue,
    PlanGoal,
    PlanLink,
    TargetSpec,
    Trend,
    ValueKind,
    YearValue,
)
from hyoka.rules.indicators import trend

ARROWS = {trend.value: trend for trend in Trend}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
INDICATOR_NUMBER = rf"[{CIRCLED}](?:-\d+)?"
_ERA_YEAR = r"[RHS]\d+年度"

# ---------------------------------------------------------------- 6 事業コスト

_COST_TOKEN = re.compile(rf"({_ERA_YEAR})|(\d+\.\d+)|(△\s?[\d,]+|[\d,]+)|(?<!\S)(ー|-)(?!\S)")


@dataclass
class _CostLine:
    line: Line
    year: int | None = None
    amounts: list[int | None] = field(default_factory=list)
    staff: Decimal | None = None


def parse_costs(lines: Sequence[Line], notes: ImportNotes) -> list[CostRow]:
    """Rows of 6 事業コスト: six amounts (繰越, 当初, 補正, 合計, 一般財源, 決算) and staff.

    A row's year label or staff figure may come out on a line of its own (``4.0``) or
    glued to another (``5.0R5年度``): such loose cells go to the rows that lack them,
    in order.
    """
    rows: list[_CostLine] = []
    loose_years: list[int] = []
    loose_staff: list[tuple[Decimal, Line]] = []
    for line in lines:
        parsed = _CostLine(line)
        years: list[int] = []
        staffs: list[Decimal] = []
        for year, staff, amount, none in _COST_TOKEN.findall(line.text):
            if year:
                years.append(parse_fiscal_year(year))
            elif staff:
                with located("6 事業コスト", line.number):
                    value = parse_decimal(staff)  # bounded: 20 digits of staff are no figure
                if value is not None:
                    staffs.append(value)
            elif amount:
                with located("6 事業コスト", line.number):
                    parsed.amounts.append(parse_amount(amount))
            elif none:
                parsed.amounts.append(None)
        if len(parsed.amounts) == 6:
            parsed.year = years.pop(0) if years and line.text.startswith(("R", "H", "S")) else None
            parsed.staff = staffs.pop(0) if staffs else None
            rows.append(parsed)
        elif parsed.amounts:
            notes.missing_in(
                "6 事業コスト", f"金額の数が6ではありません: {line.text!r}", line.number
            )
        for staff in staffs:
            # A staff figure alone right after a row that lacks one belongs to that row.
            previous = rows[-1] if rows else None
            if previous and previous.staff is None and previous.line.number < line.number:
                previous.staff = staff
                continue
            loose_staff.append((staff, line))
        loose_years.extend(years)
    for row in rows:
        if row.year is None and loose_years:
            row.year = loose_years.pop(0)
    for row in rows:
        if row.staff is None and loose_staff:
            staff, line = loose_staff.pop(0)
            row.staff = staff
            notes.inferred_in(
                "6 事業コスト",
                f"職員数 {staff} を行の並びから {row.year} 年度の行に対応させました",
                line.number,
            )
    result = []
    for row in rows:
        if row.year is None:
            notes.missing_in("6 事業コスト", "年度の見出しのない行があります", row.line.number)
            continue
        carried, initial, supplementary, total, general, settlement = row.amounts
        result.append(
            CostRow(
                fiscal_year=row.year,
                carried_over=carried,
                initial_budget=initial,
                supplementary=supplementary,
                total=total,
                general_revenue=general,
                settlement=settlement,
                staff=row.staff,
            )
        )
    return sorted(result, key=lambda row: -row.fiscal_year)


# ---------------------------------------------------------------- 4 成果指標

_SUMMARY_NUMBER = re.compile(rf"指標\s*({INDICATOR_NUMBER})\s*")
_SUMMARY_TREND = re.compile(rf"({_ERA_YEAR})推移\s*([↗↘→―])")
_SUMMARY_STATUS = re.compile(r"達成状況\s*(未達成|達成)")
_CORRECTION = re.compile(
    r"※(?P<note>(?P<where>[^※]*?)に記載した(?P<year>[RHS]\d+年度)(?P<what>実績|目標値|見込値)"
    r"(?P<why>[^※]*?))[(（]?修正前\s*[:：]\s*(?P<before>△?[\d,.]+)\s*[、,]?\s*"
    r"修正後\s*[:：]\s*(?P<after>△?[\d,.]+)\s*[)）]?"
)
_CUMULATIVE = re.compile(r"(\d{4}|[RHS]\d+)年?度?\s*[〜~-]\s*(\d{4}|[RHS]\d+)年度の累計")


@dataclass
class IndicatorSummary:
    number: str
    name: str
    trends: dict[int, Trend]
    achievement: Achievement | None
    line: int


def parse_summaries(lines: Sequence[Line]) -> list[IndicatorSummary]:
    """The summary line of each indicator in section 8, whatever order its parts came in."""
    found: dict[str, IndicatorSummary] = {}
    for line in lines:
        number_match = _SUMMARY_NUMBER.search(line.text)
        if number_match is None or "推移" not in line.text:
            continue
        rest = line.text[number_match.end() :]
        name = re.split(rf"{_ERA_YEAR}推移|達成状況", rest)[0].strip()
        trends = {
            parse_fiscal_year(year): ARROWS[arrow]
            for year, arrow in _SUMMARY_TREND.findall(line.text)
        }
        status = _SUMMARY_STATUS.search(line.text)
        found[number_match[1]] = IndicatorSummary(
            number=number_match[1],
            name=name,
            trends=trends,
            achievement=Achievement(status[1]) if status else None,
            line=line.number,
        )
    return sorted(found.values(), key=lambda summary: indicator_sort_key(summary.number))


def indicator_sort_key(number: str) -> tuple[int, int]:
    head, _, tail = number.partition("-")
    return (CIRCLED.index(head[0]) if head and head[0] in CIRCLED else 99, int(tail or 0))


def reason_key(number: str) -> str:
    """The key under which 目標値設定理由 numbers an indicator: ④-1 → 4-1."""
    head, _, tail = number.partition("-")
    key = str(CIRCLED.index(head) + 1)
    return f"{key}-{tail}" if tail else key


def split_reasons(lines: Sequence[Line], numbers: Sequence[str]) -> dict[str, str]:
    """目標値設定理由 per indicator: numbered (1. 2. 4-1.) or one paragraph a row."""
    text_lines = [line.text for line in lines if line.text]
    keyed: dict[str, list[str]] = {}
    current: str | None = None
    wanted = {reason_key(number): number for number in numbers}
    for text in text_lines:
        match = re.match(r"^(\d+(?:-\d+)?)\.\s*", text)
        if match and match[1] in wanted:
            current = wanted[match[1]]
            keyed[current] = [text[match.end() :]]
        elif current is not None:
            keyed[current].append(text)
    if keyed:
        return {number: join_wrapped(parts) for number, parts in keyed.items()}
    paragraphs = [join_wrapped([line.text for line in block]) for block in blocks(lines)]
    if len(paragraphs) == len(numbers):
        return dict(zip(numbers, paragraphs, strict=True))
    return {}


PRINTED_KINDS = {label: ValueKind(kind) for kind, label in VALUE_KIND_PRINTED.items()}
"""実績 / 目標値 / 見込値 as the notes print them → the kind of figure."""


def parse_corrections(text: str) -> list[tuple[int, ValueKind, Correction]]:
    """Hand-written correction notes such as ※…R4年度実績が誤って…(修正前:473、修正後:493)."""
    found = []
    for match in _CORRECTION.finditer(text):
        kind = PRINTED_KINDS[match["what"]]
        before = parse_decimal(match["before"])
        after = parse_decimal(match["after"])
        if before is None or after is None:
            continue
        note = re.sub(r"\s+", "", match["note"]).rstrip("(（")
        found.append(
            (
                parse_fiscal_year(match["year"]),
                kind,
                Correction(before=before, after=after, reason=note, noted_in=match["where"]),
            )
        )
    return found


def target_spec_for(name: str, direction: Direction) -> TargetSpec:
    """A target is reached from the good side: at least when higher is better, else at most."""
    comparison = (
        Comparison.AT_LEAST if direction is Direction.HIGHER_IS_BETTER else Comparison.AT_MOST
    )
    match = _CUMULATIVE.search(name)
    if match is None:
        return TargetSpec(comparison=comparison)
    start, end = (parse_fiscal_year(part) for part in match.groups())
    return TargetSpec(comparison=comparison, cumulative=True, start_year=start, end_year=end)


@dataclass
class IndicatorTable:
    """Loose cells of the indicator table, in the order they came out."""

    numbers: list[str] = field(default_factory=list)
    statuses: list[Achievement] = field(default_factory=list)
    figures: list[tuple[Decimal | None, Line]] = field(default_factory=list)
    arrows: list[Trend] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


# Column roles of the four figure columns: R(n-2) actual, R(n-1) actual, Rn target, Rn actual.
ROLES = ("previous2", "previous1", "target", "actual")
# The order the template's text extraction writes the figure columns in.
TEMPLATE_COLUMN_ORDER = ("target", "previous1", "previous2", "actual")


def _achieved(target: Decimal | None, actual: Decimal | None, direction: Direction) -> bool | None:
    if target is None or actual is None:
        return None
    return actual >= target if direction is Direction.HIGHER_IS_BETTER else actual <= target


def place_figures(
    columns: list[list[Decimal | None]],
    summaries: Sequence[IndicatorSummary],
    fiscal_year: int,
) -> tuple[dict[str, int], list[Direction], int]:
    """Decide which figure column is which, by agreement with the printed arrows and statuses.

    Every assignment of the four columns to (R(n-2), R(n-1), target, Rn) and every good
    direction per indicator is scored by how many printed arrows and statuses it
    contradicts; ties keep the template's usual column order. Returns role → column,
    the directions, and the number of contradictions left.
    """
    best: tuple[int, int, dict[str, int], list[Direction]] | None = None
    template = {role: index for index, role in enumerate(TEMPLATE_COLUMN_ORDER)}
    for order in permutations(range(4)):
        roles = dict(zip(ROLES, order, strict=True))
        contradictions = 0
        directions = []
        for row, summary in enumerate(summaries):
            cell = {role: columns[column][row] for role, column in roles.items()}
            scored = []
            for direction in Direction:
                misses = 0
                expected = {
                    fiscal_year - 1: trend(cell["previous2"], cell["previous1"], direction),
                    fiscal_year: trend(cell["previous1"], cell["actual"], direction),
                }
                for year, printed in summary.trends.items():
                    if year in expected and expected[year] != printed:
                        misses += 1
                achieved = _achieved(cell["target"], cell["actual"], direction)
                if summary.achievement is not None and achieved is not None:
                    misses += achieved != (summary.achievement is Achievement.ACHIEVED)
                scored.append((misses, direction))
            misses, direction = min(scored, key=lambda item: item[0])
            contradictions += misses
            directions.append(direction)
        distance = sum(order[i] != template[role] for i, role in enumerate(ROLES))
        candidate = (contradictions, distance, roles, directions)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    assert best is not None
    return best[2], best[3], best[0]


def build_indicators(
    summaries: Sequence[IndicatorSummary],
    table: IndicatorTable,
    reasons: dict[str, str],
    fiscal_year: int,
    notes: ImportNotes,
) -> list[Indicator]:
    """Indicators from the summary lines (number, name, arrows, status) and the table."""
    section = "4 成果指標"
    numbers = [summary.number for summary in summaries]
    for number in table.numbers:
        if number not in numbers:
            notes.missing_in(section, f"指標{number}の要約行(8)が見つかりません")
    count = len(summaries)
    figures = [value for value, _ in table.figures]
    roles: dict[str, int] = {}
    directions = [Direction.HIGHER_IS_BETTER] * count
    columns: list[list[Decimal | None]] = []
    if count and len(figures) == 4 * count:
        columns = [figures[i * count : (i + 1) * count] for i in range(4)]
        roles, directions, contradictions = place_figures(columns, summaries, fiscal_year)
        if contradictions:
            notes.inferred_in(
                section,
                f"数値の列を推移・達成状況と{contradictions}か所食い違う並びで対応させました",
            )
    elif figures:
        lines = ", ".join(str(line.number) for _, line in table.figures)
        notes.missing_in(
            section,
            f"数値が{len(figures)}個あり、{count}指標×4列に合いません (行 {lines})。"
            "数値を配置できません",
        )
    elif count:
        notes.missing_in(
            section,
            "成果指標の表の数値(R3・R4実績、目標値、実績)が本文にありません",
        )
    units = table.units if len(table.units) == count else []
    if count and not units:
        notes.missing_in(section, f"単位が{len(table.units)}個で、指標の数{count}と合いません")
    indicators = []
    for row, summary in enumerate(summaries):
        values: list[IndicatorValue] = []
        if roles:
            for role, kind, year in (
                ("previous2", ValueKind.ACTUAL, fiscal_year - 2),
                ("previous1", ValueKind.ACTUAL, fiscal_year - 1),
                ("target", ValueKind.TARGET, fiscal_year),
                ("actual", ValueKind.ACTUAL, fiscal_year),
            ):
                values.append(
                    IndicatorValue(fiscal_year=year, kind=kind, value=columns[roles[role]][row])
                )
        reason = reasons.get(summary.number, "")
        for year, kind, correction in parse_corrections(reason):
            existing = next((v for v in values if v.fiscal_year == year and v.kind == kind), None)
            if existing is None:
                existing = IndicatorValue(fiscal_year=year, kind=kind, value=correction.after)
                values.append(existing)
            existing.corrections = [*existing.corrections, correction]
        indicators.append(
            Indicator(
                number=summary.number,
                name=summary.name,
                unit=units[row] if units else "",
                direction=directions[row],
                target=target_spec_for(summary.name, directions[row]),
                values=sorted(values, key=lambda v: (v.fiscal_year, v.kind.value)),
                target_reason=reason,
                printed_trends=summary.trends,
                printed_achievement=summary.achievement,
            )
        )
    return indicators


# ---------------------------------------------------------------- 5 総合５か年計画

POLICY_CODE = re.compile(rf"^\d+-\d+[{CIRCLED}]$")
_PLAN_CELL_YEAR = re.compile(r"^(\d{4})$")
_PLAN_CELL_VALUE = re.compile(r"^\((?:[RHS]\d+|[RHS]元)\)\s*(\S+)$")


@dataclass
class PlanColumn:
    is_target: bool
    cells: list[YearValue]


def parse_plan_columns(lines: Sequence[Line]) -> tuple[list[PlanColumn], list[Line]]:
    """Columns headed 年 数値 with their cells (ー or YYYY (Rn) value); other lines back."""
    columns: list[PlanColumn] = []
    rest: list[Line] = []
    previous = ""
    pending_year: int | None = None
    for line in lines:
        text = line.text
        if text == "年 数値":
            columns.append(PlanColumn(is_target=previous == "目標", cells=[]))
        elif columns and text in NO_VALUE_MARKS:
            columns[-1].cells.append(YearValue())
        elif columns and _PLAN_CELL_YEAR.match(text):
            pending_year = int(text)
        elif columns and pending_year is not None and _PLAN_CELL_VALUE.match(text):
            match = _PLAN_CELL_VALUE.match(text)
            assert match is not None
            with located("5 総合5か年計画", line.number):
                value = parse_decimal(match[1])
            columns[-1].cells.append(YearValue(fiscal_year=pending_year, value=value))
            pending_year = None
        elif text:
            rest.append(line)
        if text:
            previous = text
    return columns, rest


def split_goal_names(lines: Sequence[Line], count: int) -> list[str]:
    """Split wrapped 達成目標 names into ``count`` names.

    Names are separated by a blank line, or else a line that does not fill the column
    width ends a name (the cell wraps only full lines).
    """
    paragraphs = [[line.text for line in block] for block in blocks(lines)]
    if len(paragraphs) == count:
        return [join_wrapped(p) for p in paragraphs]
    flat = [text for paragraph in paragraphs for text in paragraph]
    widths = [_display_width(text) for text in flat]
    full = max(widths, default=0) * 0.85
    names: list[list[str]] = [[]]
    for text, width in zip(flat, widths, strict=True):
        names[-1].append(text)
        if width < full:
            names.append([])
    result = [join_wrapped(name) for name in names if name]
    return result


def _display_width(text: str) -> float:
    return sum(0.5 if char.isascii() else 1.0 for char in text)


def build_plan_links(
    codes: Sequence[str],
    policy_names: Sequence[str],
    goal_names: Sequence[str],
    units: Sequence[str],
    columns: Sequence[PlanColumn],
    notes: ImportNotes,
) -> list[PlanLink]:
    section = "5 総合5か年計画"
    goals = []
    for row, raw_name in enumerate(goal_names):
        main = raw_name.startswith("★")
        recent: list[YearValue] = []
        target: YearValue | None = None
        for column in columns:
            if row >= len(column.cells):
                continue
            cell = column.cells[row]
            if column.is_target:
                target = cell if cell.fiscal_year is not None else None
            elif cell.fiscal_year is not None:
                recent.append(cell)
        goals.append(
            PlanGoal(
                name=raw_name.lstrip("★").strip(),
                main=main,
                unit=units[row] if row < len(units) else "",
                recent=sorted(recent, key=lambda cell: cell.fiscal_year or 0),
                target=target,
            )
        )
    for column in columns:
        if len(column.cells) < len(goal_names) and any(
            cell.fiscal_year is not None for cell in column.cells
        ):
            notes.inferred_in(
                section, "数値のある列のセルが目標の数より少なく、上から対応させました"
            )
    if len(units) != len(goal_names):
        notes.missing_in(section, f"達成目標{len(goal_names)}件に対し単位が{len(units)}件です")
    if len(policy_names) != len(codes):
        notes.missing_in(section, "施策分野の名称の数がコードの数と合いません")
    links = [
        PlanLink(policy_code=code, policy_name=name, goals=[])
        for code, name in zip(codes, policy_names, strict=False)
    ]
    if not links:
        return []
    if len(links) == len(goals):
        for link, goal in zip(links, goals, strict=True):
            link.goals = [goal]
    else:
        notes.inferred_in(
            section, f"施策分野{len(links)}件と達成目標{len(goals)}件の対応を並び順で推定しました"
        )
        for index, goal in enumerate(goals):
            link = links[min(index, len(links) - 1)]
            link.goals = [*link.goals, goal]
    return links
