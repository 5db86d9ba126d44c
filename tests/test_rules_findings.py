"""Findings, the rule registry, and how figures and years are written."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from pydantic import ValidationError

from hyoka.display import money, number
from hyoka.display import year_short as year
from hyoka.model import Sheet, Stage
from hyoka.rules.findings import (
    Finding,
    Hit,
    Location,
    RuleContext,
    Severity,
    as_of_year,
    rounded,
    rule,
)
from rules_sheets import sheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (209_739, "209,739"),
        (-4_000, "△4,000"),
        (0, "0"),
        (2_575_387, "2,575,387"),
        (-1, "△1"),
    ],
)
def test_money(value: int, expected: str) -> None:
    assert money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20000", "20,000"),
        ("50.1", "50.1"),
        ("4.0", "4.0"),
        ("-2.5", "△2.5"),
        ("4323", "4,323"),
    ],
)
def test_number_keeps_its_decimals(value: str, expected: str) -> None:
    assert number(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("fiscal_year", "expected"),
    [(2023, "R5年度"), (2019, "R1年度"), (2018, "H30年度"), (1956, "S31年度")],
)
def test_year_as_printed(fiscal_year: int, expected: str) -> None:
    assert year(fiscal_year) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal(17292) / 4, 1, "4323"),
        (Decimal("0.85"), 1, "0.9"),
        (Decimal("-0.85"), 1, "-0.9"),
        (Decimal(10384) / 407, 3, "25.514"),
        (Decimal(1) / 3, 3, "0.333"),
        (Decimal("2076.80"), 3, "2076.8"),
    ],
)
def test_rounded(value: Decimal, places: int, expected: str) -> None:
    assert str(rounded(value, places)) == expected


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (Stage.REVIEW, 2023),
        (Stage.SUPPLEMENTARY_BUDGET, 2022),
        (Stage.INITIAL_BUDGET, 2021),
        (Stage.INITIAL_REQUEST, 2021),
    ],
)
def test_as_of_year_follows_the_stage(stage: Stage, expected: int) -> None:
    assert as_of_year(sheet(stage=stage)) == expected
    assert RuleContext.for_sheet(sheet(stage=stage)).as_of_year == expected


def test_findings_are_frozen_and_round_trip_through_json() -> None:
    found = Finding(
        code="budget.total_mismatch",
        severity=Severity.ERROR,
        location=Location(path=("costs", 2023, "total"), label="6 事業コスト R5年度 合計"),
        message="合計 209,740 千円が …",
    )
    with pytest.raises(ValidationError):
        found.message = "changed"  # type: ignore[misc]
    again = Finding.model_validate_json(found.model_dump_json())
    assert again == found
    assert again.location.path == ("costs", 2023, "total")


def test_rule_registration_refuses_duplicates_and_missing_docstrings() -> None:
    def check(sheet: Sheet, context: RuleContext) -> Iterator[Hit]:
        yield from ()

    with pytest.raises(ValueError, match="registered twice"):
        rule("budget.total_mismatch", "重複", Severity.ERROR)(check)
    with pytest.raises(ValueError, match="docstring"):
        rule("test.undocumented", "説明なし", Severity.INFO)(check)
