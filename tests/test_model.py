"""Model fields derived by the model itself: a plan goal's target period read from its
name, and the year a printed 達成状況 belongs to."""

from __future__ import annotations

import pytest

from hyoka.model import GoalPeriod, Header, Indicator, PlanGoal, Sheet, Stage, goal_period


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("県関与の講座・訓練の受講者数(2023〜2027年度の累計)", (2023, 2027, True)),
        ("受講者数（2024〜2026年度の累計）", (2024, 2026, True)),
        ("受講者数(2019~2021年度の合計)", (2019, 2021, True)),
        ("就業率(R5〜R9年度の平均)", (2023, 2027, False)),
        ("認定件数(令和元年度〜令和3年度)", (2019, 2021, False)),
        ("就業率(H30〜R2年度)", (2018, 2020, False)),
        ("受講者数(2027〜2023年度の累計)", None),  # backwards: not a period
        ("県内の製造品出荷額", None),
        ("受講者数(2023年度)", None),
    ],
)
def test_goal_period_is_read_from_the_name(
    name: str, expected: tuple[int, int, bool] | None
) -> None:
    period = goal_period(name)
    found = None if period is None else (period.start_year, period.end_year, period.cumulative)
    assert found == expected
    assert PlanGoal(name=name).period == period


def test_a_given_period_is_kept_and_survives_json() -> None:
    given = GoalPeriod(start_year=2020, end_year=2022, cumulative=False)
    goal = PlanGoal(name="受講者数(2023〜2027年度の累計)", period=given)
    assert goal.period == given
    assert PlanGoal.model_validate_json(goal.model_dump_json()) == goal
    derived = PlanGoal(name="受講者数(2023〜2027年度の累計)")
    assert PlanGoal.model_validate(derived.model_dump()) == derived


def _sheet(fiscal_year: int, *indicators: Indicator) -> Sheet:
    header = Header(
        program_number="07 01 01",
        program_name="テスト事業",
        department="産業労働部",
        section="産業政策課",
        fiscal_year=fiscal_year,
        stage=Stage.REVIEW,
    )
    return Sheet(header=header, indicators=list(indicators))


@pytest.mark.parametrize("fiscal_year", [2023, 2019])
def test_printed_achievement_without_a_year_is_the_sheets_year(fiscal_year: int) -> None:
    printed = Indicator.model_validate({"number": "①", "name": "a", "printed_achievement": "達成"})
    given = Indicator.model_validate(
        {
            "number": "②",
            "name": "b",
            "printed_achievement": "未達成",
            "printed_achievement_year": 2020,
        }
    )
    blank = Indicator(number="③", name="c")
    sheet = _sheet(fiscal_year, printed, given, blank)
    assert [i.printed_achievement_year for i in sheet.indicators] == [fiscal_year, 2020, None]
    assert Sheet.model_validate_json(sheet.model_dump_json()) == sheet
