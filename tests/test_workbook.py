"""The sheet as an Excel workbook: round trips, the layout, problems with their cells,
nothing stored from a bad workbook (SQLite and PostgreSQL), and the CLI commands.

Cells are located in the tests by their labels, the way the importer finds them, so that
an expected address such as 事業コスト!F4 is derived from the workbook, not from the code.
"""

from __future__ import annotations

import gc
import tempfile
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from hyoka.cli import app
from hyoka.importers import ImportFailed, parse_file
from hyoka.model import (
    Component,
    Correction,
    CostRow,
    Direction,
    FuturePlan,
    Indicator,
    IndicatorValue,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    Quantity,
    Sheet,
    Stage,
    SubProject,
    TargetSpec,
    Trend,
    ValueKind,
    YearValue,
)
from hyoka.render import workbook as layout
from hyoka.render.workbook import sheet_workbook, workbook_name
from hyoka.store import (
    create_engine_for,
    list_sheets,
    migrate,
    save_sheet,
    sheet_history,
    transaction,
)
from sheets import other_sheet, sample_sheet

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt"))
runner = CliRunner()


def _write(folder: Path, sheet: Sheet, name: str = "sheet.xlsx") -> Path:
    path = folder / name
    path.write_bytes(sheet_workbook(sheet))
    return path


def _assert_same(back: Sheet, sheet: Sheet) -> None:
    # JSON compares decimals as written (4.0 is not 4) besides the model's equality.
    assert back.model_dump(mode="json") == sheet.model_dump(mode="json")
    assert back == sheet


# --- round trips -------------------------------------------------------------------------


def _edge_cases() -> dict[str, Sheet]:
    long_text = "長い説明①②③。" * 700 + "\n2行目も残る"
    return {
        "empty lists": sample_sheet(
            situation=[],
            purpose="",
            initiatives=[],
            indicators=[],
            plan_links=[],
            costs=[],
            results=[],
            future=FuturePlan(),
            sub_projects=[],
            email="",
            source_url="",
        ),
        "none values and negatives": sample_sheet(
            stage=Stage.INITIAL_REQUEST,
            fiscal_year=2019,
            start_year=1926,
            end_year=2030,
            costs=[
                CostRow(fiscal_year=2019),
                CostRow(
                    fiscal_year=2018,
                    carried_over=-5,
                    initial_budget=-1_000,
                    supplementary=-4_000,
                    total=-5_005,
                    general_revenue=-6_000,
                    settlement=0,
                    staff=Decimal("0.25"),
                ),
            ],
            sub_projects=[
                SubProject(number=7, name="", settlements={2018: None, 2019: None}),
                SubProject(number=8, name="決算なし", settlements={}),
            ],
        ),
        "decimals, ranges, cumulative targets, corrections": sample_sheet(
            indicators=[
                Indicator(
                    number="①-1",
                    name="割合",
                    unit="%",
                    direction=Direction.LOWER_IS_BETTER,
                    target=TargetSpec(cumulative=True, start_year=2023, end_year=2027),
                    values=[
                        IndicatorValue(
                            fiscal_year=2023,
                            kind=ValueKind.TARGET,
                            value=Decimal("50.10"),
                            upper=Decimal("-0.5"),
                        ),
                        IndicatorValue(
                            fiscal_year=2022,
                            kind=ValueKind.ESTIMATE,
                            value=Decimal("4.0"),
                            corrections=[
                                Correction(before=Decimal("3.9"), after=Decimal("4.0")),
                                Correction(
                                    before=Decimal(-2), after=Decimal(1_000_000), reason="再修正"
                                ),
                            ],
                        ),
                        IndicatorValue(fiscal_year=2021, kind=ValueKind.ACTUAL, value=None),
                    ],
                    printed_trends={2023: Trend.NO_VALUE, 2021: Trend.IMPROVED},
                )
            ],
        ),
        "texts that look like numbers or formulas": sample_sheet(
            program_number="007 01",
            program_name="=SUM(A1:A3)",
            purpose=long_text,
            situation=["123", "ー", "  前後の空白  ", "△4,000"],
            initiatives=[Initiative(number="1", title="0.50", bullets=["=1+1", "①"])],
            sub_projects=[
                SubProject(
                    number=1,
                    name="名前",
                    settlements={2023: 1},
                    components=[
                        Component(
                            number=3,
                            name="",
                            methods=[
                                Method.CONTRIBUTION,
                                Method.SUBSIDY,
                                Method.OUTSOURCED,
                                Method.DIRECT,
                            ],
                            output="ー",
                            quantities=[
                                Quantity(label="回数", value=Decimal("2.50"), unit="回"),
                                Quantity(label="", value=Decimal(-3), unit=""),
                            ],
                        )
                    ],
                )
            ],
            plan_links=[
                PlanLink(policy_code="1-1", policy_name="", goals=[]),
                PlanLink(
                    policy_code="2-1①",
                    policy_name="名",
                    goals=[
                        PlanGoal(
                            name="4年分の状況",
                            recent=[
                                YearValue(fiscal_year=2020 + i, value=Decimal(i)) for i in range(4)
                            ]
                            + [YearValue(fiscal_year=2024)],
                            target=YearValue(),
                        )
                    ],
                ),
            ],
        ),
    }


