"""hyoka serve / demo, the demo store, and indexing sheets stored before the search existed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from typer.testing import CliRunner

from hyoka.accounts import Role, add_user, list_users
from hyoka.cli import app
from hyoka.importers import parse_file
from hyoka.samples import national_files, seed_files
from hyoka.store import create_engine_for, index_missing, transaction
from hyoka.store.schema.search import SheetPolicyRow, SheetSummaryRow
from hyoka.store.search.listing import SheetFilters, list_summaries
from hyoka.web.demo import create_demo_database
from sheets import other_sheet, sample_sheet
from web_support import client_for, store

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_serve_refuses_the_default_secret_on_a_public_address(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", str(tmp_path / "x.sqlite"), "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2
    assert "HYOKA_SECRET_KEY" in result.output


def test_demo_refuses_a_folder_without_samples(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        create_demo_database(tmp_path / "demo.sqlite", samples=tmp_path)


def test_the_demo_store_holds_every_sample_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    for _run in range(2):
        url = create_demo_database(path)
        engine = create_engine_for(url)
        with transaction(engine) as session:
            page = list_summaries(session=session, filters=SheetFilters(), facets=False)
        engine.dispose()
        national = sum(
            1 for file in national_files() for line in file.read_text().splitlines() if line
        )
        assert page.total == len(seed_files()) + national
        kinds = {item.kind for item in page.items}
        assert kinds == {"prefecture", "national"}


def test_sheets_without_a_summary_are_indexed_later(engine: Engine) -> None:
    store(engine, [sample_sheet(), other_sheet()])
    with transaction(engine) as session:
        session.execute(delete(SheetPolicyRow))
        session.execute(delete(SheetSummaryRow))
    with transaction(engine) as session:
        assert index_missing(session=session) == 2
        assert index_missing(session=session) == 0
        assert session.scalar(select(func.count()).select_from(SheetPolicyRow)) == 4
        found = list_summaries(session=session, filters=SheetFilters(q="人材育成"), facets=False)
    assert [item.program_number for item in found.items] == ["07 06 01"]


def _run_demo(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, dict[str, str]]:
    """``hyoka demo`` without serving: the URL it would serve and the printed passwords."""
    served: list[str] = []
    monkeypatch.setattr("hyoka.cli.web._serve", lambda url, host, port: served.append(url))
    result = CliRunner().invoke(app, ["demo", *args])
    assert result.exit_code == 0, result.output
    passwords = {}
    for line in result.output.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃|]", line) if cell.strip()]
        if len(cells) >= 3 and cells[0] in {"admin", "editor", "reviewer"}:
            passwords[cells[0]] = cells[2]
    assert served, result.output
    return served[0], passwords


def _logs_in(client: TestClient, login: str, password: str) -> bool:
    fresh = TestClient(client.app)
    form = TOKEN.search(fresh.get("/login").text)
    assert form
    done = fresh.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": form.group(1)},
        follow_redirects=False,
    )
    return done.status_code == 303


def test_the_demo_has_an_admin_an_editor_and_a_reviewer_with_printed_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "demo.sqlite"
    url, passwords = _run_demo(monkeypatch, "--database", str(database))
    assert url == f"sqlite:///{database}"
    assert set(passwords) == {"admin", "editor", "reviewer"}
    assert len(set(passwords.values())) == 3
    engine = create_engine_for(url)
    with transaction(engine) as session:
        users = {user.login: user for user in list_users(session=session)}
    engine.dispose()
    assert {login: users[login].role for login in passwords} == {
        "admin": "admin",
        "editor": "editor",
        "reviewer": "reviewer",
    }
    first = parse_file(seed_files()[0]).sheet.header
    assert (users["editor"].department, users["editor"].section) == (
        first.department,
        first.section,
    )
    with client_for(url) as client:
        for login, password in passwords.items():
            assert _logs_in(client, login, password), login
        assert not _logs_in(client, "admin", passwords["editor"])


def test_demo_keep_reuses_the_store_and_prints_new_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "demo.sqlite"
    url, first = _run_demo(monkeypatch, "--database", str(database))
    engine = create_engine_for(url)
    with transaction(engine) as session:
        add_user(
            session=session,
            login="tanaka",
            password="長くて推測されにくい合言葉です",
            role=Role.EDITOR,
            department="産業労働部",
            actor="test",
        )
    engine.dispose()
    _url, again = _run_demo(monkeypatch, "--database", str(database), "--keep")
    assert set(again) == {"admin", "editor", "reviewer"}
    assert all(again[login] != first[login] for login in again)
    with client_for(url) as client:
        assert _logs_in(client, "tanaka", "長くて推測されにくい合言葉です")
        assert _logs_in(client, "reviewer", again["reviewer"])
        assert not _logs_in(client, "reviewer", first["reviewer"])
    _run_demo(monkeypatch, "--database", str(database))
    engine = create_engine_for(url)
    with transaction(engine) as session:
        assert "tanaka" not in {user.login for user in list_users(session=session)}
    engine.dispose()
