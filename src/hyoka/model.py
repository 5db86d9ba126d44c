"""Domain types of one version of an evaluation sheet.

One model holds both kinds of sheet: the prefecture's 事業改善シート and the national
行政事業レビューシート (``Header.kind``). They share the header, purpose, outcome indicators
and sub-parts; each kind fills the parts its template has and leaves the others empty.

The model knows nothing of databases, files or the web. The prefecture's money
(``costs``, ``sub_projects``) is an integer in 千円 as printed on its sheets; the national
money (``budgets``, ``recipients``) is an exact ``Decimal`` in ``Sheet.money_unit``
(百万円, with yen-level fractions such as 0.995652). Fiscal years are Western years
(2023 = 令和5年度); indicator figures are ``Decimal`` so that 50.1 % stays 50.1.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from hyoka.eras import parse_fiscal_year
from hyoka.numbers import LARGEST, amount, bounded, from_number, whole


def _whole_input(value: Any) -> Any:
    # pydantic would expand Decimal("1e99999999") to an int before the bound is checked.
    if isinstance(value, Decimal | float):
        return whole(from_number(value))
    return value


Amount = Annotated[
    int,
    BeforeValidator(_whole_input),
    AfterValidator(amount),
    WithJsonSchema({"type": "integer", "minimum": -LARGEST, "maximum": LARGEST}),
]
"""A whole amount in 千円: at most 15 digits (``hyoka.numbers``)."""
Figure = Annotated[Decimal, AfterValidator(bounded)]
"""Any other figure (national money, indicator values, persons): |x| < 10¹⁵, at most 20
decimals, finite (``hyoka.numbers``); nothing larger reaches the rules."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)


class SheetKind(StrEnum):
    """Which template a sheet follows."""

    PREFECTURE = "prefecture"  # 事業改善シート (長野県)
    NATIONAL = "national"  # 行政事業レビューシート (国)


class MoneyUnit(StrEnum):
    THOUSAND_YEN = "千円"
    MILLION_YEN = "百万円"

    @property
    def yen(self) -> int:
        """How many yen one unit is."""
        return 1_000 if self is MoneyUnit.THOUSAND_YEN else 1_000_000


class Stage(StrEnum):
    """The stage of the yearly cycle a version of the sheet belongs to, in cycle order."""

    INITIAL_REQUEST = "当初要求"
    INITIAL_BUDGET = "当初予算案"
    SUPPLEMENTARY_BUDGET = "補正予算案"
    REVIEW = "点検"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


class Direction(StrEnum):
    """Which way an indicator improves."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Trend(StrEnum):
    """The trend legend of section 4: ↗ improved, ↘ worsened, → unchanged, ― no value."""

    IMPROVED = "↗"
    WORSENED = "↘"
    UNCHANGED = "→"
    NO_VALUE = "―"


class Achievement(StrEnum):
    ACHIEVED = "達成"
    NOT_ACHIEVED = "未達成"


class ValueKind(StrEnum):
    """What a yearly figure is: a target, an estimate (見込) or an actual (実績)."""

    TARGET = "target"
    ESTIMATE = "estimate"
    ACTUAL = "actual"


class Comparison(StrEnum):
    """How an actual is compared with a target."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    RANGE = "range"


class Method(StrEnum):
    """Implementation methods (実施方法) of a sub-project component."""

    DIRECT = "直接"
    OUTSOURCED = "委託"
    SUBSIDY = "補助金"
    CONTRIBUTION = "負担金"


class Correction(_Model):
    """A correction of a published figure, e.g. 修正前：473、修正後：493."""

    before: Figure
    after: Figure
    reason: str = ""
    noted_in: str = Field(
        default="",
        description="Where the wrong figure was published, e.g. R5年度当初予算案のシート",
    )


class IndicatorValue(_Model):
    """One figure of an indicator for one fiscal year."""

    fiscal_year: int
    kind: ValueKind
    value: Figure | None = Field(default=None, description="None when the sheet prints no value")
    upper: Figure | None = Field(
        default=None, description="Upper bound when the target is a range (value is the lower)"
    )
    corrections: list[Correction] = Field(default_factory=list)