CASES = {
    **{f"seed {seed.name[:3]}": seed for seed in SEEDS},
    "sample_sheet": sample_sheet(),
    "other_sheet": other_sheet(),
    **_edge_cases(),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_round_trip_is_lossless(case: str, tmp_path: Path) -> None:
    source = CASES[case]
    sheet = parse_file(source).sheet if isinstance(source, Path) else source
    back = parse_file(_write(tmp_path, sheet)).sheet
    _assert_same(back, sheet)


_texts = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co")), max_size=30)
_filled = _texts.filter(lambda text: text.strip() != "")
_decimals = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places) + 0,  # + 0: no negative zero
    st.integers(-(10**12), 10**12),
    st.integers(0, 3),
)
_years = st.integers(1990, 2060)
_money = st.integers(-(10**9), 10**9)


@st.composite
def _cost_rows(draw: st.DrawFn) -> list[CostRow]:
    rows = []
    for fiscal_year in draw(st.lists(_years, unique=True, max_size=3)):
        parts = draw(st.tuples(_money, _money, _money))
        total = draw(st.sampled_from([sum(parts), None]))
        ceiling = total if total is not None else 10**9
        # The floor must stay below the ceiling when three negative parts sum below -10**9.
        revenue = draw(st.none() | st.integers(min(-(10**9), ceiling), ceiling))
        rows.append(
            CostRow(
                fiscal_year=fiscal_year,
                carried_over=parts[0],
                initial_budget=parts[1],
                supplementary=parts[2],
                total=total,
                general_revenue=revenue,
                settlement=draw(st.none() | _money),
                staff=draw(st.none() | _decimals),
            )
        )
    return rows


@st.composite
def _indicators(draw: st.DrawFn) -> Indicator:
    keys = draw(st.lists(st.tuples(_years, st.sampled_from(ValueKind)), unique=True, max_size=4))
    values = [
        IndicatorValue(
            fiscal_year=fiscal_year,
            kind=kind,
            value=draw(st.none() | _decimals),
            upper=draw(st.none() | _decimals),
            corrections=draw(
                st.lists(
                    st.builds(Correction, before=_decimals, after=_decimals, reason=_texts),
                    max_size=2,
                )
            ),
        )
        for fiscal_year, kind in keys
    ]
    cumulative = draw(st.booleans())
    return Indicator(
        number=draw(st.sampled_from(["①", "②-1", "③-2", "4"])),
        name=draw(_filled),
        unit=draw(_texts),
        direction=draw(st.sampled_from(Direction)),
        target=TargetSpec(
            comparison=draw(st.sampled_from(list(layout.COMPARISON_LABELS))),
            cumulative=cumulative,
            start_year=draw(_years) if cumulative else draw(st.none() | _years),
            end_year=draw(_years) if cumulative else None,
        ),
        values=values,
        target_reason=draw(_texts),
        analysis=draw(_texts),
        printed_trends=draw(st.dictionaries(_years, st.sampled_from(Trend), max_size=3)),
        printed_achievement=draw(st.none() | st.sampled_from(list(layout.Achievement))),
    )


