"""Issue 12 finding 1: a figure typed into the staff form cannot freeze the server.

``1e99999999`` in a money field kept a worker at full CPU for minutes (Decimal → int),
``1e999999`` answered 500 after 27 s (the 4,300-digit limit of int → str in the rules).
Every figure is now bounded by :mod:`hyoka.numbers` before any arithmetic: the check
and the save answer at once, with a Japanese error next to the field (SQLite).
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.store import transaction
from hyoka.store.staff.correction_drafts import correction_draft
from hyoka.store.staff.refs import current_sheet
from test_web_staff import edit_form, field_named, login, value_field
from test_web_staff import site as site  # the staff tests' fixtures
from test_web_staff import template_database as template_database

HOSTILE = [
    "1e99999999",
    "-1e99999999",
    "1e999999",
    "9" * 40,
    "9" * 5000,
    "NaN",
    "-Infinity",
    "1e-999999",
    "0e99999999",
    "1e5",
    "1000000000000000",  # 16 digits: past what a 千円 amount holds
    "0." + "1" * 30,
    "٣",  # an Arabic-Indic digit: Decimal reads it, a sheet never prints it
]
QUICK = 1.0  # seconds; a normal check answers in a few hundredths (unbounded: minutes)
QUICK_PAGE = 2.0  # the edit page rendered again with the errors: a few tenths


def _money(fields: dict[str, str]) -> str:
    return "cost-0-total"


def _indicator(fields: dict[str, str]) -> str:
    return value_field(fields, field_named(fields, "ind-", "②-1"), "2023", "actual")


def _staff(fields: dict[str, str]) -> str:
    return "cost-0-staff"


FIELDS = {"money": _money, "indicator": _indicator, "staff": _staff}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("field", FIELDS)
def test_the_live_check_refuses_unbounded_figures_at_once(
    site: tuple[TestClient, Engine, list[int]], field: str
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    name = FIELDS[field](fields)
    for typed in HOSTILE:
        start = time.perf_counter()
        answer = editor.post(
            f"/staff/sheets/{seed}/check",
            data={**fields, name: typed},
            headers={"X-CSRF-Token": fields["csrf_token"]},
        )
        elapsed = time.perf_counter() - start
        assert answer.status_code == 200, (typed[:20], answer.text[:300])
        errors = answer.json()["errors"]
        assert name in errors, (typed[:20], errors)
        assert any("\u3040" <= char <= "\u30ff" for char in errors[name]), errors[name]
        assert elapsed < QUICK, (typed[:20], elapsed)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("field", ["money", "indicator"])
def test_a_save_with_an_unbounded_figure_is_refused_next_to_the_field(
    site: tuple[TestClient, Engine, list[int]], field: str
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    name = FIELDS[field](fields)
    said = {
        "1e99999999": "指数表記（1e5 など）は使えません",
        "1e999999": "指数表記（1e5 など）は使えません",
        "9" * 40: "数値が大きすぎます（整数部は15桁まで）",
        "NaN": "数値で入力してください",
        "Infinity": "数値で入力してください",
        "1e-999999": "指数表記（1e5 など）は使えません",
    }
    for typed, message in said.items():
        start = time.perf_counter()
        refused = editor.post(
            f"/staff/sheets/{seed}/edit", data={**fields, name: typed, "reason": "訂正"}
        )
        elapsed = time.perf_counter() - start
        assert refused.status_code == 400, (typed[:20], refused.text[:300])
        assert f'id="e-{name}"' in refused.text, typed[:20]
        assert message in refused.text, typed[:20]
        assert elapsed < QUICK_PAGE, (typed[:20], elapsed)
    with transaction(engine) as session:
        ref, _sheet = current_sheet(session=session, sheet_id=seed)
    assert ref.revision == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("999,999,999,999,999", 999_999_999_999_999),  # 15 digits: the largest 千円 amount
        ("△１２,３４５", -12345),  # full-width digits and △ as before
        ("▲ 1,000", -1000),
    ],
)
def test_figures_within_the_bounds_are_still_read(
    site: tuple[TestClient, Engine, list[int]], typed: str, stored: int
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    fields["cost-0-settlement"], fields["reason"] = typed, "決算額の訂正"
    saved = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    with transaction(engine) as session:
        draft = correction_draft(session=session, sheet_id=seed)
    assert draft is not None
    assert draft.sheet.costs[0].settlement == stored
