"""Character normalisation, amounts and eras."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hyoka.eras import era_label, era_short, find_fiscal_years, parse_fiscal_year
from hyoka.importers._normalize import (
    normalize_text,
    parse_amount,
    parse_decimal,
    split_glued_amounts,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("⻑野県", "長野県"),  # CJK radical supplement: NFKC leaves it alone
        ("県⺠", "県民"),
        ("⼈⽀援", "人支援"),  # Kangxi radicals
        ("修正前︓473", "修正前:473"),  # vertical colon
        ("１２３ＡＢｃ", "123ABc"),
        ("①②-1④", "①②-1④"),  # circled numbers number indicators: kept
        ("（公財）", "(公財)"),
        ("\u3000 ー", "  ー"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("0", 0),
        ("213,739", 213739),
        ("△ 4,000", -4000),
        ("△4,000", -4000),
        ("ー", None),
        ("-", None),
        ("2,560,536", 2560536),
    ],
)
def test_parse_amount(token: str, expected: int | None) -> None:
    assert parse_amount(token) == expected


@pytest.mark.parametrize("token", ["12a", "1,23", "abc", "4.0"])
def test_parse_amount_rejects(token: str) -> None:
    with pytest.raises(ValueError, match="金額"):
        parse_amount(token)


def test_parse_decimal() -> None:
    assert parse_decimal("50.1") == Decimal("50.1")
    assert parse_decimal("2,708") == 2708
    assert parse_decimal("△1.5") == Decimal("-1.5")
    assert parse_decimal("―") is None
    with pytest.raises(ValueError, match="数値"):
        parse_decimal("五")


@pytest.mark.parametrize(
    ("glued", "count", "readings"),
    [
        ("2,2722,2261,466", 3, [[2272, 2226, 1466]]),
        ("115,02587,51447,378", 3, [[115025, 87514, 47378]]),
        ("1,0001,000", 2, [[1000, 1000]]),
        ("12,3456", 2, [[12345, 6]]),
        ("1234", 2, [[1, 234], [12, 34], [123, 4]]),  # no separators: ambiguous, all readings
    ],
)
def test_split_glued_amounts(glued: str, count: int, readings: list[list[int]]) -> None:
    assert split_glued_amounts(glued, count) == readings


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("R5", 2023),
        ("R5年度", 2023),
        ("令和5年度", 2023),
        ("令和元年度", 2019),
        ("R1", 2019),
        ("H30", 2018),
        ("平成31年度", 2019),
        ("S31", 1956),
        ("S46", 1971),
        ("2023", 2023),
        ("2023年度", 2023),
    ],
)
def test_parse_fiscal_year(text: str, year: int) -> None:
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize("text", ["X5", "R0", "令和", "五年"])
def test_parse_fiscal_year_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_fiscal_year(text)


@pytest.mark.parametrize(
    ("year", "label", "short"),
    [
        (2023, "令和5年度", "R5"),
        (2019, "令和元年度", "R1"),
        (2018, "平成30年度", "H30"),
        (1956, "昭和31年度", "S31"),
    ],
)
def test_era_display(year: int, label: str, short: str) -> None:
    assert era_label(year) == label
    assert era_short(year) == short
    assert parse_fiscal_year(era_label(year)) == year


def test_find_fiscal_years() -> None:
    assert find_fiscal_years("R3年度からR5年度まで、H30も") == [2021, 2023, 2018]