@st.composite
def _sub_projects(draw: st.DrawFn) -> SubProject:
    return SubProject(
        number=draw(st.integers(1, 99)),
        name=draw(_texts),
        settlements=draw(st.dictionaries(_years, st.none() | _money, max_size=3)),
        components=draw(
            st.lists(
                st.builds(
                    Component,
                    number=st.integers(1, 20),
                    name=_texts,
                    methods=st.lists(st.sampled_from(Method), max_size=4),
                    description=_texts,
                    output=_texts,
                    quantities=st.lists(
                        st.builds(Quantity, label=_texts, value=_decimals, unit=_texts),
                        max_size=2,
                    ),
                ),
                max_size=2,
            )
        ),
    )


_goals = st.builds(
    PlanGoal,
    name=_filled,
    main=st.booleans(),
    unit=_texts,
    recent=st.lists(
        st.builds(YearValue, fiscal_year=st.none() | _years, value=st.none() | _decimals),
        max_size=4,
    ),
    target=st.none()
    | st.builds(YearValue, fiscal_year=st.none() | _years, value=st.none() | _decimals),
)


@st.composite
def _sheets(draw: st.DrawFn) -> Sheet:
    return sample_sheet(
        program_name=draw(_filled),
        stage=draw(st.sampled_from(Stage)),
        fiscal_year=draw(_years),
        end_year=draw(st.none() | _years),
        situation=draw(st.lists(_filled, max_size=3)),
        initiatives=[
            Initiative(
                number=number, title=draw(_texts), bullets=draw(st.lists(_filled, max_size=2))
            )
            for number in draw(st.lists(st.sampled_from("①②③④"), unique=True, max_size=3))
        ],
        indicators=draw(st.lists(_indicators(), max_size=2)),
        plan_links=draw(
            st.lists(
                st.builds(
                    PlanLink,
                    policy_code=st.sampled_from(["2-1①", "3-2"]),
                    policy_name=_texts,
                    goals=st.lists(_goals, max_size=2),
                ),
                max_size=2,
            )
        ),
        costs=draw(_cost_rows()),
        future=FuturePlan(
            issues=draw(st.lists(_filled, max_size=2)), measures=draw(st.lists(_filled, max_size=2))
        ),
        sub_projects=draw(st.lists(_sub_projects(), max_size=2)),
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=_sheets())
def test_round_trip_of_generated_sheets(sheet: Sheet) -> None:
    with tempfile.TemporaryDirectory() as folder:
        back = parse_file(_write(Path(folder), sheet)).sheet
    _assert_same(back, sheet)


# --- the layout ----------------------------------------------------------------------------


