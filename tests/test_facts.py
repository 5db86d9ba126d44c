"""The report facts (hyoka.rules.facts) agree with the stored sheets after save, re-save,
delete, and when filled in for sheets stored without them.

Expected values are computed here from the sheets with plain comparisons and sums.
"""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, delete, func, select

from hyoka.importers.judgit import sheet_from_record
from hyoka.model import Sheet, ValueKind
from hyoka.store import save_sheet, transaction
from hyoka.store.reports.facts import fill_missing_facts
from hyoka.store.schema.facts import (
    FactIssueRow,
    FactMoneyRow,
    FactOutcomeRow,
    FactSheetRow,
    FactUnitCostRow,
)
from hyoka.store.schema.sheets import SheetRow
from hyoka.store.sheets.writer import save_sheets

SAMPLE = Path(__file__).parent / "data" / "judgit" / "judgit-sample.ndjson.gz"
MILLION = Decimal(1_000_000)
TABLES = (FactSheetRow, FactOutcomeRow, FactMoneyRow, FactUnitCostRow, FactIssueRow)


def _sheets() -> list[Sheet]:
    with gzip.open(SAMPLE) as stream:
        return [sheet_from_record(orjson.loads(line)) for line in stream]


def _expected(sheet: Sheet) -> dict[str, Any]:
    """What the facts must say of a national sheet, by hand."""
    closed = sheet.header.fiscal_year - 1
    outcomes = []
    for indicator in sheet.indicators:
        targets = {
            v.fiscal_year: v.value
            for v in indicator.values
            if v.kind is ValueKind.TARGET and v.value is not None
        }
        actuals = {
            v.fiscal_year: v.value
            for v in indicator.values
            if v.kind is ValueKind.ACTUAL and v.value is not None
        }
        both = [year for year in targets if year in actuals and year <= closed]
        judged = max(both, default=None)
        achieved = None if judged is None else actuals[judged] >= targets[judged]
        outcomes.append((indicator.name, bool(targets), judged, achieved))
    money = sorted(
        (
            row.fiscal_year,
            None if row.total is None else row.total * MILLION,
            None if row.executed is None or row.fiscal_year > closed else row.executed * MILLION,
        )
        for row in sheet.budgets
    )
    mismatches = 0
    for row in sheet.budgets:
        parts = [
            row.initial_budget,
            row.supplementary,
            row.carried_over,
            row.reserve,
            row.carried_forward,
        ]
        if row.total is not None and None not in parts:
            mismatches += abs(row.total - sum(p for p in parts if p is not None)) * MILLION >= 1
    return {"outcomes": outcomes, "money": money, "mismatches": mismatches}


def _stored(engine: Engine, sheet: Sheet) -> dict[str, Any] | None:
    number, year, stage = sheet.key
    with transaction(engine) as session:
        sheet_id = session.scalar(
            select(SheetRow.id).where(
                SheetRow.program_number == number,
                SheetRow.fiscal_year == year,
                SheetRow.stage == stage.value,
            )
        )
        outcomes = session.execute(
            select(
                FactOutcomeRow.name,
                FactOutcomeRow.has_target,
                FactOutcomeRow.judged_year,
                FactOutcomeRow.achieved,
            )
            .where(FactOutcomeRow.sheet_id == sheet_id)
            .order_by(FactOutcomeRow.position)
        ).all()
        money = session.execute(
            select(FactMoneyRow.fiscal_year, FactMoneyRow.total_yen, FactMoneyRow.executed_yen)
            .where(FactMoneyRow.sheet_id == sheet_id)
            .order_by(FactMoneyRow.position)
        ).all()
        mismatches = session.scalar(
            select(func.count()).where(
                FactIssueRow.sheet_id == sheet_id, FactIssueRow.check == "budget.total_mismatch"
            )
        )
    if sheet_id is None:
        return None
    return {
        "outcomes": [tuple(row) for row in outcomes],
        "money": sorted(tuple(row) for row in money),
        "mismatches": mismatches,
    }


def _counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES
        }


@pytest.mark.parametrize("path", ["orm", "bulk"])
def test_facts_follow_save_resave_and_delete(engine: Engine, path: str) -> None:
    sheets = _sheets()
    with transaction(engine) as session:
        if path == "orm":
            for sheet in sheets:
                save_sheet(session=session, sheet=sheet, source="fixture")
        else:
            save_sheets(session=session, sheets=[(sheet, "fixture") for sheet in sheets])
    for sheet in sheets:
        assert _stored(engine, sheet) == _expected(sheet)
    assert _counts(engine)["fact_sheets"] == len(sheets)
    assert sum(len(_expected(sheet)["outcomes"]) for sheet in sheets) > 0

    # Re-save with a changed budget and an actual moved below its target.
    target = next(sheet for sheet in sheets if sheet.budgets and sheet.indicators)
    changed = target.model_copy(deep=True)
    changed.budgets[0].total = Decimal("123.456789")
    for value in changed.indicators[0].values:
        if value.kind is ValueKind.ACTUAL and value.value is not None:
            value.value = Decimal(-1)
    with transaction(engine) as session:
        if path == "orm":
            save_sheet(session=session, sheet=changed, source="edit")
        else:
            save_sheets(session=session, sheets=[(changed, "edit")])
    assert _stored(engine, changed) == _expected(changed)
    assert _expected(changed) != _expected(target)

    # Deleting a sheet deletes its facts (ON DELETE CASCADE).
    before = _counts(engine)
    with transaction(engine) as session:
        number, year, stage = changed.key
        session.execute(
            delete(SheetRow).where(
                SheetRow.program_number == number,
                SheetRow.fiscal_year == year,
                SheetRow.stage == stage.value,
            )
        )
    after = _counts(engine)
    assert _stored(engine, changed) is None
    assert after["fact_sheets"] == before["fact_sheets"] - 1
    assert after["fact_outcomes"] == before["fact_outcomes"] - len(changed.indicators)
    assert after["fact_money"] == before["fact_money"] - len(changed.budgets)


def test_facts_are_filled_for_sheets_stored_without_them(engine: Engine) -> None:
    sheets = _sheets()
    with transaction(engine) as session:
        save_sheets(session=session, sheets=[(sheet, "fixture") for sheet in sheets])
    complete = _counts(engine)
    with transaction(engine) as session:
        for table in reversed(TABLES):
            session.execute(delete(table))
    assert set(_counts(engine).values()) == {0}
    with transaction(engine) as session:
        assert fill_missing_facts(session=session, batch=7) == len(sheets)
    with transaction(engine) as session:
        assert fill_missing_facts(session=session) == 0
    assert _counts(engine) == complete
    for sheet in sheets:
        assert _stored(engine, sheet) == _expected(sheet)
