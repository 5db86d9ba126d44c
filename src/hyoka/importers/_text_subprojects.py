"""The 細事業一覧 pages of the sheet's PDF text.

This is the least ordered part of the extracted text: settlement rows, sub-project
headings and component boxes come out far apart. The parser anchors on what the template
fixes — sub-projects are numbered 1..K with one 決算額 row each, components are
numbered from 1 inside a sub-project, the methods are four fixed words — and places the
rest by proximity and arithmetic, recording every such placement in the import notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from hyoka.importers._layout import Line, best_assignment, join_wrapped, similarity
from hyoka.importers._normalize import (
    NO_VALUE_MARKS,
    parse_amount,
    split_glued_amounts,
)
from hyoka.importers.errors import ImportNotes
from hyoka.model import Component, CostRow, Method, Quantity, SubProject

SECTION = "細事業一覧"
METHOD_WORDS = tuple(method.value for method in Method)
_NUMBERED = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_LONE_NUMBER = re.compile(r"^(\d{1,2})$")
_SPACED_ROW = re.compile(r"^(?:(?:△\s?)?[\d,]+|ー|-|―)(?:\s+(?:(?:△\s?)?[\d,]+|ー|-|―)){2}$")
_GLUED_ROW = re.compile(r"^[\d,ー\-―]+$")
_LABEL_LINES = (
    "細事業",
    "No.",
    "No. 細事業名",
    "千円",
    "決算額",
    "実施方法",
    "細事業を構成する主な取組",
)
_QUANTITY = re.compile(
    r"(?P<label>[^\s、,:：0-9()（）]*?)\s*[:：]?\s*(?P<value>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<unit>千円|団体|講座|箇所|か所|時間|者|回|件|部|人|校|社|名|円|%|日|本|台|冊|枚|戸|店)"
)


@dataclass
class _SettlementRow:
    line: Line
    readings: list[list[int | None]]


@dataclass
class _Anchor:
    number: int
    name: str
    line: Line
    page: int
    used: bool = False
    extra_lines: list[Line] = field(default_factory=list)


@dataclass
class _ComponentDraft:
    anchor: _Anchor
    lines: list[Line] = field(default_factory=list)


def _is_label(text: str) -> bool:
    return (
        text in _LABEL_LINES
        or text.startswith(("No. 細事業", "実施方法 令和", "細事業を構成する主な取組", "令和"))
        or re.fullmatch(r"[RHS]\d+年度", text) is not None
        or re.fullmatch(r"(千円\s*)+", text) is not None
        or text.startswith(("事業番号", "事 業 名", "部局 ", "□", "■"))
    )


def _settlement_row(line: Line) -> _SettlementRow | None:
    text = line.text
    if _SPACED_ROW.match(text):
        values = [parse_amount(token) for token in re.findall(r"(?:△\s?)?[\d,]+|ー|-|―", text)]
        return _SettlementRow(line, [values])
    if _GLUED_ROW.match(text) and "," in text:
        glued: list[list[int | None]] = [list(reading) for reading in split_glued_amounts(text, 3)]
        if glued:
            # Glued cells come out right to left (R5 R4 R3): read both ways and let the
            # arithmetic against 決算額 choose.
            return _SettlementRow(line, [r[::-1] for r in glued] + glued)
    return None


def parse_sub_projects(
    pages: Sequence[Sequence[Line]],
    fiscal_year: int,
    costs: Sequence[CostRow],
    notes: ImportNotes,
) -> list[SubProject]:
    rows: list[_SettlementRow] = []
    numbered: list[_Anchor] = []
    lone_numbers: list[_Anchor] = []
    lone_names: list[_Anchor] = []
    all_lines: list[tuple[int, Line]] = []
    for page_index, page in enumerate(pages):
        for line in page:
            if not line.text:
                continue
            all_lines.append((page_index, line))
            row = _settlement_row(line)
            if row is not None:
                rows.append(row)
                continue
            if _is_label(line.text):
                continue
            if match := _NUMBERED.match(line.text):
                if match[2] not in METHOD_WORDS:
                    numbered.append(_Anchor(int(match[1]), match[2], line, page_index))
            elif match := _LONE_NUMBER.match(line.text):
                lone_numbers.append(_Anchor(int(match[1]), "", line, page_index))
            elif _looks_like_name(line.text):
                lone_names.append(_Anchor(0, line.text, line, page_index))
    count = len(rows)
    if count == 0:
        notes.missing_in(SECTION, "細事業の決算額の行が見つかりません")
        return []
    years = [fiscal_year - 2, fiscal_year - 1, fiscal_year]
    heads = _sub_project_heads(count, numbered, lone_numbers, lone_names, all_lines, notes)
    assignment = _assign_rows(rows, heads, all_lines, notes)
    readings = _orient_rows(rows, assignment, years, costs, notes)
    sub_projects = []
    for index, head in enumerate(heads):
        settlement = readings[index]
        sub_projects.append(
            SubProject(
                number=head.number,
                name=head.name,
                settlements=dict(zip(years, settlement, strict=True)),
            )
        )
    _attach_components(sub_projects, heads, numbered, lone_names, all_lines, notes)
    return sub_projects


def _looks_like_name(text: str) -> bool:
    if text.startswith(("・", "(", "※")) or text in METHOD_WORDS or text in NO_VALUE_MARKS:
        return False
    if _QUANTITY.search(text):
        return False
    return len(text) >= 4 and not text.endswith(("。", "、"))


def _preceded_by_label(line: Line, all_lines: Sequence[tuple[int, Line]]) -> bool:
    index = next(i for i, (_, other) in enumerate(all_lines) if other is line)
    before = [other.text for _, other in all_lines[max(0, index - 2) : index]]
    return "No. 細事業名" in before


def _sub_project_heads(
    count: int,
    numbered: list[_Anchor],
    lone_numbers: list[_Anchor],
    lone_names: list[_Anchor],
    all_lines: Sequence[tuple[int, Line]],
    notes: ImportNotes,
) -> list[_Anchor]:
    """Sub-projects 1..count: ``n 名称`` under the 細事業名 label, else a lone number
    followed by the label and a lone name, else the first ``n 名称`` left."""
    heads: list[_Anchor] = []
    for number in range(1, count + 1):
        labelled = [
            anchor
            for anchor in numbered
            if anchor.number == number
            and not anchor.used
            and _preceded_by_label(anchor.line, all_lines)
        ]
        head: _Anchor | None = labelled[0] if labelled else None
        if head is None:
            for lone in lone_numbers:
                if lone.number != number or lone.used:
                    continue
                name = next(
                    (
                        candidate
                        for candidate in lone_names
                        if not candidate.used
                        and 0 < candidate.line.number - lone.line.number <= 8
                        and _preceded_by_label(candidate.line, all_lines)
                    ),
                    None,
                )
                if name is not None:
                    lone.used = name.used = True
                    head = _Anchor(number, name.name, name.line, name.page, extra_lines=[lone.line])
                    break
        if head is None:
            later = [a for a in numbered if a.number == number and not a.used and number > 1]
            if later:
                head = later[-1]
                notes.inferred_in(
                    SECTION, f"細事業{number}の見出しを番号から推定しました", head.line.number
                )
        if head is None:
            spare = next((a for a in lone_numbers if a.number == number and not a.used), None)
            if spare is not None:
                spare.used = True
                head = _Anchor(number, "", spare.line, spare.page)
            else:
                head = _Anchor(number, "", all_lines[-1][1], all_lines[-1][0])
            notes.missing_in(SECTION, f"細事業{number}の名称が見つかりません", head.line.number)
        head.used = True
        heads.append(head)
    return heads


def _assign_rows(
    rows: Sequence[_SettlementRow],
    heads: Sequence[_Anchor],
    all_lines: Sequence[tuple[int, Line]],
    notes: ImportNotes,
) -> list[int]:
    """Which settlement row belongs to which sub-project.

    Strongest: the row and a heading (``n 名称`` or a lone ``n``) with only template
    labels between them, the way one box of the list comes out. Then the page, then the
    template's habit of gluing the first box's row (``2,2722,2261,466``), then nearness.
    """
    order = [line for _, line in all_lines]
    page_of = {id(line): page for page, line in all_lines}

    def adjacent(row: Line, head: Line) -> bool:
        a, b = sorted((order.index(row), order.index(head)))
        between = order[a + 1 : b]
        return all(_is_label(line.text) or line.text == "No." for line in between)

    def score(row: int, head: int) -> float:
        line, anchor = rows[row].line, heads[head]
        value = -abs(line.number - anchor.line.number) / 1000
        if adjacent(line, anchor.line) or any(
            adjacent(line, extra) for extra in anchor.extra_lines
        ):
            value += 10
        if page_of[id(line)] == anchor.page:
            value += 2
        if len(rows[row].readings) > 1 and anchor.number == 1:
            value += 3
        return value

    assignment, _ = best_assignment(len(rows), len(heads), score)
    by_head = [0] * len(heads)
    for row, head in enumerate(assignment):
        by_head[head] = row
        notes.inferred_in(
            SECTION,
            f"決算額の行 {rows[row].line.text!r} を配置から細事業{heads[head].number}に対応させました",
            rows[row].line.number,
        )
    return by_head


def _orient_rows(
    rows: Sequence[_SettlementRow],
    by_head: Sequence[int],
    years: Sequence[int],
    costs: Sequence[CostRow],
    notes: ImportNotes,
) -> list[list[int | None]]:
    """Pick each glued row's reading so that the sub-projects add up to 決算額."""
    settled = {row.fiscal_year: row.settlement for row in costs}
    chosen = [rows[index].readings[0] for index in by_head]
    ambiguous = [i for i, index in enumerate(by_head) if len(rows[index].readings) > 1]

    def matches(candidate: Sequence[Sequence[int | None]]) -> int:
        hits = 0
        for position, year in enumerate(years):
            total = sum(values[position] or 0 for values in candidate)
            hits += settled.get(year) == total
        return hits

    for head in ambiguous:
        options = rows[by_head[head]].readings
        best = max(
            options,
            key=lambda option: matches([option if i == head else c for i, c in enumerate(chosen)]),
        )
        chosen[head] = best
        notes.inferred_in(
            SECTION,
            f"区切りのない決算額 {rows[by_head[head]].line.text!r} の読み方を決算額の合計との一致から決めました",
            rows[by_head[head]].line.number,
        )
    return [list(values) for values in chosen]


