"""The bounds of every figure (hyoka.numbers) and the readers that share them: the PDF
text's parse_amount/parse_decimal, the workbook's cells, JUDGIT! records and the model.

Issue 12 finding 1: ``1e99999999`` in a figure kept a worker busy for minutes. Each case
here must answer at once; the timings are asserted loosely (a second) so that a loaded
machine does not fail them, while the unbounded code took minutes.
"""

from __future__ import annotations

import doctest
import io
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from hyoka import numbers
from hyoka.importers import judgit
from hyoka.importers._normalize import UnreadableNumber, parse_amount, parse_decimal
from hyoka.importers.errors import ImportFailed
from hyoka.importers.sheet_text import parse_sheet_text
from hyoka.importers.workbook import parse_workbook
from hyoka.model import BudgetRow, CostRow, IndicatorValue, SubProject, ValueKind
from hyoka.numbers import LARGEST, FigureError, bounded, figure, from_number, whole
from hyoka.render.workbook import COSTS, INDICATORS, sheet_workbook
from sheets import sample_sheet

HOSTILE_TEXT = [
    "1e99999999",
    "-1E+99999999",
    "1e999999",
    "1e-999999",
    "9" * 40,
    "9" * 5000,
    "1" * 100_000,
    "1000000000000000",  # 16 digits
    "0." + "1" * 21,
    "NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "٣",  # Decimal reads Arabic-Indic digits; no sheet prints them
    "",
    "1.2.3",
]


@contextmanager
def quick() -> Iterator[None]:
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < 1.0


def test_doctests() -> None:
    result = doctest.testmod(numbers)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Decimal(0)),
        ("-1234.5", Decimal("-1234.5")),
        ("999999999999999", Decimal(LARGEST)),
        ("-999999999999999.5", Decimal("-999999999999999.5")),
        ("6.45339473512718", Decimal("6.45339473512718")),  # a float of the national data
        ("0.00000000000000000001", Decimal("1E-20")),
        (".5", Decimal("0.5")),
        ("4.0", Decimal("4.0")),  # the printed places stay
    ],
)
def test_figures_within_the_bounds_are_read(text: str, expected: Decimal) -> None:
    found = figure(text)
    assert found == expected
    assert str(found) == str(expected)


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_figures_outside_the_bounds_are_refused_at_once(text: str) -> None:
    with quick(), pytest.raises(FigureError) as caught:
        figure(text)
    assert any("\u3040" <= char <= "\u30ff" for char in str(caught.value))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("1e99999999"), "整数部は15桁まで"),
        (Decimal("-1e15"), "整数部は15桁まで"),
        (Decimal("1e-999999"), "小数点以下の桁が多すぎます"),
        (Decimal("NaN"), "NaN"),
        (Decimal("-Infinity"), "無限大"),
        (10**400, "整数部は15桁まで"),
        (10**15, "整数部は15桁まで"),
        (1e300, "整数部は15桁まで"),
        (1e-300, "小数点以下"),
        (float("nan"), "NaN"),
        (float("inf"), "無限大"),
        (True, "数値ではありません"),
    ],
)
def test_numbers_outside_the_bounds_are_refused(value: Any, message: str) -> None:
    with quick(), pytest.raises(FigureError, match=message):
        from_number(value)


def test_a_zero_with_an_exponent_is_plain_zero() -> None:
    with quick():
        found = bounded(Decimal("0e99999999"))
    assert found == 0 and found.as_tuple().exponent == 0


def test_whole_refuses_fractions_and_reads_integers() -> None:
    assert whole(Decimal("4000.0")) == 4000
    with pytest.raises(FigureError, match="整数ではありません"):
        whole(Decimal("0.5"))
    with quick(), pytest.raises(FigureError):
        whole(Decimal("1e99999999"))


def test_floats_become_their_shortest_repr() -> None:
    assert from_number(47.966256) == Decimal("47.966256")
    assert from_number(0.1 + 0.2) == Decimal("0.30000000000000004")


# --- the PDF text's parsers ----------------------------------------------------------------


@pytest.mark.parametrize("parse", [parse_amount, parse_decimal])
@pytest.mark.parametrize("text", ["9" * 16, "9" * 5000, "1" * 100_000, "999,999,999,999,999,999"])
def test_the_text_parsers_refuse_figures_past_the_bounds(
    parse: Callable[[str], object], text: str
) -> None:
    with quick(), pytest.raises(UnreadableNumber):
        parse(text)


@pytest.mark.parametrize("text", ["1e99999999", "1e-999999", "NaN", "Infinity", "٣"])
def test_parse_decimal_refuses_what_no_sheet_prints(text: str) -> None:
    with quick(), pytest.raises(UnreadableNumber, match="数値として読めません"):
        parse_decimal(text)


def test_the_text_parsers_read_what_sheets_print() -> None:
    assert parse_amount("△ 999,999,999,999,999") == -LARGEST
    assert parse_amount("ー") is None
    assert parse_decimal("△1.5") == Decimal("-1.5")
    assert parse_decimal("2,708") == Decimal(2708)
    assert parse_decimal("50.1") == Decimal("50.1")


# --- the model's guard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CostRow(fiscal_year=2023, total=10**15), "整数部は15桁まで"),
        (lambda: CostRow(fiscal_year=2023, staff=Decimal("1e99999999")), "整数部は15桁まで"),
        (lambda: SubProject(number=1, name="x", settlements={2023: -(10**400)}), "15桁"),
        (lambda: BudgetRow(fiscal_year=2023, total=Decimal("NaN")), "NaN"),
        (
            lambda: IndicatorValue(
                fiscal_year=2023, kind=ValueKind.ACTUAL, value=Decimal("1e-999999")
            ),
            "小数点以下",
        ),
    ],
)
def test_the_model_refuses_figures_past_the_bounds(
    build: Callable[[], object], message: str
) -> None:
    with quick(), pytest.raises(ValidationError, match=message):
        build()


