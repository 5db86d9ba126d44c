"""Line ends of the edit form: a browser posts every newline of a text area as CRLF, and
saving an unchanged form must change nothing (no revision, no listed change)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.store import save_sheet, transaction
from hyoka.store.staff.audit import list_changes
from hyoka.store.staff.refs import current_sheet
from test_web_staff import edit_form, login, token
from test_web_staff import site as site  # the staff tests' fixtures
from test_web_staff import template_database as template_database


def _as_posted(fields: dict[str, str]) -> dict[str, str]:
    """The fields as a browser posts them: every newline CRLF."""
    return {name: value.replace("\n", "\r\n") for name, value in fields.items()}


def test_saving_an_unchanged_form_with_crlf_text_adds_no_revision(
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
    draft = int(created.headers["location"].split("/")[3].split("?")[0])
    fields = edit_form(editor, draft)
    [description] = [
        name for name in fields if name.startswith("sub-") and name.endswith("-description")
    ][:1]
    fields[description] = "審議会を開催\r\n年2回\r開催"
    fields["purpose"] = "目的の一行目\r\n二行目"
    saved = editor.post(f"/staff/sheets/{draft}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=draft)
    assert sheet.purpose == "目的の一行目\n二行目"
    texts = [c.description for s in sheet.sub_projects for c in s.components]
    assert "審議会を開催\n年2回\n開催" in texts

    again = _as_posted(edit_form(editor, draft))
    assert "\r\n" in again[description]
    resaved = editor.post(f"/staff/sheets/{draft}/edit", data=again, follow_redirects=False)
    assert resaved.status_code == 303, resaved.text
    with transaction(engine) as session:
        after, _sheet = current_sheet(session=session, sheet_id=draft)
        edits = list_changes(session=session, target_sheet_id=draft, action="sheet.edit")
    assert after.revision == ref.revision
    assert len(edits) == 1


def test_an_unchanged_published_sheet_saved_with_crlf_needs_no_reason(
    site: tuple[TestClient, Engine, list[int]],
) -> None:
    client, engine, (seed, _other) = site
    editor = login(client, "editor")
    with transaction(engine) as session:
        _ref, imported = current_sheet(session=session, sheet_id=seed)
        imported.sub_projects[0].components[0].description = "審議会を開催\n年2回"
        imported.purpose = "目的の一行目\n二行目"
        save_sheet(session=session, sheet=imported, source="import.txt")
        before, _sheet = current_sheet(session=session, sheet_id=seed)
    posted = _as_posted(edit_form(editor, seed))
    assert any("\r\n" in value for value in posted.values())
    saved = editor.post(f"/staff/sheets/{seed}/edit", data=posted, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with transaction(engine) as session:
        after, _sheet = current_sheet(session=session, sheet_id=seed)
        assert not list_changes(session=session, target_sheet_id=seed, action="sheet.correct")
    assert after.revision == before.revision
