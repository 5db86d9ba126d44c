"""Reading the 細事業一覧 lines: settlement rows, sub-project headings, and which row is whose.

The template fixes what this module anchors on: sub-projects are numbered 1..K with one
決算額 row each, under the label ``No. 細事業名``; rows of three amounts (R3 R4 R5) that
sometimes come out glued. Every placement by proximity or arithmetic is recorded in the
import notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from hyoka.importers._layout import Line, best_assignment
from hyoka.importers._normalize import (
    NO_VALUE_MARKS,
    located,
    parse_amount,
    split_glued_amounts,
)
from hyoka.importers.errors import ImportNotes
from hyoka.model import CostRow, Method

SECTION = "細事業一覧"
METHOD_WORDS = tuple(method.value for method in Method)
NUMBERED = re.compile(r"^(\d{1,2})\s+(\S.*)$")
LONE_NUMBER = re.compile(r"^(\d{1,2})$")
_SPACED_ROW = re.compile(r"^(?:(?:△\s?)?[\d,]+|ー|-|―)(?:\s+(?:(?:△\s?)?[\d,]+|ー|-|―)){2}$")
_GLUED_ROW = re.compile(r"^[\d,ー\-―]+$")
_GLUED_MAX = 60
_LABEL_LINES = (
    "細事業",
    "No.",
    "No. 細事業名",
    "千円",
    "決算額",
    "実施方法",
    "細事業を構成する主な取組",
)
# The figure starts where a run of digits starts and is taken whole (possessive): a
# 6,000-character run of 「1,1,1…」 is tried once, not from each of its digits (quadratic).
QUANTITY = re.compile(
    r"(?P<label>[^\s、,:：0-9()（）]*?)\s*[:：]?\s*(?P<value>(?<![\d,.])\d[\d,]*+(?:\.\d+)?+)\s*"
    r"(?P<unit>千円|団体|講座|箇所|か所|時間|者|回|件|部|人|校|社|名|円|%|日|本|台|冊|枚|戸|店)"
)


@dataclass
class SettlementRow:
    line: Line
    readings: list[list[int | None]]


@dataclass
class Anchor:
    number: int
    name: str
    line: Line
    page: int
    used: bool = False
    extra_lines: list[Line] = field(default_factory=list)
    found: bool = True  # False for a placeholder: nothing in the text stands for it


def is_label(text: str) -> bool:
    return is_table_label(text) or text.startswith(("事業番号", "事 業 名", "部局 ", "□", "■"))


def is_table_label(text: str) -> bool:
    """A label printed inside the list's table (column heads, 千円), not the page's header."""
    return (
        text in _LABEL_LINES
        or text.startswith(("No. 細事業", "実施方法 令和", "細事業を構成する主な取組", "令和"))
        or re.fullmatch(r"[RHS]\d+年度", text) is not None
        or re.fullmatch(r"(千円\s*)+", text) is not None
    )


def settlement_row(line: Line) -> SettlementRow | None:
    text = line.text
    if _SPACED_ROW.match(text):
        with located(SECTION, line.number):
            values = [parse_amount(t) for t in re.findall(r"(?:△\s?)?[\d,]+|ー|-|―", text)]
        return SettlementRow(line, [values])
    # Reading glued cells tries every cut (quadratic in the length): three amounts of up
    # to 15 digits fill at most 60 characters.
    if _GLUED_ROW.match(text) and "," in text and len(text) <= _GLUED_MAX:
        glued: list[list[int | None]] = [list(reading) for reading in split_glued_amounts(text, 3)]
        if glued:
            # Glued cells come out right to left (R5 R4 R3): read both ways and let the
            # arithmetic against 決算額 choose.
            return SettlementRow(line, [r[::-1] for r in glued] + glued)
    return None


def looks_like_name(text: str) -> bool:
    if text.startswith(("・", "(", "※")) or text in METHOD_WORDS or text in NO_VALUE_MARKS:
        return False
    if QUANTITY.search(text):
        return False
    return len(text) >= 4 and not text.endswith(("。", "、"))


def _preceded_by_label(line: Line, all_lines: Sequence[tuple[int, Line]]) -> bool:
    index = next(i for i, (_, other) in enumerate(all_lines) if other is line)
    before = [other.text for _, other in all_lines[max(0, index - 2) : index]]
    return "No. 細事業名" in before


def sub_project_heads(
    count: int,
    numbered: list[Anchor],
    lone_numbers: list[Anchor],
    lone_names: list[Anchor],
    all_lines: Sequence[tuple[int, Line]],
    notes: ImportNotes,
) -> list[Anchor]:
    """Sub-projects 1..count: ``n 名称`` under the 細事業名 label, else a lone number
    followed by the label and a lone name, else the first ``n 名称`` left."""
    heads: list[Anchor] = []
    for number in range(1, count + 1):
        labelled = [
            anchor
            for anchor in numbered
            if anchor.number == number
            and not anchor.used
            and _preceded_by_label(anchor.line, all_lines)
        ]
        head: Anchor | None = labelled[0] if labelled else None
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
                    head = Anchor(number, name.name, name.line, name.page, extra_lines=[lone.line])
                    break
        if head is None:
            head = _named_before_number(number, lone_numbers, all_lines, notes)
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
                head = Anchor(number, "", spare.line, spare.page)
            else:
                head = Anchor(number, "", all_lines[-1][1], all_lines[-1][0], found=False)
        head.used = True
        heads.append(head)
    return heads


def _named_before_number(
    number: int,
    lone_numbers: Sequence[Anchor],
    all_lines: Sequence[tuple[int, Line]],
    notes: ImportNotes,
) -> Anchor | None:
    """``名称 / No. / n``: a heading whose label and number came out after its name."""
    order = [line for _, line in all_lines]
    for lone in lone_numbers:
        if lone.number != number or lone.used:
            continue
        index = order.index(lone.line)
        if index < 2 or order[index - 1].text != "No.":
            continue
        page, name = all_lines[index - 2]
        if is_label(name.text) or NUMBERED.match(name.text) or not looks_like_name(name.text):
            continue
        lone.used = True
        notes.inferred_in(
            SECTION, f"細事業{number}の名称を「No. {number}」の直前の行から読みました", name.number
        )
        return Anchor(number, name.text, name, page, extra_lines=[lone.line, order[index - 1]])
    return None


def assign_rows(
    rows: Sequence[SettlementRow],
    heads: Sequence[Anchor],
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
    position = {line.number: index for index, line in enumerate(order)}

    def adjacent(row: Line, head: Line) -> bool:
        a, b = sorted((position[row.number], position[head.number]))
        between = order[a + 1 : b]
        return all(is_label(line.text) or line.text == "No." for line in between)

    @cache  # best_assignment asks for each pair once per ordering it tries
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


def orient_rows(
    rows: Sequence[SettlementRow],
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