def test_the_model_keeps_figures_within_the_bounds() -> None:
    row = CostRow(fiscal_year=2023, total=LARGEST, staff=Decimal("1.5"))
    assert row.total == LARGEST and row.staff == Decimal("1.5")
    value = BudgetRow(fiscal_year=2023, total=Decimal("0.995652"))
    assert value.total == Decimal("0.995652")


# --- the workbook ------------------------------------------------------------------------------


MARKER = 424_242_424_242  # a number no sample sheet holds, replaced in the XML


def _workbook_with(sheet_title: str, label: str, value: object) -> bytes:
    """The sample sheet's workbook with ``value`` in the first data cell under ``label``;
    a ``bytes`` value is written into the cell's XML as it is (what no Excel writes)."""
    book = load_workbook(io.BytesIO(sheet_workbook(sample_sheet())))
    sheet = book[sheet_title]
    cell = next(cell for row in sheet.iter_rows() for cell in row if cell.value == label)
    target = sheet.cell(row=cell.row + 1, column=cell.column)
    target.value = MARKER if isinstance(value, bytes) else value
    out = io.BytesIO()
    book.save(out)
    if not isinstance(value, bytes):
        return out.getvalue()
    written = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(written, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v>%d</v>" % MARKER, b"<v>" + value + b"</v>")
            copy.writestr(item, data)
    return written.getvalue()


@pytest.mark.parametrize(
    "value",
    [
        1e300,
        10**15,
        -(10**15),
        b"1" + b"0" * 400,  # a 401-digit integer cell
        b"1E+400",  # openpyxl reads it as an infinite float
        "1e99999999",
        "9" * 5000,
        "NaN",
        1e-300,
    ],
)
@pytest.mark.parametrize(("title", "label"), [(COSTS, "合計（予算現額）"), (INDICATORS, "値")])
def test_a_workbook_cell_past_the_bounds_is_refused_by_its_name(
    title: str, label: str, value: object
) -> None:
    data = _workbook_with(title, label, value)
    with quick(), pytest.raises(ImportFailed) as caught:
        parse_workbook(io.BytesIO(data), source="x.xlsx")
    found = [(problem.section, problem.message) for problem in caught.value.problems]
    assert any(
        place.startswith(f"{title}!") and message.startswith(label) for place, message in found
    ), found


def test_a_workbook_cell_past_what_python_reads_is_refused() -> None:
    # openpyxl itself cannot read an integer cell of 5,000 digits (int's digit limit):
    # the workbook is refused as unreadable, without a traceback and at once.
    data = _workbook_with(COSTS, "合計（予算現額）", b"9" * 5000)
    with quick(), pytest.raises(ImportFailed, match="読めません"):
        parse_workbook(io.BytesIO(data), source="x.xlsx")


# --- JUDGIT! records ----------------------------------------------------------------------------


def _record(**budget: object) -> dict[str, Any]:
    return {
        "公開年度": 2023,
        "府省庁": "内閣官房",
        "事業名": "試験事業",
        "事業番号": "2023-内閣-21-0001",
        "予算": [{"年度": 2022, **budget}],
    }


@pytest.mark.parametrize(
    "value", [1e300, 10**400, "1e99999999", "9" * 5000, "1e-999999", "NaN", "Infinity"]
)
def test_a_judgit_figure_past_the_bounds_is_a_record_error_naming_the_field(value: object) -> None:
    with quick(), pytest.raises(judgit.RecordError) as caught:
        judgit.sheet_from_record(_record(当初予算=value))
    assert "当初予算" in str(caught.value)


def test_a_judgit_figure_within_the_bounds_is_read_exactly() -> None:
    sheet = judgit.sheet_from_record(_record(当初予算=47.966256, 執行額="1,234"))
    [row] = sheet.budgets
    assert row.initial_budget == Decimal("47.966256")
    assert row.executed == Decimal(1234)


# --- the sheet's text ---------------------------------------------------------------------------

SEED = Path(__file__).parent / "data" / "seeds" / "000_8759d722d40dd0bd.txt"


def test_a_staff_count_past_the_bounds_in_the_text_is_refused_with_its_line() -> None:
    raw = SEED.read_text(encoding="utf-8").replace("\n4.0\n", "\n" + "9" * 20 + ".0\n", 1)
    with quick(), pytest.raises(ImportFailed) as caught:
        parse_sheet_text(raw)
    [problem] = caught.value.problems
    assert problem.section == "6 事業コスト" and problem.line is not None
    assert "整数部は15桁まで" in problem.message


@pytest.mark.parametrize("value", ["9" * 30, "4." + "0" * 30 + "1"])
def test_a_quantity_past_the_bounds_in_an_output_is_no_quantity(value: str) -> None:
    raw = SEED.read_text(encoding="utf-8")
    hostile = raw.replace("新規登録者数407者", f"新規登録者数{value}者", 1)
    assert hostile != raw
    with quick():
        sheet = parse_sheet_text(hostile).sheet
    quantities = [q for sub in sheet.sub_projects for c in sub.components for q in c.quantities]
    assert quantities and all(q.label != "新規登録者数" for q in quantities)
    assert any(
        f"新規登録者数{value}者" in c.output for s in sheet.sub_projects for c in s.components
    )
