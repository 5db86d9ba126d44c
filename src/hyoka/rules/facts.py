"""Report facts: each sheet's judgements, money, unit costs and quality findings, at save.

The cross-sheet reports (``hyoka.analytics``) used to read every figure of every sheet and
judge it with the rules on each run (4–20 s over 21,000 national sheets). The judging
depends on one sheet only, so it is done here when the sheet is saved, with the same rules
(``hyoka.rules``, pure functions over the model), and the reports aggregate the rows of
``facts_tables``. :func:`sheet_facts` computes one sheet's facts (pure);
:mod:`hyoka.store.reports.facts` stores them, with every save and bulk import.

Example::

    facts = sheet_facts(sheet)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from hyoka.display import money
from hyoka.eras import era_label
from hyoka.model import (
    Achievement,
    Indicator,
    MoneyUnit,
    Sheet,
    SheetKind,
    ValueKind,
)
from hyoka.rules.budget import unit_costs
from hyoka.rules.findings import (
    RuleContext,
    as_of_year,
    get_rule,
    plain,
    to_yen,
    yen_per,
)
from hyoka.rules.indicators import Pace, PaceStatus, assess, latest_figure_year, pace

VERSION = 2
"""Raise when the computation changes: ``hyoka.store.reports.facts.fill_missing_facts`` recomputes
older rows."""

NATIONAL_TOLERANCE = Decimal("0.000001")  # 1 yen in 百万円: float noise of the source


def closed_year(sheet: Sheet) -> int:
    """The last fiscal year whose actuals and money are final on the sheet.

    Prefecture: the rules' as-of year (the sheet's year at 点検, earlier at the budget
    stages). National: a sheet published in 公開年度 Y reports 実績 and 執行額 up to Y−1.
    """
    if sheet.header.kind in (SheetKind.NATIONAL, SheetKind.MUNICIPAL):
        # A 市町村 sheet of 年度 Y gives actuals up to Y−1 and the plan of Y.
        return sheet.header.fiscal_year - 1
    return as_of_year(sheet)


def _printed(indicator: Indicator) -> Indicator:
    # As the reports always read an indicator: the printed figures (blanks left out),
    # without printed trends or achievement.
    return indicator.model_copy(
        update={
            "values": [value for value in indicator.values if value.value is not None],
            "printed_trends": {},
            "printed_achievement": None,
        }
    )


def _printed_actual(indicator: Indicator, fiscal_year: int) -> Decimal | None:
    """``_printed(indicator).value(fiscal_year, ACTUAL)`` without copying the model (a
    copy per 活動指標 was ~5 % of the facts' CPU at import)."""
    for item in indicator.values:
        if (
            item.fiscal_year == fiscal_year
            and item.kind == ValueKind.ACTUAL
            and item.value is not None
        ):
            return item.value
    return None


# --- What one sheet contributes ----------------------------------------------------------


@dataclass
class SheetFacts:
    closed_year: int
    outcomes: list[dict[str, Any]]
    money: list[dict[str, Any]]
    unit_costs: list[dict[str, Any]]
    issues: list[dict[str, Any]]


def sheet_facts(sheet: Sheet) -> SheetFacts:
    """The facts of one sheet (rows without ``sheet_id``)."""
    last = closed_year(sheet)
    context = RuleContext(fiscal_year=sheet.header.fiscal_year, as_of_year=last)
    outcomes: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    missing_actual = get_rule("indicator.target_without_actual")
    for position, raw in enumerate(sheet.indicators):
        indicator = _printed(raw)
        outcomes.append({"position": position, **_judgement(indicator, last)})
        if not outcomes[-1]["has_target"]:
            note = f"（目標値の記載: {raw.target_text}）" if raw.target_text else ""
            issues.append(
                _issue(
                    "outcome.no_target",
                    raw.name,
                    f"成果指標「{raw.name}」に数値の目標値がありません{note}",
                )
            )
            continue
        alone = sheet.model_copy(update={"indicators": [indicator], "costs": []})
        for finding in missing_actual.run(alone, context):
            issues.append(_issue("outcome.target_without_actual", raw.name, finding.message))
    rows = _money_rows(sheet)
    issues += _budget_issues(sheet, context)
    for position, issue in enumerate(issues):
        issue["position"] = position
    return SheetFacts(
        closed_year=last,
        outcomes=outcomes,
        money=_money_facts(sheet, rows, last),
        unit_costs=_unit_costs(sheet, rows, last),
        issues=issues,
    )


def _issue(check: str, subject: str, message: str) -> dict[str, Any]:
    return {"check": check, "subject": subject, "message": message}


def _judgement(indicator: Indicator, last: int) -> dict[str, Any]:
    found: dict[str, Any] = {
        "number": indicator.number,
        "name": indicator.name,
        "unit": indicator.unit,
        "has_target": any(
            v.kind is ValueKind.TARGET and v.value is not None for v in indicator.values
        ),
        "judged_year": None,
        "judged_target": None,
        "judged_actual": None,
        "achieved": None,
        "at_risk": False,
        "cumulative": indicator.target.cumulative,
        "pace_year": None,
        "pace_end_year": None,
        "pace_target": None,
        "so_far": None,
        "current_rate": None,
        "required_rate": None,
        "remaining_years": None,
    }
    years = sorted({value.fiscal_year for value in indicator.values if value.fiscal_year <= last})
    for fiscal_year in reversed(years):
        assessment = assess(indicator, fiscal_year)
        if assessment is not None:
            found["judged_year"] = fiscal_year
            found["judged_target"] = assessment.target
            found["judged_actual"] = assessment.actual
            found["achieved"] = assessment.achievement is Achievement.ACHIEVED
            break
    progress = behind_pace(indicator, closed=last)
    if progress is not None:
        found.update(
            at_risk=True,
            cumulative=progress.cumulative,
            pace_year=progress.as_of_year,
            pace_end_year=progress.end_year,
            pace_target=progress.target,
            so_far=progress.so_far,
            current_rate=progress.current_rate,
            required_rate=progress.required_rate,
            remaining_years=progress.remaining_years,
        )
    return found


def behind_pace(indicator: Indicator, *, closed: int) -> Pace | None:
    """目標未達のおそれ, the one definition: the pace (``rules.indicators.pace``) as of the
    latest actual or 見込 up to the sheet's ``closed`` year falls short of the pace still
    needed for the final year's target (``PaceStatus.AT_RISK``); None otherwise.

    The at-risk report lists these indicators (``fact_outcomes.at_risk``) and the list's
    目標未達のおそれ flags the sheets holding one (``rules.summaries.summarize``).
    """
    as_of = latest_figure_year(indicator, up_to=closed)
    progress = None if as_of is None else pace(indicator, as_of)
    return progress if progress is not None and progress.status is PaceStatus.AT_RISK else None


@dataclass(frozen=True)
class _MoneyRow:
    fiscal_year: int
    total: Decimal | None
    executed: Decimal | None


def _money_rows(sheet: Sheet) -> list[_MoneyRow]:
    """事業コスト then 予算・執行額, each by year then printed order (as the store reads)."""
    costs = sorted(enumerate(sheet.costs), key=lambda item: (item[1].fiscal_year, item[0]))
    budgets = sorted(enumerate(sheet.budgets), key=lambda item: (item[1].fiscal_year, item[0]))
    return [
        *(
            _MoneyRow(
                cost.fiscal_year,
                None if cost.total is None else Decimal(cost.total),
                None if cost.settlement is None else Decimal(cost.settlement),
            )
            for _, cost in costs
        ),
        *(
            _MoneyRow(row.fiscal_year, comparable_total(sheet, row), row.executed)
            for _, row in budgets
        ),
        *_municipal_money(sheet),
    ]


def prints_gross_total(sheet: Sheet) -> bool:
    """Whether the sheet's 予算計 is the RS system's 計（歳出予算現額合計）: 当初＋補正＋
    前年度からの繰越し＋予備費等, with 翌年度への繰越し printed apart (positive). A JUDGIT!
    予算計 already has 翌年度へ繰越し (△) taken off."""
    return sheet.header.kind is SheetKind.NATIONAL and sheet.project_id is not None


def comparable_total(sheet: Sheet, row: BudgetParts) -> Decimal | None:
    """A national year's 予算計 as the reports add it across years and sources: JUDGIT!'s
    as printed, the RS system's 歳出予算現額 less its 翌年度への繰越し.

    The two systems define 予算計 differently; taken as printed, a program's series would
    jump by its carry-over where JUDGIT! (to 2022) meets RS (from 2024). Less the carry-over,
    an RS year equals the JUDGIT! 予算計 of the same program and year (2021 in both, in
    tests/test_rs_reports.py), and 執行率 keeps one meaning: 執行額 / that 予算計.
    """
    if row.total is None or not prints_gross_total(sheet) or row.carried_forward is None:
        return row.total
    return plain(row.total - row.carried_forward)


def _municipal_money(sheet: Sheet) -> list[_MoneyRow]:
    """A 市町村 sheet's 事業費計: the plan year's is its budget, the earlier years' what was
    spent (the sheet prints no budget for them, so no execution rate)."""
    if sheet.municipal is None:
        return []
    costs = sorted(
        (cost for cost in sheet.municipal.costs if cost.fiscal_year is not None),
        key=lambda cost: cost.fiscal_year or 0,
    )
    return [
        _MoneyRow(
            cost.fiscal_year,
            cost.project_cost if cost.planned else None,
            None if cost.planned else cost.project_cost,
        )
        for cost in costs
        if cost.fiscal_year is not None
    ]


def _money_facts(sheet: Sheet, rows: list[_MoneyRow], last: int) -> list[dict[str, Any]]:
    unit = sheet.money_unit
    execution = next(
        (
            row
            for row in sorted(rows, key=lambda item: item.fiscal_year, reverse=True)
            if row.fiscal_year <= last and row.total is not None and row.executed is not None
        ),
        None,
    )
    return [
        {
            "position": position,
            "fiscal_year": row.fiscal_year,
            "total_yen": None if row.total is None else to_yen(row.total, unit),
            "executed_yen": (
                None
                if row.executed is None or row.fiscal_year > last
                else to_yen(row.executed, unit)
            ),
            "execution": row is execution,
        }
        for position, row in enumerate(rows)
    ]


def _unit_costs(sheet: Sheet, rows: list[_MoneyRow], last: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if sheet.header.kind is SheetKind.NATIONAL:
        spent = {
            row.fiscal_year: to_yen(row.executed, sheet.money_unit)
            for row in rows
            if row.executed is not None and row.fiscal_year <= last
        }
        found = _per_output(sheet, spent)
    elif sheet.header.kind is SheetKind.MUNICIPAL:
        found = _municipal_unit_costs(sheet, last)
    elif sheet.header.fiscal_year <= last:  # the year's 決算額 is known
        for item in unit_costs(sheet):
            yen = item.cost_per_unit * MoneyUnit.THOUSAND_YEN.yen
            found.append(
                {
                    "match_key": f"{item.sub_project}\t{item.label}\t{item.unit}",
                    "fiscal_year": item.fiscal_year,
                    "output": f"{item.sub_project_name} {item.label}",
                    "unit": item.unit,
                    "quantity": item.quantity,
                    "money_yen": to_yen(Decimal(item.settlement), MoneyUnit.THOUSAND_YEN),
                    "cost_per_unit_yen": (
                        yen.quantize(Decimal(1)) if yen == yen.to_integral_value() else yen
                    ),
                    "previous_year": None,
                    "previous_cost_per_unit_yen": None,
                    "shared": item.shared,
                }
            )
    for position, row in enumerate(found):
        row["position"] = position
    return found


def _municipal_unit_costs(sheet: Sheet, last: int) -> list[dict[str, Any]]:
    """Full cost per unit of each 活動指標: the sheet's トータルコスト (事業費 + 人件費, as
    the sheet gives them, not recomputed) / the activity's actual, latest closed year."""
    if sheet.municipal is None:
        return []
    unit = sheet.money_unit
    spent = {
        cost.fiscal_year: to_yen(cost.total_cost, unit)
        for cost in sheet.municipal.costs
        if cost.fiscal_year is not None
        and cost.fiscal_year <= last
        and not cost.planned
        and cost.total_cost is not None
    }
    return _per_output(sheet, spent)


def _per_output(sheet: Sheet, spent: dict[int, Decimal]) -> list[dict[str, Any]]:
    """Money per unit of each 活動指標 (national and municipal sheets): the latest year with
    both the money spent (yen) and a positive actual, and the year before it."""
    found: list[dict[str, Any]] = []
    for indicator in sheet.outputs:
        costs: dict[int, tuple[Decimal, Decimal]] = {}
        for fiscal_year, amount in spent.items():
            quantity = _printed_actual(indicator, fiscal_year)
            if quantity is not None and quantity > 0:
                costs[fiscal_year] = (quantity, yen_per(amount, quantity))
        if not costs:
            continue
        latest = max(costs)
        quantity, cost = costs[latest]
        previous = costs.get(latest - 1)
        found.append(
            {
                "match_key": "",
                "fiscal_year": latest,
                "output": indicator.name,
                "unit": indicator.unit,
                "quantity": quantity,
                "money_yen": spent[latest],
                "cost_per_unit_yen": cost,
                "previous_year": None if previous is None else latest - 1,
                "previous_cost_per_unit_yen": None if previous is None else previous[1],
                "shared": len(sheet.outputs) > 1,
            }
        )
    return found


class BudgetParts(Protocol):
    """A national budget year's figures (a sheet's :class:`~hyoka.model.BudgetRow` or a
    stored money fact)."""

    @property
    def fiscal_year(self) -> int: ...
    @property
    def initial_budget(self) -> Decimal | None: ...
    @property
    def supplementary(self) -> Decimal | None: ...
    @property
    def carried_over(self) -> Decimal | None: ...
    @property
    def reserve(self) -> Decimal | None: ...
    @property
    def carried_forward(self) -> Decimal | None: ...
    @property
    def total(self) -> Decimal | None: ...


def national_total_gap(row: BudgetParts, *, gross: bool = False) -> Decimal | None:
    """How far a national 予算計 is from 当初予算＋補正予算＋前年度から繰越し＋予備費等＋
    翌年度へ繰越し (△), in the sheet's unit; None when they agree (within 1 yen in 百万円,
    exactly in 円) or a figure is missing. ``gross``: an RS 計（歳出予算現額合計）, the sum
    without 翌年度への繰越し (see :func:`prints_gross_total`)."""
    parts = (
        row.initial_budget,
        row.supplementary,
        row.carried_over,
        row.reserve,
        *(() if gross else (row.carried_forward,)),
    )
    if row.total is None or any(part is None for part in parts):
        return None
    expected = sum((part for part in parts if part is not None), Decimal(0))
    difference = plain(row.total - expected)
    return difference if abs(difference) >= NATIONAL_TOLERANCE else None


def _budget_issues(sheet: Sheet, context: RuleContext) -> list[dict[str, Any]]:
    issues = []
    if sheet.header.kind is SheetKind.PREFECTURE:
        alone = sheet.model_copy(update={"indicators": []})
        for finding in get_rule("budget.total_mismatch").run(alone, context):
            issues.append(_issue("budget.total_mismatch", finding.location.label, finding.message))
        return issues
    gross = prints_gross_total(sheet)
    for row in sorted(sheet.budgets, key=lambda item: item.fiscal_year):
        difference = national_total_gap(row, gross=gross)
        if difference is None:
            continue
        message = national_total_message(row, difference, sheet.money_unit, gross=gross)
        issues.append(_issue("budget.total_mismatch", era_label(row.fiscal_year), message))
    return issues


def national_total_message(
    row: BudgetParts, difference: Decimal, unit: MoneyUnit, *, gross: bool
) -> str:
    """What a national 予算計 off its parts by ``difference`` (in ``unit``) is told as."""
    year = era_label(row.fiscal_year)
    parts = (
        "当初予算＋補正予算＋前年度からの繰越し＋予備費等"
        if gross
        else "当初予算＋補正予算＋前年度から繰越し＋予備費等＋翌年度へ繰越し（△）"
    )
    in_yen = "" if unit is MoneyUnit.YEN else f"（{money(to_yen(difference, unit))} 円）"
    return (
        f"{year}の予算計 {money(row.total)} {unit.value}が {parts}と "
        f"{money(difference)} {unit.value}{in_yen}異なります"
    )
