"""Tables of the report facts: what each stored sheet contributes to the cross-sheet reports.

Written with the sheet (``save_sheet`` and the bulk ``save_sheets``) by
:func:`hyoka.store.reports.facts.write_facts`, deleted with it (ON DELETE CASCADE), so that each
report reads narrow precomputed rows instead of every figure of every sheet:

- ``fact_sheets``: one row per sheet: its closed year (the last year whose 実績 and money
  are final) and the version of the fact computation (older versions are recomputed).
- ``fact_outcomes``: one row per outcome indicator (成果指標): its judgement in the judged
  year (the latest closed year with target and actual), whether it has a numeric target,
  and the pace toward its final-year target.
- ``fact_money``: one row per money year (予算・執行額 / 事業コスト) in yen: 予算計/合計,
  執行額/決算額 of closed years, and which row is the sheet's execution year.
- ``fact_unit_costs``: cost per unit of output (national 活動指標, prefecture components).
- ``fact_issues``: the per-sheet data-quality findings (checks of ``hyoka.analytics.quality``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base, parent_key


class FactSheetRow(Base):
    __tablename__ = "fact_sheets"

    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("sheets.id", ondelete="CASCADE"), primary_key=True
    )
    closed_year: Mapped[int]
    version: Mapped[int]


class FactOutcomeRow(Base):
    __tablename__ = "fact_outcomes"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    number: Mapped[str]
    name: Mapped[str]
    unit: Mapped[str]
    has_target: Mapped[bool]
    judged_year: Mapped[int | None]
    judged_target: Mapped[Decimal | None]
    judged_actual: Mapped[Decimal | None]
    achieved: Mapped[bool | None]
    at_risk: Mapped[bool]
    cumulative: Mapped[bool]
    pace_year: Mapped[int | None]
    pace_end_year: Mapped[int | None]
    pace_target: Mapped[Decimal | None]
    so_far: Mapped[Decimal | None]
    current_rate: Mapped[Decimal | None]
    required_rate: Mapped[Decimal | None]
    remaining_years: Mapped[int | None]


class FactMoneyRow(Base):
    __tablename__ = "fact_money"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    total_yen: Mapped[Decimal | None]
    executed_yen: Mapped[Decimal | None]  # closed years only
    execution: Mapped[bool]  # the sheet's execution year (latest closed, both printed)


class FactUnitCostRow(Base):
    __tablename__ = "fact_unit_costs"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    match_key: Mapped[str]  # prefecture: 細事業, label and unit, to find last year's
    fiscal_year: Mapped[int]
    output: Mapped[str]
    unit: Mapped[str]
    quantity: Mapped[Decimal]
    money_yen: Mapped[Decimal]
    cost_per_unit_yen: Mapped[Decimal]
    previous_year: Mapped[int | None]
    previous_cost_per_unit_yen: Mapped[Decimal | None]
    shared: Mapped[bool]


class FactIssueRow(Base):
    __tablename__ = "fact_issues"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    check: Mapped[str]
    subject: Mapped[str]
    message: Mapped[str]
