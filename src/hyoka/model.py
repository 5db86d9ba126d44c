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
    MUNICIPAL = "municipal"  # 事務事業評価シート (市町村, e.g. 大船渡市)


class MoneyUnit(StrEnum):
    THOUSAND_YEN = "千円"
    MILLION_YEN = "百万円"
    YEN = "円"  # the RS system's CSV tables (national sheets from 2024)

    @property
    def yen(self) -> int:
        """How many yen one unit is."""
        return _YEN_PER_UNIT[self]


_YEN_PER_UNIT = {MoneyUnit.THOUSAND_YEN: 1_000, MoneyUnit.MILLION_YEN: 1_000_000, MoneyUnit.YEN: 1}


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


# --- 市町村: a municipality's 事務事業評価シート ---------------------------------------
# The parts of a city's sheet (大船渡市's 事務事業評価, importers/city_workbook.py) that the
# other templates do not have. Money is exact, in ``Sheet.money_unit`` (千円 on 大船渡市's
# sheets, where amounts carry yen fractions such as 2799.485); years are Western years.


class PlanLevel(_Model):
    """One level of a municipality's plan hierarchy (政策, 施策 or 基本事業)."""

    number: str = Field(description="As printed, e.g. 06 (政策), 21 (施策), 02 (基本事業)")
    name: str


class MunicipalCost(_Model):
    """One fiscal year of a 事務事業's 総投入量 (or its 全体計画), in ``Sheet.money_unit``.

    人件費 and トータルコスト are the sheet's own figures, never recomputed from the hours.
    """

    fiscal_year: int | None = Field(default=None, description="None for the 全体計画")
    planned: bool = Field(default=False, description="計画 (budget) rather than 実績 (actual)")
    national_subsidy: Figure | None = Field(default=None, description="国庫支出金")
    prefectural_subsidy: Figure | None = Field(default=None, description="都道府県支出金")
    local_bond: Figure | None = Field(default=None, description="地方債")
    other: Figure | None = Field(default=None, description="その他")
    general_revenue: Figure | None = Field(default=None, description="一般財源")
    project_cost: Figure | None = Field(default=None, description="事業費計 (A)")
    regular_staff: Figure | None = Field(default=None, description="正規職員従事人数 (persons)")
    work_hours: Figure | None = Field(default=None, description="延べ業務時間 (hours)")
    personnel_cost: Figure | None = Field(default=None, description="人件費計 (B)")
    total_cost: Figure | None = Field(default=None, description="トータルコスト (A)+(B)")


class MunicipalDetails(_Model):
    """What a municipality's 事務事業評価シート holds beside the shared parts."""

    municipality: str = Field(description="市町村名, e.g. 大船渡市")
    policy: PlanLevel | None = Field(default=None, description="政策")
    measure: PlanLevel | None = Field(default=None, description="施策")
    basic_project: PlanLevel | None = Field(default=None, description="基本事業")
    basic_project_id: str = Field(default="", description="基本事業ID")
    team: str = Field(default="", description="係名")
    manager: str = Field(default="", description="課長名")
    contact: str = Field(default="", description="担当者")
    phone: str = Field(default="", description="電話 (内線)")
    legal_basis: str = Field(default="", description="根拠法令")
    period_type: str = Field(default="", description="事業期間（区分）: 単年度繰返 …")
    category: str = Field(default="", description="事務事業区分: E 一般 …")
    budget_code: str = Field(default="", description="予算科目 会計-款-項-目-事業")
    implementation_plan: bool = Field(default=False, description="実施計画に登載")
    comprehensive_strategy: bool = Field(default=False, description="総合戦略に登載")
    created_on: str = Field(default="", description="作成日 (ISO date) as printed")
    overview: str = Field(default="", description="事務事業の概要")
    activities_done: str = Field(default="", description="手段: 前年度実績")
    activities_planned: str = Field(default="", description="手段: 今年度計画")
    subject: str = Field(default="", description="対象")
    intent: str = Field(default="", description="意図")
    result: str = Field(default="", description="結果 (基本事業の意図への貢献)")
    origin: str = Field(default="", description="開始したきっかけ")
    changes: str = Field(default="", description="取り巻く状況の変化")
    opinions: str = Field(default="", description="関係者からの意見・要望")
    plan_costs: MunicipalCost | None = Field(
        default=None, description="全体計画 (期間限定複数年度の事業)"
    )
    costs: list[MunicipalCost] = Field(default_factory=list, description="年度ごとの総投入量")
    # The evaluation (評価 ①〜⑧, 方向性, comments) is the sheet's ``review`` (Review).

    def cost(self, fiscal_year: int) -> MunicipalCost | None:
        return next((row for row in self.costs if row.fiscal_year == fiscal_year), None)


