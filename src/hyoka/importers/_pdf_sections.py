"""The sections of a sheet PDF, each read from its lines (text boxes) or ruled tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise

from hyoka.display import COMPARISON_PRINTED, COST_LABELS, DIRECTION_LABELS, OVERRIDE_NOTE
from hyoka.eras import parse_fiscal_year
from hyoka.importers._normalize import NO_VALUE_MARKS, parse_amount, parse_decimal
from hyoka.importers._pdf_layout import Page, TextLine, is_full, join_lines, nfkc
from hyoka.importers._pdf_tables import (
    Column,
    Row,
    body_rows,
    column_of,
    header_bottom,
    split_by_rulings,
)
from hyoka.importers._text_subprojects import parse_quantities
from hyoka.importers._text_tables import (
    ARROWS,
    CIRCLED,
    PRINTED_KINDS,
    parse_corrections,
    target_spec_for,
)
from hyoka.importers.errors import ImportNotes
from hyoka.model import (
    Achievement,
    Comparison,
    Component,
    Correction,
    CostRow,
    Direction,
    Indicator,
    IndicatorValue,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    SubProject,
    TargetSpec,
    Trend,
    ValueKind,
    YearValue,
)

PageLines = list[tuple[Page, TextLine]]

_YEAR = re.compile(r"^([RHS](?:\d+|元))年度$")
_BULLET = "・"


def _by_page(zone: PageLines) -> list[tuple[Page, list[TextLine]]]:
    parts: list[tuple[Page, list[TextLine]]] = []
    for page, line in zone:
        if not parts or parts[-1][0] is not page:
            parts.append((page, []))
        parts[-1][1].append(line)
    return parts


# ---------------------------------------------------------------- text boxes


def _items(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Bulleted items: a ・ at the items' left edge starts one; indented lines continue it."""
    starts = [line.x0 for line in lines if line.text.startswith(_BULLET)]
    left = min(starts, default=0.0)
    items: list[list[TextLine]] = []
    for line in lines:
        if (line.text.startswith(_BULLET) and line.x0 <= left + 1.0) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return items


def _bullet_texts(lines: Sequence[TextLine]) -> list[str]:
    return [join_lines(item).removeprefix(_BULLET) for item in _items(lines)]


def parse_bullets(zone: PageLines) -> list[str]:
    return _bullet_texts([line for _, line in zone])


def parse_initiatives(zone: PageLines) -> list[Initiative]:
    """Numbered titles (①…) at the box's left edge, each with its bulleted items."""
    lines = [line for _, line in zone]
    titles = [line.x0 for line in lines if line.text[:1] in CIRCLED]
    left = min(titles, default=0.0)
    groups: list[tuple[list[TextLine], list[TextLine]]] = []
    for line in lines:
        at_left = line.x0 <= left + 1.0
        if at_left and line.text[:1] in CIRCLED:
            groups.append(([line], []))
        elif not groups:
            continue
        elif at_left and not groups[-1][1]:
            groups[-1][0].append(line)  # a wrapped title
        else:
            groups[-1][1].append(line)
    result = []
    for title, body in groups:
        text = join_lines(title)
        result.append(Initiative(number=text[0], title=text[1:], bullets=_bullet_texts(body)))
    return result


def parse_future(zone: PageLines) -> dict[str, list[str]]:
    """Section 9: the bullets under (1) 課題 and (2) 事業改善の方策."""
    parts: dict[str, list[TextLine]] = {"issues": [], "measures": []}
    current: str | None = None
    for _, line in zone:
        text = nfkc(line.text)
        if text.startswith("(1)") and not line.text.startswith(_BULLET):
            current = "issues"
        elif text.startswith("(2)") and not line.text.startswith(_BULLET):
            current = "measures"
        elif current is not None:
            parts[current].append(line)
    return {key: _bullet_texts(lines) for key, lines in parts.items()}


_SUMMARY = re.compile(r"^指標(?P<number>\S+)")


def parse_analysis(zone: PageLines) -> dict[str, str]:
    """Section 8: per indicator, the heading line(s) 指標… then the analysis, indented."""
    lines = [line for _, line in zone]
    left = min((line.x0 for line in lines), default=0.0)
    found: dict[str, list[TextLine]] = {}
    current: str | None = None
    heading = False
    for line in lines:
        at_left = line.x0 <= left + 1.0
        match = _SUMMARY.match(line.text)
        if at_left and match:
            current, heading = match["number"], True
            found[current] = []
        elif at_left and heading:
            continue  # the heading wrapped
        elif current is not None:
            heading = False
            found[current].append(line)
    return {number: join_lines(item) for number, item in found.items()}


