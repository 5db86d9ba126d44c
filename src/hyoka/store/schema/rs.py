"""Tables of the RS system's parts of a national sheet (2024 on) and of the review.

Beside ``national.py``: every table hangs below ``sheets`` (``sheet_id``) and holds one list
of :class:`hyoka.model.Sheet` in order (``position``), the money in the sheet's unit
(``national_sheets.money_unit``: 円 for the RS tables) as exact decimals:

- ``org_units`` (組織情報), ``sheet_notes`` (主要経費 ``expense``, その他備考 ``remark``),
  ``policy_refs`` (政策・施策), ``law_refs`` (根拠法令), ``plan_refs`` (計画・通知等),
  ``subsidy_rates`` (補助率等), ``related_programs`` (関連事業);
- ``budget_accounts``: 2-1 per 予算年度 and 会計/勘定 (第1〜5次補正, 予備費等1〜4, 要望額 …);
  the （合計） rows are ``budgets`` like JUDGIT!'s, their notes ``budget_notes``;
  ``budget_items`` (歳出予算項目);
- ``logic_links`` (目標のつながり), ``spending_flows`` (支出ブロックのつながり),
  ``spending_uses`` (費目・使途), ``contracts`` (国庫債務負担行為等による契約);
- ``reviews``: the review (:class:`hyoka.model.Review`) of any kind of sheet, one row per
  sheet that records one, with ``review_ratings``, ``review_amounts`` (反映額) and
  ``review_findings`` (指摘 and 対応状況).

The migration ``0013_rs_review`` spells out the same tables; a test compares them.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base, parent_key


class OrgUnitsRow(Base):
    __tablename__ = "org_units"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    ministry: Mapped[str]
    bureau: Mapped[str]
    division: Mapped[str]
    section: Mapped[str]
    office: Mapped[str]
    team: Mapped[str]
    unit: Mapped[str]
    responsible: Mapped[str]


class SheetNotesRow(Base):
    __tablename__ = "sheet_notes"
    __table_args__ = (
        UniqueConstraint("sheet_id", "kind", "position"),
        CheckConstraint("kind IN ('expense', 'remark')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    kind: Mapped[str]
    position: Mapped[int]
    text: Mapped[str]


class PolicyRefsRow(Base):
    __tablename__ = "policy_refs"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    ministry: Mapped[str]
    policy: Mapped[str]
    measure: Mapped[str]
    url: Mapped[str]


class LawRefsRow(Base):
    __tablename__ = "law_refs"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    name: Mapped[str]
    number: Mapped[str]
    law_id: Mapped[str]
    article: Mapped[str]
    paragraph: Mapped[str]
    item: Mapped[str]


class PlanRefsRow(Base):
    __tablename__ = "plan_refs"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    name: Mapped[str]
    url: Mapped[str]


class SubsidyRatesRow(Base):
    __tablename__ = "subsidy_rates"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    target: Mapped[str]
    rate: Mapped[str]
    cap: Mapped[str]
    url: Mapped[str]


class RelatedProgramsRow(Base):
    __tablename__ = "related_programs"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    project_id: Mapped[int | None]
    name: Mapped[str]
    relation: Mapped[str]


class BudgetNotesRow(Base):
    __tablename__ = "budget_notes"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    execution_rate: Mapped[Decimal | None]
    change_reason: Mapped[str]
    note: Mapped[str]


class BudgetAccountsRow(Base):
    __tablename__ = "budget_accounts"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    account_type: Mapped[str]
    account: Mapped[str]
    subaccount: Mapped[str]
    initial_budget: Mapped[Decimal | None]
    supplementary_1: Mapped[Decimal | None]
    supplementary_2: Mapped[Decimal | None]
    supplementary_3: Mapped[Decimal | None]
    supplementary_4: Mapped[Decimal | None]
    supplementary_5: Mapped[Decimal | None]
    carried_over: Mapped[Decimal | None]
    reserve_1: Mapped[Decimal | None]
    reserve_2: Mapped[Decimal | None]
    reserve_3: Mapped[Decimal | None]
    reserve_4: Mapped[Decimal | None]
    total: Mapped[Decimal | None]
    executed: Mapped[Decimal | None]
    requested: Mapped[Decimal | None]
    wished: Mapped[Decimal | None]
    note: Mapped[str]


class BudgetItemsRow(Base):
    __tablename__ = "budget_items"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    account_type: Mapped[str]
    account: Mapped[str]
    subaccount: Mapped[str]
    budget_type: Mapped[str]
    jurisdiction: Mapped[str]
    organisation: Mapped[str]
    item: Mapped[str]
    sub_item: Mapped[str]
    detail: Mapped[str]
    amount: Mapped[Decimal | None]
    requested: Mapped[Decimal | None]
    note: Mapped[str]


class LogicLinksRow(Base):
    __tablename__ = "logic_links"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    source_number: Mapped[str]
    source_kind: Mapped[str]
    source_period: Mapped[str]
    source_text: Mapped[str]
    target_number: Mapped[str]
    target_kind: Mapped[str]
    target_period: Mapped[str]
    target_text: Mapped[str]
    reason: Mapped[str]
    no_stages_reason: Mapped[str]


class SpendingFlowsRow(Base):
    __tablename__ = "spending_flows"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    source_block: Mapped[str]
    source_name: Mapped[str]
    from_ministry: Mapped[bool]
    target_block: Mapped[str]
    target_name: Mapped[str]
    note: Mapped[str]
    indirect: Mapped[str]
    indirect_item: Mapped[str]
    indirect_amount: Mapped[Decimal | None]


class SpendingUsesRow(Base):
    __tablename__ = "spending_uses"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    block: Mapped[str]
    recipient: Mapped[str]
    corporate_number: Mapped[str]
    contract: Mapped[str]
    expense: Mapped[str]
    use: Mapped[str]
    amount: Mapped[Decimal | None]


class ContractsRow(Base):
    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    block: Mapped[str]
    name: Mapped[str]
    corporate_number: Mapped[str]
    address: Mapped[str]
    corporate_type: Mapped[str]
    summary: Mapped[str]
    amount: Mapped[Decimal | None]
    method: Mapped[str]
    method_detail: Mapped[str]
    bidders: Mapped[int | None]
    winning_rate: Mapped[Decimal | None]
    single_bid_reason: Mapped[str]
    other: Mapped[str]


class ReviewsRow(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("sheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    assessment: Mapped[str]
    direction: Mapped[str]
    effect: Mapped[str]
    external_scope: Mapped[str]
    external_year: Mapped[int | None]
    external_reason: Mapped[str]
    external_opinion: Mapped[str]
    public_process: Mapped[str]
    verdict: Mapped[str]
    verdict_detail: Mapped[str]
    reflection: Mapped[str]
    reflection_detail: Mapped[str]


class ReviewRatingsRow(Base):
    __tablename__ = "review_ratings"
    __table_args__ = (UniqueConstraint("review_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = parent_key("reviews")
    position: Mapped[int]
    aspect: Mapped[str]
    grade: Mapped[str]
    comment: Mapped[str]


class ReviewAmountsRow(Base):
    __tablename__ = "review_amounts"
    __table_args__ = (UniqueConstraint("review_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = parent_key("reviews")
    position: Mapped[int]
    account: Mapped[str]
    subaccount: Mapped[str]
    amount: Mapped[Decimal | None]


class ReviewFindingsRow(Base):
    __tablename__ = "review_findings"
    __table_args__ = (
        UniqueConstraint("review_id", "position"),
        CheckConstraint("kind IN ('review', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = parent_key("reviews")
    position: Mapped[int]
    kind: Mapped[str]
    origin: Mapped[str]
    fiscal_year: Mapped[int | None]
    finding: Mapped[str]
    response: Mapped[str]
