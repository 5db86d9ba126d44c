"""Staff editing and the review workflow over HTTP (TestClient, real SQLite per test)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.accounts import Role, add_user
from hyoka.settings import Settings
from hyoka.stages import WorkflowState
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.staff.accounts import update_user
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.correction_drafts import correction_draft
from hyoka.store.staff.refs import current_sheet
from hyoka.store.staff.review import add_comment
from hyoka.store.staff.workflow import create_sheet, save_edit, status
from hyoka.web.app import create_app
from sheets import other_sheet, sample_sheet
from web_support import store

PASSWORD = "長くて推測されにくい合言葉です"
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the sheets and accounts; each test gets a copy of it
    (password hashing is slow on purpose, so the accounts are made once)."""
    path = tmp_path_factory.mktemp("staff") / "template.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    store(engine, [sample_sheet(), other_sheet(department="教育委員会", section="教育政策課")])
    with transaction(engine) as session:
        for login, role, department in [
            ("editor", Role.EDITOR, "産業労働部"),
            ("editor2", Role.EDITOR, "産業労働部"),
            ("outsider", Role.EDITOR, "教育委員会"),
            ("reviewer", Role.REVIEWER, ""),
            ("expert", Role.EXPERT, ""),
        ]:
            add_user(
                session=session,
                login=login,
                password=PASSWORD,
                role=role,
                department=department,
                actor="test",
            )
    engine.dispose()
    return path


