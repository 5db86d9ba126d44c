"""Text positions and rulings of a sheet PDF (pdfplumber), in the terms the importer reads.

A page becomes :class:`TextLine` objects (characters sharing a baseline, split where a
gap shows a new cell) and its ruling lines. Tables are read through the rulings: the
cell around a label is bounded by the nearest rulings on each side, so columns come
from the header cells' x ranges and rows from the rulings between them.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hyoka.importers._normalize import normalize_text

# Characters that only stand in for others (Kangxi radicals, radical supplement forms,
# compatibility ideographs): mapped like the text importer does. Other characters stay
# as the author typed them (full-width letters are content, not extraction noise).
_LOOKALIKE_BLOCKS = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F))

_SAME_LINE = 2.0  # points: characters whose tops differ less share a line
_CELL_GAP = 1.6  # font sizes: a wider gap inside a line starts a new segment


def clean(text: str) -> str:
    """Look-alike glyph forms mapped to their everyday characters; the rest unchanged."""
    return "".join(
        normalize_text(char) if any(lo <= ord(char) <= hi for lo, hi in _LOOKALIKE_BLOCKS) else char
        for char in text
    )


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @cached_property
    def size(self) -> float:
        return self.bottom - self.top

    @property
    def center_x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class TextLine:
    """Characters on one baseline between two rulings (or gaps), left to right."""

    page: int
    glyphs: list[Glyph] = field(default_factory=list)
    edge: float = 0.0  # where a full line of this line's cell ends (set by read_page)

    @cached_property
    def text(self) -> str:
        out = []
        for index, glyph in enumerate(self.glyphs):
            if index:
                before = self.glyphs[index - 1]
                # Cells side by side show as a gap without a space glyph between them.
                spaced = " " in (glyph.text, before.text)
                if not spaced and glyph.x0 - before.x1 > glyph.size * 0.2:
                    out.append(" ")
            out.append(glyph.text)
        return clean("".join(out))

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @cached_property
    def top(self) -> float:
        return min(glyph.top for glyph in self.glyphs)

    @cached_property
    def bottom(self) -> float:
        return max(glyph.bottom for glyph in self.glyphs)

    @cached_property
    def size(self) -> float:
        return max(glyph.size for glyph in self.glyphs)

    @cached_property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def holds(self, line: TextLine) -> bool:
        center = (line.x0 + line.x1) / 2
        return self.x0 <= center <= self.x1 and self.top <= line.middle <= self.bottom


@dataclass
class Page:
    """One page: its lines top to bottom, and its horizontal and vertical rulings."""

    number: int  # 1-based, as people count pages
    width: float
    height: float
    lines: list[TextLine]
    horizontal: list[tuple[float, float, float]]  # (y, x0, x1)
    vertical: list[tuple[float, float, float]]  # (x, top, bottom)
    _cells: dict[int, Box] = field(default_factory=dict, repr=False)

    def cell_around(self, line: TextLine) -> Box:
        """The ruled cell a line sits in (the page edges where no ruling bounds it)."""
        found = self._cells.get(id(line))
        if found is None:
            found = self._cells[id(line)] = self._cell_around(line)
        return found

    def _cell_around(self, line: TextLine) -> Box:
        y, x = line.middle, (line.x0 + line.x1) / 2
        # From the end glyphs' middles: a bracket at a line's start or end is drawn
        # half-width (CJK punctuation), so its full-width box reaches past the ruling.
        inner_x0 = min(line.x0 + 0.5, line.glyphs[0].center_x)
        inner_x1 = max(line.x1 - 0.5, line.glyphs[-1].center_x)
        left = max((v for v, t, b in self.vertical if v <= inner_x0 and t <= y <= b), default=0.0)
        right = min(
            (v for v, t, b in self.vertical if v >= inner_x1 and t <= y <= b),
            default=self.width,
        )
        top = max(
            (h for h, a, b in self.horizontal if h <= line.top + 0.5 and a <= x <= b), default=0.0
        )
        bottom = min(
            (h for h, a, b in self.horizontal if h >= line.bottom - 0.5 and a <= x <= b),
            default=self.height,
        )
        return Box(left, top, right, bottom)

    def rulings_across(self, x0: float, x1: float, top: float, bottom: float) -> list[float]:
        """Heights of horizontal rulings that cross the column [x0, x1] between top and bottom."""
        middle = (x0 + x1) / 2
        ys = sorted(h for h, a, b in self.horizontal if a <= middle <= b and top <= h <= bottom)
        merged: list[float] = []
        for y in ys:
            if not merged or y - merged[-1] > 1.5:
                merged.append(y)
        return merged


def read_page(number: int, page: Any) -> Page:
    """A pdfplumber page as a :class:`Page`."""
    chars = [
        Glyph(str(c["text"]), float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]))
        for c in page.chars
        if str(c["text"]).strip() or c["text"] == " "
    ]
    # Each ruling is a thin filled rectangle: its edges come in near-identical pairs.
    horizontal_set: set[tuple[float, float, float]] = set()
    vertical_set: set[tuple[float, float, float]] = set()
    for edge in page.edges:
        if edge["orientation"] == "h":
            horizontal_set.add(
                (
                    round(float(edge["top"]), 1),
                    round(float(edge["x0"]), 1),
                    round(float(edge["x1"]), 1),
                )
            )
        else:
            vertical_set.add(
                (
                    round(float(edge["x0"]), 1),
                    round(float(edge["top"]), 1),
                    round(float(edge["bottom"]), 1),
                )
            )
    horizontal, vertical = sorted(horizontal_set), sorted(vertical_set)
    result = Page(
        number=number,
        width=float(page.width),
        height=float(page.height),
        lines=_lines(number, chars, vertical),
        horizontal=horizontal,
        vertical=vertical,
    )
    # The fullest line of all cells ending at the same ruling shows the cells' padding.
    rights = {id(line): result.cell_around(line).x1 for line in result.lines}
    padding: dict[int, float] = {}
    for line in result.lines:
        key = round(rights[id(line)])
        padding[key] = min(padding.get(key, 99.0), max(rights[id(line)] - line.x1, 0.0))
    for line in result.lines:
        line.edge = rights[id(line)] - padding[round(rights[id(line)])]
    return result


def _lines(
    page: int, chars: Sequence[Glyph], vertical: Sequence[tuple[float, float, float]]
) -> list[TextLine]:
    rows: list[list[Glyph]] = []
    for glyph in sorted(chars, key=lambda g: (round(g.top, 0), g.x0)):
        if rows and abs(rows[-1][0].top - glyph.top) < _SAME_LINE:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        current = TextLine(page, [row[0]])
        for glyph in row[1:]:
            before = current.glyphs[-1]
            middle = (glyph.top + glyph.bottom) / 2
            # Between the glyphs' middles: a bracket at a cell's start or end is drawn
            # half-width (CJK punctuation), so its full-width box reaches past the ruling.
            start = bisect_left(vertical, (before.center_x,))
            ruled = False
            for x, t, b in vertical[start:]:
                if x > max(glyph.x0 + 0.5, glyph.center_x):
                    break
                if t <= middle <= b:
                    ruled = True
                    break
            if ruled or glyph.x0 - before.x1 > glyph.size * _CELL_GAP:
                lines.append(current)
                current = TextLine(page, [glyph])
            else:
                current.glyphs.append(glyph)
        lines.append(current)
    lines = [line for line in lines if line.text.strip()]
    return sorted(lines, key=lambda line: (round(line.top, 0), line.x0))


def nfkc(text: str) -> str:
    """For matching labels only (１　現状と課題 → 1 現状と課題); content keeps its characters."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join_lines(lines: Sequence[TextLine]) -> str:
    """Lines of one wrapped paragraph as one text.

    The renderer breaks Japanese text anywhere and drops the space where it breaks at
    one. Between two Latin words the break can only have been a space (unless a word
    too long for the cell was cut, which fills the line), so the space is put back
    there; next to Japanese text a dropped space cannot be told from none (a known limit).
    """
    out = ""
    for index, line in enumerate(lines):
        text = line.text
        if out and not out.endswith(" ") and not text.startswith(" "):
            before = lines[index - 1]
            room = before.edge - before.x1
            first = line.glyphs[0].x1 - line.glyphs[0].x0
            if _latin(out[-1]) and _latin(text[0]) and room >= first:
                out += " "
        out += text
    return out.strip()


def right_edge(page: Page, line: TextLine) -> float:
    """Where text of this line's box would stop: its cell's right ruling minus the padding."""
    box = page.cell_around(line)
    padding = max(line.x0 - box.x0, 0.0)
    return box.x1 - padding


def is_full(page: Page, line: TextLine, following: TextLine | None = None) -> bool:
    """Whether a line reaches the end of its box (the text wrapped rather than ended)."""
    size = following.glyphs[0].x1 - following.glyphs[0].x0 if following else line.size
    return right_edge(page, line) - line.x1 < size * 2.2


def texts(lines: Iterable[TextLine]) -> list[str]:
    return [line.text for line in lines]
