"""Japanese full-text search through the store and the HTTP surfaces, on SQLite and PostgreSQL:
3+ characters (FTS5 trigram / pg_trgm), 1–2 characters (LIKE), no hit, ranking, highlighting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.store import transaction
from hyoka.store.search.listing import SheetFilters, list_summaries
from hyoka.store.search.matching import snippet, terms_of
from sheets import sample_sheet
from web_support import client_for, store

# Texts written for these tests: each word occurs where the test says, and nowhere else.
ALPS = sample_sheet(
    program_number="01 01 01",
    program_name="山岳観光推進事業",
    purpose="北アルプスの登山道を整備し、山岳観光の安全を高める。山岳観光の案内所を設ける。",
    situation=["山岳遭難が増えている"],
)
LAKE = sample_sheet(
    program_number="01 01 02",
    program_name="湖畔環境保全事業",
    purpose="諏訪湖の水質を保全し、湖畔で山岳観光の情報も発信する。",
    situation=["水質<改善>が課題 & 継続"],
)
FARM = sample_sheet(
    program_number="01 01 03",
    program_name="農業人材育成事業",
    purpose="新規就農者を育てる。",
    situation=["担い手が不足している"],
)


@pytest.fixture
def client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with client_for(db_url) as opened:
        yield opened


@pytest.fixture
def stored(engine: Engine) -> dict[str, int]:
    ids = store(engine, [ALPS, LAKE, FARM])
    return dict(zip(["alps", "lake", "farm"], ids, strict=True))


def _search(engine: Engine, query: str) -> list[str]:
    with transaction(engine) as session:
        page = list_summaries(session=session, filters=SheetFilters(q=query), facets=False)
    return [item.program_number for item in page.items]


def test_three_or_more_characters_find_every_sheet_with_the_text(
    engine: Engine, stored: dict[str, int]
) -> None:
    assert sorted(_search(engine, "山岳観光")) == ["01 01 01", "01 01 02"]
    assert _search(engine, "諏訪湖") == ["01 01 02"]
    assert _search(engine, "新規就農者") == ["01 01 03"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("湖", ["01 01 02"]), ("就農", ["01 01 03"]), ("遭難", ["01 01 01"]), ("農", ["01 01 03"])],
)
def test_one_or_two_characters_find_the_sheets_too(
    engine: Engine, stored: dict[str, int], query: str, expected: list[str]
) -> None:
    assert _search(engine, query) == expected


def test_every_term_must_occur(engine: Engine, stored: dict[str, int]) -> None:
    assert _search(engine, "山岳観光 諏訪湖") == ["01 01 02"]
    assert _search(engine, "湖 登山道") == []


@pytest.mark.parametrize("query", ["存在しない語句", "火星", "%", "_", '"'])
def test_no_hit(engine: Engine, stored: dict[str, int], query: str) -> None:
    assert _search(engine, query) == []


def test_the_sheet_naming_the_term_and_repeating_it_ranks_first(
    engine: Engine, stored: dict[str, int]
) -> None:
    # 山岳観光 is ALPS's name and occurs twice in its purpose; LAKE mentions it once.
    assert _search(engine, "山岳観光") == ["01 01 01", "01 01 02"]
    assert _search(engine, "山岳") == ["01 01 01", "01 01 02"]


def test_full_width_queries_match_the_normalised_text(engine: Engine) -> None:
    store(engine, [sample_sheet(program_number="02 01 01", purpose="DX推進のための研修")])
    assert _search(engine, "ＤＸ推進") == ["02 01 01"]


def test_snippets_mark_every_occurrence_of_every_term() -> None:
    passages = snippet("前文\n山岳観光と湖と山岳観光", terms_of("山岳観光 湖"))
    assert passages == [[("山岳観光", True), ("と", False), ("湖", True), ("と", False),
                         ("山岳観光", True)]]  # fmt: skip


def test_search_page_highlights_and_escapes(client: TestClient, stored: dict[str, int]) -> None:
    response = client.get("/", params={"q": "改善"})
    assert response.status_code == 200
    assert "水質&lt;<mark>改善</mark>&gt;が課題 &amp; 継続" in response.text
    assert "湖畔環境保全事業" in response.text
    assert "山岳観光推進事業" not in response.text


def test_search_api_ranks_and_returns_snippets(client: TestClient, stored: dict[str, int]) -> None:
    body = client.get("/api/search", params={"q": "山岳観光"}).json()
    assert [item["id"] for item in body["items"]] == [stored["alps"], stored["lake"]]
    assert body["total"] == 2
    pieces = [piece for passage in body["items"][1]["snippets"] for piece in passage]
    assert {"text": "山岳観光", "highlighted": True} in pieces


def test_search_api_needs_a_query(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": " "})
    assert response.status_code == 400
    assert "検索語" in response.json()["detail"]


def test_a_changed_sheet_is_found_by_its_new_text_only(engine: Engine) -> None:
    store(engine, [sample_sheet(program_number="03 01 01", purpose="旧い目的の文章")])
    store(engine, [sample_sheet(program_number="03 01 01", purpose="新しい目的の文章")])
    assert _search(engine, "新しい目的") == ["03 01 01"]
    assert _search(engine, "旧い目的") == []
