"""The rules package: check_sheet, derive, the documented registry, and its boundaries."""

from __future__ import annotations

import ast
import doctest
import re
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

import hyoka.rules
from hyoka.model import Achievement, Trend
from hyoka.rules import (
    DEFAULT_PERSONNEL_COST_PER_PERSON,
    PaceStatus,
    Severity,
    SheetDerived,
    all_rules,
    budget,
    check_sheet,
    derive,
    findings,
    indicators,
)
from hyoka.settings import Settings
from rules_sheets import excellence, indicator, sdgs, seed_000, seed_000_costs, sub_project

ROOT = Path(__file__).resolve().parents[1]
RULES_DOC = ROOT / "docs" / "rules.md"
RULES_SOURCE = ROOT / "src" / "hyoka" / "rules"


# --- Documentation that cannot drift ---------------------------------------------------------


def documented_codes() -> list[str]:
    return re.findall(r"^### `([a-z_]+\.[a-z_]+)`", RULES_DOC.read_text(), flags=re.MULTILINE)


def test_every_rule_is_documented() -> None:
    documented = documented_codes()
    missing = [item.code for item in all_rules() if item.code not in documented]
    assert missing == [], f"add these rules to {RULES_DOC}"


def test_docs_name_no_unknown_rule_and_follow_the_registry_order() -> None:
    assert documented_codes() == [item.code for item in all_rules()]


@pytest.mark.parametrize("item", all_rules(), ids=lambda item: item.code)
def test_each_rule_has_a_title_a_docstring_and_its_severity_in_the_docs(
    item: hyoka.rules.Rule,
) -> None:
    assert re.fullmatch(r"(indicator|budget)\.[a-z_]+", item.code)
    assert item.title and item.doc
    section = RULES_DOC.read_text().split(f"### `{item.code}`", 1)[1].split("\n### ", 1)[0]
    assert item.title in section
    assert f"Severity: {item.severity.value}" in section
    assert "Example:" in section


@pytest.mark.parametrize("module", [hyoka.rules, findings, indicators, budget])
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0


def test_default_personnel_cost_is_the_settings_default() -> None:
    assert Settings.model_fields["personnel_cost_per_person"].default == (
        DEFAULT_PERSONNEL_COST_PER_PERSON
    )


# --- Boundaries --------------------------------------------------------------------------------

FORBIDDEN = ("hyoka.store", "hyoka.web", "hyoka.importers", "hyoka.render", "hyoka.cli")
FORBIDDEN_LIBRARIES = ("sqlalchemy", "alembic", "psycopg", "sqlite3")


@pytest.mark.parametrize("path", sorted(RULES_SOURCE.glob("*.py")), ids=lambda path: path.name)
def test_rules_import_neither_store_web_importers_nor_a_database(path: Path) -> None:
    imported: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    for name in imported:
        assert not name.startswith(FORBIDDEN), name
        assert name.split(".")[0] not in FORBIDDEN_LIBRARIES, name


# --- check_sheet ---------------------------------------------------------------------------------


def test_seed_000_findings() -> None:
    found = check_sheet(seed_000())
    assert [(item.code, item.location.path) for item in found] == [
        ("budget.subproject_sum_mismatch", ("sub_projects", "settlements", 2022)),
        ("budget.subproject_sum_mismatch", ("sub_projects", "settlements", 2021)),
    ]
    assert all(item.severity is Severity.WARNING for item in found)


def test_findings_come_in_sheet_order() -> None:
    costs = seed_000_costs()
    costs[0] = costs[0].model_copy(update={"total": 209_740, "general_revenue": None})
    costs[2] = costs[2].model_copy(update={"general_revenue": 3_000_000})
    broken = seed_000(
        indicators=[
            indicator("①"),
            excellence().model_copy(update={"printed_achievement": Achievement.NOT_ACHIEVED}),
            sdgs().model_copy(update={"printed_trends": {2022: Trend.IMPROVED}}),
        ],
        costs=costs,
    )
    found = [(item.code, item.location.path) for item in check_sheet(broken)]
    assert found == [
        ("indicator.no_values", ("indicators", "①")),
        ("indicator.achievement_mismatch", ("indicators", "②-1", "achievement")),
        ("indicator.trend_mismatch", ("indicators", "②-2", "trends", 2022)),
        ("budget.total_mismatch", ("costs", 2023, "total")),
        ("budget.missing_cell", ("costs", 2023, "general_revenue")),
        ("budget.general_revenue_exceeds_total", ("costs", 2021, "general_revenue")),
        ("budget.subproject_sum_mismatch", ("sub_projects", "settlements", 2022)),
        ("budget.subproject_sum_mismatch", ("sub_projects", "settlements", 2021)),
    ]


def test_sub_project_findings_follow_the_cost_table_years() -> None:
    checked = seed_000(
        costs=seed_000_costs()[1:],  # no R5 row
        sub_projects=[sub_project(1, "一部", 100, None, 300)],
    )
    found = [(item.code, item.location.path) for item in check_sheet(checked)]
    assert found == [
        ("budget.missing_cell", ("costs", 2023)),
        ("budget.subproject_year_empty", ("sub_projects", "settlements", 2022)),
        ("budget.subproject_sum_mismatch", ("sub_projects", "settlements", 2021)),
    ]


def test_printed_values_are_never_overwritten() -> None:
    printed = sdgs().model_copy(update={"printed_trends": {2023: Trend.IMPROVED}})
    checked = seed_000(indicators=[printed])
    before = checked.model_dump()
    check_sheet(checked)
    derived = derive(checked)
    assert checked.model_dump() == before
    assert checked.indicators[0].printed_trends[2023] is Trend.IMPROVED
    assert derived.indicators[0].trends[2023] is Trend.WORSENED


# --- derive ------------------------------------------------------------------------------------


def test_derive_seed_000() -> None:
    derived = derive(seed_000())
    assert (derived.fiscal_year, derived.as_of_year) == (2023, 2023)
    excellence_, sdgs_ = derived.indicators
    assert excellence_.trends == {
        2021: Trend.NO_VALUE,
        2022: Trend.WORSENED,
        2023: Trend.UNCHANGED,
    }
    assert sdgs_.trends[2023] is Trend.WORSENED
    assert sdgs_.achievement is Achievement.ACHIEVED
    assert sdgs_.assessment is not None and sdgs_.assessment.target == 150
    assert [cost.full_cost for cost in derived.full_costs] == [242_709, 256_980, 2_392_126]
    assert [total.difference for total in derived.sub_project_totals] == [0, 5_391, 2_341_252]
    assert len(derived.unit_costs) == 8


def test_derive_uses_the_personnel_cost_given() -> None:
    derived = derive(seed_000(), personnel_cost_per_person=8_000)
    assert derived.personnel_cost_per_person == 8_000
    assert derived.full_costs[0].full_cost == 206_709 + 32_000


def test_derive_pace_of_a_cumulative_indicator() -> None:
    recurrent = indicator(
        "①", actuals={2023: 2708}, targets={2027: 20000}, cumulative=(2023, 2027), unit="人"
    )
    derived = derive(seed_000(indicators=[recurrent]))
    pace = derived.indicators[0].pace
    assert pace is not None
    assert pace.status is PaceStatus.AT_RISK
    assert pace.required_rate == Decimal(4323)
    assert derived.indicators[0].achievement is None  # judged in 2027


def test_sheet_derived_round_trips_through_json() -> None:
    derived = derive(seed_000())
    assert SheetDerived.model_validate_json(derived.model_dump_json()) == derived
