"""Hostile query strings and path numbers: a 400/404 in Japanese, never a 500.

``str.isdigit`` accepts ``²`` and ``①`` (``int`` does not), ``int`` refuses strings of
more than 4,300 digits, and the drivers cannot carry ids past 64 (SQLite) or 32 bits
(PostgreSQL): each was a 500 on a public page. The national sheets have no workbook in
the official layout: their Excel link was a 500 on every one of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.model import SheetKind
from sheets import sample_sheet
from web_support import client_for, store

LONG = "1" * 5000

BAD_QUERIES = [
    ("year", "²"),
    ("page", "①"),
    ("per_page", "³"),
    ("year", "２０２３"),  # full-width digits: also isdigit(), also refused
    ("page", LONG),
    ("per_page", "-1"),
    ("year", "2023.0"),
]


@pytest.fixture
def client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with client_for(db_url) as opened:
        yield opened


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    national = sample_sheet(
        kind=SheetKind.NATIONAL,
        program_number="0001",
        program_name="国の補助事業",
        department="総務省",
        section="自治行政局",
        indicators=[],
        plan_links=[],
        costs=[],
        sub_projects=[],
    )
    prefecture, national_id = store(engine, [sample_sheet(), national])
    return {"prefecture": prefecture, "national": national_id}


@pytest.mark.parametrize(("name", "value"), BAD_QUERIES)
def test_a_malformed_number_is_a_400_naming_the_parameter(
    client: TestClient, name: str, value: str
) -> None:
    page = client.get("/", params={name: value})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert f"{name} は" in page.text
    assert "の整数）で指定してください" in page.text
    for path in ["/api/sheets", "/api/search?q=人材"]:
        response = client.get(path, params={name: value})
        assert response.status_code == 400
        assert response.json()["detail"].startswith(f"{name} は")


@pytest.mark.parametrize("value", ["²", LONG])
def test_the_analytics_filters_share_the_parsing(client: TestClient, value: str) -> None:
    for path in ["/analytics/achievement", "/api/analytics/achievement"]:
        assert client.get(path, params={"year": value}).status_code == 400


def test_ascii_numbers_still_work(client: TestClient, ids: dict[str, int]) -> None:
    body = client.get("/api/sheets", params={"year": "2023", "page": "1", "per_page": "5"})
    assert body.status_code == 200
    assert body.json()["per_page"] == 5


@pytest.mark.parametrize(
    "path",
    [
        "/sheets/{big}",
        "/sheets/{big}.pdf",
        "/sheets/{big}.xlsx",
        "/sheets/{big}.json",
        "/sheets/{big}.csv",
        "/api/sheets/{big}",
    ],
)
def test_an_id_past_what_the_database_holds_is_not_found(client: TestClient, path: str) -> None:
    for big in [2**31, 2**63, 10**30]:
        assert client.get(path.format(big=big)).status_code == 404


def test_a_national_sheet_offers_no_workbook_and_its_url_is_not_found(
    client: TestClient, ids: dict[str, int]
) -> None:
    national = ids["national"]
    page = client.get(f"/sheets/{national}")
    assert page.status_code == 200
    assert f"/sheets/{national}.xlsx" not in page.text
    assert f"/sheets/{national}.pdf" in page.text
    assert "xlsx" not in client.get(f"/api/sheets/{national}").json()["downloads"]
    missing = client.get(f"/sheets/{national}.xlsx")
    assert missing.status_code == 404
    assert "ページが見つかりません" in missing.text


def test_a_prefecture_sheet_still_offers_its_workbook(
    client: TestClient, ids: dict[str, int]
) -> None:
    sheet_id = ids["prefecture"]
    assert f"/sheets/{sheet_id}.xlsx" in client.get(f"/sheets/{sheet_id}").text
    assert "xlsx" in client.get(f"/api/sheets/{sheet_id}").json()["downloads"]
    workbook = client.get(f"/sheets/{sheet_id}.xlsx")
    assert workbook.status_code == 200
    assert workbook.content.startswith(b"PK")
