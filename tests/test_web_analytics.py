"""The analytics dashboards over a real store holding the demo samples, the national fixture
records (tests/data/judgit) and one prefecture sheet with an indicator behind its pace.

Each page's table is checked against the rows the analytics function returns for the same
filter (read in the test straight from hyoka.analytics), filters narrow, the CSV and JSON
carry the page's rows, and bad filter values are a Japanese 400 — on SQLite for every
report and on PostgreSQL for one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from hyoka.analytics import (
    ALL,
    Scope,
    achievement_report,
    at_risk_report,
    changes_report,
    execution_report,
    quality_report,
    unit_cost_report,
)
from hyoka.analytics.quality import CHECKS
from hyoka.cli import app
from hyoka.eras import era_label
from hyoka.importers import parse_file
from hyoka.importers.judgit_import import import_files
from hyoka.model import Indicator, IndicatorValue, SheetKind, Stage, TargetSpec, ValueKind
from hyoka.render.charts import Bar, bar_chart
from hyoka.samples import SAMPLES, seed_files
from hyoka.store import create_engine_for, migrate, save_sheet, transaction
from hyoka.store.staff.workflow import create_next_year, start_next_stage
from hyoka.web.demo import create_demo_database
from sheets import sample_sheet
from web_support import client_for, store

JUDGIT = Path(__file__).parent / "data" / "judgit" / "judgit-sample.ndjson.gz"
REPORTS = ["achievement", "execution", "unit-cost", "at-risk", "changes", "quality"]
D = Decimal


def behind_pace() -> Any:
    """A prefecture sheet whose indicator grows 2 a year toward 100 by 令和9年度 (at risk)."""
    indicator = Indicator(
        number="①",
        name="森林整備面積",
        unit="ha",
        target=TargetSpec(end_year=2027),
        values=[
            IndicatorValue(fiscal_year=2021, kind=ValueKind.ACTUAL, value=D(10)),
            IndicatorValue(fiscal_year=2022, kind=ValueKind.ACTUAL, value=D(12)),
            IndicatorValue(fiscal_year=2023, kind=ValueKind.ACTUAL, value=D(14)),
            IndicatorValue(fiscal_year=2027, kind=ValueKind.TARGET, value=D(100)),
        ],
    )
    return sample_sheet(
        program_number="09 01 01",
        program_name="森林づくり推進事業",
        department="林務部",
        section="森林政策課",
        indicators=[indicator],
        plan_links=[],
    )


def fill(url: str) -> None:
    """The national fixture records and the at-risk sheet, into a store that has the seeds."""
    engine = create_engine_for(url)
    try:
        import_files(engine=engine, paths=[JUDGIT])
        store(engine, [behind_pace()])
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = create_demo_database(tmp_path_factory.mktemp("analytics") / "store.sqlite")
    fill(url)
    return url


@pytest.fixture(scope="module")
def client(database: str) -> Iterator[TestClient]:
    with client_for(database) as opened:
        yield opened


def report_of(database: str, build: Any) -> Any:
    engine = create_engine_for(database)
    try:
        with transaction(engine) as session:
            return build(session)
    finally:
        engine.dispose()


# --- Reading the page back -------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table id=…> of a page: its body rows as cell texts and the links of the cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str | None]]] = {}
        self._table: str | None = None
        self._in_body = False
        self._cell: list[str] | None = None
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and (found.get("id") or "").startswith("table-"):
            self._table = str(found["id"]).removeprefix("table-")
            self.tables[self._table], self.links[self._table] = [], []
        elif self._table and tag == "tbody":
            self._in_body = True
        elif self._table and self._in_body and tag == "tr":
            self.tables[self._table].append([])
            self.links[self._table].append([])
        elif self._table and self._in_body and tag == "td":
            self._cell, self._link = [], None
        elif self._cell is not None and tag == "a":
            self._link = found.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table, self._in_body = None, False
        elif tag == "td" and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self.links[self._table][-1].append(self._link)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(client: TestClient, path: str, **params: str) -> _Tables:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    parsed = _Tables()
    parsed.feed(response.text)
    return parsed


def csv_rows(
    client: TestClient, slug: str, table: str, **params: str
) -> tuple[list[str], list[list[str]]]:
    """The headings and rows of one table's CSV."""
    response = client.get(f"/analytics/{slug}.csv", params={**params, "table": table})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    headings, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return headings, rows


def pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def thousands(yen: Decimal) -> str:
    shown = (yen / 1000).quantize(D(1), rounding=ROUND_HALF_UP)
    return f"△{abs(shown):,}" if shown < 0 else f"{shown:,}"


KIND = {SheetKind.PREFECTURE: "県", SheetKind.NATIONAL: "国"}


# --- Pages -------------------------------------------------------------------------------------


def test_index_links_every_dashboard_and_the_nav_has_it(client: TestClient) -> None:
    text = client.get("/analytics").text
    for slug in REPORTS:
        assert f'href="/analytics/{slug}"' in text
    assert '<a href="/analytics">分析</a>' in client.get("/").text


@pytest.mark.parametrize("slug", REPORTS)
def test_each_dashboard_is_a_japanese_page_with_downloads(client: TestClient, slug: str) -> None:
    response = client.get(f"/analytics/{slug}")
    assert response.status_code == 200
    text = response.text
    assert '<html lang="ja">' in text and 'aria-current="page"' in text
    assert f'href="/analytics/{slug}.json"' in text and f"/api/analytics/{slug}" in text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "https://" not in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_achievement_table_shows_the_report_rows(client: TestClient, database: str) -> None:
    report = report_of(database, lambda session: achievement_report(session=session))
    expected = [
        [
            KIND[row.kind],
            row.organisation,
            era_label(row.fiscal_year),
            str(row.judged),
            str(row.achieved),
            str(row.not_achieved),
            pct(row.rate),
        ]
        for row in report.rows
    ]
    tables = page_tables(client, "/analytics/achievement")
    assert tables.tables["organisations"] == expected
    assert len(tables.tables["totals"]) == len(report.totals) > 0
    # An organisation leads to the same report narrowed to it.
    link = tables.links["organisations"][0][1]
    assert (
        link is not None and "organisation=" in link and link.startswith("/analytics/achievement")
    )


def test_execution_lists_the_largest_under_executions(client: TestClient, database: str) -> None:
    report = report_of(
        database,
        lambda session: execution_report(session=session, scope=Scope(), limit=5),
    )
    tables = page_tables(client, "/analytics/execution", limit="5")
    rows = tables.tables["under_executions"]
    assert [row[2] for row in rows] == [
        item.sheet.program_number for item in report.under_executions
    ]
    assert [row[-2] for row in rows] == [
        thousands(item.gap_yen) for item in report.under_executions
    ]
    # 事業名 links to the sheet page, which the public may open.
    sheet_link = tables.links["under_executions"][0][3]
    assert sheet_link == f"/sheets/{report.under_executions[0].sheet.sheet_id}"
    assert client.get(sheet_link).status_code == 200
    # 事業番号 links to the program's years.
    assert str(tables.links["under_executions"][0][2]).startswith("/analytics/changes?")


def test_national_money_is_shown_in_million_yen(client: TestClient, database: str) -> None:
    report = report_of(
        database,
        lambda session: execution_report(session=session, scope=Scope(kind=SheetKind.NATIONAL)),
    )
    response = client.get("/analytics/execution", params={"kind": "national"})
    assert "予算（百万円）" in response.text
    top = report.under_executions[0]
    millions = (top.gap_yen / 1_000_000).quantize(D(1), rounding=ROUND_HALF_UP)
    rows = page_tables(client, "/analytics/execution", kind="national").tables["under_executions"]
    assert rows[0][-2] == f"{millions:,}"