# ---------------------------------------------------------------- tables


def _header_columns(
    page: Page, lines: Sequence[TextLine], labels: dict[str, str]
) -> tuple[list[Column], float] | None:
    """Columns named by header labels (label → how it starts), and the header's bottom."""
    columns: list[Column] = []
    found: list[TextLine] = []
    for name, start in labels.items():
        line = next((line for line in lines if nfkc(line.text).startswith(start)), None)
        if line is None:
            return None
        columns.append(column_of(page, line, name))
        found.append(line)
    return columns, header_bottom(page, found)


def _figure(text: str) -> Decimal | None:
    text = text.strip()
    if not text or text in NO_VALUE_MARKS:
        return None
    return parse_decimal(text)


_SPEC = re.compile(r"（(?P<spec>[^（）]*)）$")
_COMPARISONS = {label: Comparison(key) for key, label in COMPARISON_PRINTED.items()}
_LOWER = DIRECTION_LABELS[Direction.LOWER_IS_BETTER]
_CUMULATIVE = re.compile(r"^(?P<start>[RHS](?:\d+|元)年度)〜(?P<end>[RHS](?:\d+|元)年度)の累計$")


def _spec_of(name_lines: Sequence[TextLine]) -> tuple[str, Direction, TargetSpec | None]:
    """The indicator name and the target note the layout prints under it when it is not
    the default (（低いほど良い・目標値以下・R5年度〜R12年度の累計）)."""
    for index in range(len(name_lines) - 1, 0, -1):
        tail = join_lines(name_lines[index:])
        match = _SPEC.fullmatch(tail) if tail.startswith("（") else None
        if match is None:
            continue
        parts = match["spec"].split("・")
        direction = Direction.LOWER_IS_BETTER if _LOWER in parts else Direction.HIGHER_IS_BETTER
        comparison = (
            Comparison.AT_LEAST if direction is Direction.HIGHER_IS_BETTER else Comparison.AT_MOST
        )
        cumulative = None
        known = True
        for part in parts:
            if part in _COMPARISONS:
                comparison = _COMPARISONS[part]
            elif (found := _CUMULATIVE.match(part)) is not None:
                cumulative = (parse_fiscal_year(found["start"]), parse_fiscal_year(found["end"]))
            elif part != _LOWER:
                known = False
        if not known:
            continue
        spec = TargetSpec(
            comparison=comparison,
            cumulative=cumulative is not None,
            start_year=cumulative[0] if cumulative else None,
            end_year=cumulative[1] if cumulative else None,
        )
        return join_lines(name_lines[:index]), direction, spec
    return join_lines(name_lines), Direction.HIGHER_IS_BETTER, None


_ESTIMATE = re.compile(r"(?P<main>.*)（見込(?:：(?P<estimate>[^（）]*))?）")


def _values(text: str, year: int, kind: ValueKind) -> list[IndicatorValue]:
    """A figure cell: blank, no figure; ー, a figure not known; 7（見込）, an estimate in
    place of the actual; 407（見込：400）, an actual beside its estimate; 50.1〜55.25, a range."""
    text = text.strip()
    if not text:
        return []
    found = []
    match = _ESTIMATE.fullmatch(text)
    if match is not None:
        text = match["main"]
        if match["estimate"] is None:
            kind = ValueKind.ESTIMATE
        else:
            found.append(_value(match["estimate"], year, ValueKind.ESTIMATE))
    return [_value(text, year, kind), *found]


def _value(text: str, year: int, kind: ValueKind) -> IndicatorValue:
    lower, _, upper = text.strip().partition("〜")
    return IndicatorValue(
        fiscal_year=year, kind=kind, value=_figure(lower), upper=_figure(upper) if upper else None
    )


def _sort(values: list[IndicatorValue]) -> None:
    values.sort(key=lambda v: (v.fiscal_year, v.kind.value))


