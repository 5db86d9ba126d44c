"""How the reports show a value: numbers, money, years, rates, kinds (page and CLI table).

The one place of this formatting for the reports, until it moves to a module shared with
the sheet pages. CSV and JSON carry raw values instead (:func:`raw`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hyoka.eras import era_label
from hyoka.model import SheetKind

KIND_LABELS = {SheetKind.PREFECTURE: "県", SheetKind.NATIONAL: "国"}


def figure(value: Decimal | int | None) -> str:
    """A number with separators and no trailing zeros; △ for negatives, blank for none.

    >>> figure(Decimal("-1234.50"))
    '△1,234.5'
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        magnitude = abs(value)
        if magnitude == magnitude.to_integral_value():
            text = f"{int(magnitude):,}"
        else:
            text = f"{magnitude.normalize():,f}"
    else:
        text = f"{abs(value):,}"
    return f"△{text}" if value < 0 else text


def percent(value: Decimal | None) -> str:
    """A rate as a percentage to 0.1: ``Decimal("0.75")`` → ``75.0%``."""
    return "" if value is None else f"{value * 100:.1f}%"


def year_label(value: int | None) -> str:
    """A Western fiscal year with the era: 2021 → 令和3年度."""
    return "" if value is None else era_label(value)


def kind_label(kind: SheetKind | None) -> str:
    return "" if kind is None else KIND_LABELS[kind]


def money(yen: Decimal | None, scale: Decimal) -> str:
    """Yen in a display unit of ``scale`` yen (1,000: 千円), rounded half up."""
    if yen is None:
        return ""
    return figure((yen / scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw(value: object) -> object:
    """A value for CSV/JSON: decimals as exact strings, enums as their value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, SheetKind):
        return value.value
    return value


def csv_cell(value: object) -> str:
    value = raw(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
