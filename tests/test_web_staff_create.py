"""Creating sheets, uploading and downloading workbooks, and managing accounts in the web
(issue 11, finding 2), over HTTP with a real SQLite store per test."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import Engine

from hyoka.accounts import Role, add_user
from hyoka.render import workbook as layout
from hyoka.render.workbook import sheet_workbook
from hyoka.settings import Settings
from hyoka.stages import WorkflowState
from hyoka.store import create_engine_for, migrate, transaction
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.refs import current_sheet
from hyoka.store.staff.workflow import list_statuses
from hyoka.web.app import create_app
from hyoka.web.staff_workbooks import XLSX
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


# --- workbooks ---------------------------------------------------------------------------


def with_basic(data: bytes, label: str, value: object) -> tuple[bytes, str]:
    """The workbook with the 基本情報 cell labelled ``label`` set to ``value``; its address."""
    book = load_workbook(BytesIO(data))
    ws = book[layout.BASIC]
    [row] = [row for row in ws.iter_rows() if row[0].value == label]
    row[1].value = value
    out = BytesIO()
    book.save(out)
    return out.getvalue(), f"{layout.BASIC}!{row[1].coordinate}"


def upload(client: TestClient, data: bytes, name: str = "sheet.xlsx") -> Response:
    return client.post(
        "/staff/upload",
        data={"csrf_token": token(client)},
        files={"file": (name, data, XLSX)},
    )


def confirm(client: TestClient, preview: Response) -> Response:
    fields = dict(re.findall(r'name="(payload|signature)" value="([^"]*)"', preview.text))
    assert set(fields) == {"payload", "signature"}, preview.text
    return client.post(
        "/staff/upload/confirm",
        data={"csrf_token": token(client), **fields},
        follow_redirects=False,
    )


def new_program_workbook() -> bytes:
    return sheet_workbook(sample_sheet(program_number="07 09 02", program_name="アップロード事業"))


def drafts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            s.sheet.program_number: s.sheet.id
            for s in list_statuses(session=session)
            if s.state is WorkflowState.DRAFT
        }


def test_a_workbook_with_an_error_names_the_cell_and_stores_nothing(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    assert '<input id="f-file" name="file" type="file"' in editor.get("/staff/upload").text
    broken, address = with_basic(new_program_workbook(), "事業名", None)
    preview = upload(editor, broken)
    assert preview.status_code == 400
    assert address in preview.text and "事業名が空欄です" in preview.text
    assert "何も保存していません" in preview.text and 'name="payload"' not in preview.text
    assert drafts(engine) == {}


def test_a_clean_upload_is_previewed_then_stored_as_a_draft(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    preview = upload(editor, new_program_workbook())
    assert preview.status_code == 200, preview.text
    assert "アップロード事業" in preview.text and "新しいシート（作成中）" in preview.text
    assert 'class="sheet-layout"' in preview.text  # the public layout fragment
    assert drafts(engine) == {}  # the preview stores nothing
    stored = confirm(editor, preview)
    assert stored.status_code == 303, stored.text
    sheet_id = drafts(engine)["07 09 02"]
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        changes = list_changes(session=session, target_sheet_id=sheet_id)
    assert sheet.indicators == sample_sheet().indicators
    assert [(c.action, c.actor) for c in changes] == [("sheet.upload", "editor")]


def test_a_tampered_confirmation_is_refused(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    preview = upload(editor, new_program_workbook())
    fields = dict(re.findall(r'name="(payload|signature)" value="([^"]*)"', preview.text))
    refused = editor.post(
        "/staff/upload/confirm",
        data={"csrf_token": token(editor), "payload": fields["payload"], "signature": "0" * 64},
    )
    assert refused.status_code == 403
    assert drafts(engine) == {}


def test_the_draft_workbook_round_trips_and_a_stale_one_is_refused(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    confirm(editor, upload(editor, new_program_workbook()))
    sheet_id = drafts(engine)["07 09 02"]
    downloaded = editor.get(f"/staff/sheets/{sheet_id}/workbook.xlsx")
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == XLSX
    first, _address = with_basic(downloaded.content, "事業名", "名前を変えた事業")
    preview = upload(editor, first)
    assert preview.status_code == 200, preview.text
    assert "名前を変えた事業" in preview.text and "既存のシート（版" in preview.text
    assert confirm(editor, preview).status_code == 303
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
        changes = list_changes(session=session, target_sheet_id=sheet_id)
    assert sheet.header.program_name == "名前を変えた事業" and ref.revision == 2
    assert [c.action for c in changes] == ["sheet.upload", "sheet.upload"]
    assert changes[0].after["事業名"] == "名前を変えた事業"
    stale, _address = with_basic(downloaded.content, "事業名", "古いブックからの変更")
    refused = upload(editor, stale)
    assert refused.status_code == 409
    assert "その後シートが更新されています" in refused.text and 'name="payload"' not in refused.text
    with transaction(engine) as session:
        _ref, sheet = current_sheet(session=session, sheet_id=sheet_id)
    assert sheet.header.program_name == "名前を変えた事業"


def test_a_stale_confirmation_is_refused(site: Site) -> None:
    """Two previews of the same downloaded workbook: the second confirmation is stale."""
    client, engine = site
    editor = login(client, "editor")
    confirm(editor, upload(editor, new_program_workbook()))
    sheet_id = drafts(engine)["07 09 02"]
    downloaded = editor.get(f"/staff/sheets/{sheet_id}/workbook.xlsx").content
    one = upload(editor, with_basic(downloaded, "事業名", "一つ目")[0])
    two = upload(editor, with_basic(downloaded, "事業名", "二つ目")[0])
    assert confirm(editor, one).status_code == 303
    refused = confirm(editor, two)
    assert refused.status_code == 409
    assert "その後シートが更新されています" in refused.text


def test_the_blank_template_downloads_and_uploads_are_bounded(site: Site) -> None:
    client, engine = site
    editor = login(client, "editor")
    assert '<select id="t-year" name="fiscal_year">' in editor.get("/staff/upload").text
    blank = editor.get("/staff/template.xlsx?fiscal_year=2025&stage=当初要求")
    assert blank.status_code == 200 and blank.headers["content-type"] == XLSX
    assert load_workbook(BytesIO(blank.content)).sheetnames[0] == layout.BASIC
    too_big = upload(editor, b"0" * (5 * 1024 * 1024 + 1))
    assert too_big.status_code == 413
    assert "ファイルが大きすぎます（5MBまで）" in too_big.text
    assert drafts(engine) == {}
    assert login(client, "reviewer").get("/staff/upload").status_code == 403


# --- accounts ----------------------------------------------------------------------------


def test_an_admin_adds_and_disables_an_account_audited(site: Site) -> None:
    client, engine = site
    admin = login(client, "admin")
    listing = admin.get("/staff/accounts")
    assert listing.status_code == 200 and "editor" in listing.text and "編集者" in listing.text
    assert '<label for="f-password">' in listing.text
    mismatch = admin.post(
        "/staff/accounts",
        data={
            "csrf_token": token(admin),
            "login": "sato",
            "display_name": "佐藤 花子",
            "role": "editor",
            "department": "産業労働部",
            "password": PASSWORD,
            "password_again": PASSWORD + "x",
        },
    )
    assert mismatch.status_code == 400 and "確認のパスワードが一致しません" in mismatch.text
    assert 'value="佐藤 花子"' in mismatch.text and PASSWORD not in mismatch.text
    added = admin.post(
        "/staff/accounts",
        data={
            "csrf_token": token(admin),
            "login": "sato",
            "display_name": "佐藤 花子",
            "role": "editor",
            "department": "産業労働部",
            "section": "産業政策課",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    sato = login(client, "sato")
    assert sato.get("/staff").status_code == 200
    csrf = token(admin)
    for path, data in [
        ("role", {"role": "reviewer", "department": "産業労働部", "section": ""}),
        ("name", {"display_name": "佐藤 花子（審査）"}),
        ("disabled", {"disabled": "1"}),
    ]:
        done = admin.post(
            f"/staff/accounts/sato/{path}",
            data={"csrf_token": csrf, **data},
            follow_redirects=False,
        )
        assert done.status_code == 303, (path, done.text)
    page = admin.get("/staff/accounts/sato")
    assert "無効（ログインできません）" in page.text and "審査者" in page.text
    assert sato.get("/staff", follow_redirects=False).status_code != 200  # its session ended
    with transaction(engine) as session:
        changes = list_changes(session=session, action="user.", actor="admin")
    assert [c.action for c in reversed(changes)] == [
        "user.add",
        "user.set_role",
        "user.rename",
        "user.disable",
    ]
    assert changes[0].after["disabled"] is True and "password_hash" not in str(changes)
    reset = admin.post(
        "/staff/accounts/sato/password",
        data={"csrf_token": csrf, "password": "short", "password_again": "short"},
    )
    assert reset.status_code == 400 and "12文字以上" in reset.text


def test_an_admin_cannot_disable_themselves(site: Site) -> None:
    client, _engine = site
    admin = login(client, "admin")
    refused = admin.post(
        "/staff/accounts/admin/disabled", data={"csrf_token": token(admin), "disabled": "1"}
    )
    assert refused.status_code == 400 and "自分のアカウントは無効にできません" in refused.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/staff/accounts"),
        ("get", "/staff/accounts/editor"),
        ("post", "/staff/accounts"),
        ("post", "/staff/accounts/editor/disabled"),
    ],
)
def test_an_editor_cannot_reach_the_account_pages(site: Site, method: str, path: str) -> None:
    client, engine = site
    editor = login(client, "editor")
    if method == "get":
        answer = editor.get(path)
    else:
        answer = editor.post(path, data={"csrf_token": token(editor), "disabled": "1"})
    assert answer.status_code == 403
    assert "アカウント管理" not in editor.get("/staff").text
    with transaction(engine) as session:
        assert list_changes(session=session, action="user.", actor="editor") == []


def test_an_upload_outside_the_editors_scope_is_refused(site: Site) -> None:
    client, engine = site
    with transaction(engine) as session:
        add_user(
            session=session,
            login="outsider",
            password=PASSWORD,
            role=Role.EDITOR,
            department="教育委員会",
            actor="test",
        )
    outsider = login(client, "outsider")
    refused = upload(outsider, new_program_workbook())
    assert refused.status_code == 409
    assert "このシート（産業労働部 産業政策課）を登録・編集する権限がありません" in refused.text
    assert 'name="payload"' not in refused.text
    # the sample sheet (07 01 01, published) cannot be replaced by an upload either
    editor = login(client, "editor")
    published = upload(editor, sheet_workbook(sample_sheet(), revision=1))
    assert published.status_code == 409 and "承認済（公開中）" in published.text
    assert drafts(engine) == {}


def test_my_sheets_links_each_prefecture_sheet_to_its_workbook(site: Site) -> None:
    client, _engine = site
    editor = login(client, "editor")
    page = editor.get("/staff").text
    assert 'href="/staff/sheets/1/workbook.xlsx"' in page
    assert 'href="/staff/new"' in page and 'href="/staff/accounts"' not in page
    admin = login(client, "admin").get("/staff").text
    assert 'href="/staff/accounts"' in admin
    reviewer = login(client, "reviewer").get("/staff").text
    assert 'href="/staff/new"' not in reviewer and 'href="/staff/upload"' not in reviewer


def test_an_upload_without_a_file_or_not_a_workbook_says_so(site: Site) -> None:
    client, _engine = site
    editor = login(client, "editor")
    missing = editor.post("/staff/upload", data={"csrf_token": token(editor)})
    assert missing.status_code == 400 and "ファイルを選んでください" in missing.text
    text = upload(editor, b"not a workbook", name="sheet.xlsx")
    assert text.status_code == 400 and "Excel ブック(.xlsx)として読めません" in text.text


def test_create_upload_and_stale_reupload_on_postgresql(postgres_url: str) -> None:
    engine = create_engine_for(postgres_url)
    migrate(engine)
    store(engine, [sample_sheet()])
    with transaction(engine) as session:
        add_user(session=session, login="editor", password=PASSWORD, role=Role.EDITOR,
                 department="産業労働部", actor="test")  # fmt: skip
    engine.dispose()
    app = create_app(Settings(database_url=postgres_url))
    engine = app.state.engine
    try:
        with TestClient(app) as client:
            editor = login(client, "editor")
            created = editor.post("/staff/new", data=new_sheet_form(token(editor)))
            assert created.status_code == 200 and "/staff/sheets/" in str(created.url)
            again = editor.post("/staff/new", data=new_sheet_form(token(editor)))
            assert again.status_code == 400 and "既にあります" in again.text
            assert confirm(editor, upload(editor, new_program_workbook())).status_code == 303
            sheet_id = drafts(engine)["07 09 02"]
            downloaded = editor.get(f"/staff/sheets/{sheet_id}/workbook.xlsx").content
            one = upload(editor, with_basic(downloaded, "事業名", "一つ目")[0])
            assert confirm(editor, one).status_code == 303
            stale = upload(editor, with_basic(downloaded, "事業名", "二つ目")[0])
            assert stale.status_code == 409
    finally:
        engine.dispose()