def test_unit_cost_at_risk_changes_and_quality_show_the_report_rows(
    client: TestClient, database: str
) -> None:
    unit = report_of(database, lambda session: unit_cost_report(session=session, limit=50))
    rows = page_tables(client, "/analytics/unit-cost").tables["unit_costs"]
    assert [(row[2], row[6]) for row in rows] == [
        (item.sheet.program_number, item.output.strip()) for item in unit.rows
    ]

    risk = report_of(database, lambda session: at_risk_report(session=session, limit=50))
    assert "森林整備面積" in [row.name for row in risk.rows]  # and sheets of every year
    rows = page_tables(client, "/analytics/at-risk").tables["indicators"]
    assert [(row[2], row[5]) for row in rows] == [
        (item.sheet.program_number, item.name) for item in risk.rows
    ]

    changes = report_of(database, lambda session: changes_report(session=session))
    rows = page_tables(client, "/analytics/changes").tables["years"]
    assert [row[0] for row in rows] == [era_label(row.fiscal_year) for row in changes.rows]

    quality = report_of(database, lambda session: quality_report(session=session, limit=20))
    rows = page_tables(client, "/analytics/quality").tables["counts"]
    assert {row[0]: int(row[1].replace(",", "")) for row in rows} == {
        f"{CHECKS[code]}（{code}）": count for code, count in quality.counts.items()
    }
    issues = page_tables(client, "/analytics/quality").tables["issues"]
    assert [row[-1] for row in issues] == [issue.message for issue in quality.issues]


def _at_risk_counts(client: TestClient, **params: str) -> tuple[set[int], set[int]]:
    """The sheets the public list flags 目標未達のおそれ, and those the dashboard lists."""
    listed = client.get("/api/sheets", params={**params, "at_risk": "1", "per_page": "100"})
    year = {"year": params["year"]} if "year" in params else {}
    kind = {"kind": params["kind"]} if "kind" in params else {}
    report = client.get("/api/analytics/at-risk", params={**kind, **year, "limit": "500"})
    assert listed.status_code == report.status_code == 200
    rows = report.json()["tables"][0]["rows"]
    assert len(listed.json()["items"]) == listed.json()["total"]
    return {item["id"] for item in listed.json()["items"]}, {int(row["sheet_id"]) for row in rows}


@pytest.mark.parametrize("params", [{}, {"kind": "national"}, {"kind": "prefecture"}])
def test_the_list_and_the_dashboard_count_the_same_sheets_at_risk(
    client: TestClient, params: dict[str, str]
) -> None:
    listed, dashboard = _at_risk_counts(client, **params)
    assert listed == dashboard
    assert params or listed  # the behind-pace sheet at least
    facets = client.get("/api/sheets", params=params).json()["facets"]["fiscal_year"]
    for year in sorted(facet["value"] for facet in facets):
        listed, dashboard = _at_risk_counts(client, **params, year=year)
        assert listed == dashboard, year


def test_the_sample_store_counts_at_risk_once(tmp_path: Path) -> None:
    # The demo store alone: the list's 目標未達のおそれ and the dashboard agree.
    with client_for(create_demo_database(tmp_path / "demo.sqlite")) as opened:
        listed, dashboard = _at_risk_counts(opened)
        page = opened.get("/").text
        text = opened.get("/analytics/at-risk").text
    assert listed == dashboard
    assert f"目標未達のおそれ（ペースが不足）（{len(listed)}）" in page
    assert f"{len(dashboard)}件のシート" in text
    assert f"一覧で目標未達のおそれのあるシートを見る（{len(dashboard)}件）" in text


def test_quality_names_each_check_in_japanese_with_its_code(client: TestClient) -> None:
    tables = page_tables(client, "/analytics/quality")
    assert [row[0] for row in tables.tables["counts"]] == [
        f"{title}（{code}）" for code, title in CHECKS.items()
    ]
    assert "成果指標に目標値がない（outcome.no_target）" in [
        row[0] for row in tables.tables["issues"]
    ]
    # The downloads keep the code, and the counts' Japanese title beside it.
    headings, rows = csv_rows(client, "quality", "counts")
    assert headings[:2] == ["検査", "内容"] and rows[0][:2] == [
        "outcome.no_target",
        CHECKS["outcome.no_target"],
    ]