def parse_indicators(zone: PageLines, fiscal_year: int, notes: ImportNotes) -> list[Indicator]:
    """4 成果指標: the ruled table (repeated header on each page) and the ※ notes below."""
    section = "4 成果指標"
    indicators: list[Indicator] = []
    note_lines: list[TextLine] = []
    for page, lines in _by_page(zone):
        head = _header_columns(
            page,
            lines,
            {
                "no": "No.",
                "name": "指標名",
                "unit": "単位",
                "status": "達成",
                "reason": "目標値設定理由",
            },
        )
        if head is None:
            note_lines += [line for line in lines if line.text.startswith("※") or note_lines]
            continue
        columns, bottom = head
        years = [
            (parse_fiscal_year(match[1]), page.cell_around(line))
            for line in lines
            if line.top < bottom and (match := _YEAR.match(nfkc(line.text)))
        ]
        for line in lines:
            label = nfkc(line.text)
            if line.top < bottom and label in ("実績", "推移", "目標値"):
                box = page.cell_around(line)
                center = (box.x0 + box.x1) / 2
                year = next((y for y, b in years if b.x0 <= center <= b.x1), None)
                if year is not None:
                    columns.append(Column(f"{year}:{label}", box.x0, box.x1))
        table_bottom = max((line.bottom for line in lines), default=bottom)
        rows = body_rows(page, lines, columns, "no", bottom, table_bottom + 1)
        table_end = max((row.bottom for row in rows), default=bottom)
        note_lines += [line for line in lines if line.top > table_end]
        for row in rows:
            indicators.append(_indicator(row, columns, notes))
    _apply_notes(indicators, note_lines, notes, section)
    if not indicators and not any("成果指標はありません" in line.text for _, line in zone):
        notes.missing_in(section, "成果指標の表が見つかりません")
    return indicators


def _indicator(row: Row, columns: Sequence[Column], notes: ImportNotes) -> Indicator:
    name, direction, spec = _spec_of(row.lines("name"))
    values: list[IndicatorValue] = []
    trends: dict[int, Trend] = {}
    for column in columns:
        if ":" not in column.label:
            continue
        year_text, label = column.label.split(":")
        year = int(year_text)
        text = row.text(column.label)
        if label == "推移":
            # An arrow followed by ＊ was computed by hyoka, not printed on the sheet.
            if text in ARROWS:
                trends[year] = ARROWS[text]
            continue
        kind = ValueKind.TARGET if label == "目標値" else ValueKind.ACTUAL
        values += _values(text, year, kind)
    status = row.text("status")
    reason = row.text("reason")
    for year, kind, correction in parse_corrections(reason):
        _correct(values, year, kind, correction)
    return Indicator(
        number=row.text("no"),
        name=name,
        unit=row.text("unit"),
        direction=direction,
        target=spec or target_spec_for(name, direction),
        values=sorted(values, key=lambda v: (v.fiscal_year, v.kind.value)),
        target_reason=reason,
        printed_trends=trends,
        printed_achievement=Achievement(status) if status in ("達成", "未達成") else None,
    )


def _correct(
    values: list[IndicatorValue], year: int, kind: ValueKind, correction: Correction
) -> None:
    existing = next((v for v in values if v.fiscal_year == year and v.kind == kind), None)
    if existing is None:
        existing = IndicatorValue(fiscal_year=year, kind=kind, value=correction.after)
        values.append(existing)
        _sort(values)
    existing.corrections = [*existing.corrections, correction]


_NOTE = re.compile(r"^※指標(?P<number>[^:：]+)[:：](?P<body>.*)$")
_YEAR_KIND = r"(?P<year>[RHS](?:\d+|元)年度)(?P<what>実績|目標値|見込値)"
# ※指標③：その他の年度の数値　R2年度実績：600、R12年度目標値：3,000
_OTHER = "その他の年度の数値"
_OTHER_ITEM = re.compile(_YEAR_KIND + r"：(?P<figure>[^、]+)")
# ※指標②-2：R4年度実績の修正（修正前：473、修正後：493）。記載：…のシート。理由：…
_CORRECTED = re.compile(
    "^" + _YEAR_KIND + r"の修正（修正前：(?P<before>[^、]+)、修正後：(?P<after>[^）]+)）"
    r"(?:。記載：(?P<where>.*?))?(?:。理由：(?P<reason>.*))?$"
)


def _note_values(body: str) -> list[tuple[int, ValueKind, Correction | IndicatorValue]] | None:
    """The figures a note under the table carries, or None when it is no such note."""
    if body.startswith(_OTHER):
        return [
            (year, kind, _value(found["figure"], year, kind))
            for found in _OTHER_ITEM.finditer(body)
            for year, kind in [(parse_fiscal_year(found["year"]), PRINTED_KINDS[found["what"]])]
        ] or None
    match = _CORRECTED.match(body)
    if match is not None:
        before, after = _figure(match["before"]), _figure(match["after"])
        if before is None or after is None:
            return None
        correction = Correction(
            before=before, after=after, reason=match["reason"] or "", noted_in=match["where"] or ""
        )
        return [(parse_fiscal_year(match["year"]), PRINTED_KINDS[match["what"]], correction)]
    found = parse_corrections("※" + body)
    return [(year, kind, correction) for year, kind, correction in found] or None


