"""Pages, blocks and text similarity for PDF text that is not in reading order.

The extractor writes one text box after another: a blank line ends a box, two or more
blank lines end a page. Boxes of one page come out in an order that follows the page's
layout, not its reading order, so content is matched to its heading by what it says.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, permutations

from hyoka.importers._normalize import normalize_text


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source file
    text: str  # normalised, stripped


Block = list[Line]


def read_pages(raw: str) -> list[list[Line]]:
    """Normalised non-empty lines grouped by page; blank lines are kept as Line(text="")."""
    pages: list[list[Line]] = [[]]
    blank_run = 0
    for number, raw_line in enumerate(raw.splitlines(), start=1):
        text = normalize_text(raw_line).strip()
        if not text:
            blank_run += 1
            if pages[-1]:
                pages[-1].append(Line(number, ""))
            continue
        if blank_run >= 2 and pages[-1]:
            pages.append([])
        blank_run = 0
        pages[-1].append(Line(number, text))
    return [page for page in pages if any(line.text for line in page)]


def blocks(lines: Sequence[Line]) -> list[Block]:
    """Split lines at blank lines into text boxes."""
    result: list[Block] = [[]]
    for line in lines:
        if line.text:
            result[-1].append(line)
        elif result[-1]:
            result.append([])
    return [block for block in result if block]


def text_lines(lines: Iterable[Line]) -> list[Line]:
    return [line for line in lines if line.text]


def join_wrapped(lines: Sequence[str]) -> str:
    """Join lines wrapped by the layout: no space between Japanese, one between Latin."""
    out = ""
    for part in lines:
        part = part.strip()
        if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii():
            out += " "
        out += part
    return out


def bullets(lines: Sequence[str]) -> list[str]:
    """Bullet items (・…) with their wrapped continuation lines joined."""
    items: list[list[str]] = []
    for line in lines:
        if line.startswith("・") or not items:
            items.append([line.removeprefix("・").strip()])
        else:
            items[-1].append(line)
    return [join_wrapped(item) for item in items if join_wrapped(item)]


_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffA-Za-z0-9]")


@lru_cache(maxsize=4096)  # the matchers compare each text with many others
def _bigrams(text: str) -> frozenset[str]:
    chars = [c for c in text if not c.isspace()]
    grams = set()
    for a, b in pairwise(chars):
        if _CONTENT_CHAR.match(a) or _CONTENT_CHAR.match(b):
            grams.add(a + b)
    return frozenset(grams)


def similarity(left: str, right: str) -> float:
    """Share of content bigrams two texts have in common (0–1, cosine-like)."""
    a, b = _bigrams(left), _bigrams(right)
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def best_assignment(
    items: int, slots: int, score: Callable[[int, int], float]
) -> tuple[list[int], float]:
    """Assign each item to a distinct slot maximising the total score (items ≤ slots).

    Exhaustive for small tables (the sheets have a handful of initiatives and
    indicators); greedy beyond eight slots.
    """
    if items == 0:
        return [], 0.0
    if slots <= 8:
        best: tuple[list[int], float] = ([], -math.inf)
        for chosen in permutations(range(slots), items):
            total = sum(score(item, slot) for item, slot in enumerate(chosen))
            if total > best[1]:
                best = (list(chosen), total)
        return best
    taken: set[int] = set()
    assignment = []
    total = 0.0
    for item in range(items):
        slot = max((s for s in range(slots) if s not in taken), key=lambda s: score(item, s))
        taken.add(slot)
        assignment.append(slot)
        total += score(item, slot)
    return assignment, total


def max_matching(
    items: int, slots: int, score: Callable[[int, int], float]
) -> list[tuple[int, int]]:
    """Pairs (item, slot), each used once, with the largest total score (Hungarian method).

    Every item gets a slot when there are enough; otherwise the items that score least
    are left out.
    """
    size = max(items, slots)
    if not items or not slots:
        return []
    cost = [
        [-score(i, j) if i < items and j < slots else 0.0 for j in range(size)] for i in range(size)
    ]
    u, v = [0.0] * (size + 1), [0.0] * (size + 1)
    match, way = [0] * (size + 1), [0] * (size + 1)
    for row in range(1, size + 1):
        match[0], column = row, 0
        least, seen = [math.inf] * (size + 1), [False] * (size + 1)
        while match[column]:
            seen[column] = True
            current, delta, chosen = match[column], math.inf, 0
            for j in range(1, size + 1):
                if seen[j]:
                    continue
                reduced = cost[current - 1][j - 1] - u[current] - v[j]
                if reduced < least[j]:
                    least[j], way[j] = reduced, column
                if least[j] < delta:
                    delta, chosen = least[j], j
            for j in range(size + 1):
                if seen[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            column = chosen
        while column:
            previous = way[column]
            match[column] = match[previous]
            column = previous
    return sorted(
        (match[j] - 1, j - 1) for j in range(1, size + 1) if 0 < match[j] <= items and j <= slots
    )