class TargetSpec(_Model):
    """How the indicator's target values are meant.

    A single-year target applies to the year of its value; a cumulative target sums the
    actuals from ``start_year`` to ``end_year`` (e.g. 2023〜2027年度の累計).
    """

    comparison: Comparison = Comparison.AT_LEAST
    cumulative: bool = False
    start_year: int | None = None
    end_year: int | None = None

    @model_validator(mode="after")
    def _period_for_cumulative(self) -> TargetSpec:
        if self.cumulative and (self.start_year is None or self.end_year is None):
            raise ValueError("a cumulative target needs start_year and end_year")
        return self


class Indicator(_Model):
    """An outcome indicator (成果指標) of section 4, or a national activity indicator (活動指標)."""

    number: str = Field(description="As printed: ①, ②-1 …; national sheets count 1, 2 …")
    name: str
    goal: str = Field(
        default="", description="成果目標 (national sheets): what the indicator measures"
    )
    unit: str = ""
    direction: Direction = Direction.HIGHER_IS_BETTER
    target: TargetSpec = Field(default_factory=TargetSpec)
    target_text: str = Field(
        default="", description="目標値 as printed when it is not a number, e.g. 精査中"
    )
    values: list[IndicatorValue] = Field(default_factory=list)
    target_reason: str = Field(default="", description="目標値設定理由")
    analysis: str = Field(default="", description="Section 8 要因分析 for this indicator")
    printed_trends: dict[int, Trend] = Field(
        default_factory=dict, description="Trend arrow printed on the sheet, per fiscal year"
    )
    printed_achievement: Achievement | None = None
    printed_achievement_year: int | None = Field(
        default=None,
        description="The fiscal year whose 達成状況 is printed (the template's column; "
        "on a 事業改善シート the sheet's own year when not given)",
    )
    printed_override_reason: str = Field(
        default="",
        description="Why the printed 推移 or 達成状況 differ from the ones computed from the "
        "figures (a sheet authored in hyoka prints the computed ones unless overridden)",
    )

    def value(self, fiscal_year: int, kind: ValueKind) -> Decimal | None:
        for item in self.values:
            if item.fiscal_year == fiscal_year and item.kind == kind:
                return item.value
        return None

    def actual(self, fiscal_year: int) -> Decimal | None:
        """The actual of a year, or its estimate when no actual is known yet."""
        found = self.value(fiscal_year, ValueKind.ACTUAL)
        return found if found is not None else self.value(fiscal_year, ValueKind.ESTIMATE)


class Initiative(_Model):
    """A numbered initiative (①②…) with its bullets, as in sections 3 and 7."""

    number: str
    title: str
    bullets: list[str] = Field(default_factory=list)


class YearValue(_Model):
    fiscal_year: int | None = None
    value: Figure | None = None


class GoalPeriod(_Model):
    """The years a plan goal's target covers, e.g. (2023〜2027年度の累計)."""

    start_year: int
    end_year: int
    cumulative: bool = Field(default=False, description="累計: the target sums the years")


_PERIOD = re.compile(
    r"[(（]\s*(?P<start>\d{4}|[RHS令平昭][和成]?(?:\d{1,2}|元))(?:年度?)?\s*[〜~～\-ー－]\s*"
    r"(?P<end>\d{4}|[RHS令平昭][和成]?(?:\d{1,2}|元))年度?(?:の?(?P<how>累計|合計|平均))?\s*[)）]"
)


def goal_period(name: str) -> GoalPeriod | None:
    """The target period printed in a goal's name, or None.

    >>> goal_period("受講者数(2023〜2027年度の累計)")
    GoalPeriod(start_year=2023, end_year=2027, cumulative=True)
    >>> goal_period("受講者数(R5〜R9年度)")
    GoalPeriod(start_year=2023, end_year=2027, cumulative=False)
    """
    match = _PERIOD.search(name)
    if match is None:
        return None
    try:
        start, end = parse_fiscal_year(match["start"]), parse_fiscal_year(match["end"])
    except ValueError:
        return None
    if end < start:
        return None
    return GoalPeriod(start_year=start, end_year=end, cumulative=match["how"] in ("累計", "合計"))


