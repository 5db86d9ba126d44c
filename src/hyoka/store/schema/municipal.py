"""Tables of a municipality's 事務事業評価シート (市町村): what the other kinds do not have.

Beside ``national.py`` and ``rs.py``; every table hangs below ``sheets`` (``sheet_id``):

- ``municipal_sheets``: one row per 市町村 sheet: the municipality, the plan hierarchy
  (政策 → 施策 → 基本事業, number and name each), organisation (係, 課長, 担当者), 根拠法令,
  事業期間, 予算科目, and the texts (概要, 手段, 対象, 意図, 結果, …);
- ``municipal_costs``: 総投入量 per fiscal year (``planned``: 計画 rather than 実績) and the
  全体計画 (``whole_plan``, no year), exact, in the sheet's unit (``Sheet.money_unit``: 千円
  for 大船渡市): 財源内訳, 事業費計, 正規職員従事人数, 延べ業務時間, 人件費計, トータルコスト.

The evaluation is the shared ``reviews`` table (``rs.py``); 対象指標 are ``indicators`` with
``role = 'subject'``. The migration ``0014_municipal`` spells out the same tables.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base, parent_key


class MunicipalSheetRow(Base):
    __tablename__ = "municipal_sheets"
    __table_args__ = (UniqueConstraint("sheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    municipality: Mapped[str]
    policy_number: Mapped[str]
    policy_name: Mapped[str]
    measure_number: Mapped[str]
    measure_name: Mapped[str]
    basic_project_number: Mapped[str]
    basic_project_name: Mapped[str]
    basic_project_id: Mapped[str]
    team: Mapped[str]
    manager: Mapped[str]
    contact: Mapped[str]
    phone: Mapped[str]
    legal_basis: Mapped[str]
    period_type: Mapped[str]
    category: Mapped[str]
    budget_code: Mapped[str]
    implementation_plan: Mapped[bool]
    comprehensive_strategy: Mapped[bool]
    created_on: Mapped[str]
    overview: Mapped[str]
    activities_done: Mapped[str]
    activities_planned: Mapped[str]
    subject: Mapped[str]
    intent: Mapped[str]
    result: Mapped[str]
    origin: Mapped[str]
    changes: Mapped[str]
    opinions: Mapped[str]


class MunicipalCostRow(Base):
    __tablename__ = "municipal_costs"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int | None]
    planned: Mapped[bool]
    whole_plan: Mapped[bool]
    national_subsidy: Mapped[Decimal | None]
    prefectural_subsidy: Mapped[Decimal | None]
    local_bond: Mapped[Decimal | None]
    other: Mapped[Decimal | None]
    general_revenue: Mapped[Decimal | None]
    project_cost: Mapped[Decimal | None]
    regular_staff: Mapped[Decimal | None]
    work_hours: Mapped[Decimal | None]
    personnel_cost: Mapped[Decimal | None]
    total_cost: Mapped[Decimal | None]