def _attach_components(
    sub_projects: list[SubProject],
    heads: Sequence[_Anchor],
    numbered: Sequence[_Anchor],
    lone_names: Sequence[_Anchor],
    all_lines: Sequence[tuple[int, Line]],
    notes: ImportNotes,
) -> None:
    """Components: ``m 名称`` lines that are not sub-project headings, with the lines
    that follow them up to the next anchor; placed under the nearest heading above
    (or the one whose name they share)."""
    drafts = [_ComponentDraft(anchor) for anchor in numbered if not anchor.used]
    if not drafts:
        notes.missing_in(SECTION, "細事業を構成する主な取組が見つかりません")
        return
    anchor_lines = {d.anchor.line.number for d in drafts} | {h.line.number for h in heads}
    ordered = [line for _, line in all_lines]
    for draft in drafts:
        start = ordered.index(draft.anchor.line) + 1
        for line in ordered[start:]:
            if line.number in anchor_lines or _settlement_row(line) or _is_label(line.text):
                if line.number in anchor_lines:
                    break
                continue
            draft.lines.append(line)
    for draft in drafts:
        target = _home_of(draft.anchor, heads)
        component = _component_from(draft)
        project = sub_projects[target]
        project.components = [*project.components, component]
        notes.inferred_in(
            SECTION,
            f"取組「{component.name}」を細事業{project.number}に対応させました(近さと名称から推定)",
            draft.anchor.line.number,
        )
    for project in sub_projects:
        project.components = sorted(project.components, key=lambda c: c.number)