class PlanGoal(_Model):
    """A 達成目標 of the five-year plan."""

    name: str
    main: bool = Field(default=False, description="★: a main goal of the plan")
    unit: str = ""
    recent: list[YearValue] = Field(default_factory=list, description="直近３か年の状況")
    target: YearValue | None = None
    period: GoalPeriod | None = Field(
        default=None,
        description="The target's period; read from the name (…2023〜2027年度の累計) when not given",
    )

    @model_validator(mode="before")
    @classmethod
    def _period_from_name(cls, data: object) -> object:
        # Every importer and the store get the period for free from the printed name.
        if isinstance(data, dict) and data.get("period") is None:
            name = data.get("name")
            if isinstance(name, str) and (period := goal_period(name)) is not None:
                return {**data, "period": period}
        return data


class PlanLink(_Model):
    """A link to a policy area (施策分野) of the five-year plan with its goals."""

    policy_code: str = Field(description="e.g. 2-1①")
    policy_name: str
    goals: list[PlanGoal] = Field(default_factory=list)


class CostRow(_Model):
    """One row of section 6 事業コスト, in 千円 (staff in persons)."""

    fiscal_year: int
    carried_over: Amount | None = Field(default=None, description="前年度繰越")
    initial_budget: Amount | None = Field(default=None, description="当初予算")
    supplementary: Amount | None = Field(default=None, description="補正予算等")
    total: Amount | None = Field(default=None, description="合計（予算現額）")
    general_revenue: Amount | None = Field(default=None, description="うち一般財源")
    settlement: Amount | None = Field(default=None, description="決算額")
    staff: Figure | None = Field(default=None, description="職員数 (persons)")


class Quantity(_Model):
    """A quantity found in an output text, e.g. 407者 in 新規登録者数407者."""

    label: str
    value: Figure
    unit: str


class Component(_Model):
    """A component (細事業を構成する主な取組) of a sub-project."""

    number: int
    name: str
    methods: list[Method] = Field(default_factory=list)
    description: str = Field(default="", description="上段: what it is")
    output: str = Field(default="", description="下段: its output")
    quantities: list[Quantity] = Field(default_factory=list)


class SubProject(_Model):
    """A sub-project (細事業) of the 細事業一覧."""

    number: int
    name: str
    settlements: dict[int, Amount | None] = Field(
        default_factory=dict, description="決算額 per fiscal year in 千円; None where printed ー"
    )
    components: list[Component] = Field(default_factory=list)


class BudgetRow(_Model):
    """One year of a national sheet's 予算・執行額, exact, in ``Sheet.money_unit`` (百万円)."""

    fiscal_year: int
    initial_budget: Figure | None = Field(default=None, description="当初予算")
    supplementary: Figure | None = Field(default=None, description="補正予算")
    carried_over: Figure | None = Field(default=None, description="前年度から繰越し")
    carried_forward: Figure | None = Field(default=None, description="翌年度へ繰越し")
    reserve: Figure | None = Field(default=None, description="予備費等")
    total: Figure | None = Field(default=None, description="予算計")
    executed: Figure | None = Field(default=None, description="執行額")
    requested: Figure | None = Field(default=None, description="要求額 (the next year's request)")


class Recipient(_Model):
    """A spending recipient (支出先) of a national sheet; amount in ``Sheet.money_unit``."""

    fiscal_year: int | None = None
    group: str = Field(default="", description="支出先のブロック: A, B …")
    number: int | None = None
    name: str
    corporate_number: str = Field(default="", description="法人番号 (13 digits)")
    description: str = Field(default="", description="業務概要")
    amount: Figure | None = Field(default=None, description="支出額")


class SheetLink(_Model):
    """A link to an earlier sheet of the same program (関連する過去のレビューシート)."""

    fiscal_year: int | None = Field(default=None, description="公開年度 of the earlier sheet")
    ministry: str = Field(default="", description="府省庁")
    program_number: str = Field(description="事業番号 of the earlier sheet, as printed")


class FuturePlan(_Model):
    """Section 9: (1) problems found, (2) improvement measures."""

    issues: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)