@pytest.fixture
def site(tmp_path: Path, template_database: Path) -> Iterator[tuple[TestClient, Engine, list[int]]]:
    path = tmp_path / "hyoka.sqlite"
    shutil.copyfile(template_database, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"))
    engine: Engine = app.state.engine
    with TestClient(app) as client:
        yield client, engine, [1, 2]
    engine.dispose()


def login(client: TestClient, name: str) -> TestClient:
    """A new client of the same app, logged in as ``name``."""
    fresh = TestClient(client.app)
    page = fresh.get("/login")
    token = TOKEN.search(page.text)
    assert token, page.text
    done = fresh.post(
        "/login",
        data={"login": name, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return fresh


def token(client: TestClient) -> str:
    found = TOKEN.search(client.get("/staff").text)
    assert found
    return found.group(1)


def edit_form(client: TestClient, sheet_id: int) -> dict[str, str]:
    """The edit form's fields as the browser would post them."""
    page = client.get(f"/staff/sheets/{sheet_id}/edit")
    assert page.status_code == 200, page.text
    fields: dict[str, str] = {}
    for tag in re.finditer(
        r"<(input|textarea|select)\b([^>]*)>(.*?)(?=</textarea>|</select>|<)", page.text, re.S
    ):
        kind, attributes = tag.group(1), tag.group(2)
        name = re.search(r'name="([^"]+)"', attributes)
        if not name:
            continue
        if kind == "input":
            if 'type="checkbox"' in attributes and "checked" not in attributes:
                continue
            value = re.search(r'value="([^"]*)"', attributes)
            fields[name.group(1)] = _unescape(value.group(1) if value else "")
        elif kind == "textarea":
            fields[name.group(1)] = _unescape(tag.group(3))
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page.text, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        first = re.search(r'<option value="([^"]*)"', select.group(2))
        fields[select.group(1)] = _unescape((chosen or first).group(1)) if (chosen or first) else ""
    return fields


def _unescape(text: str) -> str:
    for escaped, plain in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&#34;", '"'),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(escaped, plain)
    return text


def field_named(fields: dict[str, str], prefix: str, number: str) -> str:
    """The field prefix (``ind-1``) of the indicator numbered ``number``."""
    for key, value in fields.items():
        if key.startswith(prefix) and key.endswith("-number") and value == number:
            return key.removesuffix("-number")
    raise AssertionError(number)


def value_field(fields: dict[str, str], indicator: str, year: str, kind: str) -> str:
    for key, value in fields.items():
        if key.startswith(f"{indicator}-val-") and key.endswith("-year") and value == year:
            row = key.removesuffix("-year")
            if fields[f"{row}-kind"] == kind:
                return f"{row}-value"
    raise AssertionError((indicator, year, kind))


def test_editor_edits_submits_and_the_reviewer_approves(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    assert created.status_code == 303
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    fields = edit_form(editor, new_id)
    indicator = field_named(fields, "ind-", "②-1")
    fields[value_field(fields, indicator, "2024", "target")] = "9"
    saved = editor.post(f"/staff/sheets/{new_id}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    submitted = editor.post(
        f"/staff/sheets/{new_id}/actions/submit",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    reviewer = login(client, "reviewer")
    page = reviewer.get(f"/staff/sheets/{new_id}")
    assert "承認" in page.text and "提出済" in page.text
    approved = reviewer.post(
        f"/staff/sheets/{new_id}/actions/approve",
        data={"csrf_token": token(reviewer)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    with transaction(engine) as session:
        assert status(session=session, sheet_id=new_id).state is WorkflowState.APPROVED
        _ref, sheet = current_sheet(session=session, sheet_id=new_id)
    [target] = [v for v in sheet.indicators[0].values if v.fiscal_year == 2024]
    assert str(target.value) == "9"
    public = client.get(f"/sheets/{new_id}.json").json()
    assert "2024" in str(public) and "9" in str(public)


def _draft_with_errors(editor: TestClient, engine: Engine, seed: int) -> int:
    """Next year's draft of ``seed`` with two 誤り in its first cost row; its id."""
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=new_id)
        row = sheet.costs[0]
        row.carried_over, row.initial_budget, row.supplementary = 0, 1_000, 0
        row.total, row.general_revenue = 900, 950
        save_edit(
            session=session,
            sheet_id=new_id,
            sheet=sheet,
            expected_revision=ref.revision,
            actor="editor",
        )
    return new_id


def test_submitting_with_errors_shows_the_findings_and_needs_a_reason(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    draft = _draft_with_errors(editor, engine, seed)
    sheet_page = editor.get(f"/staff/sheets/{draft}")
    assert f'action="/staff/sheets/{draft}/submit"' in sheet_page.text
    confirmation = editor.get(f"/staff/sheets/{draft}/submit")
    assert confirmation.status_code == 200
    assert "提出の確認" in confirmation.text and "誤り 2件" in confirmation.text
    assert "一般財源" in confirmation.text and "一致しません" in confirmation.text
    assert 'name="reason"' in confirmation.text
    assert login(client, "outsider").get(f"/staff/sheets/{draft}/submit").status_code == 403

    refused = editor.post(
        f"/staff/sheets/{draft}/actions/submit",
        data={"csrf_token": token(editor), "reason": "  "},
    )
    assert refused.status_code == 409
    assert "誤りが2件あります" in refused.text and "理由を入力してください" in refused.text
    assert "一般財源" in refused.text  # the findings are listed again
    with transaction(engine) as session:
        assert status(session=session, sheet_id=draft).state is WorkflowState.DRAFT

    reason = "補正予算の内訳は財政課の確定待ちです"
    submitted = editor.post(
        f"/staff/sheets/{draft}/actions/submit",
        data={"csrf_token": token(editor), "reason": reason},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    with transaction(engine) as session:
        assert status(session=session, sheet_id=draft).state is WorkflowState.SUBMITTED
        [entry] = list_changes(session=session, target_sheet_id=draft, action="sheet.submit")
    assert entry.reason == reason and len(entry.after["誤り"]) == 2
    page = login(client, "reviewer").get(f"/staff/sheets/{draft}")
    assert f"提出時の説明（誤り2件）：</strong>{reason}" in page.text
    assert "承認" in page.text


def test_a_sheet_without_errors_is_confirmed_and_submitted_without_a_reason(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    confirmation = editor.get(f"/staff/sheets/{new_id}/submit")
    assert confirmation.status_code == 200 and 'name="reason"' not in confirmation.text
    submitted = editor.post(
        f"/staff/sheets/{new_id}/actions/submit",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    page = login(client, "reviewer").get(f"/staff/sheets/{new_id}")
    assert "提出済" in page.text and "提出時の説明" not in page.text
    # Once submitted, the confirmation answers with the refusal on the sheet's page.
    again = editor.get(f"/staff/sheets/{new_id}/submit")
    assert again.status_code == 409 and "提出済のシートは「提出」できません" in again.text


def test_correcting_a_published_figure_needs_a_reason_and_shows_the_note(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    indicator = field_named(fields, "ind-", "②-1")
    fields[value_field(fields, indicator, "2023", "actual")] = "8"
    refused = editor.post(f"/staff/sheets/{seed}/edit", data=fields)
    assert refused.status_code == 400
    assert "修正の理由を入力してください" in refused.text
    fields["reason"] = "集計誤りのため"
    saved = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    # A draft of the correction: the public keeps the published version until it is approved.
    public = client.get(f"/sheets/{seed}")
    assert "修正前：7、修正後：8" not in public.text and "集計誤りのため" not in public.text
    staff = editor.get(saved.headers["location"]).text
    assert "修正案を保存しました" in staff and 'id="correction-state">作成中' in staff
    publish_correction(editor, login(client, "reviewer"), seed)
    public = client.get(f"/sheets/{seed}")
    assert "修正前：7、修正後：8" in public.text
    assert "集計誤りのため" in public.text
    with transaction(engine) as session:
        [logged] = list_changes(session=session, target_sheet_id=seed, action="sheet.correct")
    assert logged.actor == "reviewer" and logged.reason == "集計誤りのため"
    assert isinstance(logged.after, dict) and logged.after["修正者"] == "editor"


def publish_correction(editor: TestClient, reviewer: TestClient, sheet_id: int) -> None:
    """Submit the sheet's correction draft as ``editor`` and approve it as ``reviewer``."""
    for client, action in ((editor, "submit"), (reviewer, "approve")):
        done = client.post(
            f"/staff/sheets/{sheet_id}/actions/{action}",
            data={"csrf_token": token(client)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text


def test_the_later_of_two_saves_is_refused_showing_what_changed(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    first, second = login(client, "editor"), login(client, "editor2")
    mine, theirs = edit_form(first, seed), edit_form(second, seed)
    mine["purpose"], mine["reason"] = "先に保存した目的", "目的の見直し"
    assert (
        first.post(f"/staff/sheets/{seed}/edit", data=mine, follow_redirects=False).status_code
        == 303
    )
    theirs["cost-0-settlement"], theirs["reason"] = "206,000", "決算額の訂正"
    refused = second.post(f"/staff/sheets/{seed}/edit", data=theirs)
    assert refused.status_code == 409
    assert "その間に保存された変更" in refused.text
    assert "2 事業目的" in refused.text and "先に保存した目的" in refused.text
    assert 'value="206,000"' in refused.text  # the refused input is still on the page
    with transaction(engine) as session:
        draft = correction_draft(session=session, sheet_id=seed)
    assert draft is not None and draft.version == 1
    assert draft.sheet.purpose == "先に保存した目的"
    assert draft.sheet.costs[0].settlement == sample_sheet().costs[0].settlement


def test_invalid_input_is_shown_in_japanese_and_nothing_is_saved(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    fields["cost-0-settlement"] = "二十万"
    fields["reason"] = "訂正"
    refused = editor.post(f"/staff/sheets/{seed}/edit", data=fields)
    assert refused.status_code == 400
    assert "数値で入力してください" in refused.text
    assert 'id="e-cost-0-settlement"' in refused.text
    with transaction(engine) as session:
        ref, _sheet = current_sheet(session=session, sheet_id=seed)
    assert ref.revision == 1


def test_the_live_check_places_findings_next_to_fields(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    fields = edit_form(editor, seed)
    fields["cost-0-total"] = "1"  # 合計 ≠ 前年度繰越 + 当初予算 + 補正予算等
    result = editor.post(
        f"/staff/sheets/{seed}/check", data=fields, headers={"X-CSRF-Token": fields["csrf_token"]}
    ).json()
    assert result["errors"] == {}
    assert any(item["field"].startswith("cost-0-") for item in result["findings"])
    fields["cost-0-total"] = "x"
    result = editor.post(f"/staff/sheets/{seed}/check", data=fields).json()
    assert "cost-0-total" in result["errors"]


def _mutating_staff_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every mutating /staff route of the app, as (method, path template)."""
    routes = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        path = getattr(route, "path", "") or ""
        methods = getattr(route, "methods", None) or set()
        if path.startswith("/staff"):
            routes.extend((method, path) for method in sorted(methods & MUTATING))
    return routes


def test_an_editor_of_another_department_gets_403_on_every_mutating_route(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    with transaction(engine) as session:
        comment = add_comment(
            session=session, sheet_id=seed, author="reviewer", role="reviewer", body="確認"
        )
    outsider = login(client, "outsider")
    csrf = token(outsider)
    values = {
        "sheet_id": str(seed),
        "comment_id": str(comment.id),
        "action": "submit",
        "login": "editor2",
    }
    form = {
        "csrf_token": csrf,
        "expected_revision": "1",
        "comment": "差戻し",
        "body": "コメント",
        "assignee": "outsider",
        "fiscal_year": "2024",
        "stage": "当初要求",
        "due_date": "2024-04-30",
        "purpose": "書き換え",
    }
    # Creating and uploading are scoped by the 部局/課 they carry, not by a stored sheet:
    # tests/test_web_staff_create.py refuses them outside the editor's scope.
    routes = [
        item
        for item in _mutating_staff_routes(client)
        if not item[1].startswith(("/staff/new", "/staff/upload"))
    ]
    assert len(routes) >= 9
    for method, path in routes:
        url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], path)
        response = outsider.request(method, url, data=form, follow_redirects=False)
        assert response.status_code == 403, (method, url, response.status_code)
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=seed)
        changes = list_changes(session=session, target_sheet_id=seed)
    assert ref.revision == 1 and sheet == sample_sheet()
    assert [change.action for change in changes] == ["sheet.comment"]


def test_an_expert_can_only_comment(site: tuple[TestClient, Engine, list[int]]) -> None:
    client, _engine, (seed, _other) = site
    expert = login(client, "expert")
    csrf = token(expert)
    commented = expert.post(
        f"/staff/sheets/{seed}/comments",
        data={
            "csrf_token": csrf,
            "body": "目標の根拠を示してください",
            "field_path": "indicators.②-2",
        },
        follow_redirects=False,
    )
    assert commented.status_code == 303
    assert "目標の根拠を示してください" in expert.get(f"/staff/sheets/{seed}").text
    assert expert.get(f"/staff/sheets/{seed}/edit").status_code == 403
    for path in ("edit", "actions/submit", "actions/approve", "next-year", "assign"):
        response = expert.post(
            f"/staff/sheets/{seed}/{path}",
            data={"csrf_token": csrf, "expected_revision": "1"},
            follow_redirects=False,
        )
        assert response.status_code == 403, path
    assert expert.get("/staff/dashboard").status_code == 403


def test_reviewer_dashboard_versions_compare_and_history(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, other) = site
    editor, reviewer = login(client, "editor"), login(client, "reviewer")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    set_due = reviewer.post(
        "/staff/cycles",
        data={
            "csrf_token": token(reviewer),
            "fiscal_year": "2024",
            "stage": "当初要求",
            "due_date": "2000-01-01",
        },
        follow_redirects=False,
    )
    assert set_due.status_code == 303
    board = reviewer.get("/staff/dashboard?year=2024&stage=当初要求").text
    assert "未作成 1件" in board and "期限超過 2件" in board
    assert editor.get("/staff/dashboard").status_code == 403
    versions = editor.get(f"/staff/sheets/{new_id}/versions").text
    assert f"{seed}:1" in versions
    compared = editor.get(f"/staff/compare?a={seed}:1&b={new_id}:1").text
    assert "段階" in compared and "点検" in compared and "当初要求" in compared
    history = editor.get(f"/staff/sheets/{new_id}/history").text
    assert "次年度の作成" in history and "sheet.next_year" not in history
    assert editor.get(f"/staff/sheets/{other}").status_code == 403  # another 部局's draft view


def _notes_of(page: str, label: str) -> str:
    """The reviewer's notes on one item of the sheet (its block under 項目ごとの審査)."""
    for block in page.split('<section class="field-notes"')[1:]:
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", block)
        if heading and heading.group(1).startswith(label):
            return block.split("</section>")[0]
    raise AssertionError(f"no notes for {label}")


def test_a_reviewer_reads_the_whole_draft_with_findings_changes_and_comments(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    with transaction(engine) as session:
        for name, display in (("editor", "田中 一郎"), ("reviewer", "審査 花子")):
            update_user(session=session, login=name, display_name=display, now=datetime.now(UTC))
    editor, reviewer = login(client, "editor"), login(client, "reviewer")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    fields = edit_form(editor, new_id)
    fields[value_field(fields, field_named(fields, "ind-", "②-1"), "2024", "target")] = "9"
    assert editor.post(f"/staff/sheets/{new_id}/edit", data=fields).status_code == 200
    commented = reviewer.post(
        f"/staff/sheets/{new_id}/comments",
        data={
            "csrf_token": token(reviewer),
            "body": "目標値の根拠は？",
            "field_path": "indicators.②-1",
        },
        follow_redirects=False,
    )
    assert commented.status_code == 303
    assert client.get(f"/sheets/{new_id}").status_code == 404  # a draft is not public

    page = reviewer.get(f"/staff/sheets/{new_id}")
    assert page.status_code == 200
    text = page.text
    # The whole draft in its layout: indicators with their figures, costs, 細事業一覧.
    assert "「NAGANOものづくりエクセレンス」認定技術・製品数" in text
    assert "地産地消を実践している割合" in text and "46.5" in text
    assert "６　事業コスト" in text and "206,709" in text
    assert "商工業企画調査事業" in text and "細事業一覧" in text
    # Compared with the published sheet it came from (the previous year's 点検).
    assert "令和5年度 点検 第1版（前年度の公開版）" in text
    indicator = _notes_of(text, "4 成果指標②-1")
    assert "修正前" in indicator and "修正後" in indicator
    assert re.search(r"成果指標②-1 令和6年度 目標</th><td>（なし）</td><td>9</td>", indicator)
    # A comment beside its field, with the field's label and the author's display name.
    assert "目標値の根拠は？" in indicator
    assert "<strong>審査 花子</strong>（4 成果指標②-1" in indicator
    assert "reviewer（" not in text and "indicators.②-1）" not in text
    # Findings beside the fields they concern.
    costs = _notes_of(text, "6 事業コスト 令和6年度")
    assert "R6年度の当初予算が空欄です" in costs
    assert "R6年度の当初予算が空欄です" not in indicator
    assert "最終更新：田中 一郎" in text

    published = reviewer.get(f"/staff/sheets/{seed}").text
    assert "第1版（このシートの公開版）" in published and "公開版から変更はありません" in published
    assert login(client, "outsider").get(f"/staff/sheets/{new_id}").status_code == 403


def test_the_reviewer_page_compares_with_the_sheet_once_approved_and_says_when_it_is_new(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    with transaction(engine) as session:
        fresh = create_sheet(
            session=session,
            sheet=sample_sheet(program_number="07 09 09", program_name="新しい支援事業"),
            actor="editor",
        )
    reviewer = login(client, "reviewer")
    page = reviewer.get(f"/staff/sheets/{fresh}").text
    assert "新規のシートです" in page and "新しい支援事業" in page
    assert "changes-table" not in page
    editor = login(client, "editor")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    for who, action in ((editor, "submit"), (reviewer, "approve")):
        done = who.post(
            f"/staff/sheets/{new_id}/actions/{action}",
            data={"csrf_token": token(who)},
            follow_redirects=False,
        )
        assert done.status_code == 303
    approved = reviewer.get(f"/staff/sheets/{new_id}").text
    assert "令和6年度 当初要求 第1版（このシートの公開版）" in approved
    assert "公開版から変更はありません" in approved


def test_each_item_of_the_review_links_to_the_comment_form_on_that_item(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    reviewer = login(client, "reviewer")
    page = reviewer.get(f"/staff/sheets/{seed}").text
    assert f'href="/staff/sheets/{seed}?field=costs.2021#comment-form"' in page
    chosen = reviewer.get(f"/staff/sheets/{seed}?field=costs.2021").text
    assert '<option value="costs.2021" selected>6 事業コスト 令和3年度</option>' in chosen
    unknown = reviewer.get(f"/staff/sheets/{seed}?field=nothing").text
    form = re.search(r'<select id="comment-field".*?</select>', unknown, re.S)
    assert form and " selected>" not in form.group(0)


def _change_account(engine: Engine, login_name: str, **fields: object) -> None:
    with transaction(engine) as session:
        update_user(session=session, login=login_name, now=datetime.now(UTC), **fields)  # type: ignore[arg-type]


def test_an_editor_cannot_move_a_sheet_to_another_department_but_an_admin_can(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    form = editor.get(f"/staff/sheets/{seed}/edit").text
    assert re.search(r'name="department" value="産業労働部"[^>]* readonly', form)
    fields = edit_form(editor, seed)
    old_section = fields["section"]
    fields["department"], fields["reason"] = "教育委員会", "所管替え"
    refused = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert refused.status_code == 403
    assert "部局を変更できるのは管理者だけです" in refused.text
    assert 'value="教育委員会"' in refused.text  # the input is kept on the form
    fields["department"], fields["section"] = "産業労働部", "別の課"
    refused = editor.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert refused.status_code == 403 and "課・室を変更できるのは管理者だけです" in refused.text
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=seed)
        assert list_changes(session=session, target_sheet_id=seed, action="sheet.move") == []
    assert (sheet.header.department, sheet.header.section) == ("産業労働部", old_section)

    _change_account(engine, "editor2", role="admin", department="", section="")
    admin = login(client, "editor2")
    form = admin.get(f"/staff/sheets/{seed}/edit").text
    assert not re.search(r'name="department"[^>]* readonly', form)
    fields = edit_form(admin, seed)
    fields["department"], fields["reason"] = "教育委員会", "所管替え"
    moved = admin.post(f"/staff/sheets/{seed}/edit", data=fields, follow_redirects=False)
    assert moved.status_code == 303, moved.text
    with transaction(engine) as session:  # a correction draft: nothing moved yet
        assert list_changes(session=session, target_sheet_id=seed, action="sheet.move") == []
    publish_correction(admin, login(client, "reviewer"), seed)
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=seed)
        [move] = list_changes(session=session, target_sheet_id=seed, action="sheet.move")
    assert sheet.header.department == "教育委員会"
    assert move.actor == "editor2" and move.reason == "所管替え"
    assert move.before == {"部局": "産業労働部", "課・室": old_section}
    assert move.after == {"部局": "教育委員会", "課・室": old_section}
    assert editor.get(f"/staff/sheets/{seed}/edit").status_code == 403  # now out of scope


def test_a_reviewer_scoped_to_a_department_cannot_set_the_shared_deadline(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, _ids = site
    _change_account(engine, "reviewer", department="産業労働部")
    reviewer = login(client, "reviewer")
    assert 'action="/staff/cycles"' not in reviewer.get("/staff/dashboard").text
    refused = reviewer.post(
        "/staff/cycles",
        data={
            "csrf_token": token(reviewer),
            "fiscal_year": "2024",
            "stage": "当初要求",
            "due_date": "2024-04-30",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "部局を限定された審査者は設定できません" in refused.text
    with transaction(engine) as session:
        assert list_changes(session=session, action="cycle.deadline") == []


def test_an_expert_resolves_only_their_own_comments(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    with transaction(engine) as session:
        theirs = add_comment(
            session=session, sheet_id=seed, author="reviewer", role="reviewer", body="根拠は？"
        )
        mine = add_comment(
            session=session, sheet_id=seed, author="expert", role="expert", body="出典は？"
        )
    expert = login(client, "expert")
    page = expert.get(f"/staff/sheets/{seed}").text
    assert f"/comments/{mine.id}/resolve" in page
    assert f"/comments/{theirs.id}/resolve" not in page
    csrf = token(expert)
    refused = expert.post(
        f"/staff/sheets/{seed}/comments/{theirs.id}/resolve",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "自分のコメントだけ" in refused.text
    done = expert.post(
        f"/staff/sheets/{seed}/comments/{mine.id}/resolve",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    reviewer = login(client, "reviewer")
    done = reviewer.post(
        f"/staff/sheets/{seed}/comments/{theirs.id}/resolve",
        data={"csrf_token": token(reviewer)},
        follow_redirects=False,
    )
    assert done.status_code == 303


def test_the_assignee_is_chosen_from_active_accounts_that_may_edit_the_sheet(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    _change_account(engine, "expert", role="admin")
    _change_account(engine, "editor2", disabled=True)
    editor = login(client, "editor")
    page = editor.get(f"/staff/sheets/{seed}").text
    [choices] = re.findall(r'<select id="assignee" name="assignee">(.*?)</select>', page, re.S)
    offered = set(re.findall(r'<option value="([^"]*)"', choices))
    assert offered == {"", "editor", "expert"}  # not editor2 (disabled), outsider, reviewer
    csrf = token(editor)
    for ineligible in ("outsider", "reviewer", "editor2", "nobody"):
        refused = editor.post(
            f"/staff/sheets/{seed}/assign",
            data={"csrf_token": csrf, "assignee": ineligible},
            follow_redirects=False,
        )
        assert refused.status_code == 403, ineligible
    with transaction(engine) as session:
        assert status(session=session, sheet_id=seed).assignee is None
    chosen = editor.post(
        f"/staff/sheets/{seed}/assign",
        data={"csrf_token": csrf, "assignee": "expert"},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    with transaction(engine) as session:
        assert status(session=session, sheet_id=seed).assignee == "expert"


def _act(client: TestClient, sheet_id: int, action: str, **data: str) -> str:
    """Post a workflow action and follow it; the notice shown on the sheet's page."""
    done = client.post(
        f"/staff/sheets/{sheet_id}/actions/{action}",
        data={"csrf_token": token(client), **data},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    notice = re.search(r'<div class="notice" role="status"><p>([^<]*)</p>', page.text)
    assert notice, page.text
    return notice.group(1)


def test_the_notice_says_what_happened(site: tuple[TestClient, Engine, list[int]]) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    assert "作成しました" in editor.get(created.headers["location"]).text
    reviewer = login(client, "reviewer")
    assert _act(editor, new_id, "submit") == "提出しました。"
    assert _act(reviewer, new_id, "return", comment="指標の説明を補ってください") == (
        "差し戻しました。"
    )
    assert _act(editor, new_id, "submit") == "提出しました。"
    assert _act(reviewer, new_id, "approve") == "承認しました。"
    assert "操作を記録しました" not in editor.get(f"/staff/sheets/{new_id}").text


def test_the_menu_links_only_to_pages_the_account_can_open(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    home = editor.get("/staff").text
    assert 'href="/staff/dashboard"' not in home and "審査ダッシュボード" not in home
    assert 'href="/staff/new"' in home
    assert editor.get("/staff/dashboard").status_code == 403
    reviewer = login(client, "reviewer")
    home = reviewer.get("/staff").text
    assert 'href="/staff/dashboard"' in home and 'href="/staff/new"' not in home
    assert 'href="/staff/accounts"' not in home
    # An expert may read and comment on a sheet, not open its history.
    expert = login(client, "expert")
    page = expert.get(f"/staff/sheets/{seed}").text
    assert f'href="/staff/sheets/{seed}/history"' not in page
    assert expert.get(f"/staff/sheets/{seed}/history").status_code == 403
    assert f'href="/staff/sheets/{seed}/history"' in editor.get(f"/staff/sheets/{seed}").text


def test_the_editor_sees_the_return_reason_until_the_sheet_is_resubmitted(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    assert 'id="return-note"' not in editor.get(f"/staff/sheets/{new_id}").text
    reviewer = login(client, "reviewer")
    _act(editor, new_id, "submit")
    reason = "成果指標②-1の目標値の根拠を補ってください"
    _act(reviewer, new_id, "return", comment=reason)
    page = editor.get(f"/staff/sheets/{new_id}").text
    assert f"差戻しの理由：</strong>{reason}" in page
    _act(editor, new_id, "reopen")  # back to 作成中: still unresolved
    assert f"差戻しの理由：</strong>{reason}" in editor.get(f"/staff/sheets/{new_id}").text
    _act(editor, new_id, "submit")
    assert 'id="return-note"' not in editor.get(f"/staff/sheets/{new_id}").text


def test_sub_project_settlements_have_one_field_per_year_and_round_trip(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    new_id = int(created.headers["location"].split("/")[3].split("?")[0])
    with transaction(engine) as session:
        _ref, before = current_sheet(session=session, sheet_id=new_id)
    fields = edit_form(editor, new_id)
    assert not any(key.endswith("-settlements") for key in fields)
    [with_gap] = [
        i for i, sub in enumerate(before.sub_projects) if None in sub.settlements.values()
    ]
    years = {
        fields[f"sub-{with_gap}-set-{k}-year"]: fields[f"sub-{with_gap}-set-{k}-amount"]
        for k in range(int(fields[f"sub-{with_gap}-set-count"]))
    }
    assert years == {
        **{
            str(year): "ー" if amount is None else str(amount)
            for year, amount in before.sub_projects[with_gap].settlements.items()
        },
        "": "",
    }
    saved = editor.post(f"/staff/sheets/{new_id}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with transaction(engine) as session:
        _ref, after = current_sheet(session=session, sheet_id=new_id)
    # (Saving recomputes the printed trends of the indicators, finding 6; the rest is as it was.)
    assert after.sub_projects == before.sub_projects and after.costs == before.costs
    assert after.header == before.header and after.future == before.future
    # A figure typed into the blank row is a new year's 決算額; a year is needed.
    fields[f"sub-{with_gap}-set-{len(years) - 1}-amount"] = "12"
    refused = editor.post(f"/staff/sheets/{new_id}/edit", data=fields)
    assert refused.status_code in (400, 422) and "年度を入力してください" in refused.text
