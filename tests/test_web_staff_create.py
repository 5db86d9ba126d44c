"""Creating sheets, uploading and downloading workbooks, and managing accounts in the web
(issue 11, finding 2), over HTTP with a real SQLite store per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.accounts import Role, add_user
from hyoka.settings import Settings
from hyoka.stages import WorkflowState
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.workflow import list_statuses
from hyoka.web.app import create_app
from sheets import sample_sheet
from test_web_staff import PASSWORD, login, token
from web_support import store

Site = tuple[TestClient, Engine]


@pytest.fixture(scope="module")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("staff_create") / "template.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    store(engine, [sample_sheet()])
    with transaction(engine) as session:
        for login_name, role, department in [
            ("admin", Role.ADMIN, ""),
            ("editor", Role.EDITOR, "産業労働部"),
            ("reviewer", Role.REVIEWER, ""),
        ]:
            add_user(
                session=session,
                login=login_name,
                password=PASSWORD,
                role=role,
                department=department,
                actor="test",
            )
    engine.dispose()
    return path


@pytest.fixture
def site(tmp_path: Path, template_database: Path) -> Iterator[Site]:
    path = tmp_path / "hyoka.sqlite"
    shutil.copyfile(template_database, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"))
    engine: Engine = app.state.engine
    with TestClient(app) as client:
        yield client, engine
    engine.dispose()


def new_sheet_form(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "program_number": "07 09 01",
        "program_name": "新しい産業支援事業",
        "department": "産業労働部",
        "section": "産業政策課",
        "fiscal_year": "2024",
        "stage": "当初要求",
        "start_year": "2024",
        "end_year": "",
        "email": "sansei@pref.nagano.lg.jp",
        **changes,
    }


def test_an_editor_creates_a_sheet_for_a_new_program(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    form = editor.get("/staff/new")
    assert form.status_code == 200
    assert '<label for="f-program_number">' in form.text and "令和8年度（2026年度）" in form.text
    created = editor.post("/staff/new", data=new_sheet_form(token(editor)), follow_redirects=False)
    assert created.status_code == 303, created.text
    sheet_id = int(created.headers["location"].split("/")[3].split("?")[0])
    with transaction(engine) as session:
        [item] = [s for s in list_statuses(session=session) if s.sheet.id == sheet_id]
        changes = list_changes(session=session, target_sheet_id=sheet_id)
    assert item.state is WorkflowState.DRAFT
    assert item.sheet.program_name == "新しい産業支援事業"
    assert [change.action for change in changes] == ["sheet.create"]
    assert changes[0].actor == "editor"
    assert "新しい産業支援事業" in editor.get(f"/staff/sheets/{sheet_id}").text


def test_a_duplicate_program_number_for_the_year_and_stage_is_refused(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    first = editor.post("/staff/new", data=new_sheet_form(token(editor)), follow_redirects=False)
    assert first.status_code == 303
    again = editor.post(
        "/staff/new",
        data=new_sheet_form(token(editor), program_name="二度目の入力"),
        follow_redirects=False,
    )
    assert again.status_code == 400
    assert "事業番号 07 09 01 のR6年度当初要求のシートは既にあります" in again.text
    assert 'value="二度目の入力"' in again.text  # the input is kept
    with transaction(engine) as session:
        numbers = [s.sheet.program_number for s in list_statuses(session=session)]
    assert numbers.count("07 09 01") == 1


def test_an_editor_cannot_create_outside_their_department(site: Site) -> None:
    client, _engine = site
    editor = login(client, "editor")
    refused = editor.post("/staff/new", data=new_sheet_form(token(editor), department="教育委員会"))
    assert refused.status_code == 400
    assert "担当の範囲（産業労働部）" in refused.text
    reviewer = login(client, "reviewer")
    assert reviewer.get("/staff/new").status_code == 403