def test_each_chart_has_a_one_line_summary_shown_and_as_its_description(
    client: TestClient,
) -> None:
    for slug in REPORTS:
        text = client.get(
            f"/analytics/{slug}",
            params={"program": "2021-官房-20-0004"} if slug == "changes" else {},
        ).text
        summaries = re.findall(r'<p class="chart-summary">([^<]*)</p>', text)
        descriptions = re.findall(r'<desc id="[^"]+">([^<]*)</desc>', text)
        assert summaries == descriptions, slug
        assert all(line.endswith("。") and "\n" not in line for line in summaries)
    text = client.get("/analytics/changes").text
    assert re.search(r'<p class="chart-summary">平成\d+〜令和\d+年度で予算は[\d.]+倍（最大 ', text)


def test_the_organisation_filter_offers_the_names_in_the_store(client: TestClient) -> None:
    text = client.get("/analytics/execution").text
    assert 'list="filter-organisation-names"' in text
    names = re.findall(
        r'<option value="([^"]+)"></option>',
        text.split('filter-organisation-names">')[1].split("</datalist>")[0],
    )
    departments = client.get("/api/sheets").json()["facets"]["department"]
    assert names == sorted(facet["value"] for facet in departments)
    assert {"林務部", "内閣府"} <= set(names)
    national = client.get("/analytics/execution", params={"kind": "national"}).text
    assert '<option value="林務部"></option>' not in national
    # A name picked from the list is a plain GET parameter: no script needed.
    rows = page_tables(client, "/analytics/execution", organisation="林務部").tables[
        "organisations"
    ]
    assert rows and all(row[1] == "林務部" for row in rows)


def test_changes_of_one_program_follow_its_lineage(client: TestClient, database: str) -> None:
    number = "2021-官房-20-0004"
    report = report_of(database, lambda session: changes_report(session=session, program=number))
    tables = page_tables(client, "/analytics/changes", program=number)
    assert [row[0] for row in tables.tables["years"]] == [
        era_label(row.fiscal_year) for row in report.rows
    ]
    assert [row[2] for row in tables.tables["sheets"]] == [
        sheet.program_number for sheet in report.sheets
    ]
    assert len(report.sheets) > 1  # the lineage brings the program's other years


# --- Filters -----------------------------------------------------------------------------------


def test_filters_narrow_the_rows(client: TestClient, database: str) -> None:
    everything = page_tables(client, "/analytics/execution").tables["organisations"]
    prefecture = page_tables(client, "/analytics/execution", kind="prefecture").tables[
        "organisations"
    ]
    assert {row[0] for row in everything} == {"県", "国"}
    assert prefecture and {row[0] for row in prefecture} == {"県"}

    cabinet = page_tables(client, "/analytics/achievement", organisation="内閣府").tables
    assert {row[1] for row in cabinet["organisations"]} == {"内閣府"}
    expected = report_of(
        database,
        lambda session: achievement_report(session=session, scope=Scope(organisation="内閣府")),
    )
    assert (
        len(cabinet["organisations"])
        == len(expected.rows)
        < len(page_tables(client, "/analytics/achievement").tables["organisations"])
    )

    year = page_tables(client, "/analytics/execution", year="2020").tables["organisations"]
    assert year and {row[2] for row in year} == {era_label(2020)}

    limited = page_tables(client, "/analytics/quality", limit="1").tables["issues"]
    checks = [row[0] for row in limited]
    assert len(checks) == len(set(checks))  # one issue per check

    program = page_tables(client, "/analytics/execution", program="09 01 01").tables
    assert [row[2] for row in program["programs"]] == ["09 01 01"]


def test_the_form_keeps_the_filters(client: TestClient) -> None:
    text = client.get(
        "/analytics/execution", params={"kind": "national", "year": "2021", "limit": "7"}
    ).text
    assert '<option value="national" selected>' in text
    assert '<option value="2021" selected>令和3年度（2021）</option>' in text
    assert 'name="limit" min="1" max="500" inputmode="numeric" value="7"' in text
    assert "条件：種別 国、年度 令和3年度" in text


