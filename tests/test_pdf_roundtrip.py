"""Every field of a factory sheet (tests/sheets.py) survives model → PDF → model.

A hyoka PDF attaches its sheet (sheet.json) and reads back exactly (``==``). The layout
reader, for PDFs without the attachment (``render_pdf(..., attach=False)``), reads what
the pages show; what pages cannot carry, and so what ``carried`` (the importer's
``as_printed``) normalises before comparing:

- the order of one year's figures in ``Indicator.values``: the table prints them in
  columns, and importers list them by year, then kind name (both importers alike);
- ``Component.quantities``: the sheet prints the output text (下段), and quantities are read
  from it as the text importer does, so they are what that text says.

Everything else is compared with ``==``: the target note under the indicator name
（低いほど良い・目標範囲内・R5年度〜R12年度の累計）, blank cells for years without a figure and ー
for a figure not known, an estimate beside an actual, figures of years outside the three
columns, corrections with where they were published, and trends: a computed one is marked
＊ and not read back as printed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from hyoka.importers import parse_file
from hyoka.importers._pdf_attachment import as_printed
from hyoka.model import (
    Achievement,
    Comparison,
    Correction,
    Direction,
    Indicator,
    IndicatorValue,
    Sheet,
    TargetSpec,
    Trend,
    ValueKind,
)
from hyoka.render.pdf import render_pdf
from sheets import other_sheet, sample_sheet

carried = as_printed  # the sheet as its pages carry it (see the module docstring)


def every_field_sheet() -> Sheet:
    """The sample sheet with what the plain factory leaves out: figures outside the three
    years and kinds the table shows, an estimate beside an actual, corrections worded three
    ways, a lower-is-better indicator with the usual comparison, a missing printed trend,
    a 達成状況 printed against the computed one with its reason."""
    sheet = sample_sheet()
    cumulative = sheet.indicators[1]
    cumulative.values = [
        *cumulative.values,
        IndicatorValue(fiscal_year=2030, kind=ValueKind.TARGET, value=Decimal(3000)),
        IndicatorValue(fiscal_year=2020, kind=ValueKind.ACTUAL, value=Decimal(512)),
        IndicatorValue(fiscal_year=2022, kind=ValueKind.TARGET, value=None),
        IndicatorValue(fiscal_year=2022, kind=ValueKind.ESTIMATE, value=Decimal("480.5")),
    ]
    first = sheet.indicators[0]
    actual = next(v for v in first.values if v.fiscal_year == 2021)
    actual.corrections = [
        Correction(before=Decimal(12), after=Decimal(11), reason="", noted_in="R4年度のシート"),
        Correction(before=Decimal(-3), after=Decimal(11), reason="集計 誤り", noted_in=""),
        Correction(
            before=Decimal(10),
            after=Decimal(11),
            reason="R4年度点検のシートに記載したR3年度実績が誤っていたため修正しました",
            noted_in="R4年度点検のシート",
        ),
    ]
    fewer = Indicator(
        number="④",
        name="事故件数",
        unit="件",
        direction=Direction.LOWER_IS_BETTER,
        target=TargetSpec(comparison=Comparison.AT_MOST),
        values=[
            IndicatorValue(fiscal_year=2021, kind=ValueKind.ACTUAL, value=Decimal(9)),
            IndicatorValue(fiscal_year=2022, kind=ValueKind.ACTUAL, value=Decimal(5)),
            IndicatorValue(fiscal_year=2023, kind=ValueKind.TARGET, value=Decimal(4)),
            IndicatorValue(fiscal_year=2023, kind=ValueKind.ACTUAL, value=Decimal(6)),
        ],
        printed_trends={2023: Trend.WORSENED},
        # An editor's override of the computed 未達成, noted on the sheet with its reason.
        printed_achievement=Achievement.ACHIEVED,
        printed_achievement_year=2023,
        printed_override_reason="年度途中で基準を改めたため",
    )
    sheet.indicators = [*sheet.indicators, fewer]
    return sheet


FACTORIES = {"sample": sample_sheet, "other": other_sheet, "every_field": every_field_sheet}


def _parsed(sheet: Sheet, name: str, folder: Path, *, attach: bool) -> Sheet:
    path = folder / f"{name}.pdf"
    path.write_bytes(render_pdf(sheet, attach=attach))
    parsed = parse_file(path)
    assert parsed.notes.complete, [problem.describe() for problem in parsed.notes.missing]
    return parsed.sheet


@pytest.fixture(scope="module", params=sorted(FACTORIES))
def round_trip(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Sheet, Sheet]:
    """A factory sheet and what the layout reader reads from its PDF without attachment."""
    sheet = FACTORIES[request.param]()
    folder = tmp_path_factory.mktemp("roundtrip")
    return sheet, _parsed(sheet, request.param, folder, attach=False)


def test_factory_sheet_round_trip_is_lossless(round_trip: tuple[Sheet, Sheet]) -> None:
    sheet, parsed = round_trip
    assert parsed == carried(sheet)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_the_attached_sheet_reads_back_exactly(name: str, tmp_path: Path) -> None:
    sheet = FACTORIES[name]()
    assert _parsed(sheet, name, tmp_path, attach=True) == sheet


def test_what_carried_normalises_is_only_order_and_derived_quantities(
    round_trip: tuple[Sheet, Sheet],
) -> None:
    sheet, parsed = round_trip
    for mine, theirs in zip(sheet.indicators, parsed.indicators, strict=True):
        assert sorted(mine.values, key=repr) == sorted(theirs.values, key=repr)
    outputs = [c.output for s in sheet.sub_projects for c in s.components]
    assert outputs == [c.output for s in parsed.sub_projects for c in s.components]


def test_computed_trends_are_not_read_back_as_printed(round_trip: tuple[Sheet, Sheet]) -> None:
    sheet, parsed = round_trip
    # The factory sheets leave some trends unprinted: the layout computes and marks them.
    assert any(len(indicator.printed_trends) < 2 for indicator in sheet.indicators), (
        "the factory should leave a trend unprinted"
    )
    assert [i.printed_trends for i in parsed.indicators] == [
        i.printed_trends for i in sheet.indicators
    ]
