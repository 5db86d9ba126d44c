"""Importer for the text extracted from a 事業改善シート PDF (Nagano Prefecture template).

The template has three parts: page 1 (header, sections 1–6), page 2 (sections 7–9 with a
summary line per indicator), then one or more pages of 細事業一覧. Everything is found
by the template's labels, its structure and its arithmetic — never by the values of any
particular sheet.

>>> parsed = parse_sheet_text(Path("sheet.txt").read_text())   # doctest: +SKIP
>>> parsed.sheet.header.program_number                          # doctest: +SKIP
'07 01 01'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hyoka.eras import parse_fiscal_year
from hyoka.importers._layout import (
    Block,
    Line,
    best_assignment,
    blocks,
    bullets,
    join_wrapped,
    read_pages,
    similarity,
)
from hyoka.importers._normalize import (
    NO_VALUE_MARKS,
    UnreadableNumber,
    located,
    parse_decimal,
)
from hyoka.importers._text_subprojects import parse_sub_projects
from hyoka.importers._text_tables import (
    ARROWS,
    CIRCLED,
    INDICATOR_NUMBER,
    POLICY_CODE,
    IndicatorTable,
    build_indicators,
    build_plan_links,
    parse_costs,
    parse_plan_columns,
    parse_summaries,
    split_goal_names,
    split_reasons,
)
from hyoka.importers.errors import ImportFailed, ImportNotes, Problem
from hyoka.importers.limits import MAX_TEXT_BYTES, check_size
from hyoka.model import (
    Achievement,
    FuturePlan,
    Header,
    Indicator,
    Initiative,
    PlanLink,
    Sheet,
    Stage,
)

_HEADER = re.compile(
    r"事業番号\s+(?P<number>\d{2}(?:\s+\d{2})+)\s+事業改善シート\s*"
    r"\((?P<era>令和|平成)(?P<year>\d+|元)年度(?P<kind>[^)]*)\)(?P<boxes>.*)$"
)
_BOX = re.compile(r"([■□])\s*(当初要求|当初予算案|補正予算案|点検)")
_NAME_LINE = re.compile(
    r"事\s*業\s*名\s+(?P<name>.+?)\s+部局\s+(?P<department>\S+)\s+課・室\s+(?P<section>\S+)"
)
_PERIOD = re.compile(r"実施期間\s*(?P<start>[RHS]\s*\d+)\s*〜\s*(?P<end>[RHS]\s*\d+)?")
_GLUED_MAIL = re.compile(r"^((?:[a-z0-9-]+\.)+(?:jp|com|net|org))([a-z0-9._-]+)$")
_MAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TITLE = re.compile(rf"^([{CIRCLED}])\s*(\S.{{2,}})$")
_LONE_NUMBER = re.compile(rf"^{INDICATOR_NUMBER}$")
_FIGURE = re.compile(r"^△?\s?\d[\d,]*(?:\.\d+)?$")
_UNIT_LINE = re.compile(r"^(\S{1,6})(?:\s+(?:ー|-|―))?$")

REQUIRED_MARKERS = {
    "1 現状と課題": "1 現状と課題",
    "2 事業目的": "2 事業目的",
    "3 事業目的を達成するための取組": "3 事業目的を達成するための取組",
    "4 成果指標": "4 成果指標",
    "5 本事業が貢献する総合5か年計画": "5 総合5か年計画",
    "6 事業コスト": "6 事業コスト",
    "7 主な取組実績と成果": "7 主な取組実績と成果",
    "8 成果指標の達成状況に関する要因分析": "8 要因分析",
    "9 今後の事業の方向性": "9 今後の事業の方向性",
    "細事業一覧": "細事業一覧",
}


@dataclass
class ParsedSheet:
    """A parsed sheet and what the importer could not find or had to infer."""

    sheet: Sheet
    notes: ImportNotes
    source: str = ""


def parse_sheet_file(path: Path) -> ParsedSheet:
    check_size(str(path), path.stat().st_size, MAX_TEXT_BYTES, "テキスト")
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            str(path), [Problem("ファイル", f"UTF-8 のテキストとして読めません ({error.reason})")]
        ) from error
    return parse_sheet_text(raw, source=str(path))


def parse_sheet_text(raw: str, *, source: str = "<text>") -> ParsedSheet:
    """Parse the extracted text of one sheet; raise ImportFailed when it is not one."""
    try:
        return _parse(raw, source)
    except UnreadableNumber as error:
        problem = Problem(error.section or "数値", error.message, error.line)
        raise ImportFailed(source, [problem]) from None


def _parse(raw: str, source: str) -> ParsedSheet:
    pages = read_pages(raw)
    everything = [line for page in pages for line in page]
    _require_markers(everything, source)
    notes = ImportNotes()
    header = _parse_header(everything, source)
    first, second, rest = _split_pages(pages, source)
    fiscal_year = header.fiscal_year

    summaries = parse_summaries(second)
    reasons_zone, table = _indicator_zone(first)
    reasons = split_reasons(reasons_zone, [s.number for s in summaries])
    indicators = build_indicators(summaries, table, reasons, fiscal_year, notes)
    # 達成状況 is printed after the latest year's trend (R5年度推移 … 達成状況): that year's.
    latest = {summary.number: max(summary.trends, default=fiscal_year) for summary in summaries}
    for indicator in indicators:
        if indicator.printed_achievement is not None:
            indicator.printed_achievement_year = latest.get(indicator.number, fiscal_year)
    costs = parse_costs(_cost_zone(first), notes)
    if not costs:
        notes.missing_in("6 事業コスト", "事業コストの行が見つかりません")
    plan_links = _parse_plan(first, notes)

    results, analysis, future = _parse_page_two(second, indicators, notes)
    situation, purpose, initiatives = _parse_sections_1_to_3(first, results, notes)
    results = _fill_results(second, initiatives, results, notes)
    for indicator in indicators:
        indicator.analysis = analysis.get(indicator.number, "")
    try:
        sub_projects = parse_sub_projects(rest, fiscal_year, costs, notes)
    except ImportFailed as error:
        raise ImportFailed(error.source or source, error.problems) from None

    sheet = Sheet(
        header=header,
        situation=situation,
        purpose=purpose,
        initiatives=initiatives,
        indicators=indicators,
        plan_links=plan_links,
        costs=costs,
        results=results,
        future=future,
        sub_projects=sub_projects,
    )
    return ParsedSheet(sheet=sheet, notes=notes, source=source)


# ---------------------------------------------------------------- structure


def _require_markers(lines: Sequence[Line], source: str) -> None:
    text = "\n".join(line.text for line in lines)
    problems = [
        Problem(section, f"見出し「{marker}」がありません")
        for marker, section in REQUIRED_MARKERS.items()
        if marker not in text
    ]
    if not _HEADER.search(text.replace("\n", " ")) and "事業改善シート" not in text:
        problems.insert(0, Problem("ヘッダー", "事業改善シートの見出し(事業番号…)がありません"))
    if problems:
        raise ImportFailed(source, problems)


def _split_pages(
    pages: list[list[Line]], source: str
) -> tuple[list[Line], list[Line], list[list[Line]]]:
    def page_with(marker: str) -> int | None:
        return next(
            (i for i, page in enumerate(pages) if any(marker in line.text for line in page)), None
        )

    first = page_with("6 事業コスト")
    second = page_with("7 主な取組実績と成果")
    third = page_with("細事業一覧")
    problems = []
    if first is None or second is None or third is None or not first < second < third:
        problems.append(
            Problem(
                "ページ",
                "1ページ目(1〜6)・2ページ目(7〜9)・細事業一覧の順のページ構成ではありません",
            )
        )
    if problems:
        raise ImportFailed(source, problems)
    assert first is not None and second is not None and third is not None
    return pages[first], pages[second], pages[third:]


def _parse_header(lines: Sequence[Line], source: str) -> Header:
    problems: list[Problem] = []
    header_match = next((m for line in lines if (m := _HEADER.search(line.text))), None)
    name_match = next((m for line in lines if (m := _NAME_LINE.search(line.text))), None)
    if header_match is None:
        problems.append(
            Problem("ヘッダー", "「事業番号 … 事業改善シート(…年度…)」の行がありません")
        )
    if name_match is None:
        problems.append(Problem("ヘッダー", "「事業名 … 部局 … 課・室 …」の行がありません"))
    if header_match is None or name_match is None:
        raise ImportFailed(source, problems)
    numbers = {m["number"] for line in lines if (m := _HEADER.search(line.text))}
    numbers |= {
        " ".join(m[1].split())
        for line in lines
        if (m := re.match(r"^事業番号\s+(\d{2}(?:\s+\d{2})+)(?:\s+細事業一覧.*)?\s*$", line.text))
    }
    if len({" ".join(n.split()) for n in numbers}) > 1:
        raise ImportFailed(
            source,
            [
                Problem(
                    "ヘッダー", f"ページごとに事業番号が異なります: {', '.join(sorted(numbers))}"
                )
            ],
        )
    checked = [stage for box, stage in _BOX.findall(header_match["boxes"]) if box == "■"]
    if len(checked) != 1:
        raise ImportFailed(
            source,
            [Problem("ヘッダー", f"段階のチェック(■)が{len(checked)}個です。1つだけ必要です")],
        )
    year_number = 1 if header_match["year"] == "元" else int(header_match["year"])
    fiscal_year = parse_fiscal_year(f"{header_match['era']}{year_number}年度")
    period = next((m for line in lines if (m := _PERIOD.search(line.text))), None)
    return Header(
        program_number=header_match["number"],
        program_name=name_match["name"].strip(),
        department=name_match["department"],
        section=name_match["section"],
        start_year=parse_fiscal_year(period["start"].replace(" ", "")) if period else None,
        end_year=(
            parse_fiscal_year(period["end"].replace(" ", "")) if period and period["end"] else None
        ),
        email=_find_email(lines),
        fiscal_year=fiscal_year,
        stage=Stage(checked[0]),
    )


def _find_email(lines: Sequence[Line]) -> str:
    for line in lines:
        if match := _MAIL.search(line.text):
            return match[0]
    for line in lines:
        if match := _GLUED_MAIL.match(line.text):
            return f"{match[2]}@{match[1]}"
    return ""


def _is_noise(text: str) -> bool:
    """Template labels and page furniture that carry no content of their own."""
    return (
        _GLUED_MAIL.match(text) is not None
        or text in ("E-mail", "区分", "予算額", "No.", "目標値", "単位", "達成", "目標")
        or text.startswith(("事業番号", "事業改善シート", "事 業 名", "□", "■"))
        or re.match(r"^\S+ 課・室 \S+$", text) is not None
        or (
            re.match(r"^\d \S", text) is not None
            and len(text) < 40
            and any(marker in text for marker in REQUIRED_MARKERS)
        )
    )


# ---------------------------------------------------------------- page 1


def _cost_zone(page: Sequence[Line]) -> list[Line]:
    start = next((i for i, line in enumerate(page) if "うち一般財源" in line.text), None)
    end = next(
        (
            i
            for i, line in enumerate(page)
            if line.text.startswith("事業番号") and start is not None and i > start
        ),
        len(page),
    )
    return [] if start is None else list(page[start + 1 : end])


def _indicator_zone(page: Sequence[Line]) -> tuple[list[Line], IndicatorTable]:
    """The 目標値設定理由 lines and the loose cells of the indicator table.

    In the extracted text they follow the plan table's units; the cells then come in
    runs: numbers, statuses, figures, arrows, units, names.
    """
    table = IndicatorTable()
    goal_label = next((i for i, line in enumerate(page) if "主要目標" in line.text), None)
    if goal_label is None:
        return [], table
    unit_label = next((i for i in range(goal_label + 1, len(page)) if page[i].text == "単位"), None)
    if unit_label is None:
        return [], table
    index = unit_label + 1
    while index < len(page) and (not page[index].text or _UNIT_LINE.match(page[index].text)):
        index += 1
    reasons: list[Line] = []
    while index < len(page) and not _is_indicator_cell(page[index].text):
        reasons.append(page[index])
        index += 1
    for block in blocks(page[index:]):
        first = block[0].text
        if len(first) > 6 and not _is_indicator_cell(first):
            table.names.append(join_wrapped([line.text for line in block]))
            continue
        for line in block:
            text = line.text
            if _LONE_NUMBER.match(text):
                table.numbers.append(text)
            elif text in ("達成", "未達成"):
                table.statuses.append(Achievement(text))
            elif text in ARROWS:
                table.arrows.append(ARROWS[text])
            elif _FIGURE.match(text) or text in NO_VALUE_MARKS:
                with located("4 成果指標", line.number):
                    table.figures.append((parse_decimal(text), line))
            elif len(text) <= 6:
                table.units.append(text)
    return reasons, table


def _is_indicator_cell(text: str) -> bool:
    return bool(
        _LONE_NUMBER.match(text)
        or text in ("達成", "未達成")
        or text in ARROWS
        or _FIGURE.match(text)
    )


def _parse_plan(page: Sequence[Line], notes: ImportNotes) -> list[PlanLink]:
    codes_at = [i for i, line in enumerate(page) if POLICY_CODE.match(line.text)]
    if not codes_at:
        notes.missing_in("5 総合5か年計画", "施策分野のコード(例: 2-1①)が見つかりません")
        return []
    codes = [page[i].text for i in codes_at]
    no_label = max((i for i in range(codes_at[0]) if page[i].text == "No."), default=None)
    names: list[str] = []
    if no_label is not None:
        for i in range(no_label - 1, -1, -1):
            text = page[i].text
            if not text:
                continue
            if _is_plan_label(text) or len(names) == len(codes):
                break
            names.insert(0, text)
    first_column = next((i for i, line in enumerate(page) if line.text == "年 数値"), None)
    goal_label = next((i for i, line in enumerate(page) if "主要目標" in line.text), None)
    unit_label = (
        next((i for i in range(goal_label + 1, len(page)) if page[i].text == "単位"), None)
        if goal_label is not None
        else None
    )
    if first_column is None or goal_label is None or unit_label is None:
        notes.missing_in("5 総合5か年計画", "達成目標の表が見つかりません")
        return build_plan_links(codes, names, [], [], [], notes)
    columns, _ = parse_plan_columns(page[first_column:unit_label])
    name_lines: list[Line] = []
    for line in page[goal_label + 1 : unit_label]:
        if line.text == "年 数値" or (line.text and _is_plan_label(line.text)):
            break
        name_lines.append(line)
    units: list[str] = []
    for line in page[unit_label + 1 :]:
        if not line.text:
            continue
        match = _UNIT_LINE.match(line.text)
        if not match:
            break
        units.append(match[1])
    goal_names = split_goal_names(name_lines, len(units))
    return build_plan_links(codes, names, goal_names, units, columns, notes)


def _is_plan_label(text: str) -> bool:
    return text in ("目標値", "R5年度", "実績 実績 推移", "No.", "年 数値") or (
        re.fullmatch(r"[RHS]\d+年度", text) is not None
    )


# ---------------------------------------------------------------- sections 1–3, 7


@dataclass
class _Group:
    title: Line | None
    lines: list[Line]

    @property
    def text(self) -> str:
        return join_wrapped([line.text for line in self.lines])


def _groups(zone_blocks: Sequence[Block]) -> list[_Group]:
    """Split boxes at initiative titles: lines after a title belong to it."""
    groups: list[_Group] = []
    for block in zone_blocks:
        current = _Group(None, [])
        for line in block:
            if _is_noise(line.text):
                continue
            if _TITLE.match(line.text):
                if current.title or current.lines:
                    groups.append(current)
                current = _Group(line, [])
            else:
                current.lines.append(line)
        if current.title or current.lines:
            groups.append(current)
    return groups


def _initiative_of(title: Line) -> Initiative:
    match = _TITLE.match(title.text)
    assert match is not None
    return Initiative(number=match[1], title=match[2].strip())


def _match_orphans(
    orphans: Sequence[_Group],
    initiatives: list[Initiative],
    context: dict[str, str],
    section: str,
    notes: ImportNotes,
) -> None:
    """Give each untitled box to the initiative whose words it shares (one box each)."""
    if not orphans or not initiatives:
        for orphan in orphans:
            notes.missing_in(
                section, f"見出しのない文を取組に対応させられません: {orphan.text[:30]}…"
            )
        return
    empty = {i for i, initiative in enumerate(initiatives) if not initiative.bullets}

    @cache  # best_assignment asks for each pair once per ordering it tries
    def score(item: int, slot: int) -> float:
        initiative = initiatives[slot]
        reference = " ".join(
            [initiative.title, *initiative.bullets, context.get(initiative.number, "")]
        )
        return similarity(orphans[item].text, reference) + (0.2 if slot in empty else 0.0)

    if len(orphans) <= len(initiatives):
        assignment, _ = best_assignment(len(orphans), len(initiatives), score)
    else:
        assignment = [
            max(range(len(initiatives)), key=lambda slot: score(item, slot))
            for item in range(len(orphans))
        ]
    for item, slot in enumerate(assignment):
        initiative = initiatives[slot]
        initiative.bullets = [
            *initiative.bullets,
            *bullets([line.text for line in orphans[item].lines]),
        ]
        notes.inferred_in(
            section,
            f"見出しと離れて出力された文を内容の近さから{initiative.number}に対応させました",
            orphans[item].lines[0].number,
        )


def _parse_sections_1_to_3(
    page: Sequence[Line], results: Sequence[Initiative], notes: ImportNotes
) -> tuple[list[str], str, list[Initiative]]:
    # The page's title line; a page without it (the text is cut) is read from its top.
    header_at = next((i for i, line in enumerate(page) if "事業改善シート" in line.text), -1)
    mail_at = next(
        (i for i, line in enumerate(page) if line.text == "E-mail" and i > header_at), len(page)
    )
    groups = _groups(blocks(page[header_at + 1 : mail_at]))
    # Titles printed further down the page (inside the table area) stand alone.
    for line in page[mail_at:]:
        if _TITLE.match(line.text) and "指標" not in line.text:
            groups.append(_Group(line, []))
    first_titled = next((i for i, group in enumerate(groups) if group.title), None)
    if first_titled is None:
        notes.missing_in("3 取組", "番号付きの取組(①…)が見つかりません")
        first_titled = len(groups)
    leading = [group for group in groups[:first_titled]]
    if len(leading) < 2:
        notes.missing_in("1 現状と課題", "現状と課題・事業目的の文が見つかりません")
        situation_group, purpose_group = None, (leading[-1] if leading else None)
        orphans: list[_Group] = []
    else:
        situation_group, purpose_group = leading[-2], leading[-1]
        orphans = leading[:-2]
    initiatives: list[Initiative] = []
    for group in groups[first_titled:]:
        if group.title is not None:
            initiative = _initiative_of(group.title)
            initiative.bullets = bullets([line.text for line in group.lines])
            initiatives.append(initiative)
        else:
            orphans.append(group)
    initiatives.sort(key=lambda initiative: CIRCLED.index(initiative.number))
    context = {result.number: " ".join([result.title, *result.bullets]) for result in results}
    _match_orphans(orphans, initiatives, context, "3 取組", notes)
    situation = bullets([line.text for line in situation_group.lines]) if situation_group else []
    purpose = purpose_group.text if purpose_group else ""
    return situation, purpose, initiatives


# ---------------------------------------------------------------- page 2


def _parse_page_two(
    page: Sequence[Line], indicators: Sequence[Indicator], notes: ImportNotes
) -> tuple[list[Initiative], dict[str, str], FuturePlan]:
    """Sections 7 (titled parts only; orphans are placed later), 8 and 9."""
    issues_at = next((i for i, line in enumerate(page) if line.text.startswith("(1)")), None)
    measures_at = next((i for i, line in enumerate(page) if line.text.startswith("(2)")), None)
    future = FuturePlan()
    future_end = 0
    if issues_at is None or measures_at is None:
        notes.missing_in("9 今後の事業の方向性", "(1)課題・(2)事業改善の方策が見つかりません")
    else:
        future.issues = bullets([x.text for x in page[issues_at + 1 : measures_at] if x.text])
        future_end = measures_at + 1
        while future_end < len(page) and page[future_end].text:
            future_end += 1
        future.measures = bullets([x.text for x in page[measures_at + 1 : future_end]])
    remaining = page[future_end:]
    first_title = next(
        (
            i
            for i, line in enumerate(remaining)
            if _TITLE.match(line.text) and "指標" not in line.text
        ),
        len(remaining),
    )
    analysis_lines = [
        line
        for line in remaining[:first_title]
        if not ("指標" in line.text and "推移" in line.text)
    ]
    paragraphs = [
        join_wrapped([line.text for line in block])
        for block in blocks(analysis_lines)
        if not all(_is_noise(line.text) for line in block)
    ]
    analysis = _assign_analysis(paragraphs, indicators, notes)
    results: list[Initiative] = []
    for group in _groups(blocks(remaining[first_title:])):
        if group.title is not None:
            initiative = _initiative_of(group.title)
            initiative.bullets = bullets(
                [line.text for line in group.lines if "推移" not in line.text]
            )
            results.append(initiative)
    return results, analysis, future


def _assign_analysis(
    paragraphs: Sequence[str], indicators: Sequence[Indicator], notes: ImportNotes
) -> dict[str, str]:
    """Section 8 paragraphs to indicators: by shared words, helped by the template's
    bottom-to-top order of these boxes."""
    if not paragraphs:
        if indicators:
            notes.missing_in("8 要因分析", "要因分析の文が見つかりません")
        return {}
    count = len(indicators)

    @cache  # best_assignment asks for each pair once per ordering it tries
    def score(item: int, slot: int) -> float:
        indicator = indicators[slot]
        reference = f"{indicator.name} {indicator.target_reason}"
        prior = 0.15 if len(paragraphs) == count and slot == count - 1 - item else 0.0
        return similarity(paragraphs[item], reference) + prior

    if len(paragraphs) > count:
        notes.missing_in(
            "8 要因分析", f"要因分析の文が{len(paragraphs)}個あり、指標{count}個より多いです"
        )
        return {}
    assignment, _ = best_assignment(len(paragraphs), count, score)
    notes.inferred_in("8 要因分析", "要因分析の文を内容と並び順から各指標に対応させました")
    return {indicators[slot].number: paragraphs[item] for item, slot in enumerate(assignment)}


def _fill_results(
    page: Sequence[Line],
    initiatives: Sequence[Initiative],
    results: list[Initiative],
    notes: ImportNotes,
) -> list[Initiative]:
    """Section 7 boxes printed apart from their titles, matched with section 3's words."""
    first_title = next(
        (i for i, line in enumerate(page) if _TITLE.match(line.text) and "指標" not in line.text),
        len(page),
    )
    tail = [
        line for line in page[first_title:] if not ("指標" in line.text and "推移" in line.text)
    ]
    orphans = [group for group in _groups(blocks(tail)) if group.title is None]
    context = {i.number: " ".join([i.title, *i.bullets]) for i in initiatives}
    _match_orphans(orphans, results, context, "7 主な取組実績と成果", notes)
    return sorted(results, key=lambda initiative: CIRCLED.index(initiative.number))
