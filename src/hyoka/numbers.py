"""The bounds of every figure hyoka reads: typed in the staff form, read from a workbook,
a sheet's PDF text or a JUDGIT! record, or validated into the model.

``Decimal("1e99999999")`` is made in no time, but turning it into an ``int``, quantizing
or printing it takes minutes and gigabytes, and ``int`` → ``str`` past 4,300 digits
raises. So a figure is checked on its text (length, plain digits) and on its digits and
exponent (``as_tuple``, cheap) before any arithmetic touches it:

- at most :data:`MAX_INTEGER_DIGITS` digits before the point (|x| < 10¹⁵): a 千円 amount
  of the prefecture, the national 百万円 (10¹⁵ 百万円 is far past any budget) and 円;
- at most :data:`MAX_DECIMALS` digits after it: the national data carries floats such as
  6.45339473512718 (17 decimals at most), and no sheet prints more;
- no NaN, no infinity, no exponent notation (``1e5``) in text.

Callers turn :class:`FigureError` into their own errors, naming the field, cell or line.

>>> figure("-1234.5")
Decimal('-1234.5')
>>> figure("1e99999999")
Traceback (most recent call last):
...
hyoka.numbers.FigureError: 指数表記（1e5 など）は使えません
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 20
MAX_FIGURE_CHARS = 64
"""Longest text read as a figure (after separators are dropped); refused before parsing."""
LARGEST = 10**MAX_INTEGER_DIGITS - 1
"""The largest whole amount: 999,999,999,999,999."""

_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_FLOAT_LIMIT = float(10**MAX_INTEGER_DIGITS)
_NOT_FINITE = "NaN・無限大は数値として使えません"


class FigureError(ValueError):
    """A figure that is not a number or lies outside the bounds; the message is Japanese
    and names no field (the caller knows which one it read)."""


def figure(text: str) -> Decimal:
    """A plain decimal text (``-1234.5``, ASCII, without separators) as a bounded Decimal.

    Callers normalise first (NFKC, separators, △ for minus); whatever is left must be
    plain digits with at most one point.
    """
    if len(text) > MAX_FIGURE_CHARS:
        raise FigureError(_too_long())
    if not _PLAIN.fullmatch(text):
        if re.fullmatch(r"[+-]?[0-9.]+[eE][+-]?[0-9]+", text):
            raise FigureError("指数表記（1e5 など）は使えません")
        raise FigureError("数値ではありません")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise FigureError("数値ではありません") from None
    return bounded(value)


def bounded(value: Decimal) -> Decimal:
    """``value`` if it lies within the bounds, else :class:`FigureError`; a zero with an
    exponent (``0E+99999999``) comes back as plain 0.

    Looks only at the sign, digits and exponent, so it is cheap for any Decimal.
    """
    # The common case first, in a few C calls (the model checks ~150 figures of every
    # national sheet): a Decimal's str has no exponent exactly when its exponent is ≤ 0
    # and its first digit is at most 6 places right of the point.
    if value.is_finite() and value.adjusted() < MAX_INTEGER_DIGITS:
        text = str(value)
        if "E" not in text:
            point = text.find(".")
            if point < 0 or len(text) - point - 1 <= MAX_DECIMALS:
                return value
    if not value.is_finite():
        raise FigureError(_NOT_FINITE)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if exponent < -MAX_DECIMALS:
        raise FigureError(f"小数点以下の桁が多すぎます（{MAX_DECIMALS}桁まで）")
    if value.is_zero():
        return value if exponent <= 0 else Decimal(0)
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise FigureError(_too_large())
    return value


def from_number(value: int | float | Decimal) -> Decimal:
    """A number of a workbook cell or a JSON record as a bounded Decimal.

    A float becomes the Decimal of its shortest repr (47.966256, not the binary
    expansion); a huge int is refused before it is converted at all.

    >>> from_number(47.966256), from_number(3)
    (Decimal('47.966256'), Decimal('3'))
    """
    kind = type(value)
    if kind is float:  # the common case first (a JUDGIT! record holds thousands)
        if -_FLOAT_LIMIT < value < _FLOAT_LIMIT:  # NaN fails this too
            return bounded(Decimal(repr(value)))
        if value != value or value in (float("inf"), float("-inf")):
            raise FigureError(_NOT_FINITE)
        raise FigureError(_too_large())
    if isinstance(value, bool):
        raise FigureError("数値ではありません")
    if isinstance(value, int):
        return Decimal(amount(value))
    if isinstance(value, float):
        return from_number(float(value))
    return bounded(value)


def whole(value: Decimal) -> int:
    """A bounded Decimal that must be whole (a 千円 amount, a number) as an int.

    >>> whole(Decimal("4000.0"))
    4000
    """
    value = bounded(value)
    if value != value.to_integral_value():
        raise FigureError("整数ではありません")
    return int(value)


def amount(value: int) -> int:
    """``value`` if it has at most :data:`MAX_INTEGER_DIGITS` digits, else :class:`FigureError`.

    The model's guard on its 千円 amounts; cheap for any int (no conversion to text).
    """
    if not -LARGEST <= value <= LARGEST:
        raise FigureError(_too_large())
    return value


def _too_large() -> str:
    return f"数値が大きすぎます（整数部は{MAX_INTEGER_DIGITS}桁まで）"


def _too_long() -> str:
    return f"数値の文字数が多すぎます（{MAX_FIGURE_CHARS}文字まで）"