# --- end of 市町村 ---------------------------------------------------------------------


# --- The review (点検・評価) and the RS system's parts ------------------------------------
# One block, owned with the RS importer (hyoka.importers.rs*); additive only.


class FindingKind(StrEnum):
    """Who made a finding about a program."""

    REVIEW = "review"  # 過去に受けた指摘事項: 公開プロセス, 秋のレビュー … of the 行政事業レビュー
    OTHER = "other"  # その他の指摘事項: 会計検査院の決算検査報告, 国会報告 …


class Finding(_Model):
    """A finding (指摘) made about the program and what was done about it (対応状況).

    National sheets list the findings of earlier reviews and audits with the year they were
    made; a finding is followed across years by its origin, year and text
    (:func:`hyoka.reviews.finding_trail`).
    """

    kind: FindingKind = FindingKind.REVIEW
    origin: str = Field(
        default="",
        description="区分 or 調査等の名称: 公開プロセス, 秋のレビュー, 令和２年度決算検査報告",
    )
    fiscal_year: int | None = Field(default=None, description="取りまとめ年度 / 指摘年度")
    finding: str = Field(default="", description="取りまとめ内容 / 指摘内容")
    response: str = Field(default="", description="対応状況")


class ReflectedAmount(_Model):
    """反映額: how the review changed the next budget request (negative: a cut), exact, in
    ``Sheet.money_unit``, per 会計 (一般会計, or a 特別会計 with its 勘定)."""

    account: str = Field(default="", description="会計: 一般会計 or the 特別会計's name")
    subaccount: str = Field(default="", description="勘定 (特別会計)")
    amount: Figure | None = None


class ReviewRating(_Model):
    """One aspect of an evaluation with its grade, e.g. 必要性 A (a municipality's 事務事業評価)."""

    aspect: str
    grade: str = ""
    comment: str = ""


class Review(_Model):
    """The review of a program's year: what its reviewers found and what follows from it.

    One concept with three sources, each filling the parts its form has:

    - national sheets (RS 4-1 点検・評価): the ministry's own check (``assessment`` 点検結果,
      ``direction`` 改善の方向性, ``effect`` 効果測定), the external experts (``external_*``,
      ``public_process``), the review team's conclusion (``verdict`` 行政事業レビュー推進チームの
      所見 with ``verdict_detail``), how it was reflected in the next request
      (``reflection`` 反映状況, ``reflection_detail``, ``reflected`` 反映額) and the findings
      of earlier years with what was done (``findings``);
    - the prefecture's 事業改善シート: section 9 (``Sheet.future``) read as a review by
      :func:`review_of` (課題 → ``assessment``, 改善策 → ``direction``), not stored twice;
    - a municipality's 事務事業評価: its evaluation (``ratings`` per aspect, ``verdict`` the
      overall result or 今後の方向性, comments in ``assessment`` / ``direction``).

    Money (``reflected``) is in ``Sheet.money_unit``.
    """

    assessment: str = Field(default="", description="点検結果 / 評価の所見")
    direction: str = Field(default="", description="改善の方向性 / 今後の方向性（内容）")
    effect: str = Field(default="", description="目標年度における効果測定に関する評価")
    ratings: list[ReviewRating] = Field(default_factory=list, description="観点別の評価")
    external_scope: str = Field(
        default="", description="外部有識者による点検の対象: 書面点検, 公開プロセス, 対象外"
    )
    external_year: int | None = Field(
        default=None, description="外部有識者による点検の最終実施年度"
    )
    external_reason: str = Field(default="", description="外部有識者による点検の対象の理由")
    external_opinion: str = Field(default="", description="外部有識者の所見")
    public_process: str = Field(default="", description="公開プロセス結果概要")
    verdict: str = Field(
        default="", description="推進チームの所見 / 総合評価: 現状通り, 事業内容の一部改善, 廃止 …"
    )
    verdict_detail: str = Field(default="", description="所見の詳細")
    reflection: str = Field(
        default="", description="所見を踏まえた改善点／概算要求における反映状況: 縮減, 執行等改善 …"
    )
    reflection_detail: str = Field(default="", description="反映状況の詳細")
    reflected: list[ReflectedAmount] = Field(default_factory=list, description="反映額")
    findings: list[Finding] = Field(default_factory=list, description="過去に受けた指摘事項など")

    def reflected_total(self) -> Decimal | None:
        """The sum of the 反映額 given, or None when none is."""
        amounts = [item.amount for item in self.reflected if item.amount is not None]
        return sum(amounts, Decimal(0)) if amounts else None

    def is_empty(self) -> bool:
        return self == Review()


