"""Every public page and API route over a real store (SQLite and PostgreSQL): filters, facets,
pagination, the sheet page's parts, downloads, policy areas, open data, errors, headers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.model import SheetKind, Stage
from sheets import other_sheet, sample_sheet
from web_support import client_for, missed_indicator, store

PUBLIC_PAGES = ["/", "/policies", "/opendata", "/api/docs"]


@pytest.fixture
def client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with client_for(db_url) as opened:
        yield opened


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    sheets = {
        "seed": sample_sheet(),
        "other": other_sheet(),
        "missed": sample_sheet(
            program_number="09 01 01",
            program_name="森林づくり推進事業",
            department="林務部",
            section="森林政策課",
            fiscal_year=2022,
            indicators=[missed_indicator(2022)],
            plan_links=[],
        ),
        "national": sample_sheet(
            kind=SheetKind.NATIONAL,
            program_number="0001",
            program_name="国の補助事業",
            department="総務省",
            section="自治行政局",
            indicators=[],
            plan_links=[],
            costs=[],
            sub_projects=[],
        ),
    }
    return dict(zip(sheets, store(engine, sheets.values()), strict=True))


def _numbers(client: TestClient, **params: str) -> list[str]:
    body = client.get("/api/sheets", params=params).json()
    return [item["program_number"] for item in body["items"]]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_japanese_html_with_security_headers(
    client: TestClient, ids: dict[str, int], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="ja">' in response.text
    assert "本文へ移動" in response.text and 'href="/login"' in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    # Nothing is loaded from another server.
    assert "http://" not in response.text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in response.text


def test_the_list_shows_every_sheet_with_era_and_kind(
    client: TestClient, ids: dict[str, int]
) -> None:
    text = client.get("/").text
    assert "4件" in text
    assert "令和5年度" in text and "令和4年度" in text
    assert f'href="/sheets/{ids["missed"]}"' in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "national"}, ["0001"]),
        ({"kind": "prefecture", "year": "2022"}, ["09 01 01"]),
        ({"department": "林務部"}, ["09 01 01"]),
        ({"department": "林務部", "section": "森林政策課"}, ["09 01 01"]),
        ({"policy": "2-1①"}, ["07 01 01", "07 06 01"]),
        ({"achievement": "未達成"}, ["09 01 01"]),
        ({"achievement": "none"}, ["0001"]),
        ({"at_risk": "1"}, []),  # 未達成 is not 目標未達のおそれ (no pace behind)
        ({"stage": Stage.REVIEW.value, "year": "2022"}, ["09 01 01"]),
    ],
)
def test_filters(
    client: TestClient, ids: dict[str, int], params: dict[str, str], expected: list[str]
) -> None:
    assert _numbers(client, **params) == expected


def test_facets_count_under_the_other_filters(client: TestClient, ids: dict[str, int]) -> None:
    body = client.get("/api/sheets", params={"department": "林務部"}).json()
    departments = {facet["value"]: facet["count"] for facet in body["facets"]["department"]}
    assert departments == {"林務部": 1, "産業労働部": 2, "総務省": 1}
    assert body["facets"]["section"] == [{"value": "森林政策課", "count": 1}]
    achievement = {facet["value"]: facet["count"] for facet in body["facets"]["achievement"]}
    assert achievement == {"未達成": 1}


def test_pagination_and_sorting(client: TestClient, ids: dict[str, int]) -> None:
    first = client.get("/api/sheets", params={"per_page": "3"}).json()
    second = client.get("/api/sheets", params={"per_page": "3", "page": "2"}).json()
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (
        4,
        2,
        3,
        1,
    )
    numbers = [item["program_number"] for item in first["items"] + second["items"]]
    assert numbers == sorted(numbers)
    years = [
        item["fiscal_year"] for item in client.get("/api/sheets?sort=year_desc").json()["items"]
    ]
    assert years == sorted(years, reverse=True)
    page = client.get("/", params={"per_page": "3"}).text
    assert 'rel="next"' in page and 'aria-current="page"' in page


@pytest.mark.parametrize(
    ("params", "message"),
    [({"year": "令和5"}, "year"), ({"page": "0"}, "page"), ({"sort": "x"}, "sort")],
)
def test_bad_parameters_are_refused_in_japanese(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    page = client.get("/", params=params)
    assert page.status_code == 400 and message in page.text and "エラーコード：400" in page.text
    assert client.get("/api/sheets", params=params).status_code == 400


def test_sheet_page_shows_layout_charts_findings_corrections_history(
    client: TestClient, ids: dict[str, int], engine: Engine
) -> None:
    store(engine, [sample_sheet(purpose="目的を書き直した版")])
    text = client.get(f"/sheets/{ids['seed']}").text
    assert "産業振興のための企画調査・応援事業" in text
    assert 'role="img"' in text and '<title id="chart-indicator-0-title">' in text
    assert '<desc id="chart-budget-desc">' in text and "<caption>" in text
    assert "修正前：473、修正後：493" in text and "R4年度実績が誤っていたため修正" in text
    assert "第2版" in text and "第1版" in text
    assert "点検結果" in text
    for suffix in ("pdf", "xlsx", "json", "csv"):
        assert f'href="/sheets/{ids["seed"]}.{suffix}"' in text


def test_sheet_page_of_a_national_sheet(client: TestClient, ids: dict[str, int]) -> None:
    response = client.get(f"/sheets/{ids['national']}")
    assert response.status_code == 200
    assert "国の補助事業" in response.text and "国（行政事業レビューシート）" in response.text


def test_findings_of_the_rules_are_shown(client: TestClient, ids: dict[str, int]) -> None:
    detail = client.get(f"/api/sheets/{ids['seed']}").json()
    text = client.get(f"/sheets/{ids['seed']}").text
    assert detail["findings"], "the seed sheet has findings (sub-project sums)"
    for finding in detail["findings"]:
        assert finding["message"] in text


def test_downloads(client: TestClient, ids: dict[str, int]) -> None:
    sheet_id = ids["seed"]
    as_json = client.get(f"/sheets/{sheet_id}.json")
    assert as_json.json()["header"]["program_number"] == "07 01 01"
    assert "attachment" in as_json.headers["content-disposition"]
    rows = list(
        csv.reader(io.StringIO(client.get(f"/sheets/{sheet_id}.csv").text.lstrip("\ufeff")))
    )
    assert rows[0] == ["区分", "番号", "項目", "年度", "種別", "値", "単位"]
    assert [
        "事業コスト",
        "",
        "決算額",
        "2023",
        "",
        "190,906".replace(",", ""),
        "千円",
    ] in rows or any(row[0] == "事業コスト" and row[2] == "決算額" for row in rows)
    pdf = client.get(f"/sheets/{sheet_id}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/sheets/{sheet_id}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get("/sheets/999999.pdf").status_code == 404


def test_policy_areas(client: TestClient, ids: dict[str, int]) -> None:
    listing = client.get("/policies").text
    assert "2-1①" in listing and "成長産業の創出・振興" in listing
    page = client.get("/policies/2-1①")
    assert page.status_code == 200
    assert "07 01 01" in page.text and "達成" in page.text
    assert "森林づくり推進事業" not in page.text
    detail = client.get("/api/policies/2-1①").json()
    assert {sheet["program_number"] for sheet in detail["sheets"]} == {"07 01 01", "07 06 01"}
    assert client.get("/policies/9-9⑨").status_code == 404
    assert [area["code"] for area in client.get("/api/policies").json()] == ["2-1①", "2-2②"]


def test_open_data(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/opendata").text
    assert 'href="/opendata/indicators.csv"' in page and "sheets.json" in page
    documents = client.get("/opendata/sheets.json").json()
    assert len(documents) == 4
    indicators = client.get("/opendata/indicators.csv")
    assert indicators.status_code == 200 and "見学会参加者数" in indicators.text
    assert client.get("/opendata/accounts.csv").status_code == 404
    links = client.get("/api/opendata").json()
    assert links["csv_urls"]["indicators"] == "/opendata/indicators.csv"


def test_api_sheet_detail(client: TestClient, ids: dict[str, int]) -> None:
    detail = client.get(f"/api/sheets/{ids['missed']}").json()
    assert detail["sheet"]["header"]["program_name"] == "森林づくり推進事業"
    assert detail["derived"]["indicators"][0]["achievement"] == "未達成"
    assert detail["downloads"]["pdf"] == f"/sheets/{ids['missed']}.pdf"
    assert client.get("/api/sheets/999999").json() == {"detail": "ページが見つかりません"}


def test_openapi_and_local_docs(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/sheets", "/api/search", "/api/sheets/{sheet_id}", "/api/policies",
                 "/api/policies/{code}", "/api/opendata"):  # fmt: skip
        assert path in schema["paths"]
        assert path in client.get("/api/docs").text
    assert client.get("/docs").status_code == 404


def test_unknown_pages_get_a_japanese_404(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "ページが見つかりません" in response.text


def test_unpublished_versions_stay_off_the_public_pages(
    client: TestClient, engine: Engine, ids: dict[str, int]
) -> None:
    from hyoka.stages import Action
    from hyoka.store import transaction
    from hyoka.store.staff.workflow import create_next_year, transition

    with transaction(engine) as session:
        draft = create_next_year(session=session, sheet_id=ids["seed"], actor="tester")

    def listed() -> bool:
        items = client.get("/api/sheets", params={"per_page": "100"}).json()["items"]
        return any(item["id"] == draft for item in items)

    assert not listed()
    assert client.get(f"/sheets/{draft}").status_code == 404
    assert client.get(f"/sheets/{ids['seed']}").status_code == 200

    with transaction(engine) as session:
        for action in (Action.SUBMIT, Action.APPROVE):
            transition(session=session, sheet_id=draft, action=action, actor="tester")
    assert listed()
    assert client.get(f"/sheets/{draft}").status_code == 200


def test_the_public_history_lists_published_versions_by_section_only(
    client: TestClient, engine: Engine, ids: dict[str, int]
) -> None:
    from hyoka.stages import Action
    from hyoka.store import save_sheet, transaction
    from hyoka.store.staff.refs import current_sheet
    from hyoka.store.staff.workflow import create_next_year, save_edit, transition

    imported_from = "/srv/hyoka/imports/2023/07-01-01.txt"
    with transaction(engine) as session:
        save_sheet(
            session=session, sheet=sample_sheet(purpose="取り込み直した版"), source=imported_from
        )
        draft = create_next_year(session=session, sheet_id=ids["seed"], actor="tanaka")
    with transaction(engine) as session:
        ref, sheet = current_sheet(session=session, sheet_id=draft)
        sheet.purpose = "来年度の目的"
        save_edit(
            session=session,
            sheet_id=draft,
            sheet=sheet,
            expected_revision=ref.revision,
            actor="tanaka",
        )
        for action in (Action.SUBMIT, Action.APPROVE):
            transition(session=session, sheet_id=draft, action=action, actor="suzuki")
    with transaction(engine) as session:
        _ref, approved = current_sheet(session=session, sheet_id=draft)
        approved.purpose = "公開後に保存した下書き"  # saved after publication, never approved
        save_sheet(session=session, sheet=approved, source="staff:tanaka")

    def history(sheet_id: int) -> str:
        page = client.get(f"/sheets/{sheet_id}")
        assert page.status_code == 200
        for leak in ("staff:", "tanaka", "suzuki", imported_from, "07-01-01.txt"):
            assert leak not in page.text, leak
        return page.text.split('id="history"', 1)[1]

    imported = history(ids["seed"])
    assert "第2版" in imported and "第1版" in imported and "産業政策課" in imported
    assert "取り込み元" not in imported
    listed = history(draft)
    assert "第2版" in listed and "産業政策課" in listed
    assert "第1版" not in listed  # the draft made for the next year, never published
    assert "第3版" not in listed  # the draft saved after publication
    api = client.get(f"/api/sheets/{draft}").json()["history"]
    assert [(item["revision"], item["section"]) for item in api] == [(2, "産業政策課")]
    assert "staff:" not in str(api) and "source" not in api[0]
