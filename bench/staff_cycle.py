"""Benchmark: the staff pages of the review cycle, step by step.

    uv run python bench/staff_cycle.py [--rounds 10] [--db URL]

Runs the cycle of ``tests/test_review_cycle_http.py`` — edit and save a draft, submit,
the reviewer's page, approve, a correction draft saved, submitted and approved, the
public page after it — ``--rounds`` times over HTTP (Starlette's TestClient, in process)
on a fresh SQLite store holding the two sample sheets (or on ``--db``, e.g. a PostgreSQL
URL of an empty database), and prints each step's median and slowest time in ms. The
first round warms up and is not counted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from fastapi.testclient import TestClient

from hyoka.accounts import Role, add_user
from hyoka.settings import Settings
from hyoka.store import create_engine_for, transaction
from hyoka.web.app import create_app
from hyoka.web.demo import create_demo_database

PASSWORD = "ベンチマーク用の長い合言葉です"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
INPUT = re.compile(r"<input\b([^>]*)>")


def _login(app: object, name: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    token = TOKEN.search(client.get("/login").text)
    assert token
    client.post("/login", data={"login": name, "password": PASSWORD, "csrf_token": token[1]})
    return client


def _token(client: TestClient) -> str:
    found = TOKEN.search(client.get("/staff").text)
    assert found
    return found[1]


def _form(client: TestClient, sheet_id: int) -> dict[str, str]:
    """The edit form's text fields and hidden inputs (enough to post it back unchanged)."""
    page = client.get(f"/staff/sheets/{sheet_id}/edit").text
    fields = {}
    for attributes in INPUT.findall(page):
        name, value = (
            re.search(r'name="([^"]+)"', attributes),
            re.search(r'value="([^"]*)"', attributes),
        )
        unchecked = 'type="checkbox"' in attributes and "checked" not in attributes
        if name and not unchecked:
            fields[name[1]] = value[1].replace("&amp;", "&") if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = chosen[1] if chosen else ""
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or create_demo_database(Path(folder) / "bench.sqlite")
        engine = create_engine_for(url)
        with transaction(engine) as session:
            for name, role in (("bench-editor", Role.EDITOR), ("bench-reviewer", Role.REVIEWER)):
                add_user(session=session, login=name, password=PASSWORD, role=role,
                         department="産業労働部" if role is Role.EDITOR else "", actor="bench")  # fmt: skip
        engine.dispose()
        app = create_app(Settings(database_url=url))
        with TestClient(app):
            times = _run(app, args.rounds)
        app.state.engine.dispose()
    print(f"{'step':<34} {'median ms':>10} {'max ms':>8}  ({args.rounds} rounds)")
    for step, spent in times.items():
        print(f"{step:<34} {statistics.median(spent):>10.1f} {max(spent):>8.1f}")


def _run(app: object, rounds: int) -> dict[str, list[float]]:
    editor, reviewer = _login(app, "bench-editor"), _login(app, "bench-reviewer")
    public = TestClient(app)  # type: ignore[arg-type]
    times: dict[str, list[float]] = defaultdict(list)
    found = re.search(r'href="/staff/sheets/(\d+)"', editor.get("/staff").text)
    assert found
    seed = int(found[1])

    def timed(step: str, call: object, *args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        answer = call(*args, **kwargs)  # type: ignore[operator]
        if round_ > 0:
            times[step].append((time.perf_counter() - started) * 1000)
        status = answer.status_code  # type: ignore[attr-defined]
        assert status < 400, (step, status, answer.text[:500])  # type: ignore[attr-defined]
        return answer

    for round_ in range(rounds + 1):
        draft = editor.post(f"/staff/sheets/{seed}/next-year", data={"csrf_token": _token(editor)})
        draft_id = int(re.search(r"/staff/sheets/(\d+)", str(draft.url))[1])  # type: ignore[index]
        timed("edit form (GET)", editor.get, f"/staff/sheets/{draft_id}/edit")
        fields = {**_form(editor, draft_id), "purpose": f"ベンチマーク {round_}"}
        timed(
            "live check (POST /check)", editor.post, f"/staff/sheets/{draft_id}/check", data=fields
        )
        timed("save draft", editor.post, f"/staff/sheets/{draft_id}/edit", data=fields)
        token = _token(editor)
        timed("submit", editor.post, f"/staff/sheets/{draft_id}/actions/submit",
              data={"csrf_token": token, "reason": "ベンチマーク"})  # fmt: skip
        timed("reviewer's page", reviewer.get, f"/staff/sheets/{draft_id}")
        timed("approve", reviewer.post, f"/staff/sheets/{draft_id}/actions/approve",
              data={"csrf_token": _token(reviewer)})  # fmt: skip
        fields = {**_form(editor, draft_id), "purpose": f"修正 {round_}", "reason": "ベンチマーク"}
        timed("save correction draft", editor.post, f"/staff/sheets/{draft_id}/edit", data=fields)
        timed("submit correction", editor.post, f"/staff/sheets/{draft_id}/actions/submit",
              data={"csrf_token": _token(editor), "reason": "ベンチマーク"})  # fmt: skip
        timed("approve correction", reviewer.post, f"/staff/sheets/{draft_id}/actions/approve",
              data={"csrf_token": _token(reviewer)})  # fmt: skip
        timed("public page with notes", public.get, f"/sheets/{draft_id}")
        # The next round starts from a new year: the sheet just made is the seed.
        seed = draft_id
    return times


if __name__ == "__main__":
    sys.exit(main())
