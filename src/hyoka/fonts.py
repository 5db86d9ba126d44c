"""The Japanese font hyoka ships (PyPI noto-cjk-sans-jp-regular and -bold) and which
characters it can print.

A PDF/UA document may not show a character its font has no glyph for, and sheets carry a
few (private-use symbols pasted from Word, such as U+F0D8). :func:`printable` puts the
geta mark 〓, the typesetter's sign for a missing character, in their place on the page;
the sheet's data keeps what was written.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

MISSING_GLYPH = "〓"


def font_files() -> dict[int, Path]:
    """The packaged font files by font weight."""
    return {
        400: Path(str(files("noto_cjk_sans_jp_regular").joinpath("NotoSansCJKjp-Regular.otf"))),
        700: Path(str(files("noto_cjk_sans_jp_bold").joinpath("NotoSansCJKjp-Bold.otf"))),
    }


@cache
def covered() -> frozenset[str]:
    """The characters both weights have a glyph for (read once from their cmap tables)."""
    from fontTools.ttLib import TTFont

    sets = []
    for path in font_files().values():
        font = TTFont(path, lazy=True)
        try:
            sets.append({chr(code) for code in font.getBestCmap()})
        finally:
            font.close()
    return frozenset(set.intersection(*sets) | {"\n", "\t", "\r"})


def printable(text: str) -> str:
    """``text`` with every character the font cannot show replaced by 〓."""
    have = covered()
    missing = {char for char in set(text) if char not in have}
    if not missing:
        return text
    return text.translate({ord(char): MISSING_GLYPH for char in missing})