# --- Downloads and API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "params"),
    [
        ("achievement", {}),
        ("execution", {"kind": "national", "limit": "4"}),
        ("unit-cost", {"year": "2019"}),
        ("at-risk", {}),
        ("changes", {"program": "2021-官房-20-0004"}),
        ("quality", {"limit": "2"}),
    ],
)
def test_csv_and_json_carry_the_page_rows(
    client: TestClient, slug: str, params: dict[str, str]
) -> None:
    page = page_tables(client, f"/analytics/{slug}", **params)
    document = client.get(f"/api/analytics/{slug}", params=params).json()
    download = client.get(f"/analytics/{slug}.json", params=params)
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.json() == document
    assert any(table["rows"] for table in document["tables"])
    for table in document["tables"]:
        headings, rows = csv_rows(client, slug, table["key"], **params)
        assert headings == [column["heading"] for column in table["columns"]]
        # An empty table is a sentence on the page, not a <table>.
        assert len(rows) == len(table["rows"]) == len(page.tables.get(table["key"], []))
        for row, record in zip(rows, table["rows"], strict=True):
            assert row == [_csv(record[column["key"]]) for column in table["columns"]]


# Every report with its default filters, and narrowed the ways the dashboards link to.
SURFACES = [(slug, {}) for slug in REPORTS] + [
    ("achievement", {"kind": "national", "by_bureau": "1"}),
    ("execution", {"kind": "national", "limit": "4"}),
    ("execution", {"organisation": "内閣府", "year": "2020"}),
    ("unit-cost", {"year": "2019"}),
    ("at-risk", {"kind": "prefecture", "limit": "3"}),
    ("changes", {"program": "2021-官房-20-0004"}),
    ("changes", {"policy": "2-1①", "kind": "prefecture"}),
    ("quality", {"limit": "2", "program": "07 01 01"}),
]


def cli_options(params: dict[str, str]) -> list[str]:
    """The query parameters as ``hyoka report`` options."""
    found = []
    for name, value in params.items():
        found += [f"--{name.replace('_', '-')}"] if name == "by_bureau" else [f"--{name}", value]
    return found


@pytest.mark.parametrize(("slug", "params"), SURFACES)
def test_cli_web_and_api_give_the_same_tables(
    client: TestClient, database: str, slug: str, params: dict[str, str]
) -> None:
    """One specification, one formatter: the CLI's JSON and CSV are the downloads' and the API's."""
    runner = CliRunner()
    options = ["report", slug, "--db", database, *cli_options(params)]
    result = runner.invoke(app, [*options, "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = orjson.loads(result.stdout)
    api = client.get(f"/api/analytics/{slug}", params=params).json()
    download = client.get(f"/analytics/{slug}.json", params=params).json()
    assert cli == api == download
    assert [table["key"] for table in cli["tables"]] == [table["key"] for table in api["tables"]]
    for table in cli["tables"]:
        result = runner.invoke(app, [*options, "--format", "csv", "--table", table["key"]])
        assert result.exit_code == 0, result.output
        web = client.get(f"/analytics/{slug}.csv", params={**params, "table": table["key"]})
        assert result.stdout == web.content.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")


def _csv(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def test_json_money_is_exact_yen_and_years_western(client: TestClient, database: str) -> None:
    report = report_of(database, lambda session: execution_report(session=session, limit=3))
    document = client.get("/api/analytics/execution", params={"limit": "3"}).json()
    under = next(table for table in document["tables"] if table["key"] == "under_executions")
    assert [
        (row["sheet_id"], row["fiscal_year"], row["gap_yen"], row["rate"]) for row in under["rows"]
    ] == [
        (item.sheet.sheet_id, item.fiscal_year, str(item.gap_yen), str(item.rate))
        for item in report.under_executions
    ]
    organisations = next(t for t in document["tables"] if t["key"] == "organisations")
    assert ALL not in {row["organisation"] for row in organisations["rows"]}


def test_openapi_documents_every_dashboard(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for slug in REPORTS:
        operation = paths[f"/api/analytics/{slug}"]["get"]
        assert {parameter["name"] for parameter in operation["parameters"]} >= {
            "kind",
            "organisation",
            "year",
            "limit",
        }
    listed = client.get("/api/analytics").json()
    assert [item["report"] for item in listed] == REPORTS


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "99999"}, "year"),
        ({"year": "２０２１"}, "year"),
        ({"kind": "city"}, "kind"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"organisation": "部" * 201}, "organisation"),
        ({"by_bureau": "maybe"}, "by_bureau"),
    ],
)
def test_bad_filter_values_are_a_japanese_400(
    client: TestClient, params: dict[str, str], named: str
) -> None:
    page = client.get("/analytics/execution", params=params)
    assert page.status_code == 400
    assert named in page.text and "指定してください" in page.text
    api = client.get("/api/analytics/execution", params=params)
    assert api.status_code == 400
    assert named in api.json()["detail"] and "指定してください" in api.json()["detail"]
    assert client.get("/analytics/execution.csv", params=params).status_code == 400


