"""Field-by-field comparison of two sheet versions, with the sheet's Japanese labels."""

from __future__ import annotations

from decimal import Decimal

from hyoka.model import Indicator, IndicatorValue, Stage, ValueKind
from hyoka.revisions import compare, flatten, show
from sheets import sample_sheet


def test_identical_sheets_have_no_changes() -> None:
    assert compare(sample_sheet(), sample_sheet()) == []


def test_a_changed_figure_is_named_as_on_the_sheet() -> None:
    before, after = sample_sheet(), sample_sheet()
    after.indicators[1].values[1].value = Decimal(500)
    after.costs[0].settlement = 206_000
    changes = compare(before, after)
    assert [str(change) for change in changes] == [
        "成果指標②-2 令和4年度 実績: 493 → 500",
        "事業コスト 令和5年度 決算額: 206,709 → 206,000",
    ]
    assert changes[0].path == ("indicators", "②-2", "values", 2022, "actual", "value")
    assert changes[0].before == Decimal(493) and changes[0].after == Decimal(500)


def test_items_are_matched_by_their_number_not_their_position() -> None:
    before = sample_sheet()
    added = Indicator(
        number="①",
        name="新しい指標",
        unit="件",
        values=[IndicatorValue(fiscal_year=2023, kind=ValueKind.TARGET, value=Decimal(3))],
    )
    after = sample_sheet(indicators=[added, *before.indicators])
    changes = compare(before, after)
    assert {change.label for change in changes} == {
        "成果指標① 名称",
        "成果指標① 単位",
        "成果指標① 改善の方向",
        "成果指標① 目標の種類",
        "成果指標① 累計目標",
        "成果指標① 令和5年度 目標",
    }
    assert all(change.before is None for change in changes)


def test_removed_fields_come_last_and_show_as_absent() -> None:
    before = sample_sheet()
    after = sample_sheet(sub_projects=before.sub_projects[:2])
    changes = compare(before, after)
    assert [str(change) for change in changes] == ["細事業5 名称: 地域内消費促進事業費 → （なし）"]


def test_comparing_two_stages_shows_the_stage_and_what_changed() -> None:
    budget = sample_sheet(stage=Stage.INITIAL_BUDGET)
    review = sample_sheet(purpose="改めた目的")
    labels = [change.label for change in compare(budget, review)]
    assert labels == ["段階", "2 事業目的"]
    assert str(compare(budget, review)[0]) == "段階: 当初予算案 → 点検"


def test_years_show_with_the_era_and_figures_as_printed() -> None:
    fields = flatten(sample_sheet())
    assert fields[("header", "start_year")].value == "昭和31年度"
    assert show(Decimal("-4000")) == "△4,000"
    assert show(None) == show("") == "（なし）"
    assert show(True) == "はい"


def test_national_parts_are_compared_too() -> None:
    after = sample_sheet(summary="事業の概要")
    assert [str(change) for change in compare(sample_sheet(), after)] == [
        "事業概要: （なし） → 事業の概要"
    ]


def test_texts_differing_only_in_line_ends_are_no_change() -> None:
    before = sample_sheet(purpose="目的の一行目\n二行目", summary="概要\n二行目")
    before.sub_projects[0].components[0].description = "審議会を開催\n年2回"
    before.future.issues.append("課題\nその二")
    for line_end in ("\r\n", "\r"):
        after = sample_sheet(
            purpose=f"目的の一行目{line_end}二行目", summary=f"概要{line_end}二行目"
        )
        after.sub_projects[0].components[0].description = f"審議会を開催{line_end}年2回"
        after.future.issues.append(f"課題{line_end}その二")
        assert compare(before, after) == []
        assert compare(after, before) == []
    after.sub_projects[0].components[0].description = "審議会を開催\r\n年3回"
    (change,) = compare(before, after)
    assert (change.before, change.after) == ("審議会を開催\n年2回", "審議会を開催\n年3回")
