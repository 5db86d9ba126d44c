"""Property-based fuzzing of the importers: mutated seeds, workbooks and JUDGIT! lines.

Whatever the input, an importer either returns a sheet or raises its own error
(``ImportFailed``; ``RecordError`` for a JUDGIT! record): never another exception, which
``hyoka parse`` and ``hyoka import`` would show as a traceback. Examples are derandomized
(the same in every run, so CI is deterministic) and few, so the file runs in seconds;
``HYOKA_FUZZ_EXAMPLES=5000`` runs more of them by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from hyoka.importers import ImportFailed
from hyoka.importers.judgit import RecordError, sheet_from_record
from hyoka.importers.sheet_text import parse_sheet_text
from hyoka.importers.workbook import parse_workbook
from hyoka.render.workbook import sheet_workbook
from sheets import sample_sheet

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))
SEED_TEXTS = [seed.read_text(encoding="utf-8") for seed in SEEDS]
NATIONAL = (
    Path(__file__).parents[1] / "src" / "hyoka" / "samples" / "national.ndjson"
).read_bytes()
RECORDS = [orjson.loads(line) for line in NATIONAL.splitlines() if line.strip()]

EXAMPLES = int(os.environ.get("HYOKA_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the machine is shared: time is bounded by the examples' count
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Characters the sheets' text is made of, and the ones that broke the parsers.
_ALPHABET = st.sampled_from(
    [
        *"0123456789,.△▲ー―-~〜:() 年度千円%■□①②③④⑤⑥⑦⑧⑨⑩RHS令和元\n・※↗↘→",
        *("\n\n", "\n\n\n", "事業番号", "細事業一覧", "指標", "推移", "達成状況"),
    ]
)
_NOISE = st.lists(_ALPHABET, max_size=8).map("".join) | st.text(max_size=6)


_TELLING = re.compile(r"\d|事業改善シート|指標|推移")


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """A seed with a few lines replaced, removed, repeated, moved or edited."""
    lines = draw(st.sampled_from(SEED_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        # Half the edits go to lines of figures and titles, where the parsers read most.
        telling = [i for i, line in enumerate(lines) if _TELLING.search(line)]
        if telling and draw(st.booleans()):
            at = draw(st.sampled_from(telling))
        else:
            at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["edit", "replace", "drop", "repeat", "move", "cut"]))
        if action == "edit":
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(_NOISE) + line[cut + draw(st.integers(0, 3)) :]
        elif action == "replace":
            lines[at] = draw(_NOISE)
        elif action == "drop":
            del lines[at : at + draw(st.integers(1, 40))]
        elif action == "repeat":
            lines[at:at] = lines[at : at + draw(st.integers(1, 20))]
        elif action == "move":
            moved = lines.pop(at)
            lines.insert(draw(st.integers(0, len(lines))), moved)
        else:
            lines = lines[:at] if draw(st.booleans()) else lines[at:]
    return "\n".join(lines)


# 150: the fewest in which the derandomized examples reach the crashes of issue 12.
@settings(FUZZ, max_examples=max(150, EXAMPLES))
@given(mutated_text())
def test_parse_of_a_mutated_seed_returns_a_sheet_or_refuses_it(text: str) -> None:
    try:
        parse_sheet_text(text, source="fuzz.txt")
    except ImportFailed as error:
        assert error.problems and "fuzz.txt" in error.describe()


# ---------------------------------------------------------------- JUDGIT! records

_JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.sampled_from(list("0123456789,.-−△ー年度e+E ")), max_size=12)
    | st.text(max_size=8)
)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


def _replace_at(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the element reached by following ``path`` (indexes into each
    container's items, taken modulo their count) replaced by ``new``."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = _replace_at(value[key], path[1:], new)  # type: ignore[index]
    return copy


# Every key, and the ones read as numbers (years, money) again, more often.
_NUMERIC = ["公開年度", "開始年度", "終了年度", "予算", "支出先", "アウトカム"]
_KEYS = sorted({key for record in RECORDS for key in record}) + _NUMERIC * 4


@FUZZ
@given(
    st.sampled_from(RECORDS),
    st.lists(
        st.tuples(
            st.sampled_from(_KEYS),
            st.lists(st.integers(0, 50), max_size=4),
            _JSON,
        ),
        min_size=1,
        max_size=4,
    ),
)
@example(RECORDS[0], [("公開年度", [], 10**30)])  # issue 12: OverflowError in the store
@example(RECORDS[0], [("公開年度", [], -2019)])  # issue 12: accepted as a year
def test_a_mutated_national_record_gives_a_sheet_or_names_its_bad_field(
    record: dict[str, Any], changes: list[tuple[str, list[int], Any]]
) -> None:
    mutated = dict(record)
    for key, path, new in changes:
        mutated[key] = _replace_at(mutated.get(key), path, new)
    try:
        sheet = sheet_from_record(mutated, [])
    except RecordError as error:
        assert error.reason
        return
    # What is read is what a store can hold: plausible years, integers of 64 bits.
    assert 1868 <= sheet.header.fiscal_year <= 2100
    assert all(1868 <= budget.fiscal_year <= 2100 for budget in sheet.budgets)
    numbers = [r.number for r in sheet.recipients] + [r.fiscal_year for r in sheet.recipients]
    assert all(abs(n) < 1 << 63 for n in numbers if n is not None)


@FUZZ
@given(st.binary(max_size=40), st.integers(0, len(NATIONAL.splitlines()[0])))
def test_a_damaged_national_line_gives_a_sheet_or_a_record_error(noise: bytes, at: int) -> None:
    line = NATIONAL.splitlines()[0]
    damaged = line[:at] + noise + line[at + len(noise) // 2 :]
    # prepare_lines reports a JSON error as a bad record too.
    with contextlib.suppress(orjson.JSONDecodeError, RecordError):
        sheet_from_record(orjson.loads(damaged), [])


# ---------------------------------------------------------------- workbooks


def _workbook_bytes() -> bytes:
    return sheet_workbook(sample_sheet())


WORKBOOK = _workbook_bytes()


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(WORKBOOK) - 1), st.binary(min_size=1, max_size=8)), max_size=4
    ),
    st.booleans(),
)
def test_a_damaged_workbook_is_read_or_refused(
    changes: list[tuple[int, bytes]], truncate: bool
) -> None:
    data = bytearray(WORKBOOK)
    for at, noise in changes:
        data[at : at + len(noise)] = noise
    if truncate and changes:
        del data[changes[0][0] :]
    try:
        parse_workbook(io.BytesIO(bytes(data)), source="fuzz.xlsx")
    except ImportFailed as error:
        assert "fuzz.xlsx" in error.describe()


_CELL_VALUE = (
    st.none()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.sampled_from(list("0123456789,.-△ー年度令和元RHS%■□①②")), max_size=10)
    | st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=8)  # what a cell holds
)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 2))
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(1, 60), st.integers(1, 12), _CELL_VALUE),
        min_size=1,
        max_size=6,
    )
)
def test_a_workbook_with_edited_cells_is_read_or_refused_by_cell(
    edits: list[tuple[int, int, int, Any]],
) -> None:
    book = load_workbook(io.BytesIO(WORKBOOK))
    for index, row, column, value in edits:
        sheet = book.worksheets[index % len(book.worksheets)]
        cell = sheet.cell(row=row, column=column)
        if type(cell).__name__ == "MergedCell":
            continue
        cell.value = value
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    try:
        parse_workbook(buffer, source="fuzz.xlsx")
    except ImportFailed as error:
        assert all(problem.message for problem in error.problems)
