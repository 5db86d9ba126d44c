"""Bulk open data over HTTP (SQLite and PostgreSQL): only published versions, built once per
store revision, served with ETag / Last-Modified / Content-Disposition."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

import hyoka
from hyoka.model import Sheet
from hyoka.render.opendata import column_documentation
from hyoka.stages import Action
from hyoka.store import transaction
from hyoka.store.schema.sheets import current_tables
from hyoka.store.staff.refs import current_sheet
from hyoka.store.staff.workflow import create_next_year, save_edit, transition
from hyoka.web.downloads import OpenDataCache
from sheets import other_sheet, sample_sheet
from web_support import client_for, store

MARKER = "未公開の下書きにだけある目的の文"
TABLES = [table.name for table in current_tables()]


@pytest.fixture
def client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with client_for(db_url) as opened:
        yield opened


def _draft(engine: Engine, published_id: int) -> int:
    """Next year's sheet made from a published one and edited: a draft (unpublished)."""
    with transaction(engine) as session:
        draft_id = create_next_year(session=session, sheet_id=published_id, actor="editor")
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=draft_id)
        edited = sheet.model_copy(update={"purpose": MARKER})
        save_edit(
            session=session,
            sheet_id=draft_id,
            sheet=edited,
            expected_revision=ref.revision,
            actor="editor",
        )
    return draft_id


def _csv(client: TestClient, table: str) -> list[dict[str, str]]:
    response = client.get(f"/opendata/{table}.csv")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _everything(client: TestClient) -> tuple[list[Sheet], dict[str, list[dict[str, str]]]]:
    response = client.get("/opendata/sheets.json")
    assert response.status_code == 200
    sheets = [Sheet.model_validate(item) for item in orjson.loads(response.content)]
    return sheets, {table: _csv(client, table) for table in TABLES}


def _cache(client: TestClient) -> OpenDataCache:
    cache = client.app.state.opendata_cache  # type: ignore[attr-defined]
    assert isinstance(cache, OpenDataCache)
    return cache


def _assert_closed(tables: dict[str, list[dict[str, str]]]) -> None:
    """Every child row's parent is in the export (nothing of a left-out sheet leaks)."""
    for table in current_tables():
        for key in table.foreign_keys:
            if key.parent.nullable:
                continue
            parents = {row["id"] for row in tables[key.column.table.name]}
            children = {row[key.parent.name] for row in tables[table.name]}
            assert children <= parents, (table.name, key.parent.name)


def test_an_unpublished_version_stays_out_until_approved(
    client: TestClient, engine: Engine
) -> None:
    published_id, _other = store(engine, [sample_sheet(), other_sheet()])
    draft_id = _draft(engine, published_id)

    sheets, tables = _everything(client)
    assert all(sheet.purpose != MARKER for sheet in sheets)
    assert {int(row["id"]) for row in tables["sheets"]} == {1, 2}
    assert draft_id not in {int(row["id"]) for row in tables["sheets"]}
    for table, rows in tables.items():
        assert all(MARKER not in value for row in rows for value in row.values()), table
    _assert_closed(tables)
    assert tables["indicators"] and tables["indicator_values"] and tables["cost_rows"]

    for action in (Action.SUBMIT, Action.APPROVE):
        with transaction(engine) as session:
            transition(session=session, sheet_id=draft_id, action=action, actor="reviewer")
    sheets, tables = _everything(client)
    assert [sheet.purpose for sheet in sheets].count(MARKER) == 1
    assert draft_id in {int(row["id"]) for row in tables["sheets"]}
    [draft_row] = [row for row in tables["sheets"] if int(row["id"]) == draft_id]
    assert draft_row["purpose"] == MARKER and draft_row["fiscal_year"] == "2024"
    assert {row["sheet_id"] for row in tables["indicators"]} >= {str(draft_id)}
    _assert_closed(tables)