def test_unknown_report_and_table(client: TestClient) -> None:
    assert client.get("/analytics/nothing").status_code == 404
    assert client.get("/analytics/nothing.csv").status_code == 404
    response = client.get("/analytics/execution.csv", params={"table": "nope"})
    assert response.status_code == 400 and "under_executions" in response.text


# --- Charts --------------------------------------------------------------------------------------


def test_charts_are_labelled_svg_with_their_data(client: TestClient) -> None:
    text = client.get("/analytics/execution").text
    assert 'role="img" aria-labelledby="chart-execution-gaps-title chart-execution-gaps-desc"' in (
        text
    )
    assert '<title id="chart-execution-gaps-title">未執行額の大きい事業（千円）</title>' in text
    assert "グラフのデータ表を表示" in text


def test_bar_chart_draws_each_bar_and_describes_it() -> None:
    bars = [
        Bar("増えた事業", D("40"), "40.0%"),
        Bar("とても長い名前の事業でラベルが切り詰められる", D("-25"), "△25.0%"),
    ]
    chart = bar_chart(
        chart_id="c", title="増減率", bars=bars, heading="事業名", value_heading="増減率"
    )
    assert chart is not None
    assert chart.rows == [["増えた事業", "40.0%"], [bars[1].label, "△25.0%"]]
    assert chart.svg.count("<rect") == 1 + len(bars)  # background + bars
    assert 'fill="#a1121b"' in chart.svg  # the negative bar
    assert "とても長い名前の事業でラベ…" in chart.svg  # 14 characters at most
    assert bars[1].label in chart.description
    assert bar_chart(chart_id="c", title="t", bars=[], heading="h", value_heading="v") is None


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_execution_dashboard_on_postgresql(postgres_url: str) -> None:
    engine: Engine = create_engine_for(postgres_url)
    try:
        with transaction(engine) as session:
            for path in seed_files(SAMPLES / "seeds"):
                save_sheet(session=session, sheet=parse_file(path).sheet, source=path.name)
    finally:
        engine.dispose()
    fill(postgres_url)
    report = report_of(postgres_url, lambda session: execution_report(session=session, limit=5))
    with client_for(postgres_url) as client:
        tables = page_tables(client, "/analytics/execution", limit="5")
        assert [row[2] for row in tables.tables["under_executions"]] == [
            item.sheet.program_number for item in report.under_executions
        ]
        assert {row[0] for row in tables.tables["organisations"]} == {"県", "国"}
        _, rows = csv_rows(client, "execution", "organisations")
        assert len(rows) == len(report.rows) == len(tables.tables["organisations"])


# --- Only published versions -----------------------------------------------------------------


def test_staff_drafts_stay_out_of_the_public_dashboards(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        migrate(engine)
        sheet = sample_sheet()
        budget_stage = sheet.model_copy(
            update={"header": sheet.header.model_copy(update={"stage": Stage.INITIAL_BUDGET})}
        )
        [published] = store(engine, [budget_stage])
        with transaction(engine) as session:
            next_year = create_next_year(session=session, sheet_id=published, actor="test")
            next_stage = start_next_stage(session=session, sheet_id=published, actor="test")
    finally:
        engine.dispose()
    with client_for(sqlite_url) as client:
        for draft in (next_year, next_stage):
            assert client.get(f"/sheets/{draft}").status_code == 404  # the pages hide it
        document = client.get(
            "/api/analytics/execution", params={"organisation": "産業労働部"}
        ).json()
        programs = next(table for table in document["tables"] if table["key"] == "programs")
        # The later-stage draft of the same year does not hide the published stage either.
        assert {row["sheet_id"] for row in programs["rows"]} == {published}
