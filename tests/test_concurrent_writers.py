"""Writers at the same moment, on SQLite and PostgreSQL: they take turns, nothing is lost.

The app is served by uvicorn in a thread (one event loop, as in production) and driven by
parallel HTTP clients in threads; imports run as real ``hyoka import`` processes. Before,
two saves at the same moment could both wait SQLite's 30 s busy timeout, then one answered
500 "database is locked"; of ten saves of one sheet, some answered 500 instead of 409; two
imports of one file into one store both crashed halfway.
"""

from __future__ import annotations

import gzip
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from hyoka.accounts import Role, add_user
from hyoka.cli import app as cli_app
from hyoka.settings import Settings
from hyoka.store import transaction
from hyoka.store.schema.sheets import SheetRow
from hyoka.web.app import create_app
from sheets import other_sheet, sample_sheet
from test_web_staff import edit_form
from web_support import store

PASSWORD = "長くて推測されにくい合言葉です"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
JUDGIT_SAMPLE = Path(__file__).parent / "data" / "judgit" / "judgit-sample.ndjson.gz"
EDITORS = [f"editor{number}" for number in range(10)]


@dataclass(frozen=True)
class Site:
    url: str
    engine: Engine
    sheet_ids: list[int]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def site(db_url: str, engine: Engine) -> Iterator[Site]:
    sheet_ids = store(engine, [sample_sheet(), other_sheet(department="産業労働部")])
    with transaction(engine) as session:
        for login in EDITORS:
            add_user(
                session=session,
                login=login,
                password=PASSWORD,
                role=Role.EDITOR,
                department="産業労働部",
                actor="test",
            )
    app = create_app(Settings(database_url=db_url))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield Site(url=f"http://127.0.0.1:{port}", engine=engine, sheet_ids=sheet_ids)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


def _logged_in(site: Site, login: str) -> httpx.Client:
    client = httpx.Client(base_url=site.url, timeout=120)
    form = TOKEN.search(client.get("/login").text)
    assert form
    done = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": form.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return client


def _edited(client: httpx.Client, sheet_id: int, purpose: str) -> dict[str, str]:
    fields = edit_form(client, sheet_id)  # type: ignore[arg-type]
    fields["purpose"], fields["reason"] = purpose, "目的の見直し"
    return fields


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; their results in order."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _timed_post(client: httpx.Client, path: str, data: dict[str, str]) -> tuple[int, float, str]:
    began = time.monotonic()
    response = client.post(path, data=data, follow_redirects=False)
    return response.status_code, time.monotonic() - began, response.text


def _purpose(site: Site, sheet_id: int) -> str:
    """The purpose the edit form shows now (a published sheet's edit is a correction draft)."""
    with closing(_logged_in(site, EDITORS[-1])) as client:
        return edit_form(client, sheet_id)["purpose"]  # type: ignore[arg-type]


def test_two_saves_of_different_sheets_at_once_both_succeed_quickly(site: Site) -> None:
    first, second = site.sheet_ids
    clients = [_logged_in(site, login) for login in EDITORS[:2]]
    with closing(clients[0]), closing(clients[1]):
        forms = [
            _edited(clients[0], first, "同時に保存する一つめ"),
            _edited(clients[1], second, "同時に保存する二つめ"),
        ]
        results = _all_at_once(
            [
                lambda: _timed_post(clients[0], f"/staff/sheets/{first}/edit", forms[0]),
                lambda: _timed_post(clients[1], f"/staff/sheets/{second}/edit", forms[1]),
            ]
        )
    assert [status for status, _, _ in results] == [303, 303], results
    assert max(seconds for _, seconds, _ in results) < 10
    assert _purpose(site, first) == "同時に保存する一つめ"
    assert _purpose(site, second) == "同時に保存する二つめ"


