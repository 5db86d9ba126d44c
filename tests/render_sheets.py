"""Sheets for the rendering tests: the seeds with 10× longer texts, and a national sheet."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from hyoka.model import (
    BudgetRow,
    Header,
    Indicator,
    IndicatorValue,
    MoneyUnit,
    Recipient,
    Sheet,
    SheetKind,
    Stage,
    ValueKind,
)


def lengthen(sheet: Sheet, times: int = 10) -> tuple[Sheet, list[str]]:
    """A copy of ``sheet`` whose every text is ``times`` as long, and the words put in.

    Each copy of a text ends with a unique ASCII word (t0001 …) so that a test can tell
    whether every piece of every text made it onto the page.
    """
    numbers = count(1)
    words: list[str] = []

    def longer(text: str) -> str:
        parts = []
        for _ in range(times):
            word = f"t{next(numbers):04d}"
            words.append(word)
            parts.append(f"{text} {word}")
        return " ".join(parts)

    long = sheet.model_copy(deep=True)
    long.situation = [longer(item) for item in long.situation]
    long.purpose = longer(long.purpose)
    for initiative in [*long.initiatives, *long.results]:
        initiative.title = longer(initiative.title)
        initiative.bullets = [longer(item) for item in initiative.bullets]
    for indicator in long.indicators:
        indicator.name = longer(indicator.name)
        indicator.target_reason = longer(indicator.target_reason)
        indicator.analysis = longer(indicator.analysis)
    for link in long.plan_links:
        link.policy_name = longer(link.policy_name)
        for goal in link.goals:
            goal.name = longer(goal.name)
    long.future.issues = [longer(item) for item in long.future.issues]
    long.future.measures = [longer(item) for item in long.future.measures]
    for sub in long.sub_projects:
        sub.name = longer(sub.name)
        for component in sub.components:
            component.name = longer(component.name)
            component.description = longer(component.description)
            component.output = longer(component.output)
    return long, words


def _values(pairs: list[tuple[int, ValueKind, str]]) -> list[IndicatorValue]:
    return [
        IndicatorValue(fiscal_year=year, kind=kind, value=Decimal(value))
        for year, kind, value in pairs
    ]


def national_sheet() -> Sheet:
    """A national 行政事業レビューシート with exact 百万円 figures (yen-level fractions)."""
    header = Header(
        kind=SheetKind.NATIONAL,
        program_number="2022-カジノ-21-0001",
        program_name="カジノ管理委員会の運営に必要な経費",
        department="カジノ管理委員会",
        bureau="カジノ管理委員会事務局",
        section="総務企画部総務課",
        start_year=2020,
        fiscal_year=2021,
        stage=Stage.REVIEW,
    )
    return Sheet(
        header=header,
        purpose="特定複合観光施設区域整備法に基づき、カジノ事業の健全な運営を確保する。",
        summary="カジノ管理委員会の運営に必要な庁費、職員旅費等を支出する。",
        methods=["直接実施", "委託・請負"],
        accounts=["一般会計"],
        responsible="総務課長 山田太郎",
        money_unit=MoneyUnit.MILLION_YEN,
        budgets=[
            BudgetRow(
                fiscal_year=2021,
                initial_budget=Decimal("3962.995652"),
                supplementary=Decimal("-12.5"),
                carried_over=Decimal("0"),
                total=Decimal("3950.495652"),
                executed=Decimal("3120.0317"),
                requested=Decimal("4100"),
            ),
            BudgetRow(fiscal_year=2020, initial_budget=Decimal("3500.1"), total=Decimal("3500.1")),
        ],
        indicators=[
            Indicator(
                number="1",
                goal="カジノ事業者への適切な監督",
                name="立入検査の実施件数",
                unit="件",
                values=_values(
                    [
                        (2020, ValueKind.ACTUAL, "3"),
                        (2021, ValueKind.ACTUAL, "12"),
                        (2021, ValueKind.TARGET, "10"),
                    ]
                ),
            )
        ],
        outputs=[
            Indicator(
                number="1",
                name="委員会の開催回数",
                unit="回",
                values=_values([(2021, ValueKind.ACTUAL, "47"), (2021, ValueKind.TARGET, "48")]),
            )
        ],
        recipients=[
            Recipient(
                fiscal_year=2021,
                group="A",
                number=1,
                name="株式会社サンプル情報システム",
                corporate_number="1234567890123",
                description="情報システムの運用保守",
                amount=Decimal("120.304"),
            )
        ],
    )
