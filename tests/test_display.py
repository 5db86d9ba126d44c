"""hyoka.display: the labels and the formatting of figures and years."""

from __future__ import annotations

import doctest
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from hyoka import display
from hyoka.display import (
    COST_LABELS,
    COST_LABELS_LONG,
    COST_LABELS_WITH_UNITS,
    SHEET_KIND_LABELS,
    SHEET_KIND_LONG,
    VALUE_KIND_LABELS,
    VALUE_KIND_PRINTED,
    excel_decimal_format,
    figure,
    in_units,
    money,
    number,
    percent,
    plain,
    thousands,
    trimmed,
    year_label,
    year_short,
)
from hyoka.model import Comparison, CostRow, Direction, SheetKind, Trend, ValueKind


def test_doctests() -> None:
    result = doctest.testmod(display)
    assert result.attempted > 10
    assert result.failed == 0


def test_imports_nothing_heavy() -> None:
    code = (
        "import sys, hyoka.display; "
        "print(sorted(m for m in ('pydantic', 'sqlalchemy', 'jinja2', 'openpyxl') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("table", "enum"),
    [
        (display.VALUE_KIND_LABELS, ValueKind),
        (display.VALUE_KIND_PRINTED, ValueKind),
        (display.SHEET_KIND_LABELS, SheetKind),
        (display.SHEET_KIND_TITLES, SheetKind),
        (display.SHEET_KIND_LONG, SheetKind),
        (display.DIRECTION_LABELS, Direction),
        (display.COMPARISON_LABELS, Comparison),
        (display.COMPARISON_PRINTED, Comparison),
        (display.TREND_LABELS, Trend),
    ],
)
def test_every_member_has_a_label(table: dict[str, str], enum: type) -> None:
    assert set(table) == {member.value for member in enum}
    assert all(table[member] for member in enum)  # a member finds its value's entry


@pytest.mark.parametrize("table", [COST_LABELS, COST_LABELS_LONG, COST_LABELS_WITH_UNITS])
def test_cost_labels_name_every_cell_in_order(table: dict[str, str]) -> None:
    assert list(table) == [name for name in CostRow.model_fields if name != "fiscal_year"]


@pytest.mark.parametrize(
    ("kind", "short", "printed"),
    [
        (ValueKind.TARGET, "目標", "目標値"),
        (ValueKind.ESTIMATE, "見込", "見込値"),
        (ValueKind.ACTUAL, "実績", "実績"),
    ],
)
def test_value_kinds(kind: ValueKind, short: str, printed: str) -> None:
    assert (VALUE_KIND_LABELS[kind], VALUE_KIND_PRINTED[kind]) == (short, printed)


@pytest.mark.parametrize(
    ("kind", "short", "long"),
    [
        (SheetKind.PREFECTURE, "県", "県（事業改善シート）"),
        (SheetKind.NATIONAL, "国", "国（行政事業レビューシート）"),
    ],
)
def test_sheet_kinds(kind: SheetKind, short: str, long: str) -> None:
    assert (SHEET_KIND_LABELS[kind], SHEET_KIND_LONG[kind]) == (short, long)


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (209_739, {}, "209,739"),
        (-4_000, {}, "△4,000"),
        (0, {}, "0"),
        (Decimal("50.10"), {}, "50.10"),
        (Decimal("-2.5"), {}, "△2.5"),
        (Decimal("-0"), {}, "-0"),  # as the CLI reports have printed it
        (None, {}, ""),
        (None, {"missing": "ー"}, "ー"),
        (-1234, {"negative": "-"}, "-1,234"),
        (Decimal("-1.50"), {"negative": "-"}, "-1.50"),
    ],
)
def test_number(value: int | Decimal | None, options: dict[str, str], expected: str) -> None:
    assert number(value, **options) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(209_739, "209,739"), (-4_000, "△4,000"), (0, "0"), (None, "")],
)
def test_money(value: int | None, expected: str) -> None:
    assert money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-4000, "△4,000"),
        (Decimal("0.995652"), "0.995652"),
        (Decimal("1E+3"), "1,000"),
        (Decimal("4.0"), "4.0"),
        (None, "ー"),
    ],
)
def test_figure(value: int | Decimal | None, expected: str) -> None:
    assert figure(value) == expected


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (Decimal("1234.50"), {}, "1,234.5"),
        (Decimal("4.0"), {}, "4"),
        (Decimal("-4.0"), {}, "△4"),
        (Decimal("1E+3"), {}, "1,000"),
        (Decimal("-0"), {}, "0"),
        (-12, {}, "△12"),
        (None, {}, ""),
        (None, {"missing": "―"}, "―"),
        (Decimal("-2.50"), {"negative": "-"}, "-2.5"),
    ],
)
def test_trimmed(value: int | Decimal | None, options: dict[str, str], expected: str) -> None:
    assert trimmed(value, **options) == expected


