"""Cost table and 細事業一覧: arithmetic rules, full cost, unit costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from hyoka.model import CostRow, Sheet, Stage, SubProject
from hyoka.rules import Severity, full_cost, get_rule, unit_costs
from hyoka.rules.budget import describe_unit_cost, full_costs, personnel_cost, sub_project_totals
from hyoka.rules.findings import Finding, RuleContext
from rules_sheets import (
    component,
    cost_row,
    quantity,
    seed_000,
    seed_000_costs,
    seed_000_sub_projects,
    sheet,
    sub_project,
)

R5 = seed_000_costs()[0]


def run(code: str, checked: Sheet) -> list[Finding]:
    return get_rule(code).run(checked, RuleContext.for_sheet(checked))


def with_r5(**changes: Any) -> Sheet:
    """Seed 000 with cells of its R5 cost row changed."""
    costs = seed_000_costs()
    costs[0] = costs[0].model_copy(update=changes)
    return seed_000(costs=costs)


def costs_only(*rows: CostRow, stage: Stage = Stage.REVIEW) -> Sheet:
    return sheet(costs=list(rows), stage=stage)


# --- 合計 = 前年度繰越 + 当初予算 + 補正予算等 --------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"total": 209_740}, [2023]),
        ({"supplementary": 4_000}, [2023]),
        ({"supplementary": -4_001}, [2023]),
        ({"carried_over": None}, []),  # a blank cell is budget.missing_cell
        ({"total": None}, []),
    ],
)
def test_total_mismatch(changes: dict[str, Any], expected: list[int]) -> None:
    found = run("budget.total_mismatch", with_r5(**changes))
    assert [finding.location.path[1] for finding in found] == expected


def test_seed_000_totals_add_up_with_a_negative_supplementary() -> None:
    assert R5.carried_over + R5.initial_budget + R5.supplementary == R5.total  # type: ignore[operator]
    assert run("budget.total_mismatch", seed_000()) == []


def test_total_mismatch_names_the_cell_and_the_figures() -> None:
    [found] = run("budget.total_mismatch", with_r5(total=209_740))
    assert found.severity is Severity.ERROR
    assert found.location.path == ("costs", 2023, "total")
    assert found.location.label == "6 事業コスト R5年度 合計"
    assert found.message == (
        "合計 209,740 千円が 前年度繰越＋当初予算＋補正予算等 = 0＋213,739＋△4,000 = "
        "209,739 千円と一致しません"
    )


def test_total_mismatch_of_another_year() -> None:
    costs = seed_000_costs()
    costs[2] = costs[2].model_copy(update={"initial_budget": 14_850})
    [found] = run("budget.total_mismatch", seed_000(costs=costs))
    assert found.location.path == ("costs", 2021, "total")
    assert found.location.label == "6 事業コスト R3年度 合計"
    assert "2,575,387 千円" in found.message
    assert "2,575,386 千円" in found.message


# --- うち一般財源 ≤ 合計, 決算額 ≤ 合計 --------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({}, False),
        ({"general_revenue": 209_739}, False),
        ({"general_revenue": 209_740}, True),
        ({"general_revenue": None}, False),
        ({"total": None}, False),
    ],
)
def test_general_revenue_exceeds_total(changes: dict[str, Any], found: bool) -> None:
    result = run("budget.general_revenue_exceeds_total", with_r5(**changes))
    assert bool(result) is found
    if result:
        assert result[0].severity is Severity.ERROR
        assert result[0].location.path == ("costs", 2023, "general_revenue")
        assert result[0].location.label == "6 事業コスト R5年度 うち一般財源"
        assert result[0].message == (
            "うち一般財源 209,740 千円が 合計 209,739 千円を 1 千円上回っています"
        )


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({}, False),
        ({"settlement": 209_739}, False),
        ({"settlement": 210_000}, True),
        ({"settlement": None}, False),
    ],
)
def test_settlement_exceeds_total(changes: dict[str, Any], found: bool) -> None:
    result = run("budget.settlement_exceeds_total", with_r5(**changes))
    assert bool(result) is found
    if result:
        assert result[0].severity is Severity.WARNING
        assert result[0].location.path == ("costs", 2023, "settlement")
        assert result[0].message == (
            "決算額 210,000 千円が 合計（予算現額） 209,739 千円を 261 千円上回っています"
        )


# --- Blank cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checked", "expected"),
    [
        (seed_000(), []),
        (with_r5(initial_budget=None), [("costs", 2023, "initial_budget")]),
        (
            with_r5(staff=None, settlement=None),
            [("costs", 2023, "settlement"), ("costs", 2023, "staff")],
        ),
        (with_r5(supplementary=0), []),
        (seed_000(costs=seed_000_costs()[1:]), [("costs", 2023)]),
        (seed_000(costs=[]), [("costs", 2023)]),
        # An R5 budget sheet, written during R4: R4 and R5 have no 決算額 yet.
        (
            costs_only(
                cost_row(2023, 0, 213_739, 0, 213_739, 202_004, None, "4.0"),
                cost_row(2022, 0, 213_357, 0, 213_357, 205_622, None, "5.0"),
                cost_row(2021, 2_560_536, 14_851, 0, 2_575_387, 869_934, 2_347_126, "5.0"),
                stage=Stage.INITIAL_BUDGET,
            ),
            [],
        ),
        (
            costs_only(
                cost_row(2023, 0, 213_739, 0, 213_739, 202_004, None, "4.0"),
                cost_row(2022, 0, 213_357, 0, 213_357, 205_622, None, "5.0"),
                stage=Stage.SUPPLEMENTARY_BUDGET,
            ),
            [("costs", 2022, "settlement")],
        ),
    ],
)
def test_missing_cell(checked: Sheet, expected: list[tuple[object, ...]]) -> None:
    found = run("budget.missing_cell", checked)
    assert [finding.location.path for finding in found] == expected
    assert all(finding.severity is Severity.WARNING for finding in found)


def test_missing_cell_messages() -> None:
    [cell] = run("budget.missing_cell", with_r5(initial_budget=None))
    assert cell.location.label == "6 事業コスト R5年度 当初予算"
    assert cell.message == "R5年度の当初予算が空欄です"
    [row] = run("budget.missing_cell", seed_000(costs=[]))
    assert row.location.label == "6 事業コスト R5年度"
    assert row.message == "事業コストにR5年度の行がありません"


# --- Sub-projects against the settlement -----------------------------------------------------


def test_seed_000_sub_projects() -> None:
    totals = {total.fiscal_year: total for total in sub_project_totals(seed_000())}
    assert totals[2023].sub_project_sum == 206_709
    assert totals[2023].difference == 0
    assert totals[2023].counted == 5
    assert totals[2022].sub_project_sum == 206_589
    assert totals[2022].difference == 5_391
    assert totals[2021].counted == 3
    found = run("budget.subproject_sum_mismatch", seed_000())
    assert [finding.location.path for finding in found] == [
        ("sub_projects", "settlements", 2022),
        ("sub_projects", "settlements", 2021),
    ]


def test_subproject_sum_below_the_settlement_may_be_a_partial_list() -> None:
    [found, _] = run("budget.subproject_sum_mismatch", seed_000())
    assert found.severity is Severity.WARNING
    assert found.location.label == "細事業一覧 R4年度 決算額"
    assert found.message == (
        "R4年度の細事業の決算額の和 206,589 千円（4 件）が 決算額 211,980 千円と 5,391 千円 "
        "異なります（細事業一覧は主な細事業のみを載せている場合があります）"
    )


def test_subproject_sum_above_the_settlement() -> None:
    projects = seed_000_sub_projects()
    projects[0] = projects[0].model_copy(update={"settlements": {2023: 2_273}})
    found = run("budget.subproject_sum_mismatch", seed_000(sub_projects=projects))
    [r5] = [finding for finding in found if finding.location.path[-1] == 2023]
    assert r5.message == (
        "R5年度の細事業の決算額の和 206,710 千円（5 件）が 決算額 206,709 千円と比べ 1 千円 "
        "多くなっています"
    )


@pytest.mark.parametrize(
    ("projects", "mismatched", "empty"),
    [
        ([], [], []),
        ([sub_project(1, "全部", 100, 200, 300)], [], []),
        ([sub_project(1, "一部", 100, 150, 300)], [2022], []),
        ([sub_project(1, "新規", None, 200, 300)], [], [2021]),
        (
            [sub_project(1, "新規", None, 120, 300), sub_project(2, "終了", None, 80, None)],
            [],
            [2021],
        ),
        (
            [sub_project(1, "主", 100, 200, 250), sub_project(2, "終了", None, None, None)],
            [2023],
            [],
        ),
        ([SubProject(number=1, name="R5のみ", settlements={2023: 300})], [], [2022, 2021]),
    ],
)
def test_subproject_rules(
    projects: list[SubProject], mismatched: list[int], empty: list[int]
) -> None:
    checked = costs_only(
        cost_row(2023, 0, 300, 0, 300, 300, 300, "1.0"),
        cost_row(2022, 0, 200, 0, 200, 200, 200, "1.0"),
        cost_row(2021, 0, 100, 0, 100, 100, 100, "1.0"),
    ).model_copy(update={"sub_projects": projects})
    found = run("budget.subproject_sum_mismatch", checked)
    assert [finding.location.path[-1] for finding in found] == mismatched
    infos = run("budget.subproject_year_empty", checked)
    assert [finding.location.path[-1] for finding in infos] == empty
    assert all(finding.severity is Severity.INFO for finding in infos)


def test_subproject_year_empty_message() -> None:
    checked = seed_000(
        sub_projects=[sub_project(4, "産業振興機構運営費補助金", None, 194_308, 185_359)]
    )
    [found] = run("budget.subproject_year_empty", checked)
    assert found.location.path == ("sub_projects", "settlements", 2021)
    assert found.message == (
        "R3年度は細事業の決算額がすべて「ー」のため、決算額 2,347,126 千円との照合を省きました"
    )


# --- Full cost -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "per_person", "expected"),
    [
        (2023, 9_000, 206_709 + 36_000),
        (2022, 9_000, 211_980 + 45_000),
        (2021, 9_000, 2_347_126 + 45_000),
        (2023, 8_000, 206_709 + 32_000),
        (2023, 0, 206_709),
        (2020, 9_000, None),
    ],
)
def test_full_cost(year: int, per_person: int, expected: int | None) -> None:
    assert full_cost(seed_000(), year, per_person) == expected


@pytest.mark.parametrize(
    ("staff", "per_person", "expected"),
    [
        ("4.0", 9_000, 36_000),
        ("4.5", 9_000, 40_500),
        ("0.15", 9_003, 1_350),  # 1,350.45 → 1,350
        ("0.5", 9_001, 4_501),  # 4,500.5 → 4,501: half up
        ("0", 9_000, 0),
    ],
)
def test_personnel_cost_rounds_half_up_to_whole_thousands(
    staff: str, per_person: int, expected: int
) -> None:
    assert personnel_cost(Decimal(staff), per_person) == expected


@pytest.mark.parametrize("blank", ["settlement", "staff"])
def test_full_cost_needs_settlement_and_staff(blank: str) -> None:
    checked = with_r5(**{blank: None})
    assert full_cost(checked, 2023) is None
    [r5, *_] = full_costs(checked)
    assert r5.full_cost is None


def test_full_costs_of_every_row_in_sheet_order() -> None:
    costs = full_costs(seed_000())
    assert [cost.fiscal_year for cost in costs] == [2023, 2022, 2021]
    assert [cost.personnel_cost for cost in costs] == [36_000, 45_000, 45_000]
    assert costs[0].full_cost == 242_709


# --- Cost per unit of output -----------------------------------------------------------------


def test_unit_costs_of_seed_000() -> None:
    costs = {(cost.sub_project, cost.label): cost for cost in unit_costs(seed_000())}
    council = costs[(1, "審議会開催回数")]
    assert (council.settlement, council.quantity, council.cost_per_unit) == (
        2_272,
        Decimal(2),
        Decimal(1_136),
    )
    assert not council.shared
    registrations = costs[(3, "新規登録者数")]
    assert registrations.cost_per_unit == Decimal("25.514")  # 10,384 / 407 = 25.5135…
    assert registrations.unit == "者"
    assert registrations.shared
    assert costs[(3, "ポータルサイトでの優良事例紹介件数")].cost_per_unit == Decimal("2076.8")
    assert costs[(5, "研究会実施回数")].shared
    assert all(cost.fiscal_year == 2023 for cost in costs.values())
    assert 4 not in {number for number, _ in costs}  # no quantity


def counted(label: str, value: int, unit: str, r5: int | None = 300) -> SubProject:
    """A sub-project (R3 100, R4 200, R5 ``r5``) with one component bearing one quantity."""
    return sub_project(
        1, "細事業", 100, 200, r5, component(1, "取組", quantity(label, value, unit))
    )


@pytest.mark.parametrize(
    ("project", "year", "expected"),
    [
        (counted("回数", 2, "回"), 2023, [150]),
        (counted("回数", 2, "回", r5=None), 2023, []),
        (counted("回数", 2, "回", r5=None), 2022, [100]),
        (counted("補助金", 74_845, "千円"), 2023, []),
        (counted("満足度", 90, "%"), 2023, []),
        (counted("件数", 0, "件"), 2023, []),
        (counted("受講者数", 3, "人", r5=1_000), 2023, [Decimal("333.333")]),
    ],
)
def test_unit_cost_cases(project: SubProject, year: int, expected: list[Decimal]) -> None:
    checked = sheet(sub_projects=[project])
    costs = unit_costs(checked, year if year != 2023 else None)
    assert [cost.cost_per_unit for cost in costs] == expected


def test_describe_unit_cost() -> None:
    costs = {cost.label: cost for cost in unit_costs(seed_000())}
    assert describe_unit_cost(costs["審議会開催回数"]) == (
        "商工業企画調査事業 審議会開催回数 2 回: 1 回あたり 1,136 千円"
    )
    assert describe_unit_cost(costs["新規登録者数"]) == (
        "SDGｓ推進企業支援事業 新規登録者数 407 者: 1 者あたり 25.514 千円（他の取組の費用を含む）"
    )