class OrgUnit(_Model):
    """An organisational unit in charge of a program (RS 1-1): 府省庁 › 局・庁 › 部 › 課 › 室 ›
    班 › 係, with the 作成責任者 (the first unit is the one in charge, then その他担当組織)."""

    ministry: str = ""
    bureau: str = Field(default="", description="局・庁")
    division: str = Field(default="", description="部")
    section: str = Field(default="", description="課")
    office: str = Field(default="", description="室")
    team: str = Field(default="", description="班")
    unit: str = Field(default="", description="係")
    responsible: str = Field(default="", description="作成責任者")

    def path(self) -> str:
        parts = (self.ministry, self.bureau, self.division, self.section, self.office)
        return " ".join(part for part in (*parts, self.team, self.unit) if part)


class PolicyRef(_Model):
    """A policy and measure (政策・施策) the program serves (RS 1-3)."""

    ministry: str = Field(default="", description="政策所管府省庁")
    policy: str = Field(default="", description="政策")
    measure: str = Field(default="", description="施策")
    url: str = ""


class LawRef(_Model):
    """A law the program rests on (根拠法令, RS 1-3)."""

    name: str = Field(description="法令名")
    number: str = Field(default="", description="法令番号, e.g. 令和三年法律第三十六号")
    law_id: str = Field(default="", description="法令ID (e-Gov)")
    article: str = Field(default="", description="条")
    paragraph: str = Field(default="", description="項")
    item: str = Field(default="", description="号・号の細分")


class PlanRef(_Model):
    """A plan or notice the program follows (関係する計画・通知等, RS 1-3)."""

    name: str
    url: str = ""


class SubsidyRate(_Model):
    """A subsidy rate (補助率等, RS 1-4)."""

    target: str = Field(default="", description="補助対象")
    rate: str = Field(default="", description="補助率, as printed (1/2, 定額 …)")
    cap: str = Field(default="", description="補助上限等")
    url: str = ""


class RelatedProgram(_Model):
    """A related program (関連事業, RS 1-5): merges, splits, parents, funds …"""

    project_id: int | None = Field(default=None, description="関連事業の予算事業ID")
    name: str = Field(default="", description="関連事業の事業名")
    relation: str = Field(default="", description="関連性: 統合元, 分割先, 親事業 …")


class BudgetNote(_Model):
    """What the RS summary of a 予算年度 says beside its figures (RS 2-1, （合計） rows)."""

    fiscal_year: int
    execution_rate: Figure | None = Field(default=None, description="執行率 (%), as printed")
    change_reason: str = Field(default="", description="主な増減理由")
    note: str = Field(default="", description="その他特記事項")