class Header(_Model):
    kind: SheetKind = SheetKind.PREFECTURE
    program_number: str = Field(
        description="事業番号: 07 01 01 (prefecture), 2022-カジノ-21-0001 (national)"
    )
    program_name: str
    department: str = Field(description="部局 (prefecture) or 府省庁 (national)")
    bureau: str = Field(default="", description="担当部局庁 (national sheets)")
    section: str = Field(description="課・室 (prefecture) or 担当課室 (national)")
    start_year: int | None = Field(default=None, description="実施期間 start (fiscal year)")
    end_year: int | None = Field(default=None, description="実施期間 end; None when open")
    email: str = ""
    fiscal_year: int = Field(description="The fiscal year whose program the sheet covers")
    stage: Stage

    @model_validator(mode="after")
    def _number_shape(self) -> Header:
        # The prefecture numbers programs with space-separated digit groups (07 01 01);
        # the national numbers mix ministry abbreviations and digits (2022-カジノ-21-0001).
        parts = self.program_number.split()
        if not parts:
            raise ValueError("事業番号がありません")
        if self.kind is SheetKind.PREFECTURE and not all(part.isdigit() for part in parts):
            raise ValueError(f"事業番号の形式が不正です: {self.program_number!r}")
        normalised = " ".join(parts)
        if normalised != self.program_number:
            # validate_assignment would re-enter this validator; set the field directly.
            self.__dict__["program_number"] = normalised
        return self


class Sheet(_Model):
    """One version of a 事業改善シート."""

    header: Header
    situation: list[str] = Field(default_factory=list, description="1 現状と課題 (bullets)")
    purpose: str = Field(default="", description="2 事業目的")
    initiatives: list[Initiative] = Field(default_factory=list, description="3 取組")
    indicators: list[Indicator] = Field(default_factory=list, description="4 成果指標")
    plan_links: list[PlanLink] = Field(default_factory=list, description="5 総合５か年計画")
    costs: list[CostRow] = Field(default_factory=list, description="6 事業コスト")
    results: list[Initiative] = Field(default_factory=list, description="7 主な取組実績と成果")
    future: FuturePlan = Field(default_factory=FuturePlan, description="9 今後の方向性")
    sub_projects: list[SubProject] = Field(default_factory=list, description="細事業一覧")

    # Parts of the national 行政事業レビューシート; empty on the prefecture's sheets.
    summary: str = Field(default="", description="事業概要")
    methods: list[str] = Field(default_factory=list, description="実施方法 (program level)")
    accounts: list[str] = Field(default_factory=list, description="会計区分")
    policies: list[str] = Field(default_factory=list, description="主要施策")
    responsible: str = Field(default="", description="作成責任者")
    no_target_reason: str = Field(default="", description="定量的な目標が設定できない理由")
    money_unit: MoneyUnit = Field(
        default=MoneyUnit.THOUSAND_YEN,
        description="Unit of budgets and recipients; costs and sub-projects are always 千円",
    )
    budgets: list[BudgetRow] = Field(default_factory=list, description="予算額・執行額")
    outputs: list[Indicator] = Field(default_factory=list, description="アウトプット: 活動指標")
    recipients: list[Recipient] = Field(default_factory=list, description="支出先")
    predecessors: list[SheetLink] = Field(
        default_factory=list, description="関連する過去のレビューシート"
    )
    source_url: str = Field(default="", description="Where the sheet was published")

    @model_validator(mode="after")
    def _achievement_year(self) -> Sheet:
        # The template prints 達成状況 in the sheet's own year's column; a status read
        # without its year (an older store, a form) is that year's.
        for indicator in (*self.indicators, *self.outputs):
            if (
                indicator.printed_achievement is not None
                and indicator.printed_achievement_year is None
            ):
                indicator.printed_achievement_year = self.header.fiscal_year
        return self

    @property
    def key(self) -> tuple[str, int, Stage]:
        """What identifies a sheet version: 事業番号, fiscal year and stage."""
        return (self.header.program_number, self.header.fiscal_year, self.header.stage)

    def cost(self, fiscal_year: int) -> CostRow | None:
        return next((row for row in self.costs if row.fiscal_year == fiscal_year), None)