def test_files_are_built_once_per_store_revision(client: TestClient, engine: Engine) -> None:
    (published_id,) = store(engine, [sample_sheet()])
    first = client.get("/opendata/sheets.json")
    again = client.get("/opendata/sheets.json")
    table = client.get("/opendata/cost_rows.csv")
    assert _cache(client).builds == 1
    assert first.content == again.content
    etag = first.headers["etag"]
    assert etag == again.headers["etag"] == table.headers["etag"]
    assert first.headers["last-modified"]
    assert 'attachment; filename="sheets.json"' in first.headers["content-disposition"]
    assert "cost_rows.csv" in table.headers["content-disposition"]

    fresh = client.get("/opendata/sheets.json", headers={"If-None-Match": etag})
    assert fresh.status_code == 304 and fresh.content == b""
    since = client.get(
        "/opendata/sheets.json", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert since.status_code == 304
    assert _cache(client).builds == 1

    # A save (here a new version of the stored sheet) makes the next request rebuild.
    store(engine, [sample_sheet(purpose="新しい版の目的")])
    changed = client.get("/opendata/sheets.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert _cache(client).builds == 2
    assert [Sheet.model_validate(item).purpose for item in orjson.loads(changed.content)] == [
        "新しい版の目的"
    ]
    # A workflow move alone (no save) also changes the revision: a draft made public.
    draft_id = _draft(engine, published_id)
    client.get("/opendata/sheets.json")
    builds = _cache(client).builds
    for action in (Action.SUBMIT, Action.APPROVE):
        with transaction(engine) as session:
            transition(session=session, sheet_id=draft_id, action=action, actor="reviewer")
    assert len(orjson.loads(client.get("/opendata/sheets.json").content)) == 2
    assert _cache(client).builds == builds + 1


def test_an_unknown_table_is_404(client: TestClient) -> None:
    assert client.get("/opendata/users.csv").status_code == 404
    assert client.get("/opendata/audit_log.csv").status_code == 404


def test_the_page_documents_every_exported_column(client: TestClient) -> None:
    page = client.get("/opendata")
    assert page.status_code == 200
    for table in current_tables():
        assert f'<h3 id="table-{table.name}"><code>{table.name}.csv</code></h3>' in page.text
        for column in table.columns:
            assert f'<th scope="row"><code>{column.name}</code></th>' in page.text, (
                table.name,
                column.name,
            )


def test_the_column_documentation_is_html_tables_in_japanese_with_an_example_row(
    client: TestClient, engine: Engine
) -> None:
    store(engine, [sample_sheet()])
    text = client.get("/opendata").text
    # No raw Markdown left, and no English descriptions.
    assert "### " not in text and "| --- |" not in text and "| column |" not in text
    assert "thousand yen" not in text and "English" not in text
    head = '<th scope="col">列</th><th scope="col">名称</th><th scope="col">型</th>'
    assert text.count(head) == len(current_tables())
    assert '<th scope="col">単位</th><th scope="col">説明</th><th scope="col">例</th>' in text
    # 型 from the stored table, 単位 from the documentation, 例 the first published row.
    costs = text[text.index('id="table-cost_rows"') :]
    row = costs[costs.index("<code>initial_budget</code>") :].split("</tr>")[0]
    cells = re.findall(r"<td>([^<]*)</td>", row)
    first = sample_sheet().costs[0].initial_budget
    assert cells[1:3] == ["整数", "千円"] and cells[-1] == str(first)
    assert "<code>sheets.id</code>" in text  # inline code rendered


def test_the_column_documentation_is_read_from_the_package(tmp_path: Path) -> None:
    # The package alone, copied where no repository (and no docs folder) is around it.
    copied = tmp_path / "site-packages" / "hyoka"
    shutil.copytree(
        Path(hyoka.__file__).parent, copied, ignore=shutil.ignore_patterns("__pycache__")
    )
    script = (
        "import hyoka, pathlib, sys\n"
        "from hyoka.render.opendata import column_documentation\n"
        "assert pathlib.Path(hyoka.__file__).is_relative_to(sys.argv[1]), hyoka.__file__\n"
        "print(column_documentation())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(copied)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(copied.parent), "PYTHONSAFEPATH": "1"},
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "docs").exists()
    assert result.stdout.rstrip("\n") == column_documentation().rstrip("\n")
    assert "### `indicators.csv`" in result.stdout