class BudgetAccount(_Model):
    """One 予算年度 of one 会計/勘定 (RS 2-1), exact, in ``Sheet.money_unit``.

    ``supplementary`` holds 第1次〜第5次補正予算 in order and ``reserves`` 予備費等1〜4, each
    None where blank.
    """

    fiscal_year: int
    account_type: str = Field(default="", description="会計区分: 一般会計, 特別会計")
    account: str = Field(default="", description="会計")
    subaccount: str = Field(default="", description="勘定")
    initial_budget: Figure | None = Field(default=None, description="当初予算")
    supplementary: list[Figure | None] = Field(default_factory=list, description="第n次補正予算")
    carried_over: Figure | None = Field(default=None, description="前年度から繰越し")
    reserves: list[Figure | None] = Field(default_factory=list, description="予備費等1〜4")
    total: Figure | None = Field(default=None, description="歳出予算現額")
    executed: Figure | None = Field(default=None, description="執行額")
    requested: Figure | None = Field(default=None, description="翌年度要求額")
    wished: Figure | None = Field(default=None, description="要望額")
    note: str = Field(default="", description="備考")


class BudgetItem(_Model):
    """A budget item (予算種別・歳出予算項目, RS 2-2): 所管 › 組織・勘定 › 項 › 目, in
    ``Sheet.money_unit``."""

    fiscal_year: int
    account_type: str = Field(default="", description="会計区分")
    account: str = Field(default="", description="会計")
    subaccount: str = Field(default="", description="勘定")
    budget_type: str = Field(default="", description="予算種別: 当初予算, 補正予算 …")
    jurisdiction: str = Field(default="", description="所管")
    organisation: str = Field(default="", description="組織・勘定")
    item: str = Field(default="", description="項")
    sub_item: str = Field(default="", description="目")
    detail: str = Field(default="", description="歳出予算項目の補足情報")
    amount: Figure | None = Field(default=None, description="予算額")
    requested: Figure | None = Field(default=None, description="翌年度要求額")
    note: str = Field(default="", description="備考")


class LogicLink(_Model):
    """One arrow of the logic model (目標のつながり, RS 3-2): an activity, output or outcome
    (派生元) leading to the next one (派生先)."""

    source_number: str = Field(default="", description="派生元の番号")
    source_kind: str = Field(
        default="", description="派生元の種別: アクティビティ, アウトプット, アウトカム"
    )
    source_period: str = Field(default="", description="派生元のアウトカムの期間: 短期, 中期, 長期")
    source_text: str = Field(default="", description="派生元の内容／活動目標／成果目標")
    target_number: str = ""
    target_kind: str = ""
    target_period: str = ""
    target_text: str = ""
    reason: str = Field(default="", description="後続アウトカムへのつながり")
    no_stages_reason: str = Field(default="", description="アウトカムを複数段階で設定できない理由")


class SpendingFlow(_Model):
    """A flow of money between spending blocks (支出ブロックのつながり, RS 5-2)."""

    source_block: str = Field(
        default="", description="支出元の支出先ブロック (blank: the ministry)"
    )
    source_name: str = Field(default="", description="支出元の支出先ブロック名")
    from_ministry: bool = Field(default=False, description="担当組織からの支出")
    target_block: str = Field(default="", description="支出先の支出先ブロック")
    target_name: str = Field(default="", description="支出先の支出先ブロック名")
    note: str = Field(default="", description="資金の流れの補足情報")
    indirect: str = Field(
        default="",
        description="国自らが支出する間接経費: its label as printed (間接経費, 事務費 …)",
    )
    indirect_item: str = Field(default="", description="間接経費の項目")
    indirect_amount: Figure | None = Field(default=None, description="間接経費の金額")


class SpendingUse(_Model):
    """What a recipient of a block spent on (費目・使途, RS 5-3), in ``Sheet.money_unit``."""

    block: str = Field(default="", description="支出先ブロック番号")
    recipient: str = Field(default="", description="支出先名")
    corporate_number: str = Field(default="", description="法人番号")
    contract: str = Field(default="", description="契約概要")
    expense: str = Field(default="", description="費目")
    use: str = Field(default="", description="使途")
    amount: Figure | None = Field(default=None, description="金額")