@pytest.mark.parametrize(
    ("yen", "unit", "expected"),
    [
        (Decimal(1500), 1000, Decimal(2)),
        (Decimal(1499), 1000, Decimal(1)),
        (Decimal(-1500), 1000, Decimal(-2)),
        (Decimal(47_966_256), 1_000_000, Decimal(48)),
    ],
)
def test_in_units(yen: Decimal, unit: int, expected: Decimal) -> None:
    assert in_units(yen, unit) == expected


@pytest.mark.parametrize(
    ("yen", "expected"),
    [
        (Decimal(209_739_400), "209,739"),
        (Decimal(-4_000_500), "△4,001"),
        (Decimal(-400), "-0"),  # as the CLI reports have printed it
        (None, ""),
    ],
)
def test_thousands(yen: Decimal | None, expected: str) -> None:
    assert thousands(yen) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("0.455"), 1, "45.5%"),
        (Decimal("0.4545"), 1, "45.4%"),  # Decimal's own rounding: half even
        (Decimal(1), 0, "100%"),
        (None, 1, ""),
    ],
)
def test_percent(value: Decimal | None, places: int, expected: str) -> None:
    assert percent(value, places=places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("473.50"), "473.5"),
        (Decimal("493"), "493"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-2.0"), "-2"),
        (12, "12"),
        (None, ""),
    ],
)
def test_plain(value: int | Decimal | None, expected: str) -> None:
    assert plain(value) == expected


@pytest.mark.parametrize(
    ("fiscal_year", "long", "short"),
    [
        (2023, "令和5年度", "R5年度"),
        (2019, "令和元年度", "R1年度"),
        (2018, "平成30年度", "H30年度"),
        (2, "2年度", "2年度"),  # bad data keeps its number
        (None, "", ""),
    ],
)
def test_years(fiscal_year: int | None, long: str, short: str) -> None:
    assert (year_label(fiscal_year), year_short(fiscal_year)) == (long, short)


def test_year_short_without_suffix() -> None:
    assert year_short(2023, suffix="") == "R5"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("4.0"), "#,##0.0;△#,##0.0"),
        (Decimal("0.995652"), "#,##0.000000;△#,##0.000000"),
        (Decimal("1200"), "#,##0;△#,##0"),
        (Decimal("1E+3"), "#,##0;△#,##0"),
    ],
)
def test_excel_decimal_format(value: Decimal, expected: str) -> None:
    assert excel_decimal_format(value) == expected


def test_amounts_are_shown_to_the_yen_without_their_sources_float_noise() -> None:
    from hyoka.display import to_the_yen, yen_figure

    million = 1_000_000
    assert yen_figure(Decimal("337.97638700000005"), million) == "337.976387"
    assert yen_figure(Decimal("1342.5210000000002"), million) == "1,342.521"
    assert yen_figure(Decimal("0.995652"), million) == "0.995652"  # exact: unchanged
    assert yen_figure(Decimal("-4.0000004"), 1_000) == "△4"
    assert yen_figure(None, million) == "ー"
    assert to_the_yen(Decimal("337976387.00000005")) == Decimal(337976387)
    assert to_the_yen(Decimal("1E+3"), million) == Decimal("1E+3")


def test_the_national_sample_shows_no_float_noise_on_its_pages(tmp_path: Path) -> None:
    import re

    from hyoka.web.demo import create_demo_database
    from web_support import client_for

    noisy = re.compile(r"\d[\d,]*\.\d{7,}")
    with client_for(create_demo_database(tmp_path / "demo.sqlite")) as client:
        listed = client.get("/?kind=national&per_page=100").text
        ids = sorted({int(i) for i in re.findall(r'href="/sheets/(\d+)"', listed)})
        assert ids
        for path in [*(f"/sheets/{i}" for i in ids), "/analytics/changes?kind=national"]:
            assert not noisy.findall(client.get(path).text), path