def test_ten_saves_of_one_sheet_at_once_are_one_save_and_nine_conflicts(site: Site) -> None:
    sheet_id = site.sheet_ids[0]
    clients = [_logged_in(site, login) for login in EDITORS]
    try:
        forms = [
            _edited(client, sheet_id, f"編集者{number}の目的")
            for number, client in enumerate(clients)
        ]
        results = _all_at_once(
            [
                lambda client=client, form=form: _timed_post(
                    client, f"/staff/sheets/{sheet_id}/edit", form
                )
                for client, form in zip(clients, forms, strict=True)
            ]
        )
    finally:
        for client in clients:
            client.close()
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [303] + [409] * 9, [(s, round(t, 1)) for s, t, _ in results]
    saved = [form["purpose"] for form, (status, _, _) in zip(forms, results, strict=True)]
    winner = saved[[status for status, _, _ in results].index(303)]
    assert _purpose(site, sheet_id) == winner
    for status, _, page in results:
        if status == 409:
            assert "は編集中に更新されました" in page  # the sheet or its correction draft
            assert "の目的" in page  # the typed text comes back in the form, not lost


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_save_while_another_writer_holds_the_store_is_a_quick_503(site: Site) -> None:
    sheet_id = site.sheet_ids[0]
    with closing(_logged_in(site, EDITORS[0])) as client:
        form = _edited(client, sheet_id, "待たされる保存")
        with site.engine.connect() as holder:
            # What a long import batch does: the one write lock of SQLite, held.
            holder.exec_driver_sql("BEGIN IMMEDIATE")
            holder.exec_driver_sql("UPDATE sheets SET revision = revision WHERE 0")
            status, seconds, page = _timed_post(client, f"/staff/sheets/{sheet_id}/edit", form)
            public = httpx.get(f"{site.url}/", timeout=30)  # reads never wait for writers
            holder.exec_driver_sql("ROLLBACK")
        assert status == 503, page[:500]
        assert seconds < 15
        assert "ほかの保存や取り込み" in page
        assert "戻る" in page
        assert public.status_code == 200
        again = _timed_post(client, f"/staff/sheets/{sheet_id}/edit", form)
        assert again[0] == 303
    assert _purpose(site, sheet_id) == "待たされる保存"


def test_public_pages_keep_serving_while_an_import_writes(site: Site) -> None:
    with site.engine.begin() as writing:
        writing.execute(text("UPDATE sheets SET revision = revision"))  # holds the write lock
        began = time.monotonic()
        pages = [httpx.get(f"{site.url}{path}", timeout=30) for path in ("/", "/api/sheets")]
        took = time.monotonic() - began
    assert [page.status_code for page in pages] == [200, 200]
    assert took < 10


# --- hyoka import -------------------------------------------------------------------------


def _national_file(path: Path, count: int) -> Path:
    """``count`` distinct national sheets made from the sample's first record."""
    with gzip.open(JUDGIT_SAMPLE) as stream:
        record = orjson.loads(stream.readline())
    with gzip.open(path, "wb") as stream:
        for number in range(count):
            copy = dict(record, ID=100_000 + number, 事業ID=100_000 + number)
            copy["事業番号"] = copy["事業番号2"] = f"{number + 1:04d}"
            stream.write(orjson.dumps(copy) + b"\n")
    return path


def _stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(SheetRow)).scalar_one())


def test_an_import_into_a_store_that_is_importing_is_refused(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    from hyoka.store.database import ImportInProgress, import_lock

    source = _national_file(tmp_path / "2019.ndjson.gz", 3)
    with import_lock(engine):
        refused = CliRunner().invoke(cli_app, ["import", "--db", db_url, str(source)])
        with pytest.raises(ImportInProgress), import_lock(engine):
            pass
    assert refused.exit_code == 1, refused.output
    assert "別の取り込みが実行中" in refused.output
    assert _stored(engine) == 0  # refused before anything was written
    done = CliRunner().invoke(cli_app, ["import", "--db", db_url, str(source)])
    assert done.exit_code == 0, done.output
    assert _stored(engine) == 3


def test_two_imports_of_one_file_at_once_store_it_once_and_neither_crashes(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    count = 1500
    source = _national_file(tmp_path / "2019.ndjson.gz", count)
    command = [sys.executable, "-m", "hyoka.cli", "import", "--db", db_url, str(source)]
    command[1:3] = ["-c", "from hyoka.cli import app; app()"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    codes = [first.returncode, second.returncode]
    for (out, err), code in zip(outputs, codes, strict=True):
        assert "Traceback" not in err, err
        assert code == 0 or "別の取り込みが実行中" in out + err, (code, out, err)
    assert 0 in codes, outputs
    assert _stored(engine) == count
