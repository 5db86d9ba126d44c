"""The component boxes of the 細事業一覧 (細事業を構成する主な取組), tied into components.

A box comes out as separate parts: a name (``m 名称``, a bare name whose number is a lone
digit elsewhere, or a digit and the name in one box), a description (・ items, glued to a
method word at either end), a method word alone and an output line holding figures. The
parts are tied into components by the order they come out in and by what they say; which
sub-project each component belongs to is decided afterwards (``_text_placement``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hyoka.importers._layout import Line, join_wrapped, max_matching, similarity
from hyoka.importers._text_subheads import (
    LONE_NUMBER,
    METHOD_WORDS,
    NUMBERED,
    QUANTITY,
    SECTION,
    Anchor,
    is_label,
)
from hyoka.importers.errors import ImportNotes
from hyoka.model import Component, Method, Quantity, SubProject
from hyoka.numbers import FigureError, figure

NAME_WIDTH = 14  # a name line this long may wrap onto the next line of its box
NAME_MAX = 20  # longer lines are not in the name column
DESC_WIDTH = 33  # a description line this long ran to the column's edge


@dataclass
class Part:
    kind: str  # "name" | "desc" | "output" | "method" | "number"
    lines: list[str]
    first: int  # line number of the first line
    box: int
    page: int
    number: int | None = None
    methods: list[Method] = field(default_factory=list)
    open: bool = False  # the last line ran to the column's edge and may go on
    line_numbers: list[int] = field(default_factory=list)  # every source line it holds

    @property
    def text(self) -> str:
        return join_wrapped(self.lines)


@dataclass
class Draft:
    name: Part
    descs: list[Part] = field(default_factory=list)
    outputs: list[Part] = field(default_factory=list)
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
    return bool(QUANTITY.search(text)) and not text.startswith("・") and not description_open(text)


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


def component_parts(pages: Sequence[Sequence[Line]], skip: set[int]) -> list[Part]:
    parts: list[Part] = []
    box = 0
    for page_index, page in enumerate(pages):
        box += 1
        for line in page:
            if not line.text:
                box += 1
            elif line.number not in skip and not is_label(line.text):
                _add_line(parts, line, box, page_index)
                # A line either opens a part or goes on the last one.
                parts[-1].line_numbers.append(line.number)
    return parts


def _add_line(parts: list[Part], line: Line, box: int, page: int) -> None:
    text = line.text
    last = parts[-1] if parts else None
    same_box = last is not None and last.box == box
    plain = not text.startswith("・") and not _is_output(text)

    def new(kind: str, body: str, **extra: object) -> None:
        parts.append(Part(kind, [body], line.number, box, page, **extra))  # type: ignore[arg-type]

    if text in METHOD_WORDS:
        new("method", text, methods=[Method(text)])
        return
    if match := LONE_NUMBER.match(text):
        new("number", text, number=int(match[1]))
        return
    if (match := NUMBERED.match(text)) and match[2] not in METHOD_WORDS:
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


class _Adjacency:
    """Whether one part follows another with only method words between (O(1) a pair)."""

    def __init__(self, parts: Sequence[Part]) -> None:
        self.index = {id(part): k for k, part in enumerate(parts)}
        # The next part after each that is not a method word.
        self.next_content = [len(parts)] * len(parts)
        following = len(parts)
        for k in range(len(parts) - 1, -1, -1):
            self.next_content[k] = following
            if parts[k].kind != "method":
                following = k

    def __call__(self, before: Part, after: Part) -> float:
        """2 when ``after`` follows ``before`` in its box, 1 in the next box, else 0."""
        start, end = self.index[id(before)], self.index[id(after)]
        if end <= start or self.next_content[start] < end:
            return 0.0
        return 2.0 if before.box == after.box else 1.0


def tie_descriptions(parts: Sequence[Part], drafts: list[Draft], notes: ImportNotes) -> list[Part]:
    """Each description to one name: the one it follows, or the one it speaks of."""
    descs = [part for part in parts if part.kind == "desc"]
    adjacent = _Adjacency(parts)

    def score(desc: int, draft: int) -> float:
        name = drafts[draft].name
        # A box's name comes out before its description more often than after.
        ahead = 0.5 if name.first < descs[desc].first else 0.0
        return adjacent(name, descs[desc]) + ahead + 3 * similarity(name.text, descs[desc].text)

    pairs = max_matching(len(descs), len(drafts), score)
    for desc, draft in pairs:
        drafts[draft].descs.append(descs[desc])
        if adjacent(drafts[draft].name, descs[desc]) < 2:
            notes.inferred_in(
                SECTION,
                f"事業概要「{short(descs[desc].text)}」を取組「{drafts[draft].name.text}」に"
                "対応させました(並びと内容の類似から推定)",
                descs[desc].first,
            )
    placed = {desc for desc, _ in pairs}
    return [desc for index, desc in enumerate(descs) if index not in placed]


def tie_outputs(parts: Sequence[Part], drafts: list[Draft], notes: ImportNotes) -> list[Part]:
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
            f"アウトプット「{short(orphans[output].text)}」を取組「{wanting[draft].name.text}」に"
            "対応させました(並び順から推定)",
            orphans[output].first,
        )
    placed = {output for output, _ in pairs}
    return [part for index, part in enumerate(orphans) if index not in placed]


def recover_head_names(
    drafts: list[Draft],
    sub_projects: list[SubProject],
    heads: Sequence[Anchor],
    notes: ImportNotes,
) -> list[Draft]:
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


def tie_methods(parts: Sequence[Part], drafts: list[Draft], notes: ImportNotes) -> list[Part]:
    """Glued methods are their line's; a method word goes with a part of its box; the
    rest, in order, to the components still without a method."""
    owner: dict[int, Draft] = {}
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


def component_of(draft: Draft, sub_project: int, notes: ImportNotes) -> Component:
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


def short(text: str) -> str:
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
    for match in QUANTITY.finditer(text):
        try:
            value = figure(match["value"].replace(",", ""))
        except FigureError:
            continue  # past hyoka.numbers' bounds: not a quantity (the text keeps it)
        quantities.append(Quantity(label=match["label"], value=value, unit=match["unit"]))
    return quantities
