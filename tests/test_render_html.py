"""The sheet as HTML: official layout, figures as printed, nothing external, national sheets."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup

import hyoka.render.html
from hyoka.display import year_short as fiscal_year
from hyoka.importers import parse_file
from hyoka.model import Correction, Sheet, Stage, Trend, ValueKind
from hyoka.render.html import sheet_fragment, sheet_page
from render_sheets import lengthen, national_sheet
from sheets import sample_sheet

SEEDS = sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module", params=SEEDS, ids=lambda p: p.name[:3])
def seed(request: pytest.FixtureRequest) -> Sheet:
    return parse_file(request.param).sheet


class _Text(HTMLParser):
    """The text of a document as a reader sees it (tags dropped, entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", "", "".join(parser.parts))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def printed(value: int | Decimal) -> str:
    """How the sheets print money, written independently of the renderer."""
    return f"△{-value:,}" if value < 0 else f"{value:,}"


def test_docstring_examples() -> None:
    assert doctest.testmod(hyoka.render.html).failed == 0


def test_fragment_is_an_article_with_the_official_parts(seed: Sheet) -> None:
    fragment = sheet_fragment(seed)
    assert isinstance(fragment, Markup)
    assert fragment.lstrip().startswith("<article") and fragment.rstrip().endswith("</article>")
    text = text_of(fragment)
    header = seed.header
    for label in ("事業改善シート", "事業番号", "事業名", "部局", "課・室", "実施期間", "E-mail"):
        assert label in text
    for value in (header.program_number, header.program_name, header.department, header.email):
        assert squeeze(value) in text
    assert "令和5年度実施事業分" in text  # the fiscal year with its era
    headings = [
        "１現状と課題",
        "２事業目的",
        "３事業目的を達成するための取組",
        "４成果指標",
        "５本事業が貢献する総合５か年計画",
        "６事業コスト",
        "７主な取組実績と成果",
        "８成果指標の達成状況に関する要因分析",
        "９今後の事業の方向性",
        "細事業一覧",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "↗：改善↘：悪化→：横ばい―：値なし" in text


def test_every_text_and_figure_of_the_seed_is_shown(seed: Sheet) -> None:
    text = text_of(sheet_page(seed))
    texts = [*seed.situation, seed.purpose, *seed.future.issues, *seed.future.measures]
    for initiative in [*seed.initiatives, *seed.results]:
        texts += [initiative.title, *initiative.bullets]
    for indicator in seed.indicators:
        texts += [indicator.name, indicator.target_reason, indicator.analysis]
    for sub in seed.sub_projects:
        texts.append(sub.name)
        for component in sub.components:
            texts += [component.name, component.output, *component.description.splitlines()]
    for item in texts:
        assert squeeze(item) in text, item
    for row in seed.costs:
        for value in (row.carried_over, row.initial_budget, row.supplementary, row.total):
            assert value is not None and printed(value) in text
        assert f"R{row.fiscal_year - 2018}年度" in text
    for sub in seed.sub_projects:
        for value in sub.settlements.values():
            if value is not None:
                assert f"{printed(value)}千円" in text


def test_negative_money_is_printed_with_a_triangle() -> None:
    sheet = sample_sheet()
    assert any((row.supplementary or 0) < 0 for row in sheet.costs)
    html = sheet_page(sheet)
    for row in sheet.costs:
        if row.supplementary is not None and row.supplementary < 0:
            assert f"△{-row.supplementary:,}" in html
    assert "-4,000" not in html and "-4000" not in html


@pytest.mark.parametrize("stage", list(Stage))
def test_the_stage_box_is_filled_for_the_sheets_stage_only(stage: Stage) -> None:
    text = text_of(sheet_fragment(sample_sheet(stage=stage)))
    for other in Stage:
        box = "■" if other is stage else "□"
        assert text.count(f"{box}{other.value}") == 3  # the header strip of each page
    assert text.count("■") == 3


def test_trends_as_printed_else_computed_by_the_rules() -> None:
    sheet = sample_sheet()
    indicator = next(item for item in sheet.indicators if not item.target.cumulative)
    indicator.printed_trends = {}
    indicator.printed_achievement = None
    year = sheet.header.fiscal_year
    before, now = indicator.actual(year - 1), indicator.actual(year)
    target = indicator.value(year, ValueKind.TARGET)
    assert before is not None and now is not None and target is not None
    expected = Trend.IMPROVED if now > before else Trend.WORSENED if now < before else "→"
    text = text_of(sheet_fragment(sheet))
    assert f"指標{indicator.number}" in text
    analysis = text[text.index(f"指標{indicator.number}") :]
    assert analysis.startswith(f"指標{indicator.number}{squeeze(indicator.name)}")
    assert f"R{year - 2018}年度推移{expected}" in analysis
    assert ("達成状況達成" if now >= target else "達成状況未達成") in analysis


def test_a_correction_is_noted_once() -> None:
    sheet = sample_sheet()
    indicator = sheet.indicators[0]
    value = next(item for item in indicator.values if item.kind is ValueKind.ACTUAL)
    value.corrections = [Correction(before=Decimal(1234), after=Decimal(7), reason="誤記のため")]
    indicator.target_reason = "前年度の実績を踏まえ設定"
    text = text_of(sheet_fragment(sheet))
    assert text.count("修正前：1,234、修正後：7") == 1
    # Its year and kind, then the reason: the PDF importer reads the correction back.
    year = fiscal_year(value.fiscal_year)
    assert (
        f"※指標{indicator.number}：{year}実績の修正（修正前：1,234、修正後：7）。理由：誤記のため"
        in text
    )
    # A reason that already tells the correction (as the seeds do) is not told twice.
    indicator.target_reason += "※誤って記載したため修正しました（修正前：1,234、修正後：7）"
    assert text_of(sheet_fragment(sheet)).count("修正前：1,234") == 1


def test_text_is_escaped() -> None:
    sheet = sample_sheet(program_name="<script>alert(1)</script>事業")
    html = sheet_page(sheet)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_page_is_standalone_without_external_urls(seed: Sheet) -> None:
    html = sheet_page(seed)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ja">' in html
    assert "<style>" in html and "@page" in html  # the stylesheet is inlined
    assert not re.search(r"https?:|//[a-z]|\b(?:src|href)\s*=|@import|url\(", html, re.I)
    assert f"<title>{seed.header.program_number} {seed.header.program_name}" in html


def test_a_ten_times_longer_sheet_keeps_every_word(seed: Sheet) -> None:
    long, words = lengthen(seed)
    text = text_of(sheet_page(long))
    assert all(word in text for word in words)


def test_a_national_sheet_renders_its_own_layout() -> None:
    sheet = national_sheet()
    fragment = sheet_fragment(sheet)
    text = text_of(fragment)
    assert "行政事業レビューシート" in text and "事業改善シート" not in text
    assert "■" not in text  # the national sheet has no stage boxes
    for value in (sheet.header.program_name, sheet.header.department, sheet.header.bureau):
        assert value in text
    assert sheet.purpose in text and sheet.summary in text
    assert "（単位：百万円）" in text
    assert "3,962.995652" in text and "△12.5" in text and "120.304" in text  # exact
    assert "立入検査の実施件数" in text and "委員会の開催回数" in text
    assert "株式会社サンプル情報システム" in text and "1234567890123" in text
    assert "CCBY4.0" in text and "JUDGIT!" in text  # the data's licence is credited
    assert "令和2年度" in text  # the period with its era


def test_an_estimate_standing_in_for_an_actual_is_marked_and_a_range_shown() -> None:
    sheet = sample_sheet()
    indicator = next(
        item
        for item in sheet.indicators
        if any(value.kind is ValueKind.ESTIMATE and value.value for value in item.values)
    )
    estimate = next(value for value in indicator.values if value.kind is ValueKind.ESTIMATE)
    assert estimate.value is not None
    text = text_of(sheet_fragment(sheet))
    assert f"{estimate.value}（見込）" in text
    ranged = next(value for item in sheet.indicators for value in item.values if value.upper)
    assert f"{ranged.value}〜{ranged.upper}" in text


def test_the_fragment_title_is_an_h2_and_the_standalone_page_title_the_one_h1() -> None:
    # The web page has its own h1; the standalone page and the PDF have only the sheet's.
    sheet = sample_sheet()
    fragment = sheet_fragment(sheet)
    assert "<h1" not in fragment and '<h2 class="sheet-title">' in fragment
    page = sheet_page(sheet)
    assert page.count("<h1") == 1 and '<h1 class="sheet-title">' in page
