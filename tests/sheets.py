"""Realistic sheets for tests, filling every part of the model.

Figures and texts follow the two seed sheets (shared/seeds): 07 01 01
産業振興のための企画調査・応援事業 and 07 06 01 産業人材育成支援事業, FY2023, 点検.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hyoka.model import (
    Achievement,
    Comparison,
    Component,
    Correction,
    CostRow,
    Direction,
    FuturePlan,
    Header,
    Indicator,
    IndicatorValue,
    Initiative,
    Method,
    PlanGoal,
    PlanLink,
    Quantity,
    Sheet,
    Stage,
    SubProject,
    TargetSpec,
    Trend,
    ValueKind,
    YearValue,
    review_of,
)

_HEADER_FIELDS = set(Header.model_fields)


def sample_sheet(**overrides: Any) -> Sheet:
    """Seed 000 (事業番号 07 01 01) as a Sheet; keyword arguments replace header fields
    (``program_number=…``, ``stage=…``) or sheet fields (``indicators=[…]``)."""
    header = {
        "program_number": "07 01 01",
        "program_name": "産業振興のための企画調査・応援事業",
        "department": "産業労働部",
        "section": "産業政策課",
        "start_year": 1956,
        "end_year": None,
        "email": "sansei@pref.nagano.lg.jp",
        "fiscal_year": 2023,
        "stage": Stage.REVIEW,
    }
    header.update({key: value for key, value in overrides.items() if key in _HEADER_FIELDS})
    fields: dict[str, Any] = {
        "header": Header(**header),
        "situation": [
            "「稼ぐ力」を示す労働生産性を全国平均と比較すると、近年その差は縮小傾向であるが低い水準"
            "（2019年度は全国比92.6％）",
            "県内産業の振興に向けて、効果的な施策の検討や競争力強化の取組等が必要",
        ],
        "purpose": (
            "外部有識者の意見を取り入れた県内産業の振興施策を検討するとともに、登録制度等による"
            "企業の価値向上や産学官連携による活性化、地域内消費の拡大等を通じて競争力を強化する。"
        ),
        "initiatives": [
            Initiative(
                number="①",
                title="県内産業の振興に向けた企画調査",
                bullets=["中小企業振興審議会を開催"],
            ),
            Initiative(
                number="②",
                title="優れた取組を行っている企業を応援",
                bullets=[
                    "優れた技術・製品を認定し、優先的な支援を実施",
                    "「長野県ＳＤＧｓ推進企業登録制度」の運用等を実施",
                ],
            ),
            Initiative(number="③", title="産業振興機構の運営", bullets=[]),
        ],
        "indicators": [
            Indicator(
                number="②-1",
                name="「NAGANOものづくりエクセレンス」認定技術・製品数",
                unit="件",
                target=TargetSpec(comparison=Comparison.AT_LEAST),
                values=[
                    IndicatorValue(fiscal_year=2021, kind=ValueKind.ACTUAL, value=Decimal(11)),
                    IndicatorValue(fiscal_year=2022, kind=ValueKind.ACTUAL, value=Decimal(7)),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.TARGET, value=Decimal(7)),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.ACTUAL, value=Decimal(7)),
                ],
                target_reason="前年度の実績を踏まえ設定（R4から制度改正により件数減）",
                analysis="応募数は前年度より１件多い16件となり、前年度と同数を認定した。",
                printed_trends={2022: Trend.WORSENED, 2023: Trend.UNCHANGED},
                printed_achievement=Achievement.ACHIEVED,
            ),
            Indicator(
                number="②-2",
                name="長野県SDGs推進企業登録制度 新規登録数",
                unit="者",
                direction=Direction.HIGHER_IS_BETTER,
                target=TargetSpec(
                    comparison=Comparison.AT_LEAST,
                    cumulative=True,
                    start_year=2023,
                    end_year=2030,
                ),
                values=[
                    IndicatorValue(fiscal_year=2021, kind=ValueKind.ACTUAL, value=Decimal(676)),
                    IndicatorValue(
                        fiscal_year=2022,
                        kind=ValueKind.ACTUAL,
                        value=Decimal(493),
                        corrections=[
                            Correction(
                                before=Decimal(473),
                                after=Decimal(493),
                                reason="R4年度実績が誤っていたため修正",
                                noted_in="R5年度当初予算案のシート",
                            )
                        ],
                    ),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.TARGET, value=Decimal(150)),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.ESTIMATE, value=None),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.ACTUAL, value=Decimal(407)),
                ],
                target_reason="2030年までに3,000者を目標として設定",
                analysis="毎期（四半期ごと）100者程度の新規登録を得ている。",
                printed_trends={2022: Trend.WORSENED, 2023: Trend.WORSENED},
                printed_achievement=Achievement.ACHIEVED,
            ),
            Indicator(
                number="③",
                name="地産地消を実践している割合",
                unit="%",
                direction=Direction.LOWER_IS_BETTER,
                target=TargetSpec(comparison=Comparison.RANGE),
                values=[
                    IndicatorValue(
                        fiscal_year=2022, kind=ValueKind.ESTIMATE, value=Decimal("46.5")
                    ),
                    IndicatorValue(
                        fiscal_year=2023,
                        kind=ValueKind.TARGET,
                        value=Decimal("50.1"),
                        upper=Decimal("55.25"),
                    ),
                ],
                printed_trends={2023: Trend.NO_VALUE},
                printed_achievement=None,
            ),
        ],
        "plan_links": [
            PlanLink(
                policy_code="2-1①",
                policy_name="成長産業の創出・振興",
                goals=[
                    PlanGoal(
                        name="製造業の従業者一人当たり付加価値額(2020年比)",
                        main=True,
                        unit="%",
                        recent=[
                            YearValue(fiscal_year=None, value=None),
                            YearValue(fiscal_year=2023, value=Decimal("50.1")),
                        ],
                        target=YearValue(fiscal_year=2025, value=Decimal("11.2")),
                    )
                ],
            ),
            PlanLink(
                policy_code="2-2②",
                policy_name="地域内経済循環の推進",
                goals=[
                    PlanGoal(
                        name="エシカル消費につながる行動のうち、地産地消を実践している割合",
                        unit="%",
                        recent=[YearValue(fiscal_year=2022, value=Decimal("46.5"))],
                        target=YearValue(fiscal_year=2027, value=Decimal("50.0")),
                    ),
                    PlanGoal(name="目標未設定の達成目標", unit="", recent=[], target=None),
                ],
            ),
        ],
        "costs": [
            CostRow(
                fiscal_year=2023,
                carried_over=0,
                initial_budget=213_739,
                supplementary=-4_000,
                total=209_739,
                general_revenue=202_004,
                settlement=206_709,
                staff=Decimal("4.0"),
            ),
            CostRow(
                fiscal_year=2022,
                carried_over=0,
                initial_budget=213_357,
                supplementary=0,
                total=213_357,
                general_revenue=205_622,
                settlement=211_980,
                staff=Decimal("5.0"),
            ),
            CostRow(
                fiscal_year=2021,
                carried_over=2_560_536,
                initial_budget=14_851,
                supplementary=0,
                total=2_575_387,
                general_revenue=869_934,
                settlement=2_347_126,
                staff=None,
            ),
        ],
        "results": [
            Initiative(
                number="①",
                title="県内産業の振興に向けた企画調査",
                bullets=["中小企業振興審議会を２回開催し、協議を行った。"],
            ),
            Initiative(
                number="②",
                title="優れた取組を行っている企業を応援",
                bullets=[
                    "新たに７件の技術・製品を認定した。",
                    "「長野県SDGs推進企業」として新たに407者を登録した。",
                ],
            ),
        ],
        "future": FuturePlan(
            issues=["SDGsの2030年までの達成に向けて、取組の実効性をより高めていく必要がある。"],
            measures=[
                "「NAGANOものづくりエクセレンス」及び「長野県SDGs推進企業登録制度」の取組を継続する。",
                "しあわせバイ信州運動パートナーの登録数拡大を図る。",
            ],
        ),
        "sub_projects": [
            SubProject(
                number=1,
                name="商工業企画調査事業",
                settlements={2021: 1_466, 2022: 2_226, 2023: 2_272},
                components=[
                    Component(
                        number=1,
                        name="中小企業振興審議会開催事業費",
                        methods=[Method.DIRECT],
                        description="中小企業振興審議会を開催",
                        output="審議会開催回数 ２回",
                        quantities=[Quantity(label="審議会開催回数", value=Decimal(2), unit="回")],
                    )
                ],
            ),
            SubProject(
                number=3,
                name="SDGｓ推進企業支援事業",
                settlements={2021: None, 2022: 194_308, 2023: 185_359},
                components=[
                    Component(
                        number=1,
                        name="SDGｓ推進企業運営",
                        methods=[Method.DIRECT, Method.OUTSOURCED],
                        description="登録希望者向けのサポート窓口の運営",
                        output="新規登録者数407者、セミナー開催数４回",
                        quantities=[
                            Quantity(label="新規登録者数", value=Decimal(407), unit="者"),
                            Quantity(label="セミナー開催数", value=Decimal(4), unit="回"),
                        ],
                    ),
                    Component(
                        number=2,
                        name="産業振興機構運営費補助金",
                        methods=[Method.SUBSIDY, Method.CONTRIBUTION],
                        description="産業振興機構職員の給与費、管理費等への補助",
                        output="120名を超える体制の機構の運営を支援",
                    ),
                ],
            ),
            SubProject(number=5, name="地域内消費促進事業費", settlements={}, components=[]),
        ],
    }
    fields.update({key: value for key, value in overrides.items() if key not in _HEADER_FIELDS})
    return Sheet(**fields)


def other_sheet(**overrides: Any) -> Sheet:
    """Seed 003 (事業番号 07 06 01), a second program of the same department."""
    defaults: dict[str, Any] = {
        "program_number": "07 06 01",
        "program_name": "産業人材育成支援事業",
        "section": "産業人材育成課",
        "start_year": 1971,
        "email": "jinzai@pref.nagano.lg.jp",
        "situation": ["若年者の県内就職を促すキャリア教育が必要"],
        "indicators": [
            Indicator(
                number="④-1",
                name="技能検定受検者数",
                unit="人",
                values=[
                    IndicatorValue(fiscal_year=2022, kind=ValueKind.ESTIMATE, value=Decimal(4_900)),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.TARGET, value=Decimal(4_900)),
                    IndicatorValue(fiscal_year=2023, kind=ValueKind.ACTUAL, value=Decimal(5_012)),
                ],
                printed_trends={2023: Trend.IMPROVED},
                printed_achievement=Achievement.ACHIEVED,
            )
        ],
        "costs": [
            CostRow(
                fiscal_year=2023,
                carried_over=14_922,
                initial_budget=252_031,
                supplementary=-6_400,
                total=260_553,
                general_revenue=94_670,
                settlement=251_075,
                staff=Decimal("4.0"),
            )
        ],
    }
    defaults.update(overrides)
    return sample_sheet(**defaults)


def row_counts(sheets: list[Sheet]) -> dict[str, int]:
    """How many rows each normalised table must hold for these sheets, counted from the model."""
    indicators = [
        item
        for sheet in sheets
        for item in [*sheet.indicators, *sheet.outputs, *sheet.subject_indicators]
    ]
    values = [value for indicator in indicators for value in indicator.values]
    goals = [goal for sheet in sheets for link in sheet.plan_links for goal in link.goals]
    sub_projects = [sub_project for sheet in sheets for sub_project in sheet.sub_projects]
    components = [component for sub_project in sub_projects for component in sub_project.components]
    initiatives = [item for sheet in sheets for item in [*sheet.initiatives, *sheet.results]]
    return {
        "sheets": len(sheets),
        "situations": sum(len(sheet.situation) for sheet in sheets),
        "initiatives": len(initiatives),
        "initiative_bullets": sum(len(item.bullets) for item in initiatives),
        "indicators": len(indicators),
        "indicator_values": len(values),
        "indicator_corrections": sum(len(value.corrections) for value in values),
        "indicator_trends": sum(len(indicator.printed_trends) for indicator in indicators),
        "plan_links": sum(len(sheet.plan_links) for sheet in sheets),
        "plan_goals": len(goals),
        "plan_goal_values": sum(len(goal.recent) + (goal.target is not None) for goal in goals),
        "cost_rows": sum(len(sheet.costs) for sheet in sheets),
        "future_items": sum(len(s.future.issues) + len(s.future.measures) for s in sheets),
        "sub_projects": len(sub_projects),
        "sub_project_settlements": sum(len(item.settlements) for item in sub_projects),
        "components": len(components),
        "component_methods": sum(len(component.methods) for component in components),
        "component_quantities": sum(len(component.quantities) for component in components),
        # National parts (hyoka.store.schema.national); program_links is derived, not saved.
        "national_sheets": sum(sheet.header.kind == "national" for sheet in sheets),
        "sheet_categories": sum(
            len(sheet.methods) + len(sheet.accounts) + len(sheet.policies) for sheet in sheets
        ),
        "budgets": sum(len(sheet.budgets) for sheet in sheets),
        "recipients": sum(len(sheet.recipients) for sheet in sheets),
        "sheet_links": sum(len(sheet.predecessors) for sheet in sheets),
        "program_links": 0,
        **rs_row_counts(sheets),
        **municipal_row_counts(sheets),
    }


def municipal_row_counts(sheets: list[Sheet]) -> dict[str, int]:
    """The rows of a municipality's tables (hyoka.store.schema.municipal), from the model."""
    details = [sheet.municipal for sheet in sheets if sheet.municipal is not None]
    return {
        "municipal_sheets": len(details),
        "municipal_costs": sum(len(item.costs) + (item.plan_costs is not None) for item in details),
    }


def rs_row_counts(sheets: list[Sheet]) -> dict[str, int]:
    """The rows of the review and RS tables (hyoka.store.schema.rs), counted from the model."""
    reviews = [review for sheet in sheets if (review := review_of(sheet)) is not None]
    lists = {
        "org_units": "org_units",
        "policy_refs": "policy_refs",
        "law_refs": "laws",
        "plan_refs": "plans",
        "subsidy_rates": "subsidy_rates",
        "related_programs": "related",
        "budget_notes": "budget_notes",
        "budget_accounts": "budget_accounts",
        "budget_items": "budget_items",
        "logic_links": "logic_links",
        "spending_flows": "spending_flows",
        "spending_uses": "spending_uses",
        "contracts": "contracts",
    }
    return {
        **{table: sum(len(getattr(s, name)) for s in sheets) for table, name in lists.items()},
        "sheet_notes": sum(len(s.major_expenses) + len(s.remarks) for s in sheets),
        "reviews": len(reviews),
        "review_ratings": sum(len(review.ratings) for review in reviews),
        "review_amounts": sum(len(review.reflected) for review in reviews),
        "review_findings": sum(len(review.findings) for review in reviews),
    }
