"""Issue 11 finding 8: Japanese words on the staff pages, Japan time, Japanese error pages."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

import test_web_staff as staff
from hyoka.display import ACTION_LABELS, local_time
from hyoka.settings import Settings
from hyoka.stages import Action
from hyoka.store import transaction
from hyoka.store.staff.accounts import update_user
from hyoka.store.staff.audit import record_change

# The staff suite's fixtures: a copy of a store with two sheets and the accounts per test.
template_database = staff.template_database
site = staff.site
login, token = staff.login, staff.token

Site = tuple[TestClient, Engine, list[int]]
SOURCE = Path(__file__).parent.parent / "src" / "hyoka"
RECORDED = re.compile(r"(?:sheet|user|cycle)\.[a-z_]+")
_FILE_NAMES = (".css", ".html", ".txt", ".pdf", ".json", ".csv", ".xlsx", ".typ")


def _recorded_actions() -> set[str]:
    """Every audit action named in the code: string constants like "sheet.create"
    (file names such as sheet.css aside) and the workflow's sheet.{Action}."""
    found = {f"sheet.{action.value}" for action in Action}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and RECORDED.fullmatch(node.value)
                and not node.value.endswith(_FILE_NAMES)
            ):
                found.add(node.value)
    return found


def test_every_recorded_action_has_a_japanese_label() -> None:
    actions = _recorded_actions()
    assert {"sheet.return", "sheet.correct", "user.add", "cycle.deadline"} <= actions
    assert actions - ACTION_LABELS.keys() == set()
    assert ACTION_LABELS["sheet.return"] == "差戻し"


def test_times_are_shown_in_the_configured_zone() -> None:
    at = datetime(2026, 12, 3, 13, 5, tzinfo=UTC)
    assert local_time(at, Settings().zone) == "2026年12月3日 22:05"
    assert local_time(at.replace(tzinfo=None), Settings().zone) == "2026年12月3日 22:05"
    assert local_time(at, Settings(time_zone="UTC").zone) == "2026年12月3日 13:05"


def _next_year(editor: TestClient, seed: int) -> int:
    created = editor.post(
        f"/staff/sheets/{seed}/next-year",
        data={"csrf_token": token(editor)},
        follow_redirects=False,
    )
    return int(created.headers["location"].split("/")[3].split("?")[0])


def test_the_comparison_shows_labels_of_directions_and_target_kinds(site: Site) -> None:
    client, _engine, (seed, _other) = site
    editor = login(client, "editor")
    new_id = _next_year(editor, seed)
    fields = staff.edit_form(editor, new_id)
    indicator = staff.field_named(fields, "ind-", "②-1")
    old_direction = fields[f"{indicator}-direction"]
    fields[f"{indicator}-direction"] = "lower" if old_direction == "higher" else "higher"
    fields[f"{indicator}-comparison"] = (
        "range" if fields[f"{indicator}-comparison"] != "range" else "exact"
    )
    assert editor.post(f"/staff/sheets/{new_id}/edit", data=fields).status_code == 200
    versions = editor.get(f"/staff/sheets/{new_id}/versions").text
    newest = max(int(n) for n in re.findall(rf'value="{new_id}:(\d+)"', versions))
    compared = editor.get(f"/staff/compare?a={seed}:1&b={new_id}:{newest}")
    assert compared.status_code == 200
    text = compared.text
    assert "高いほど良い" in text and "低いほど良い" in text
    assert "範囲" in text or "一致" in text
    for code in (">higher<", ">lower<", ">at_least<", ">range<", ">exact<"):
        assert code not in text


def test_the_history_shows_action_labels_display_names_and_japan_time(site: Site) -> None:
    client, engine, (seed, _other) = site
    with transaction(engine) as session:
        update_user(
            session=session, login="reviewer", display_name="審査 花子", now=datetime.now(UTC)
        )
        record_change(
            session=session,
            actor="reviewer",
            action="sheet.return",
            target_sheet_id=seed,
            before=None,
            after=None,
            reason="根拠を書いてください",
            at=datetime(2026, 12, 3, 13, 5, tzinfo=UTC),
        )
    text = login(client, "reviewer").get(f"/staff/sheets/{seed}/history").text
    assert "差戻し" in text and "sheet.return" not in text
    assert "審査 花子" in text and "<td>reviewer</td>" not in text
    assert "2026年12月3日 22:05" in text and "13:05" not in text


def test_an_over_large_form_answers_413_in_japanese(site: Site) -> None:
    client, _engine, (seed, _other) = site
    reviewer = login(client, "reviewer")
    answer = reviewer.post(
        f"/staff/sheets/{seed}/comments",
        data={"csrf_token": token(reviewer), "body": "あ" * 400_000, "field_path": ""},
    )
    assert answer.status_code == 413
    assert "文章を短くして" in answer.text and "1024KB" in answer.text
    assert "Field exceeded" not in answer.text


def test_405_and_422_answer_with_the_japanese_page(site: Site) -> None:
    client, _engine, ids = site
    reviewer = login(client, "reviewer")
    wrong_method = reviewer.get("/staff/cycles")
    assert wrong_method.status_code == 405
    assert "この方法では利用できません" in wrong_method.text
    assert "Method Not Allowed" not in wrong_method.text
    invalid = reviewer.get("/staff/compare")
    assert invalid.status_code == 422
    assert "入力内容に誤りがあります" in invalid.text and "<html" in invalid.text
    assert "（a、b）" not in invalid.text  # no parameter names of the code
    seed = ids[0]
    too_long = reviewer.post(
        f"/staff/sheets/{seed}/actions/return",
        data={"csrf_token": token(reviewer), "comment": "あ" * 6000},
    )
    assert too_long.status_code == 422
    assert "5,000文字まで" in too_long.text and "comment" not in too_long.text.split("<main")[-1]
    api = client.post("/api/sheets")
    assert api.headers["content-type"].startswith("application/json")
