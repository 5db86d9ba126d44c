"""Character and number normalisation for text extracted from the sheets' PDFs.

PDF text carries look-alike characters: Kangxi radicals (⼈ U+2F08), CJK radical
supplement forms (⻑ U+2ED1, which NFKC leaves alone), the vertical colon ︓, full-width
digits. Circled numbers (①②…) number initiatives and indicators, so they are kept even
though NFKC would turn them into plain digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import combinations, pairwise

from hyoka.numbers import MAX_FIGURE_CHARS, FigureError, amount, figure

# CJK Radicals Supplement forms that have a unified ideograph as their everyday form.
# NFKC has no mapping for this block, so the table is explicit.
RADICAL_SUPPLEMENT = {
    "\u2e84": "乙", "\u2e86": "冂", "\u2e88": "刀", "\u2e8a": "卜", "\u2e8c": "小",
    "\u2e8e": "兀", "\u2e8f": "尢", "\u2e90": "尢", "\u2e92": "巳", "\u2e93": "幺",
    "\u2e94": "彑", "\u2e95": "彐", "\u2e96": "忄", "\u2e97": "心", "\u2e98": "扌",
    "\u2e99": "攵", "\u2e9b": "旡", "\u2e9d": "月", "\u2e9e": "歹", "\u2e9f": "母",
    "\u2ea0": "民", "\u2ea1": "氵", "\u2ea2": "氺", "\u2ea3": "灬", "\u2ea4": "爫",
    "\u2ea6": "丬", "\u2ea7": "牛", "\u2ea8": "犭", "\u2eaa": "疋", "\u2eab": "目",
    "\u2eac": "示", "\u2ead": "礻", "\u2eae": "竹", "\u2eb1": "罒", "\u2eb2": "罒",
    "\u2eb3": "罒", "\u2eb6": "羊", "\u2eb7": "羊", "\u2eb9": "老", "\u2ebc": "月",
    "\u2ebe": "艹", "\u2ebf": "艹", "\u2ec0": "艹", "\u2ec1": "虎", "\u2ec2": "衤",
    "\u2ec3": "覀", "\u2ec4": "西", "\u2ec5": "見", "\u2ec6": "角", "\u2ec7": "角",
    "\u2ec8": "訁", "\u2ec9": "貝", "\u2ecb": "車", "\u2ecc": "辶", "\u2ecd": "辶",
    "\u2ece": "辶", "\u2ecf": "阝", "\u2ed0": "金", "\u2ed1": "長", "\u2ed2": "長",
    "\u2ed3": "长", "\u2ed4": "门", "\u2ed5": "阜", "\u2ed6": "阝", "\u2ed7": "雨",
    "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞",
    "\u2edd": "食", "\u2edf": "食", "\u2ee0": "饣", "\u2ee1": "首", "\u2ee2": "马",
    "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤",
    "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉", "\u2eec": "齐",
    "\u2eed": "歯", "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙", "\u2ef1": "龜",
    "\u2ef2": "亀", "\u2ef3": "龟",
}  # fmt: skip

_CIRCLED = {chr(code) for code in range(0x2460, 0x2474)}  # ①..⑳
_TRANSLATE = str.maketrans(RADICAL_SUPPLEMENT | {"\ufe13": "：", "\ufe14": "；"})

# After NFKC, these stand for "no value" in a figure cell.
NO_VALUE_MARKS = frozenset({"ー", "―", "-", "—", "－", "‐", "─"})


def normalize_text(text: str) -> str:
    """NFKC, radical-supplement forms, vertical colons; circled numbers kept.

    >>> normalize_text("⻑野県 ⼈数︓１２")
    '長野県 人数:12'
    """
    text = text.translate(_TRANSLATE)
    parts = []
    start = 0
    for index, char in enumerate(text):
        if char in _CIRCLED:
            parts.append(unicodedata.normalize("NFKC", text[start:index]))
            parts.append(char)
            start = index + 1
    parts.append(unicodedata.normalize("NFKC", text[start:]))
    return "".join(parts)


class UnreadableNumber(ValueError):
    """A figure the text shows where a number belongs, that is not one (``1,,2``, ``,739``).

    ``section`` and ``line`` are filled in by :func:`located` where the caller knows them.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.section = ""
        self.line: int | None = None


@contextmanager
def located(section: str, line: int) -> Iterator[None]:
    """Name the section and line of an :class:`UnreadableNumber` raised inside."""
    try:
        yield
    except UnreadableNumber as error:
        if error.line is None:
            error.section, error.line = section, line
        raise


AMOUNT = r"△?\s?\d{1,3}(?:,\d{3})+|△?\s?\d+"
_GROUPED_RE = re.compile(r"^\d{1,3}(?:,\d{3})*$")


def parse_amount(token: str) -> int | None:
    """Parse a money figure: thousands separators, △ for minus, ー for none.

    >>> parse_amount("△ 4,000")
    -4000
    >>> parse_amount("ー") is None
    True
    """
    token = token.strip()
    if token in NO_VALUE_MARKS:
        return None
    compact = token.replace(" ", "")
    negative = compact.startswith(("△", "▲"))
    digits = compact.lstrip("△▲")
    if len(digits) > MAX_FIGURE_CHARS or (
        not _GROUPED_RE.match(digits) and not (digits.isascii() and digits.isdigit())
    ):
        raise UnreadableNumber(f"金額として読めません: {_shown(token)}")
    try:
        value = amount(int(digits.replace(",", "")))
    except FigureError as error:
        raise UnreadableNumber(f"金額として読めません({error}): {_shown(token)}") from None
    return -value if negative else value


def parse_decimal(token: str) -> Decimal | None:
    """Parse a figure such as 50.1, 2,708 or △1.5; ー for none."""
    token = token.strip()
    if token in NO_VALUE_MARKS:
        return None
    compact = token.replace(" ", "").replace(",", "")
    negative = compact.startswith(("△", "▲"))
    try:
        value = figure(compact.lstrip("△▲"))
    except FigureError as error:
        raise UnreadableNumber(f"数値として読めません({error}): {_shown(token)}") from None
    return -value if negative else value


def _shown(token: str) -> str:
    """A token as a message quotes it: at most 40 characters (a figure can be very long)."""
    return repr(token) if len(token) <= 40 else f"{token[:20]!r}…({len(token)}文字)"


def split_glued_amounts(text: str, count: int) -> list[list[int]]:
    """All ways to read ``count`` grouped amounts glued together without spaces.

    PDF extraction glues neighbouring cells: ``2,2722,2261,466`` is 2,272 / 2,226 / 1,466.
    Every amount must be a well-formed thousands-grouped number; more than one reading
    means the text alone cannot decide.

    >>> split_glued_amounts("2,2722,2261,466", 3)
    [[2272, 2226, 1466]]
    """
    readings: list[list[int]] = []
    for cuts in combinations(range(1, len(text)), count - 1):
        bounds = (0, *cuts, len(text))
        pieces = [text[a:b] for a, b in pairwise(bounds)]
        if all(_is_well_grouped(piece) for piece in pieces):
            readings.append([int(piece.replace(",", "")) for piece in pieces])
    return readings


def _is_well_grouped(piece: str) -> bool:
    if not _GROUPED_RE.match(piece):
        return False
    # A leading zero only stands alone ("0"), never as "012".
    return piece == "0" or not piece.startswith("0")