def _home_of(anchor: _Anchor, heads: Sequence[_Anchor]) -> int:
    similar = max(range(len(heads)), key=lambda i: similarity(anchor.name, heads[i].name))
    if heads[similar].name and similarity(anchor.name, heads[similar].name) >= 0.6:
        return similar
    above = [
        i
        for i, head in enumerate(heads)
        if head.page == anchor.page and head.line.number < anchor.line.number
    ]
    if above:
        return max(above, key=lambda i: heads[i].line.number)
    return min(range(len(heads)), key=lambda i: abs(heads[i].line.number - anchor.line.number))


def _component_from(draft: _ComponentDraft) -> Component:
    methods: list[Method] = []
    description: list[str] = []
    output: list[str] = []
    for line in draft.lines:
        text = line.text
        if text in METHOD_WORDS:
            methods.append(Method(text))
            continue
        words = text.split(" ", 1)
        if len(words) == 2 and words[0] in METHOD_WORDS:
            methods.append(Method(words[0]))
            text = words[1]
        for word in METHOD_WORDS:
            if text.endswith(word) and len(text) > len(word):
                methods.append(Method(word))
                text = text[: -len(word)]
                break
        if _QUANTITY.search(text) and not text.startswith("・") and not description_open(text):
            output.append(text)
        else:
            description.append(text)
    output_text = join_wrapped(output)
    return Component(
        number=draft.anchor.number,
        name=draft.anchor.name,
        methods=list(dict.fromkeys(methods)),
        description="\n".join(_description_items(description)),
        output=output_text,
        quantities=parse_quantities(output_text),
    )


def description_open(text: str) -> bool:
    """A description line that merely mentions a figure, e.g. 補助(1/2、最大50万円)."""
    return "補助" in text and ("(" in text or "最大" in text)


def _description_items(lines: Sequence[str]) -> list[str]:
    items: list[list[str]] = []
    for line in lines:
        if line.startswith("・") or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return [join_wrapped(item) for item in items]


def parse_quantities(text: str) -> list[Quantity]:
    """Quantities in an output text: 新規登録者数407者、セミナー開催数4回 → 407 者, 4 回."""
    quantities = []
    for match in _QUANTITY.finditer(text):
        value = Decimal(match["value"].replace(",", ""))
        quantities.append(Quantity(label=match["label"], value=value, unit=match["unit"]))
    return quantities