def _apply_notes(
    indicators: Sequence[Indicator], lines: Sequence[TextLine], notes: ImportNotes, section: str
) -> None:
    """Notes under the table: corrections (※指標②-2：…（修正前：473、修正後：493）) and the
    figures of years the table has no column for."""
    items: list[list[TextLine]] = []
    for line in lines:
        if line.text.startswith("※") or not items:
            items.append([line])
        else:
            items[-1].append(line)
    by_number = {indicator.number: indicator for indicator in indicators}
    for item in items:
        text = join_lines(item)
        match = _NOTE.match(text)
        indicator = by_number.get(match["number"]) if match else None
        if indicator is not None and match and match["body"].startswith(OVERRIDE_NOTE):
            indicator.printed_override_reason = match["body"].removeprefix(OVERRIDE_NOTE)
            continue
        found = _note_values(match["body"]) if match else None
        if indicator is None or found is None:
            notes.missing_in(section, f"注記を指標の数値に対応させられません: {text[:40]}")
            continue
        values = list(indicator.values)
        for year, kind, carried in found:
            if isinstance(carried, Correction):
                _correct(values, year, kind, carried)
            else:
                values.append(carried)
        _sort(values)
        indicator.values = values


def parse_plan(zone: PageLines, notes: ImportNotes) -> list[PlanLink]:
    """5 総合５か年計画: links (code, policy) spanning goal rows of 4 year/value pairs."""
    links: list[PlanLink] = []
    for page, lines in _by_page(zone):
        head = _header_columns(
            page, lines, {"code": "No.", "policy": "施策分野", "goal": "達成目標", "unit": "単位"}
        )
        if head is None:
            continue
        columns, bottom = head
        pairs = sorted(
            (
                page.cell_around(line)
                for line in lines
                if line.top < bottom and nfkc(line.text) in ("年", "数値")
            ),
            key=lambda box: box.x0,
        )
        for index, box in enumerate(pairs):
            columns.append(
                Column(f"{index // 2}:{'year' if index % 2 == 0 else 'value'}", box.x0, box.x1)
            )
        rows = body_rows(page, lines, columns, "code", bottom, page.height)
        for row in rows:
            link = PlanLink(policy_code=row.text("code"), policy_name=row.text("policy"), goals=[])
            goal_column = next(column for column in columns if column.label == "goal")
            for goal_lines in _sub_rows(page, row, goal_column):
                link.goals.append(_goal(row, goal_lines, columns, len(pairs) // 2))
            links.append(link)
    if not links and not any("該当する施策分野はありません" in line.text for _, line in zone):
        notes.missing_in("5 総合5か年計画", "施策分野の表が見つかりません")
    return links


def _sub_rows(page: Page, row: Row, column: Column) -> list[tuple[float, float]]:
    cuts = [
        row.top,
        *page.rulings_across(column.x0, column.x1, row.top + 1, row.bottom - 1),
        row.bottom,
    ]
    bands = [(a, b) for a, b in pairwise(cuts) if b - a >= 3]
    return [
        band
        for band in bands
        if any(band[0] <= line.middle <= band[1] for line in row.lines("goal"))
    ]


def _goal(row: Row, band: tuple[float, float], columns: Sequence[Column], pairs: int) -> PlanGoal:
    def text(label: str) -> str:
        return join_lines([line for line in row.lines(label) if band[0] <= line.middle <= band[1]])

    name = text("goal")
    cells: list[YearValue | None] = []
    for index in range(pairs):
        year, value = text(f"{index}:year"), text(f"{index}:value")
        if year in NO_VALUE_MARKS and not value:
            cells.append(None)  # the layout's filler for fewer than three years, or no target
            continue
        match = re.match(r"^(\d{4})", year)
        cells.append(YearValue(fiscal_year=int(match[1]) if match else None, value=_figure(value)))
    recent = [cell for cell in cells[:-1] if cell is not None]
    return PlanGoal(
        name=name.removeprefix("★"),
        main=name.startswith("★"),
        unit=text("unit"),
        recent=recent,
        target=cells[-1] if cells else None,
    )


_COST_LABELS = {"year": "区分"} | COST_LABELS


def parse_costs(zone: PageLines, notes: ImportNotes) -> list[CostRow]:
    rows: list[CostRow] = []
    for page, lines in _by_page(zone):
        head = _header_columns(page, lines, _COST_LABELS)
        if head is None:
            continue
        columns, bottom = head
        for row in body_rows(page, lines, columns, "year", bottom, page.height):
            match = _YEAR.match(nfkc(row.text("year")))
            if match is None:
                continue
            amounts = {
                key: parse_amount(row.text(key) or "ー")
                for key in _COST_LABELS
                if key not in ("year", "staff")
            }
            rows.append(
                CostRow(
                    fiscal_year=parse_fiscal_year(match[1]),
                    staff=_figure(row.text("staff")),
                    **amounts,
                )
            )
    if not rows and not any("事業コストの記載はありません" in line.text for _, line in zone):
        notes.missing_in("6 事業コスト", "事業コストの表が見つかりません")
    return rows


# ---------------------------------------------------------------- 細事業一覧


def parse_sub_projects(zone: PageLines, notes: ImportNotes) -> list[SubProject]:
    """Each 細事業: its head table (No., name, 決算額 per year) then its components' table,
    which may continue on the next page under a repeated header."""
    subs: list[SubProject] = []
    for page, lines in _by_page(zone):
        heads = [line for line in lines if nfkc(line.text) == "細事業名"]
        parts = [line for line in lines if nfkc(line.text) == "細事業を構成する主な取組"]
        events = sorted(
            [(line.top, "head", line) for line in heads]
            + [(line.top, "parts", line) for line in parts]
        )
        for index, (_top, kind, line) in enumerate(events):
            # Up to the next table's header row: its other labels (細事業 / No.) stand
            # higher than the centred 細事業名.
            following = events[index + 1][2] if index + 1 < len(events) else None
            end = page.cell_around(following).top - 1 if following else page.height
            row_top = page.cell_around(line).top
            header_lines = [
                other
                for other in lines
                if abs(other.top - line.top) < 20 and abs(page.cell_around(other).top - row_top) < 1
            ]
            if kind == "head":
                sub = _head(page, lines, header_lines, end)
                if sub is not None:
                    subs.append(sub)
            elif subs:
                subs[-1].components = [
                    *subs[-1].components,
                    *_components(page, lines, header_lines, end),
                ]
            else:
                notes.missing_in(
                    "細事業一覧", f"{page.number}ページ: 細事業のない取組の表があります"
                )
    return subs


def _head(
    page: Page, lines: Sequence[TextLine], header: Sequence[TextLine], end: float
) -> SubProject | None:
    columns = [
        column_of(page, line, "no") for line in header if nfkc(line.text) in ("細事業", "No.")
    ][:1]
    columns += [column_of(page, line, "name") for line in header if nfkc(line.text) == "細事業名"]
    for line in header:
        match = _YEAR.match(nfkc(line.text))
        if match:
            columns.append(column_of(page, line, str(parse_fiscal_year(match[1]))))
    bottom = header_bottom(page, header)
    rows = body_rows(page, lines, columns, "no", bottom, end)
    if not rows:
        return None
    row = rows[0]
    settlements: dict[int, int | None] = {}
    for column in columns:
        if column.label.isdigit() and len(column.label) == 4:
            text = row.text(column.label).removesuffix("千円").strip()
            if text:
                settlements[int(column.label)] = parse_amount(text)
    return SubProject(
        number=int(row.text("no")), name=row.text("name"), settlements=settlements, components=[]
    )


_COMPONENT_LABELS = {
    "no": "No.",
    "name": "細事業を構成する主な取組",
    "method": "実施方法",
    "content": "実施内容",
}


def _components(
    page: Page, lines: Sequence[TextLine], header: Sequence[TextLine], end: float
) -> list[Component]:
    columns = []
    for key, start in _COMPONENT_LABELS.items():
        line = next((line for line in header if start in nfkc(line.text)), None)
        if line is not None:
            columns.append(column_of(page, line, key))
    bottom = header_bottom(page, header)
    result = []
    for row in body_rows(page, lines, columns, "no", bottom, end):
        content = next(column for column in columns if column.label == "content")
        cells = split_by_rulings(page, row.lines("content"), content, row)
        upper = cells[0] if cells else []
        lower = cells[1] if len(cells) > 1 else []
        output = join_lines(lower)
        result.append(
            Component(
                number=int(row.text("no")),
                name=row.text("name"),
                methods=[Method(line.text) for line in row.lines("method")],
                description=_broken_lines(page, upper),
                output=output,
                quantities=parse_quantities(output),
            )
        )
    return result


def _broken_lines(page: Page, lines: Sequence[TextLine]) -> str:
    """Lines the author broke (<br> on the page) joined by newlines; wrapped ones rejoined."""
    paragraphs: list[list[TextLine]] = []
    for index, line in enumerate(lines):
        if paragraphs and is_full(page, lines[index - 1], line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return "\n".join(join_lines(paragraph) for paragraph in paragraphs)
