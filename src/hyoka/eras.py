"""Japanese eras (和暦) for fiscal years: display with the era, store the Western year.

>>> era_label(2023)
'令和5年度'
>>> parse_fiscal_year("R5年度")
2023
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    letter: str
    name: str
    first_year: int  # Western year of the era's year 1 (元年)


# Fiscal years start in April; an era's first fiscal year is the one it began in.
ERAS: tuple[Era, ...] = (
    Era("R", "令和", 2019),
    Era("H", "平成", 1989),
    Era("S", "昭和", 1926),
    Era("T", "大正", 1912),
    Era("M", "明治", 1868),
)
_BY_KEY = {era.letter: era for era in ERAS} | {era.name: era for era in ERAS}

_PATTERN = re.compile(
    r"(?P<era>[RHSTMrhstm]|令和|平成|昭和|大正|明治)\s*(?P<year>\d{1,2}|元)\s*(?:年度|年)?"
)


def era_of(year: int) -> Era:
    for era in ERAS:
        if year >= era.first_year:
            return era
    raise ValueError(f"{year}年は対応する元号の範囲外です")


def era_year(year: int) -> tuple[Era, int]:
    era = era_of(year)
    return era, year - era.first_year + 1


def era_label(year: int, *, suffix: str = "年度") -> str:
    """令和5年度 for 2023; 令和元年度 for 2019; a year before 明治 as it is (2年度)."""
    if year < ERAS[-1].first_year:  # bad data must not break a page or report
        return f"{year}{suffix}"
    era, number = era_year(year)
    return f"{era.name}{'元' if number == 1 else number}{suffix}"


def era_short(year: int, *, suffix: str = "") -> str:
    """R5 for 2023, as printed in the sheets' tables; a year before 明治 as it is."""
    if year < ERAS[-1].first_year:
        return f"{year}{suffix}"
    era, number = era_year(year)
    return f"{era.letter}{number}{suffix}"


def to_western(era_key: str, number: int) -> int:
    era = _BY_KEY.get(era_key.upper() if len(era_key) == 1 else era_key)
    if era is None:
        raise ValueError(f"不明な元号です: {era_key!r}")
    if number < 1:
        raise ValueError(f"元号の年は1以上です: {era_key}{number}")
    return era.first_year + number - 1


def parse_fiscal_year(text: str) -> int:
    """Parse R5, R5年度, 令和5年度, 令和元年度, H30, S31 or a Western year such as 2023.

    Full-width digits should be normalised first (see ``importers._normalize``).
    """
    stripped = text.strip()
    if re.fullmatch(r"\d{4}(?:年度|年)?", stripped):
        return int(stripped[:4])
    match = _PATTERN.fullmatch(stripped)
    if match is None:
        raise ValueError(f"年度として読めません: {text!r}")
    number = 1 if match["year"] == "元" else int(match["year"])
    return to_western(match["era"], number)


def find_fiscal_years(text: str) -> list[int]:
    """All era years in a text, in order (R5年度 … H30 …)."""
    years = []
    for match in _PATTERN.finditer(text):
        number = 1 if match["year"] == "元" else int(match["year"])
        years.append(to_western(match["era"], number))
    return years
