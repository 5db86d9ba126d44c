"""The text importer on both seed sheets, on mutated copies, and on bad input.

Mutations are generated here from the seeds' structure (figure lines, names), so a
parser that memorised the seeds' values would fail them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from hyoka.importers import ImportFailed, parse_file
from hyoka.importers.sheet_text import parse_sheet_text
from hyoka.model import Achievement, Sheet, Stage, Trend, ValueKind

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_000 = SEEDS / "000_8759d722d40dd0bd.txt"
SEED_003 = SEEDS / "003_2d038c51f7766a6a.txt"


def parse(path: Path) -> Sheet:
    return parse_file(path).sheet


# ------------------------------------------------------------------ seed 000


def test_seed_000_header() -> None:
    header = parse(SEED_000).header
    assert header.program_number == "07 01 01"
    assert header.program_name == "産業振興のための企画調査・応援事業"
    assert (header.department, header.section) == ("産業労働部", "産業政策課")
    assert header.start_year == 1956 and header.end_year is None
    assert header.email == "sansei@pref.nagano.lg.jp"
    assert (header.fiscal_year, header.stage) == (2023, Stage.REVIEW)


def test_seed_000_costs_rows_hold_their_own_figures() -> None:
    costs = {row.fiscal_year: row for row in parse(SEED_000).costs}
    r5, r4, r3 = costs[2023], costs[2022], costs[2021]
    assert (r5.carried_over, r5.initial_budget, r5.supplementary, r5.total) == (
        0,
        213739,
        -4000,
        209739,
    )
    assert (r5.general_revenue, r5.settlement, r5.staff) == (202004, 206709, Decimal("4.0"))
    assert (r4.initial_budget, r4.total, r4.settlement, r4.staff) == (
        213357,
        213357,
        211980,
        Decimal("5.0"),
    )
    assert (r3.carried_over, r3.initial_budget, r3.total) == (2560536, 14851, 2575387)
    assert (r3.general_revenue, r3.settlement, r3.staff) == (869934, 2347126, Decimal("5.0"))


def test_seed_000_indicators() -> None:
    indicators = {i.number: i for i in parse(SEED_000).indicators}
    assert list(indicators) == ["②-1", "②-2"]
    second = indicators["②-2"]
    assert second.name == "長野県SDGs推進企業登録制度 新規登録数"
    assert second.unit == "者"
    assert second.value(2021, ValueKind.ACTUAL) == 676
    assert second.value(2022, ValueKind.ACTUAL) == 493
    assert second.value(2023, ValueKind.TARGET) == 150
    assert second.value(2023, ValueKind.ACTUAL) == 407
    assert second.printed_trends == {2022: Trend.WORSENED, 2023: Trend.WORSENED}
    assert second.printed_achievement is Achievement.ACHIEVED
    (correction,) = next(v for v in second.values if v.fiscal_year == 2022).corrections
    assert (correction.before, correction.after) == (473, 493)
    assert "R5年度当初予算案" in correction.noted_in
    assert "SDGs" in second.analysis
    first = indicators["②-1"]
    assert [first.value(y, ValueKind.ACTUAL) for y in (2021, 2022, 2023)] == [11, 7, 7]
    assert first.value(2023, ValueKind.TARGET) == 7
    assert first.printed_trends == {2022: Trend.WORSENED, 2023: Trend.UNCHANGED}
    assert first.target_reason.startswith("前年度の実績を踏まえ設定")


def test_seed_000_plan_links() -> None:
    links = parse(SEED_000).plan_links
    assert [(link.policy_code, link.policy_name) for link in links] == [
        ("2-1①", "成長産業の創出・振興"),
        ("2-2②", "地域内経済循環の推進"),
    ]
    goal = links[1].goals[0]
    assert goal.name == "エシカル消費につながる行動のうち、地産地消を実践している割合"
    assert goal.unit == "%"
    assert [(v.fiscal_year, v.value) for v in goal.recent] == [
        (2022, Decimal("46.5")),
        (2023, Decimal("50.1")),
    ]
    assert goal.target is not None and (goal.target.fiscal_year, goal.target.value) == (
        2027,
        Decimal("50.0"),
    )
    first_goal = links[0].goals[0]
    assert first_goal.target is not None and first_goal.target.value == Decimal("11.2")


def test_seed_000_text_sections_are_whole_and_placed() -> None:
    sheet = parse(SEED_000)
    assert len(sheet.situation) == 2 and sheet.situation[0].startswith("「稼ぐ力」")
    assert sheet.purpose.startswith("外部有識者の意見を取り入れた")
    initiatives = {i.number: i for i in sheet.initiatives}
    assert [i.title for i in sheet.initiatives] == [
        "県内産業の振興に向けた企画調査",
        "優れた取組を行っている企業を応援",
        "産業振興機構の運営",
        "地域内消費の拡大",
    ]
    assert "中小企業振興審議会" in initiatives["①"].bullets[0]
    assert len(initiatives["②"].bullets) == 2
    assert "産業振興機構" in initiatives["③"].bullets[0]
    assert "しあわせバイ信州運動" in initiatives["④"].bullets[0]
    results = {i.number: i for i in sheet.results}
    assert "中小企業振興審議会を2回開催" in results["①"].bullets[0]
    assert any("407者" in bullet for bullet in results["②"].bullets)
    assert "本部事務局" in results["③"].bullets[0]
    assert "デジタル地域通貨導入効果分析研究会" in results["④"].bullets[0]
    assert len(sheet.future.issues) == 3 and len(sheet.future.measures) == 4


def test_seed_000_sub_project_settlements() -> None:
    sheet = parse(SEED_000)
    by_number = {s.number: s for s in sheet.sub_projects}
    assert by_number[1].name == "商工業企画調査事業"
    assert by_number[1].settlements == {2021: 1466, 2022: 2226, 2023: 2272}
    assert by_number[2].settlements == {2021: 498, 2022: 504, 2023: 537}
    assert by_number[3].name == "SDGs推進企業支援事業"
    assert by_number[3].settlements == {2021: 3910, 2022: 9551, 2023: 10384}
    assert by_number[4].settlements == {2021: None, 2022: 194308, 2023: 185359}
    assert by_number[5].settlements == {2021: None, 2022: None, 2023: 8157}
    total = sum(s.settlements[2023] or 0 for s in sheet.sub_projects)
    assert total == sheet.cost(2023).settlement  # type: ignore[union-attr]


# ------------------------------------------------------------------ seed 003


def test_seed_003_header_and_costs() -> None:
    sheet = parse(SEED_003)
    assert sheet.header.program_number == "07 06 01"
    assert sheet.header.section == "産業人材育成課"
    assert sheet.header.email == "jinzai@pref.nagano.lg.jp"
    assert sheet.header.start_year == 1971
    r5 = sheet.cost(2023)
    assert r5 is not None
    assert (r5.carried_over, r5.initial_budget, r5.supplementary, r5.total) == (
        14922,
        252031,
        -6400,
        260553,
    )
    r3 = sheet.cost(2021)
    assert r3 is not None and r3.supplementary == -1838


def test_seed_003_indicators_from_summaries_and_corrections() -> None:
    parsed = parse_file(SEED_003)
    indicators = {i.number: i for i in parsed.sheet.indicators}
    assert list(indicators) == ["①", "②", "③", "④-1", "④-2"]
    assert [i.unit for i in parsed.sheet.indicators] == ["校", "講座", "人", "人", "人"]
    assert indicators["②"].printed_achievement is Achievement.NOT_ACHIEVED
    assert indicators["③"].printed_trends == {2022: Trend.NO_VALUE, 2023: Trend.IMPROVED}
    skills = indicators["④-1"]
    (value,) = skills.values
    assert (value.fiscal_year, value.kind, value.value) == (2022, ValueKind.ACTUAL, 4800)
    assert (value.corrections[0].before, value.corrections[0].after) == (4900, 4800)
    assert "見込値" in value.corrections[0].reason
    assert indicators["④-2"].values[0].corrections[0].before == 1325
    assert indicators["①"].target_reason.startswith("R3年度からR5年度までに")
    # The table's figures are not in this text: said so, never made up.
    assert any("数値" in p.message for p in parsed.notes.missing)
    assert indicators["①"].values == []


def test_seed_003_plan_and_sub_projects() -> None:
    sheet = parse(SEED_003)
    goals = [goal for link in sheet.plan_links for goal in link.goals]
    assert [g.target.value if g.target else None for g in goals] == [20000, 9000]
    assert [g.recent[0].value for g in goals] == [2708, 2090]
    settlements = {s.number: s.settlements for s in sheet.sub_projects}
    assert settlements[1] == {2021: 47378, 2022: 87514, 2023: 115025}
    assert settlements[2] == {2021: 56337, 2022: 57934, 2023: 60045}
    assert settlements[3] == {2021: 75040, 2022: 76427, 2023: 76005}
    for year in (2021, 2022, 2023):
        assert sum(s[year] or 0 for s in settlements.values()) == sheet.cost(year).settlement  # type: ignore[union-attr]


# ------------------------------------------------------------------ mutated copies

_FIGURE_LINE = re.compile(r"^[\s\d,.△ーR年度]+$")
_GROUPED = re.compile(r"(?:△\s?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def _scale_token(token: str, factor: int) -> str:
    negative = token.startswith("△")
    digits = token.lstrip("△ ").replace(",", "")
    value = Decimal(digits) * factor
    text = f"{value:,}" if "," in token or value >= 1000 else f"{value}"
    if "." not in digits:
        text = f"{int(value):,}"
    return ("△ " if negative else "") + text


def scale_figures(raw: str, factor: int) -> str:
    """Multiply every figure of the tables by ``factor`` (arithmetic and arrows still hold)."""
    out = []
    first_page = True
    for line in raw.splitlines():
        stripped = line.strip()
        if "主な取組実績と成果" in stripped:
            first_page = False
        if first_page and re.fullmatch(r"\(R\d+\)\s*[\d,.]+", stripped):
            head, number = stripped.split(")")
            line = f"{head}) {_scale_token(number.strip(), factor)}"
        elif re.fullmatch(r"(19|20)\d\d", stripped):
            pass  # the year of a plan cell, not a figure
        elif (
            stripped
            and _FIGURE_LINE.match(stripped)
            and (first_page or " " in stripped or "," in stripped)
        ):
            if not first_page and re.fullmatch(r"[\d,]+", stripped) and "," in stripped:
                # Glued settlement row: scale each of the three amounts and glue again.
                from hyoka.importers._normalize import split_glued_amounts

                (reading,) = split_glued_amounts(stripped, 3)
                line = "".join(f"{value * factor:,}" for value in reading)
            else:
                line = re.sub(
                    r"(?<![R\d.])(" + _GROUPED.pattern + r")(?=\s|$|R)",
                    lambda m: _scale_token(m.group(1), factor),
                    line,
                )
        line = re.sub(
            r"(修正[前後][︓:]\s*)([\d,]+)",
            lambda m: m.group(1) + f"{int(m.group(2).replace(',', '')) * factor:,}",
            line,
        )
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["000", "003"])
@pytest.mark.parametrize("factor", [3, 7])
def test_scaled_figures_come_out_scaled(seed: Path, factor: int) -> None:
    original = parse_file(seed).sheet
    mutated = parse_sheet_text(scale_figures(seed.read_text(), factor)).sheet
    assert len(mutated.costs) == len(original.costs) == 3
    for before, after in zip(original.costs, mutated.costs, strict=True):
        for field in (
            "carried_over",
            "initial_budget",
            "supplementary",
            "total",
            "general_revenue",
            "settlement",
        ):
            assert getattr(after, field) == getattr(before, field) * factor, field
        assert after.staff == before.staff * factor  # type: ignore[operator]
    for before_i, after_i in zip(original.indicators, mutated.indicators, strict=True):
        assert [(v.fiscal_year, v.kind) for v in after_i.values] == [
            (v.fiscal_year, v.kind) for v in before_i.values
        ]
        for v_before, v_after in zip(before_i.values, after_i.values, strict=True):
            assert v_after.value == v_before.value * factor  # type: ignore[operator]
    for link_before, link_after in zip(original.plan_links, mutated.plan_links, strict=True):
        for g_before, g_after in zip(link_before.goals, link_after.goals, strict=True):
            assert [v.value for v in g_after.recent] == [v.value * factor for v in g_before.recent]  # type: ignore[operator]
    for s_before, s_after in zip(original.sub_projects, mutated.sub_projects, strict=True):
        assert s_after.settlements == {
            year: None if value is None else value * factor
            for year, value in s_before.settlements.items()
        }


@pytest.mark.parametrize(
    ("seed", "old", "new", "where"),
    [
        (
            SEED_000,
            "産業振興のための企画調査・応援事業",
            "県産品の販路開拓推進事業",
            "header.program_name",
        ),
        (SEED_000, "産業政策課", "産業立地課", "header.section"),
        (SEED_003, "産業労働部", "観光スポーツ部", "header.department"),
        (SEED_000, "成⻑産業の創出・振興", "観光地域づくりの推進", "plan"),
        (SEED_003, "技能検定受検者数（全体）", "技能五輪参加者数（全体）", "indicator"),
        (SEED_000, "SDGｓ推進企業支援事業", "脱炭素経営支援事業", "sub_project"),
    ],
)
def test_renamed_copies_come_out_renamed(seed: Path, old: str, new: str, where: str) -> None:
    raw = seed.read_text()
    assert old in raw
    sheet = parse_sheet_text(raw.replace(old, new)).sheet
    dumped = sheet.model_dump_json()
    from hyoka.importers._normalize import normalize_text

    assert normalize_text(new) in dumped
    assert normalize_text(old) not in dumped


def test_cost_rows_in_any_order() -> None:
    raw = SEED_000.read_text()
    lines = raw.splitlines()
    r4 = next(i for i, line in enumerate(lines) if line.startswith("R4年度 0 213,357"))
    lines[r4], lines[r4 + 1] = lines[r4 + 1], lines[r4]
    assert parse_sheet_text("\n".join(lines)).sheet.costs == parse(SEED_000).costs


def test_shuffled_bullets_within_a_list_stay_in_that_list() -> None:
    raw = SEED_000.read_text()
    lines = raw.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("(1) 上記"))
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    items: list[list[str]] = []
    for line in lines[start + 1 : end]:
        if line.startswith("・"):
            items.append([line])
        else:
            items[-1].append(line)
    items = items[1:] + items[:1]
    lines[start + 1 : end] = [line for item in items for line in item]
    shuffled = parse_sheet_text("\n".join(lines)).sheet
    original = parse(SEED_000)
    assert sorted(shuffled.future.issues) == sorted(original.future.issues)
    assert shuffled.future.issues != original.future.issues


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["000", "003"])
@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.45, 0.6])
def test_cut_short_file_is_refused_with_the_missing_sections(seed: Path, fraction: float) -> None:
    lines = seed.read_text().splitlines()
    cut = "\n".join(lines[: int(len(lines) * fraction)])
    with pytest.raises(ImportFailed) as raised:
        parse_sheet_text(cut, source="cut.txt")
    assert raised.value.problems
    assert "cut.txt" in str(raised.value)
    assert any("細事業一覧" in p.section or "見出し" in p.message for p in raised.value.problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "事業改善シート"),
        ("これは議事録です。\n令和5年度\n", "1 現状と課題"),
        ("\x00\x01binary", "細事業一覧"),
    ],
)
def test_not_a_sheet(text: str, expected: str) -> None:
    with pytest.raises(ImportFailed) as raised:
        parse_sheet_text(text, source="x.txt")
    assert expected in str(raised.value)


def test_two_stages_checked_is_an_error() -> None:
    raw = SEED_000.read_text().replace("□当初要求", "■当初要求", 1)
    with pytest.raises(ImportFailed, match="段階のチェック"):
        parse_sheet_text(raw)


def test_pages_of_two_sheets_are_refused() -> None:
    raw = SEED_000.read_text()
    assert "事業番号 07 01 01 細事業\u2f00覧" in raw
    raw = raw.replace("事業番号 07 01 01 細事業\u2f00覧", "事業番号 07 06 01 細事業\u2f00覧")
    with pytest.raises(ImportFailed, match="事業番号が異なります"):
        parse_sheet_text(raw)


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="形式"):
        parse_file(tmp_path / "sheet.docx")
    with pytest.raises(ImportFailed, match="ファイルがありません"):
        parse_file(tmp_path / "none.txt")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("事業".encode("shift_jis"))
    with pytest.raises(ImportFailed, match="UTF-8"):
        parse_file(bad)


def test_seed_003_plan_goals_carry_their_cumulative_period() -> None:
    goals = [goal for link in parse_file(SEED_003).sheet.plan_links for goal in link.goals]
    periods = [goal.period for goal in goals if "累計" in goal.name]
    assert len(periods) == 2
    assert {(p.start_year, p.end_year, p.cumulative) for p in periods if p} == {(2023, 2027, True)}


@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["000", "003"])
def test_printed_achievement_belongs_to_the_latest_trend_year(seed: Path) -> None:
    raw = seed.read_text()
    sheet = parse_sheet_text(raw).sheet
    printed = [i for i in sheet.indicators if i.printed_achievement is not None]
    assert printed and {i.printed_achievement_year for i in printed} == {2023}
    # The same sheet a year on (R5 → R6 in the summary lines and headings) moves the year.
    shifted = parse_sheet_text(re.sub(r"R([45])(?=年度)", lambda m: f"R{int(m[1]) + 1}", raw))
    moved = [i for i in shifted.sheet.indicators if i.printed_achievement is not None]
    assert {i.printed_achievement_year for i in moved} == {2024}
