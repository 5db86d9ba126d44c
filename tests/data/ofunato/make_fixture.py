"""Build ``report_sample.xlsx``: real rows of 大船渡市's 事務事業評価 workbook.

Source: 大船渡市's 事務事業評価シート data (``report.xlsx``, as published in the public
repository mtane0412/ofunato-transparency-report; shared copy in
``shared/data/ofunato/``). Credit: 大船渡市. The sample keeps the helper row and the header
row as they are and copies these rows' values (formulas' cached values; the first
columns' duplicate-check formulas are left empty, as the workbook's cached values are).

The rows were picked for what they hold: blank cells and '-' (rows 3–22, 187), numbers
with commas (65, 77, 90), full-width digits in 令和 years (143, 156), a 全体計画 of a
期間限定複数年度 program (16, 56, 114), float noise in money (127, 169, 279, 370),
indicator values that are not numbers (341: 29（4）) and a row without 事務事業ID (314).

Run from the repository: ``uv run python tests/data/ofunato/make_fixture.py``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

SOURCE = Path(__file__).resolve().parents[4] / "shared" / "data" / "ofunato" / "report.xlsx"
TARGET = Path(__file__).with_name("report_sample.xlsx")
ROWS = (
    *range(3, 23),
    16, 56, 65, 77, 90, 114, 127, 143, 156, 169, 187, 279, 314, 341, 370,
)  # fmt: skip


def main() -> None:
    source = load_workbook(SOURCE, read_only=True, data_only=True)
    sheet = source.worksheets[0]
    wanted = sorted(set(ROWS))
    rows = {
        number: values
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        if number in (1, 2, *wanted)
    }
    target = Workbook()
    out = target.active
    assert out is not None
    out.title = sheet.title
    for number in (1, 2, *wanted):
        out.append(list(rows[number]))
    target.save(TARGET)
    source.close()


if __name__ == "__main__":
    main()
