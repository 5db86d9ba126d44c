"""The 細事業一覧 pages of the sheet's PDF text.

This is the least ordered part of the extracted text: settlement rows, sub-project
headings and component boxes come out far apart. The parser anchors on what the template
fixes — sub-projects are numbered 1..K with one 決算額 row each, components are
numbered from 1 inside a sub-project, the methods are four fixed words — and places the
rest by proximity and arithmetic, recording every such placement in the import notes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from hyoka.importers._layout import (
    Line,
    best_assignment,
    join_wrapped,
    max_matching,
    similarity,
)
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
    found: bool = True  # False for a placeholder: nothing in the text stands for it


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
    page_of = {id(line): page for page, line in all_lines}
    head_pages = [
        {head.page, page_of[id(rows[assignment[index]].line)]} for index, head in enumerate(heads)
    ]
    skip = {row.line.number for row in rows}
    for head in heads:
        if head.found:
            skip |= {head.line.number, *(line.number for line in head.extra_lines)}
    _attach_components(pages, skip, sub_projects, heads, head_pages, notes)
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
                head = _Anchor(number, "", spare.line, spare.page)
            else:
                head = _Anchor(number, "", all_lines[-1][1], all_lines[-1][0], found=False)
        head.used = True
        heads.append(head)
    return heads


def _named_before_number(
    number: int,
    lone_numbers: Sequence[_Anchor],
    all_lines: Sequence[tuple[int, Line]],
    notes: ImportNotes,
) -> _Anchor | None:
    """``名称 / No. / n``: a heading whose label and number came out after its name."""
    order = [line for _, line in all_lines]
    for lone in lone_numbers:
        if lone.number != number or lone.used:
            continue
        index = order.index(lone.line)
        if index < 2 or order[index - 1].text != "No.":
            continue
        page, name = all_lines[index - 2]
        if _is_label(name.text) or _NUMBERED.match(name.text) or not _looks_like_name(name.text):
            continue
        lone.used = True
        notes.inferred_in(
            SECTION, f"細事業{number}の名称を「No. {number}」の直前の行から読みました", name.number
        )
        return _Anchor(number, name.text, name, page, extra_lines=[lone.line, order[index - 1]])
    return None


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


# ---------------------------------------------------------------- components
#
# The component boxes (細事業を構成する主な取組) come out as separate parts: a name
# (``m 名称``, a bare name whose number is a lone digit elsewhere, or a digit and the
# name in one box), a description (・ items, glued to a method word at either end), a
# method word alone and an output line holding figures. The parts are first tied into
# components by the order they come out in and by what they say, then the components are
# given to the sub-projects so that each one's numbers run 1..k.

NAME_WIDTH = 14  # a name line this long may wrap onto the next line of its box
NAME_MAX = 20  # longer lines are not in the name column
DESC_WIDTH = 33  # a description line this long ran to the column's edge


@dataclass
class _Part:
    kind: str  # "name" | "desc" | "output" | "method" | "number"
    lines: list[str]
    first: int  # line number of the first line
    box: int
    page: int
    number: int | None = None
    methods: list[Method] = field(default_factory=list)
    open: bool = False  # the last line ran to the column's edge and may go on

    @property
    def text(self) -> str:
        return join_wrapped(self.lines)


@dataclass
class _Draft:
    name: _Part
    descs: list[_Part] = field(default_factory=list)
    outputs: list[_Part] = field(default_factory=list)
    methods: list[Method] = field(default_factory=list)
    number: int | None = None
    home: int | None = None  # index of the sub-project

    @property
    def position(self) -> int:
        return min([self.name.first, *(part.first for part in self.descs)])

    @property
    def text(self) -> str:
        return " ".join(part.text for part in [self.name, *self.descs, *self.outputs])


def _is_output(text: str) -> bool:
    return bool(_QUANTITY.search(text)) and not text.startswith("・") and not description_open(text)


def _method_first(text: str) -> bool:
    head, _, rest = text.partition(" ")
    return head in METHOD_WORDS and bool(rest)


def _strip_methods(text: str) -> tuple[str, list[Method]]:
    """``直接 ・…`` and ``…を実施委託``: the method column glued to a description line."""
    methods = []
    if _method_first(text):
        head, _, text = text.partition(" ")
        methods.append(Method(head))
    for word in METHOD_WORDS:
        if text.endswith(word) and len(text) > len(word):
            methods.append(Method(word))
            text = text[: -len(word)]
            break
    return text, methods


def _component_parts(pages: Sequence[Sequence[Line]], skip: set[int]) -> list[_Part]:
    parts: list[_Part] = []
    box = 0
    for page_index, page in enumerate(pages):
        box += 1
        for line in page:
            if not line.text:
                box += 1
            elif line.number not in skip and not _is_label(line.text):
                _add_line(parts, line, box, page_index)
    return parts


def _add_line(parts: list[_Part], line: Line, box: int, page: int) -> None:
    text = line.text
    last = parts[-1] if parts else None
    same_box = last is not None and last.box == box
    plain = not text.startswith("・") and not _is_output(text)

    def new(kind: str, body: str, **extra: object) -> None:
        parts.append(_Part(kind, [body], line.number, box, page, **extra))  # type: ignore[arg-type]

    if text in METHOD_WORDS:
        new("method", text, methods=[Method(text)])
        return
    if match := _LONE_NUMBER.match(text):
        new("number", text, number=int(match[1]))
        return
    if (match := _NUMBERED.match(text)) and match[2] not in METHOD_WORDS:
        new("name", match[2], number=int(match[1]), open=len(match[2]) >= NAME_WIDTH)
        return
    if last is not None and last.kind == "desc" and last.open and plain:
        body, methods = _strip_methods(text)
        last.lines.append(body)
        last.methods += methods
        last.open = len(text) >= DESC_WIDTH
        return
    if last is not None and same_box and plain and len(text) <= NAME_MAX:
        if last.kind == "name" and last.open:
            last.lines.append(text)
            last.open = len(text) >= NAME_WIDTH
            return
        if last.kind == "number":
            last.kind, last.lines, last.open = "name", [text], len(text) >= NAME_WIDTH
            return
    if not same_box and plain and 4 <= len(text) <= NAME_MAX and not _method_first(text):
        # A short line opening a box is a name, even one ending in a method word
        # (…補助金, …への負担金); a description's own short lines stay in its box.
        new("name", text, open=len(text) >= NAME_WIDTH)
        return
    body, methods = _strip_methods(text)
    if _is_output(body):
        if last is not None and last.kind == "output" and same_box:
            last.lines.append(body)
        else:
            new("output", body, methods=methods)
        return
    if last is not None and last.kind == "desc" and (same_box or text.startswith("・")):
        last.lines.append(body)
        last.methods += methods
    else:
        new("desc", body, methods=methods)
    parts[-1].open = len(text) >= DESC_WIDTH


def _attach_components(
    pages: Sequence[Sequence[Line]],
    skip: set[int],
    sub_projects: list[SubProject],
    heads: Sequence[_Anchor],
    head_pages: Sequence[set[int]],
    notes: ImportNotes,
) -> None:
    parts = _component_parts(pages, skip)
    drafts = [_Draft(part, number=part.number) for part in parts if part.kind == "name"]
    leftovers = _tie_descriptions(parts, drafts, notes)
    leftovers += _tie_outputs(parts, drafts, notes)
    drafts = _recover_head_names(drafts, sub_projects, heads, notes)
    leftovers += _tie_methods(parts, drafts, notes)
    for part in leftovers:
        notes.missing_in(
            SECTION, f"「{part.text}」をどの取組にも対応させられませんでした", part.first
        )
    if not drafts:
        notes.missing_in(SECTION, "細事業を構成する主な取組が見つかりません")
        return
    lone = [part.number or 0 for part in parts if part.kind == "number"]
    _place(drafts, heads, head_pages, lone, notes)
    for index, project in enumerate(sub_projects):
        mine = sorted((d for d in drafts if d.home == index), key=lambda d: d.number or 0)
        project.components = [_component_of(d, project.number, notes) for d in mine]


def _adjacent(parts: Sequence[_Part], before: _Part, after: _Part) -> float:
    """2 when ``after`` follows ``before`` in its box, 1 in the next box, else 0."""
    start, end = parts.index(before), parts.index(after)
    if end <= start or any(p.kind != "method" for p in parts[start + 1 : end]):
        return 0.0
    return 2.0 if before.box == after.box else 1.0


def _tie_descriptions(
    parts: Sequence[_Part], drafts: list[_Draft], notes: ImportNotes
) -> list[_Part]:
    """Each description to one name: the one it follows, or the one it speaks of."""
    descs = [part for part in parts if part.kind == "desc"]

    def score(desc: int, draft: int) -> float:
        name = drafts[draft].name
        # A box's name comes out before its description more often than after.
        ahead = 0.5 if name.first < descs[desc].first else 0.0
        return (
            _adjacent(parts, name, descs[desc])
            + ahead
            + 3 * similarity(name.text, descs[desc].text)
        )

    pairs = max_matching(len(descs), len(drafts), score)
    for desc, draft in pairs:
        drafts[draft].descs.append(descs[desc])
        if _adjacent(parts, drafts[draft].name, descs[desc]) < 2:
            notes.inferred_in(
                SECTION,
                f"事業概要「{_short(descs[desc].text)}」を取組「{drafts[draft].name.text}」に"
                "対応させました(並びと内容の類似から推定)",
                descs[desc].first,
            )
    placed = {desc for desc, _ in pairs}
    return [desc for index, desc in enumerate(descs) if index not in placed]


def _tie_outputs(parts: Sequence[_Part], drafts: list[_Draft], notes: ImportNotes) -> list[_Part]:
    """An output right after a description is that component's; the others go, in the
    order they come out, to the components still without one."""
    owner = {id(desc): draft for draft in drafts for desc in draft.descs}
    orphans = []
    for index, part in enumerate(parts):
        if part.kind != "output":
            continue
        before = next((p for p in reversed(parts[:index]) if p.kind != "method"), None)
        if before is not None and id(before) in owner:
            owner[id(before)].outputs.append(part)
        else:
            orphans.append(part)
    wanting = sorted((d for d in drafts if not d.outputs and d.descs), key=lambda d: d.position)
    if len(orphans) == len(wanting):
        pairs = list(enumerate(range(len(wanting))))
    else:
        pairs = max_matching(
            len(orphans),
            len(wanting),
            lambda o, d: similarity(orphans[o].text, wanting[d].text),
        )
    for output, draft in pairs:
        wanting[draft].outputs.append(orphans[output])
        notes.inferred_in(
            SECTION,
            f"アウトプット「{_short(orphans[output].text)}」を取組「{wanting[draft].name.text}」に"
            "対応させました(並び順から推定)",
            orphans[output].first,
        )
    placed = {output for output, _ in pairs}
    return [part for index, part in enumerate(orphans) if index not in placed]


def _recover_head_names(
    drafts: list[_Draft],
    sub_projects: list[SubProject],
    heads: Sequence[_Anchor],
    notes: ImportNotes,
) -> list[_Draft]:
    """A nameless sub-project takes a bare name on its page that nothing describes."""
    for index, head in enumerate(heads):
        if head.name:
            continue
        spare = [
            d
            for d in drafts
            if d.number is None and not d.descs and not d.outputs and d.name.page == head.page
        ]
        if not spare:
            notes.missing_in(
                SECTION, f"細事業{head.number}の名称が見つかりません", head.line.number
            )
            continue
        chosen = spare[-1]
        head.name = sub_projects[index].name = chosen.name.text
        drafts = [d for d in drafts if d is not chosen]
        notes.inferred_in(
            SECTION,
            f"細事業{head.number}の名称を、取組の内容を伴わない名称「{chosen.name.text}」から"
            "推定しました",
            chosen.name.first,
        )
    return drafts


def _tie_methods(parts: Sequence[_Part], drafts: list[_Draft], notes: ImportNotes) -> list[_Part]:
    """Glued methods are their line's; a method word goes with a part of its box; the
    rest, in order, to the components still without a method."""
    owner: dict[int, _Draft] = {}
    for draft in drafts:
        for part in [draft.name, *draft.descs, *draft.outputs]:
            owner[id(part)] = draft
            draft.methods += part.methods
    orphans = []
    for index, part in enumerate(parts):
        if part.kind != "method":
            continue
        neighbours = [*parts[max(index - 1, 0) : index], *parts[index + 1 : index + 2]]
        home = next(
            (owner[id(p)] for p in neighbours if p.box == part.box and id(p) in owner), None
        )
        if home is not None:
            home.methods += part.methods
        else:
            orphans.append(part)
    wanting = sorted((d for d in drafts if not d.methods), key=lambda d: d.position)
    for part, draft in zip(orphans, wanting, strict=False):
        draft.methods += part.methods
        notes.inferred_in(
            SECTION,
            f"実施方法「{part.text}」を取組「{draft.name.text}」に対応させました(並び順から推定)",
            part.first,
        )
    return orphans[len(wanting) :]


def _place(
    drafts: list[_Draft],
    heads: Sequence[_Anchor],
    head_pages: Sequence[set[int]],
    lone_numbers: Sequence[int],
    notes: ImportNotes,
) -> None:
    """Give each component a sub-project and a number.

    A component whose name is close to one sub-project's name is that one's. The others
    are placed so that every sub-project's numbers run 1..k with the lone digits of the
    page filling the gaps, components that speak alike stay together and the order in
    which the text comes out follows the sub-projects' order as far as it can.
    """
    count = len(heads)
    candidates = [
        [j for j in range(count) if d.name.page in head_pages[j]] or list(range(count))
        for d in drafts
    ]
    affinity = [
        [max(similarity(d.name.text, h.name), similarity(d.text, h.name)) for h in heads]
        for d in drafts
    ]
    pinned = {}
    for index, options in enumerate(candidates):
        best = max(options, key=lambda j: affinity[index][j])
        if affinity[index][best] >= _PIN:
            pinned[index] = best
    alike = [[similarity(a.text, b.text) if a is not b else 0.0 for b in drafts] for a in drafts]
    lone = Counter(lone_numbers)

    order = sorted(range(len(drafts)), key=lambda i: drafts[i].position)
    ordered_pairs = [(a, b) for x, a in enumerate(order) for b in order[x + 1 :]]
    numbers = [d.number for d in drafts]

    def score(homes: Sequence[int]) -> float:
        groups: list[list[int | None]] = [[] for _ in range(count)]
        members: list[list[int]] = [[] for _ in range(count)]
        for index, home in enumerate(homes):
            groups[home].append(numbers[index])
            members[home].append(index)
        value = -10.0 * _numbering_faults(groups, lone)
        if len(drafts) >= count:
            value -= 5.0 * sum(1 for group in groups if not group)
        for i, home in enumerate(homes):
            value += 3 * affinity[i][home] + max(alike[i][j] for j in members[home])
        return value - 0.5 * sum(homes[a] > homes[b] for a, b in ordered_pairs)

    free = [i for i in range(len(drafts)) if i not in pinned]
    homes = [pinned.get(i, candidates[i][0]) for i in range(len(drafts))]
    space = math.prod(len(candidates[i]) for i in free)
    if space <= _EXHAUSTIVE:
        best_value = -math.inf
        best_homes = homes
        for choice in product(*(candidates[i] for i in free)):
            for i, home in zip(free, choice, strict=True):
                homes[i] = home
            value = score(homes)
            if value > best_value:
                best_value, best_homes = value, list(homes)
        homes = best_homes
    else:
        homes = _climb(homes, free, candidates, score)
    for index, draft in enumerate(drafts):
        draft.home = homes[index]
    _number(drafts, heads, lone, notes)
    for index, draft in enumerate(drafts):
        why = "名称の類似" if index in pinned else "番号の並び・内容の類似・配置"
        notes.inferred_in(
            SECTION,
            f"取組「{draft.name.text}」を細事業{heads[homes[index]].number}に対応させました"
            f"({why}から推定)",
            draft.name.first,
        )


_PIN = 0.5  # name similarity that settles a component's sub-project
_EXHAUSTIVE = 7000  # placements tried one by one; beyond, a local search


def _climb(
    homes: list[int],
    free: Sequence[int],
    candidates: Sequence[Sequence[int]],
    score: Callable[[Sequence[int]], float],
) -> list[int]:
    """Move one component at a time, or a run of components together, while it helps."""
    current = score(homes)
    improved = True
    while improved:
        improved = False
        for size in (1, 2, 3):
            for start in range(len(free) - size + 1):
                group = free[start : start + size]
                for target in candidates[group[0]]:
                    trial = list(homes)
                    for i in group:
                        trial[i] = target
                    value = score(trial)
                    if value > current + 1e-9:
                        homes, current, improved = trial, value, True
    return homes


def _numbering_faults(groups: Sequence[Sequence[int | None]], lone: Counter[int]) -> int:
    """How far the groups are from each numbering 1..k, the gaps filled by lone digits."""
    faults = 0
    needed: Counter[int] = Counter()
    for numbers in groups:
        known = [n for n in numbers if n is not None]
        faults += len(known) - len(set(known))
        faults += sum(1 for n in set(known) if n > len(numbers))
        needed.update(n for n in range(1, len(numbers) + 1) if n not in known)
    return faults + max(sum((needed - lone).values()), sum((lone - needed).values()))


def _number(
    drafts: Sequence[_Draft], heads: Sequence[_Anchor], lone: Counter[int], notes: ImportNotes
) -> None:
    """Bare names take the numbers their sub-project lacks, in the order they come out."""
    for index, head in enumerate(heads):
        mine = [d for d in drafts if d.home == index]
        known = {d.number for d in mine if d.number is not None}
        gaps = [n for n in range(1, len(mine) + 1) if n not in known]
        bare = sorted((d for d in mine if d.number is None), key=lambda d: d.name.first)
        for draft in bare:
            if gaps:
                draft.number = gaps.pop(0)
                source = "離れて書かれた番号" if lone[draft.number] else "番号の欠け"
                lone[draft.number] -= 1
                notes.inferred_in(
                    SECTION,
                    f"細事業{head.number}の取組「{draft.name.text}」の番号{draft.number}を"
                    f"{source}から推定しました",
                    draft.name.first,
                )
            else:
                draft.number = max(known | {0}) + 1
                known.add(draft.number)
                notes.missing_in(
                    SECTION,
                    f"細事業{head.number}の取組「{draft.name.text}」の番号が見つかりません",
                    draft.name.first,
                )


def _component_of(draft: _Draft, sub_project: int, notes: ImportNotes) -> Component:
    description = [line for part in draft.descs for line in part.lines]
    output = "\n".join(part.text for part in draft.outputs)
    where = f"細事業{sub_project}の取組{draft.number}「{draft.name.text}」"
    for absent, what in (
        (not description, "事業概要(上段)"),
        (not output, "アウトプット(下段)"),
        (not draft.methods, "実施方法"),
    ):
        if absent:
            notes.missing_in(SECTION, f"{where}の{what}が見つかりません", draft.name.first)
    return Component(
        number=draft.number or 0,
        name=draft.name.text,
        methods=list(dict.fromkeys(draft.methods)),
        description="\n".join(_description_items(description)),
        output=output,
        quantities=parse_quantities(output),
    )


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


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