def _row_of(ws: Worksheet, label: str, *, after: int = 0, column: int = 1) -> int:
    for row in range(after + 1, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == label:
            return row
    raise AssertionError(f"{ws.title}: no row labelled {label}")


def _column_of(ws: Worksheet, header_row: int, label: str) -> int:
    for column in range(1, ws.max_column + 1):
        if ws.cell(row=header_row, column=column).value == label:
            return column
    raise AssertionError(f"{ws.title}: no column {label}")


def _cost_cell(ws: Worksheet, fiscal_year: int, label: str) -> str:
    header = _row_of(ws, "年度")
    row = _row_of(ws, fiscal_year, after=header)  # type: ignore[arg-type]
    return ws.cell(row=row, column=_column_of(ws, header, label)).coordinate


def test_workbook_layout(tmp_path: Path) -> None:
    sheet = sample_sheet()
    book = load_workbook(_write(tmp_path, sheet))
    assert book.sheetnames == [*layout.WORKSHEETS, layout.META]
    meta = book[layout.META]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    assert meta["B2"].value == layout.FORMAT_VERSION
    for name in layout.WORKSHEETS:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.freeze_panes is not None
        assert ws.column_dimensions["B"].width > 8
    lists = {
        (ws.title, validation.formula1)
        for ws in book.worksheets
        for validation in ws.data_validations.dataValidation
    }
    stages = '"' + ",".join(stage.value for stage in Stage) + '"'
    assert (layout.BASIC, stages) in lists
    assert (layout.SUB_PROJECTS, '"' + ",".join(m.value for m in Method) + '"') in lists
    assert (layout.INDICATORS, '"目標,見込,実績"') in lists
    assert (layout.INDICATORS, '"高いほど良い,低いほど良い"') in lists

    basic = book[layout.BASIC]
    year_row = _row_of(basic, "年度")
    assert basic.cell(row=year_row, column=2).value == sheet.header.fiscal_year  # an integer
    assert basic.cell(row=year_row, column=3).value.startswith("=")  # the era, computed

    costs = book[layout.COSTS]
    supplementary = costs[_cost_cell(costs, 2023, "補正予算等")]
    assert supplementary.value == -4_000 and supplementary.number_format == "#,##0;△#,##0"
    staff = costs[_cost_cell(costs, 2023, "職員数（人）")]
    assert staff.value == 4 and staff.number_format.startswith("#,##0.0;")


def test_era_formula_names_the_era() -> None:
    formula = layout.era_formula("A5")
    for era in ("令和", "平成", "昭和"):
        assert f'"{era}"' in formula
    assert workbook_name(sample_sheet()) == "07-01-01_2023_点検.xlsx"


# --- problems, each at its cell ------------------------------------------------------------

Mutation = Callable[[dict[str, Worksheet]], tuple[str, str]]


def _text_in_money(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.COSTS]
    address = _cost_cell(ws, 2023, "当初予算")
    ws[address] = "約二十万"
    return f"{layout.COSTS}!{address}", "数値ではありません"


def _missing_name(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.BASIC]
    row = _row_of(ws, "事業名")
    ws.cell(row=row, column=2).value = None
    return f"{layout.BASIC}!B{row}", "事業名が空欄です"


def _unknown_stage(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.BASIC]
    row = _row_of(ws, "段階")
    ws.cell(row=row, column=2).value = "中間報告"
    return f"{layout.BASIC}!B{row}", "段階「中間報告」は不明です"


def _unknown_method(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.SUB_PROJECTS]
    header = _row_of(ws, "取組番号")
    cell = ws.cell(row=header + 1, column=_column_of(ws, header, "実施方法1"))
    cell.value = "手渡し"
    return f"{layout.SUB_PROJECTS}!{cell.coordinate}", "実施方法「手渡し」は不明です"


def _unknown_kind(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.INDICATORS]
    header = _row_of(ws, "年度")
    cell = ws.cell(row=header + 2, column=_column_of(ws, header, "区分"))
    cell.value = "予測"
    return f"{layout.INDICATORS}!{cell.coordinate}", "区分「予測」は不明です"


def _text_in_indicator(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.INDICATORS]
    second = _row_of(ws, "指標番号", after=_row_of(ws, "指標番号"))
    header = _row_of(ws, "年度", after=second)
    cell = ws.cell(row=header + 1, column=_column_of(ws, header, "修正前"))
    cell.value = "四七三"
    return f"{layout.INDICATORS}!{cell.coordinate}", "修正前が数値ではありません"


def _duplicated_year(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.COSTS]
    header = _row_of(ws, "年度")
    row = _row_of(ws, 2022, after=header)  # type: ignore[arg-type]
    ws.cell(row=row, column=1).value = 2023
    return f"{layout.COSTS}!A{row}", "2023年度の行が重複しています"


def _total_mismatch(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.COSTS]
    address = _cost_cell(ws, 2023, "合計（予算現額）")
    ws[address] = ws[address].value + 1
    return f"{layout.COSTS}!{address}", "一致しません"


def _revenue_above_total(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.COSTS]
    address = _cost_cell(ws, 2021, "うち一般財源")
    ws[address] = 9_999_999
    return f"{layout.COSTS}!{address}", "上回っています"


def _missing_correction(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.INDICATORS]
    second = _row_of(ws, "指標番号", after=_row_of(ws, "指標番号"))
    header = _row_of(ws, "年度", after=second)
    row = _row_of(ws, 2022, after=header)  # type: ignore[arg-type]
    cell = ws.cell(row=row, column=_column_of(ws, header, "修正後"))
    cell.value = None
    return f"{layout.INDICATORS}!{cell.coordinate}", "修正後が空欄です"


def _missing_sub_project_number(book: dict[str, Worksheet]) -> tuple[str, str]:
    ws = book[layout.SUB_PROJECTS]
    row = _row_of(ws, "細事業番号")
    ws.cell(row=row, column=2).value = None
    return f"{layout.SUB_PROJECTS}!B{row}", "細事業番号が空欄です"


MUTATIONS: dict[str, Mutation] = {
    "text in a money cell": _text_in_money,
    "text in an indicator figure": _text_in_indicator,
    "missing required cell": _missing_name,
    "missing sub-project number": _missing_sub_project_number,
    "missing corrected figure": _missing_correction,
    "unknown stage": _unknown_stage,
    "unknown method": _unknown_method,
    "unknown kind": _unknown_kind,
    "duplicated year": _duplicated_year,
    "total does not add up": _total_mismatch,
    "general revenue above total": _revenue_above_total,
}


def _broken(
    tmp_path: Path, *mutations: Mutation, sheet: Sheet | None = None, name: str = "broken.xlsx"
) -> tuple[Path, list[tuple[str, str]]]:
    path = _write(tmp_path, sheet or sample_sheet(), name)
    book = load_workbook(path)
    expected = [mutation({ws.title: ws for ws in book.worksheets}) for mutation in mutations]
    book.save(path)
    return path, expected


@pytest.mark.parametrize("name", MUTATIONS)
def test_each_problem_is_reported_at_its_cell(name: str, tmp_path: Path) -> None:
    path, [(address, message)] = _broken(tmp_path, MUTATIONS[name])
    with pytest.raises(ImportFailed) as failure:
        parse_file(path)
    found = [(problem.section, problem.message) for problem in failure.value.problems]
    assert any(place == address and message in text for place, text in found), found
    assert f"[{address}]" in failure.value.describe()


def test_all_problems_are_collected(tmp_path: Path) -> None:
    # Arithmetic is checked once the cells read cleanly: leave it out of the batch.
    batch = [m for m in MUTATIONS.values() if m not in (_total_mismatch, _revenue_above_total)]
    path, expected = _broken(tmp_path, *batch)
    with pytest.raises(ImportFailed) as failure:
        parse_file(path)
    places = {problem.section for problem in failure.value.problems}
    assert {address for address, _ in expected} <= places


def test_inserted_rows_and_columns_are_tolerated(tmp_path: Path) -> None:
    sheet = sample_sheet()
    path = _write(tmp_path, sheet)
    book = load_workbook(path)
    indicators = book[layout.INDICATORS]
    indicators.insert_rows(_row_of(indicators, "単位"))  # a blank row inside the first block
    indicators.insert_rows(_row_of(indicators, "年度") + 2)  # and inside its value table
    costs = book[layout.COSTS]
    costs.insert_rows(_row_of(costs, "年度"))  # a row above the table
    costs.insert_cols(3)  # a column inside it: columns are found by their header labels
    costs.cell(row=_row_of(costs, "年度"), column=3).value = "備考"
    book.save(path)
    _assert_same(parse_file(path).sheet, sheet)

    address = _cost_cell(costs, 2023, "合計（予算現額）")
    costs[address] = costs[address].value + 1
    book.save(path)
    with pytest.raises(ImportFailed) as failure:
        parse_file(path)
    assert [problem.section for problem in failure.value.problems] == [f"{layout.COSTS}!{address}"]


def test_not_a_workbook_or_missing_worksheet(tmp_path: Path) -> None:
    fake = tmp_path / "memo.xlsx"
    fake.write_text("議事録", encoding="utf-8")
    with pytest.raises(ImportFailed, match="Excel ブック"):
        parse_file(fake)
    path = _write(tmp_path, sample_sheet())
    book = load_workbook(path)
    del book[layout.COSTS]
    book.save(path)
    with pytest.raises(ImportFailed, match="ワークシート「事業コスト」がありません"):
        parse_file(path)


# --- the store and the CLI -----------------------------------------------------------------


def _import(db_url: str, *files: Path) -> tuple[int, str]:
    """``hyoka import`` through the CLI runner: its exit code and stderr.

    The import command leaves its engine to the garbage collector, whose PostgreSQL
    connections then warn (reported to the lead): drop the runner's result, which holds
    the command's frames, and collect them here, quietly.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        result = runner.invoke(app, ["import", "--db", db_url, *map(str, files)])
        outcome = (result.exit_code, result.stderr)
        del result
        gc.collect()
    return outcome


def test_bad_workbook_stores_nothing(db_url: str, tmp_path: Path) -> None:
    sheet = sample_sheet()
    good = _write(tmp_path, sheet, "good.xlsx")
    code, stderr = _import(db_url, good)
    assert code == 0, stderr
    bad, _ = _broken(tmp_path, _total_mismatch, _unknown_method)
    # A workbook of a sheet not stored yet, with a bad figure: no sheet appears.
    new_key, _ = _broken(tmp_path, _text_in_money, sheet=other_sheet(), name="new.xlsx")
    code, stderr = _import(db_url, bad, new_key)
    assert code == 1
    assert f"{layout.SUB_PROJECTS}!" in stderr and "取り込めません" in stderr

    engine = create_engine_for(db_url)
    try:
        with transaction(engine) as session:
            assert list_sheets(session=session) == [sheet]
            history = sheet_history(
                session=session, program_number="07 01 01", fiscal_year=2023, stage=Stage.REVIEW
            )
            assert len(history) == 1
    finally:
        engine.dispose()


def test_export_workbooks_and_import_them_back(tmp_path: Path) -> None:
    db = tmp_path / "hyoka.sqlite"
    engine = create_engine_for(f"sqlite:///{db}")
    migrate(engine)
    sheets = [sample_sheet(), other_sheet(), sample_sheet(stage=Stage.INITIAL_BUDGET)]
    with transaction(engine) as session:
        for sheet in sheets:
            save_sheet(session=session, sheet=sheet)
    engine.dispose()

    folder = tmp_path / "out"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "xlsx", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("*.xlsx"))
    assert [path.name for path in files] == sorted(workbook_name(sheet) for sheet in sheets)
    assert "07-01-01_2023_点検.xlsx" in [path.name for path in files]
    for path in files:
        back = parse_file(path).sheet
        assert back in sheets and path.name == workbook_name(back)

    one = tmp_path / "one.xlsx"
    refused = runner.invoke(app, ["export", "--db", str(db), "--format", "xlsx", "-o", str(one)])
    assert refused.exit_code == 1 and "3件のシートが該当します" in refused.stderr
    selected = runner.invoke(
        app,
        [
            "export",
            "--db",
            str(db),
            "--format",
            "xlsx",
            "-o",
            str(one),
            "--program",
            "07 01 01",
            "--year",
            "2023",
            "--stage",
            "当初予算案",
        ],
    )
    assert selected.exit_code == 0, selected.output
    assert parse_file(one).sheet == sheets[2]
    # A 事業番号 typed without its spaces is another number: nothing matches.
    nothing = runner.invoke(
        app, ["export", "--db", str(db), "--format", "xlsx", "-o", str(one), "--program", "070101"]
    )
    assert nothing.exit_code == 1 and "書き出すシートがありません" in nothing.stderr

    tables = tmp_path / "tables.xlsx"
    result = runner.invoke(
        app, ["export", "--db", str(db), "--format", "tables-xlsx", "-o", str(tables)]
    )
    assert result.exit_code == 0, result.output
    assert "sheets" in load_workbook(tables, read_only=True).sheetnames

    # Re-importing the exported workbooks changes nothing.
    again = runner.invoke(app, ["import", "--db", str(db), *map(str, files)])
    assert again.exit_code == 0 and again.stderr.count("変更なし") == len(files)


def test_blank_template(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    result = runner.invoke(
        app, ["template", "-o", str(path), "--year", "2024", "--stage", "当初要求"]
    )
    assert result.exit_code == 0, result.output
    with pytest.raises(ImportFailed) as failure:
        parse_file(path)
    assert {problem.message for problem in failure.value.problems} >= {
        "事業番号が空欄です",
        "事業名が空欄です",
    }
    book = load_workbook(path)
    basic = book[layout.BASIC]
    for label, value in (
        ("事業番号", "07 02 03"),
        ("事業名", "新事業"),
        ("部局", "部"),
        ("課・室", "課"),
    ):
        basic.cell(row=_row_of(basic, label), column=2).value = value
    book.save(path)
    sheet = parse_file(path).sheet
    assert (sheet.key, sheet.indicators, sheet.sub_projects) == (
        ("07 02 03", 2024, Stage.INITIAL_REQUEST),
        [],
        [],
    )
    assert [row.fiscal_year for row in sheet.costs] == [2024, 2023, 2022]
    bad = runner.invoke(app, ["template", "-o", str(path), "--stage", "中間"])
    assert bad.exit_code == 2 and "不明な段階" in bad.stderr