class Contract(_Model):
    """A contract under 国庫債務負担行為等 (RS 5-4), in ``Sheet.money_unit``."""

    block: str = Field(default="", description="支出先ブロック")
    name: str = Field(default="", description="契約先名")
    corporate_number: str = Field(default="", description="契約先の法人番号")
    address: str = Field(default="", description="契約先の所在地")
    corporate_type: str = Field(default="", description="契約先の法人種別")
    summary: str = Field(default="", description="契約概要（契約名）")
    amount: Figure | None = Field(default=None, description="契約額")
    method: str = Field(default="", description="契約方式等")
    method_detail: str = Field(default="", description="具体的な契約方式等")
    bidders: int | None = Field(default=None, description="入札者数（応募者数）")
    winning_rate: Figure | None = Field(default=None, description="落札率（％）")
    single_bid_reason: str = Field(
        default="", description="一者応札・一者応募又は競争性のない随意契約となった理由及び改善策"
    )
    other: str = Field(default="", description="その他の契約")


# --- end of the review and RS block ------------------------------------------------------


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


SCHEMA_VERSION = "1"
"""The version of a sheet's JSON form (docs/sheet.schema.json) as a hyoka PDF attaches it;
a reader refuses versions it does not know. Bump it when a change breaks old documents."""
ATTACHED_SHEET = "sheet.json"
"""The name of the file a hyoka PDF attaches its sheet as: ``{"schema": …, "sheet": …}``."""


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

    # --- The review and the RS system's parts (national sheets from 2024); empty elsewhere.
    review: Review | None = Field(
        default=None,
        description="点検・評価 as recorded (national 4-1, a municipality's evaluation); "
        "the prefecture's is read from section 9 by review_of",
    )
    project_id: int | None = Field(
        default=None, description="予算事業ID (RS, the same across years)"
    )
    program_category: str = Field(default="", description="事業区分: 前年度事業, 新規開始事業 …")
    policy_ministry: str = Field(default="", description="政策所管府省庁")
    ministry_order: int | None = Field(default=None, description="府省庁の建制順")
    org_units: list[OrgUnit] = Field(default_factory=list, description="組織情報 (RS 1-1)")
    major_expenses: list[str] = Field(default_factory=list, description="主要経費")
    summary_note: str = Field(default="", description="事業概要等の備考")
    former_number: str = Field(default="", description="旧事業番号, as printed")
    policy_refs: list[PolicyRef] = Field(default_factory=list, description="政策・施策")
    laws: list[LawRef] = Field(default_factory=list, description="根拠法令")
    plans: list[PlanRef] = Field(default_factory=list, description="関係する計画・通知等")
    subsidy_rates: list[SubsidyRate] = Field(default_factory=list, description="補助率等")
    related: list[RelatedProgram] = Field(default_factory=list, description="関連事業")
    budget_notes: list[BudgetNote] = Field(default_factory=list, description="予算・執行の注記")
    budget_accounts: list[BudgetAccount] = Field(
        default_factory=list, description="予算・執行（会計・勘定ごと）"
    )
    budget_items: list[BudgetItem] = Field(default_factory=list, description="歳出予算項目")
    logic_links: list[LogicLink] = Field(default_factory=list, description="目標のつながり")
    spending_flows: list[SpendingFlow] = Field(
        default_factory=list, description="支出ブロックのつながり"
    )
    spending_uses: list[SpendingUse] = Field(default_factory=list, description="費目・使途")
    contracts: list[Contract] = Field(
        default_factory=list, description="国庫債務負担行為等による契約"
    )
    remarks: list[str] = Field(default_factory=list, description="その他備考")
    # --- end of the review and RS fields

    # 市町村 (事務事業評価シート); empty on the other kinds.
    subject_indicators: list[Indicator] = Field(
        default_factory=list, description="対象指標: the size of the 対象 (市町村)"
    )
    municipal: MunicipalDetails | None = Field(
        default=None, description="The parts of a municipality's sheet (市町村)"
    )

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


def review_of(sheet: Sheet) -> Review | None:
    """The sheet's review, whatever its source: as recorded, or (事業改善シート) section 9.

    >>> from hyoka.model import FuturePlan
    >>> sheet = Sheet.model_construct(review=None, future=FuturePlan(issues=["a"], measures=["b"]))
    >>> review_of(sheet).assessment, review_of(sheet).direction
    ('a', 'b')
    """
    if sheet.review is not None:
        return sheet.review
    if sheet.future.issues or sheet.future.measures:
        return Review(
            assessment="\n".join(sheet.future.issues), direction="\n".join(sheet.future.measures)
        )
    return None
