"""Issue 11: the whole stage of the cycle over HTTP, on SQLite and on PostgreSQL — the same
steps as ``tests/browser/test_review_cycle.py`` (which runs them in Chromium on SQLite):
create and fill a new program's sheet, upload another's workbook, submit, comment and
return, fix and resubmit, approve and publish, correct a figure and a text through a
reviewed correction draft, and start the next stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.accounts import Role, add_user
from hyoka.stages import WorkflowState
from hyoka.store import transaction
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.correction_drafts import correction_draft
from hyoka.store.staff.review import list_comments
from hyoka.store.staff.workflow import status
from sheets import sample_sheet
from test_web_staff import PASSWORD, edit_form, login, token
from test_web_staff_create import confirm, new_program_workbook, upload
from web_support import client_for, store


@pytest.fixture
def site(engine: Engine, db_url: str) -> Iterator[tuple[TestClient, Engine]]:
    store(engine, [sample_sheet()])
    with transaction(engine) as session:
        for name, role in (("editor", Role.EDITOR), ("reviewer", Role.REVIEWER)):
            add_user(
                session=session,
                login=name,
                password=PASSWORD,
                role=role,
                department="産業労働部" if role is Role.EDITOR else "",
                actor="test",
            )
    with client_for(db_url) as client:
        yield client, engine


def _post(client: TestClient, url: str, **data: str) -> str:
    """POST with the CSRF token; the page it redirects to (asserting a redirect)."""
    done = client.post(url, data={"csrf_token": token(client), **data}, follow_redirects=False)
    assert done.status_code == 303, (url, done.status_code, done.text[:3000])
    location: str = done.headers["location"]
    return location


def _submit(client: TestClient, sheet_id: int) -> None:
    url = f"/staff/sheets/{sheet_id}/actions/submit"
    answer = client.post(url, data={"csrf_token": token(client)}, follow_redirects=False)
    if answer.status_code == 409:  # 誤り: submitted with the editor's reason
        assert "誤りのまま提出する理由" in answer.text
        _post(client, url, reason="新規事業のため、決算額は翌年度に記入します")
    else:
        assert answer.status_code == 303, answer.text[:3000]


def _state(engine: Engine, sheet_id: int) -> WorkflowState:
    with transaction(engine) as session:
        return status(session=session, sheet_id=sheet_id).state


def test_a_stage_of_the_cycle_over_http(site: tuple[TestClient, Engine]) -> None:
    client, engine = site
    editor, reviewer = login(client, "editor"), login(client, "reviewer")

    # 1. A new program's sheet, filled in.
    created = _post(
        editor,
        "/staff/new",
        program_number="07 09 05",
        program_name="新規事業",
        department="産業労働部",
        section="産業政策課",
        fiscal_year="2024",
        stage="当初要求",
    )
    new_id = int(re.search(r"/staff/sheets/(\d+)", created).group(1))  # type: ignore[union-attr]
    fields = edit_form(editor, new_id)
    fields.update(
        {
            "purpose": "県内企業の新しい取組を支える",
            "ind-0-number": "①",
            "ind-0-name": "支援した企業数",
            "ind-0-unit": "社",
            "ind-0-val-0-year": "2024",
            "ind-0-val-0-kind": "target",
            "ind-0-val-0-value": "30",
            "cost-0-year": "2024",
            "cost-0-initial_budget": "1000",
            "cost-0-total": "1000",
            "cost-0-general_revenue": "1000",
        }
    )
    assert _post(editor, f"/staff/sheets/{new_id}/edit", **fields).endswith("notice=saved")

    # 2. Another program's workbook, uploaded.
    assert confirm(editor, upload(editor, new_program_workbook())).status_code == 303

    # 3. Submitted; the reviewer reads it, comments on an item and returns it.
    _submit(editor, new_id)
    assert _state(engine, new_id) is WorkflowState.SUBMITTED
    review = reviewer.get(f"/staff/sheets/{new_id}").text
    assert "支援した企業数" in review and "県内企業の新しい取組を支える" in review
    _post(reviewer, f"/staff/sheets/{new_id}/comments", body="対象を具体的に", field_path="purpose")
    _post(reviewer, f"/staff/sheets/{new_id}/actions/return", comment="事業目的を具体的に")
    with transaction(engine) as session:
        [comment, reason] = list_comments(session=session, sheet_id=new_id)
    assert comment.field_path == "purpose" and reason.body == "事業目的を具体的に"

    # 4. The editor sees why, fixes and resubmits.
    assert "事業目的を具体的に" in editor.get(f"/staff/sheets/{new_id}").text
    fields = edit_form(editor, new_id)
    fields["purpose"] = "県内の中小企業の新しい取組を支える"
    _post(editor, f"/staff/sheets/{new_id}/edit", **fields)
    _submit(editor, new_id)

    # 5. Approved: public.
    _post(reviewer, f"/staff/sheets/{new_id}/actions/approve")
    assert _state(engine, new_id) is WorkflowState.APPROVED
    assert "県内の中小企業の新しい取組を支える" in client.get(f"/sheets/{new_id}").text

    # 6. A correction of a figure and a text: a draft the public does not see.
    fields = edit_form(editor, new_id)
    fields.update(
        {
            "cost-0-initial_budget": "1200",
            "cost-0-total": "1200",
            "cost-0-general_revenue": "1200",
            "purpose": "県内の中小企業と小規模事業者の新しい取組を支える",
            "reason": "転記誤りのため",
        }
    )
    assert _post(editor, f"/staff/sheets/{new_id}/edit", **fields).endswith("notice=correction")
    _submit(editor, new_id)
    with transaction(engine) as session:
        draft = correction_draft(session=session, sheet_id=new_id)
    assert draft is not None and draft.state is WorkflowState.SUBMITTED
    public = client.get(f"/api/sheets/{new_id}").json()
    assert "小規模事業者" not in public["sheet"]["purpose"] and public["corrections"] == []

    # 7. The reviewer approves it: both corrections are listed, dated, with the reason.
    _post(reviewer, f"/staff/sheets/{new_id}/actions/approve")
    public = client.get(f"/api/sheets/{new_id}").json()
    assert "小規模事業者" in public["sheet"]["purpose"]
    listed = {note["item"]: note for note in public["corrections"]}
    assert listed["事業コスト 令和6年度 当初予算（千円）"]["after"] == "1,200"
    assert listed["2 事業目的"]["before"] == "県内の中小企業の新しい取組を支える"
    assert all(
        note["reason"] == "転記誤りのため" and note["corrected_at"] for note in listed.values()
    )
    with transaction(engine) as session:
        [correct] = list_changes(session=session, target_sheet_id=new_id, action="sheet.correct")
    assert (correct.actor, correct.after["修正者"]) == ("reviewer", "editor")

    # 8. The next stage starts from the approved version.
    following = _post(editor, f"/staff/sheets/{new_id}/next-stage")
    next_id = int(re.search(r"/staff/sheets/(\d+)", following).group(1))  # type: ignore[union-attr]
    assert next_id != new_id and _state(engine, next_id) is WorkflowState.DRAFT
    assert "当初予算案" in editor.get(f"/staff/sheets/{next_id}").text
