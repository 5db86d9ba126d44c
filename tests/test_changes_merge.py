"""The changes report's money pick on a merged program, on SQLite and PostgreSQL.

Two 2021 programs merged into one 2022 program form one lineage group, so the group has
two sheets for 2021: a budget year printed by both and by no newer sheet is taken from the
first stored (lowest id). Amounts with a fraction of a yen (after 百万円 → 円) and a newer
sheet that leaves a year blank are covered too. Expected values are computed here in plain
Python over the saved model objects.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from hyoka.analytics import changes_report
from hyoka.model import BudgetRow, Header, MoneyUnit, Sheet, SheetKind, SheetLink, Stage
from hyoka.store import save_sheet, transaction
from hyoka.store.sheets.lineage import rebuild_lineage

D = Decimal
MILLION = 1_000_000


def _sheet(
    number: str,
    year: int,
    budgets: dict[int, tuple[str | None, str | None]],
    predecessors: tuple[str, ...] = (),
) -> Sheet:
    return Sheet(
        header=Header(
            kind=SheetKind.NATIONAL,
            program_number=number,
            program_name=f"事業{number[-4:]}",
            department="国土交通省",
            bureau="総合政策局",
            section="政策課",
            fiscal_year=year,
            stage=Stage.REVIEW,
        ),
        money_unit=MoneyUnit.MILLION_YEN,
        budgets=[
            BudgetRow(
                fiscal_year=budget_year,
                total=None if total is None else D(total),
                executed=None if executed is None else D(executed),
            )
            for budget_year, (total, executed) in budgets.items()
        ],
        predecessors=[
            SheetLink(fiscal_year=year - 1, ministry="国土交通省", program_number=link)
            for link in predecessors
        ],
    )


# Stored in this order: ids ascending.
SHEETS = [
    _sheet(
        "2021-国交-21-0001",
        2021,
        {2019: ("10.5", "9"), 2020: ("11", "10.0000005"), 2021: ("12", None)},
    ),
    _sheet(
        "2021-国交-21-0002",
        2021,
        {2019: ("20", "19"), 2020: ("21", "20"), 2021: ("22", None)},
    ),
    _sheet(
        "2022-国交-22-0003",
        2022,
        {2020: (None, "30.25"), 2021: ("33", "31.0000001"), 2022: ("35", None)},
        predecessors=("2021-国交-21-0001", "2021-国交-21-0002"),
    ),
    _sheet("2022-国交-22-0009", 2022, {2021: ("5", "4.5"), 2022: ("6", None)}),
]


PROGRAM = {  # the merge: 0001, 0002 and 0003 are one program
    "2021-国交-21-0001": "merged",
    "2021-国交-21-0002": "merged",
    "2022-国交-22-0003": "merged",
    "2022-国交-22-0009": "alone",
}


def _expected(only: str | None = None) -> dict[int, tuple[int, Decimal | None, Decimal | None]]:
    """Budget year → (programs with a budget, 予算計 yen, 執行額 yen): per program the
    newest sheet printing the figure, the first stored on a tie; 執行額 of closed years
    (before the sheet's year) only. ``only``: one program of PROGRAM."""
    picked: dict[tuple[str, int, str], tuple[tuple[int, int], Decimal]] = {}
    for order, sheet in enumerate(SHEETS):
        program = PROGRAM[sheet.header.program_number]
        if only is not None and program != only:
            continue
        year = sheet.header.fiscal_year
        for row in sheet.budgets:
            figures = {"total": row.total, "executed": row.executed}
            if row.fiscal_year >= year:
                figures["executed"] = None
            for column, amount in figures.items():
                if amount is None:
                    continue
                slot = (program, row.fiscal_year, column)
                rank = (-year, order)
                if slot not in picked or rank < picked[slot][0]:
                    picked[slot] = (rank, amount * MILLION)
    years = sorted({budget_year for _, budget_year, _ in picked})
    expected = {}
    for budget_year in years:
        totals = [a for (_, y, c), (_, a) in picked.items() if y == budget_year and c == "total"]
        spent = [a for (_, y, c), (_, a) in picked.items() if y == budget_year and c == "executed"]
        expected[budget_year] = (
            len(totals),
            sum(totals) if totals else None,
            sum(spent) if spent else None,
        )
    return expected


def test_merged_program_takes_each_year_from_its_newest_first_stored_sheet(
    engine: Engine,
) -> None:
    with transaction(engine) as session:
        for sheet in SHEETS:
            save_sheet(session=session, sheet=sheet)
        rebuild_lineage(session=session)
    with transaction(engine) as session:
        report = changes_report(session=session)
        merged = changes_report(session=session, program="2022-国交-22-0003")
    lineages = {sheet.program_number: sheet.lineage for sheet in report.sheets}
    assert lineages["2021-国交-21-0001"] == lineages["2021-国交-21-0002"]
    assert lineages["2021-国交-21-0001"] == lineages["2022-国交-22-0003"]
    assert lineages["2022-国交-22-0009"] != lineages["2022-国交-22-0003"]
    got = {row.fiscal_year: (row.programs, row.total_yen, row.executed_yen) for row in report.rows}
    assert got == _expected()
    # The fraction of a yen survives the sum: 31.0000001 百万円 is 31,000,000.1 円.
    assert got[2021][2] == D("35500000.1")
    assert [sheet.program_number for sheet in merged.sheets] == [
        "2021-国交-21-0001",
        "2021-国交-21-0002",
        "2022-国交-22-0003",
    ]
    merged_rows = {
        row.fiscal_year: (row.programs, row.total_yen, row.executed_yen) for row in merged.rows
    }
    assert merged_rows == _expected("merged")
    # Budget year 2019 is printed by both 2021 sheets only: the first stored one's figures.
    assert merged_rows[2019] == (1, D(10_500_000), D(9_000_000))
