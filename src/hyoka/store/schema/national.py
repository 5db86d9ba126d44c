"""Tables of the national 行政事業レビューシート, beside the prefecture's in ``sheets.py``.

A national sheet is a row of ``sheets`` like any other (``kind = 'national'``, 府省庁 in
``department``, 担当部局庁 in ``bureau``, 担当課室 in ``section``), so that listings and
reports work on both kinds. Its outcome indicators (成果指標, ``role = 'outcome'``) and
activity indicators (活動指標, ``role = 'output'``) are rows of ``indicators`` with their
yearly figures in ``indicator_values`` (目標値 → target, 成果実績/活動実績 → actual,
当初見込み → estimate). The parts only national sheets have live here:

- ``national_sheets``: one row per national sheet (and per prefecture sheet that uses any
  of these fields): 事業概要, 作成責任者, 定量的な目標が設定できない理由, the money unit
  (百万円), the source URL and ``program_id``: the lineage group (see below).
- ``sheet_categories``: the lists 実施方法 (``method``), 会計区分 (``account``) and
  主要施策 (``policy``), one row per item.
- ``budgets``: 予算・執行額 per fiscal year, exact decimals in the money unit (百万円 with
  yen fractions such as 47.966256): 当初予算, 補正予算, 前年度から繰越し, 翌年度へ繰越し,
  予備費等, 予算計, 執行額 and 要求額 (the next year's request, on a row of its own).
- ``recipients``: 支出先 per fiscal year with their block (A, B …), 法人番号 and 支出額.
- ``sheet_links``: 関連する過去のレビューシート exactly as printed (part of the sheet).
- ``program_links``: the program lineage, derived from all stored national sheets by
  :func:`hyoka.store.sheets.lineage.rebuild_lineage`. One row per predecessor of a sheet:
  ``how = 'link'`` from a printed link (a merge is several predecessors, a split several
  sheets with the same predecessor; a link whose sheet is not stored keeps
  ``predecessor_sheet_id`` NULL with the printed year, 府省庁 and number: an orphan), and
  ``how = 'name'`` for a sheet without a resolved link to the previous year, matched to
  the one sheet of the previous year with the same 府省庁 and 事業名. ``program_id`` in
  ``national_sheets`` is the smallest sheet id of each connected component of these
  links: group by it to follow a program across years, renames included.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hyoka.store.schema.sheets import Base, IndicatorRow, SheetRow, parent_key


class NationalSheetRow(Base):
    __tablename__ = "national_sheets"
    __table_args__ = (UniqueConstraint("sheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    summary: Mapped[str]
    responsible: Mapped[str]
    no_target_reason: Mapped[str]
    money_unit: Mapped[str]
    source_url: Mapped[str]
    program_id: Mapped[int | None] = mapped_column(index=True)
    # The RS system's header parts (migration 0013_rs_review); empty for JUDGIT! and 県.
    project_id: Mapped[int | None] = mapped_column(index=True)
    program_category: Mapped[str] = mapped_column(server_default="")
    policy_ministry: Mapped[str] = mapped_column(server_default="")
    ministry_order: Mapped[int | None]
    summary_note: Mapped[str] = mapped_column(server_default="")
    former_number: Mapped[str] = mapped_column(server_default="")


class SheetCategoryRow(Base):
    __tablename__ = "sheet_categories"
    __table_args__ = (
        UniqueConstraint("sheet_id", "category", "position"),
        CheckConstraint("category IN ('method', 'account', 'policy')", name="category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    category: Mapped[str]
    position: Mapped[int]
    text: Mapped[str]


class BudgetYearRow(Base):
    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int]
    initial_budget: Mapped[Decimal | None]
    supplementary: Mapped[Decimal | None]
    carried_over: Mapped[Decimal | None]
    carried_forward: Mapped[Decimal | None]
    reserve: Mapped[Decimal | None]
    total: Mapped[Decimal | None]
    executed: Mapped[Decimal | None]
    requested: Mapped[Decimal | None]


class RecipientRow(Base):
    __tablename__ = "recipients"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int | None]
    group_name: Mapped[str]
    number: Mapped[int | None]
    name: Mapped[str]
    corporate_number: Mapped[str] = mapped_column(index=True)
    description: Mapped[str]
    amount: Mapped[Decimal | None]


class SheetLinkRow(Base):
    __tablename__ = "sheet_links"
    __table_args__ = (UniqueConstraint("sheet_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = parent_key("sheets")
    position: Mapped[int]
    fiscal_year: Mapped[int | None]
    ministry: Mapped[str]
    program_number: Mapped[str]


class ProgramLinkRow(Base):
    __tablename__ = "program_links"
    __table_args__ = (CheckConstraint("how IN ('link', 'name')", name="how"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"), index=True)
    predecessor_sheet_id: Mapped[int | None] = mapped_column(
        ForeignKey("sheets.id", ondelete="SET NULL"), index=True
    )
    how: Mapped[str]
    link_fiscal_year: Mapped[int | None]
    link_ministry: Mapped[str]
    link_program_number: Mapped[str]
    # Which rule made the link (migration 0013_rs_review): printed (関連する過去のレビュー
    # シート, 旧事業番号), id (the same 予算事業ID), related (a merge or split in 関連事業),
    # name (府省庁 and 事業名); empty on rows made before.
    rule: Mapped[str] = mapped_column(server_default="")


# Organisation and year are what the reports filter and group by.
Index("ix_sheets_kind_fiscal_year", SheetRow.kind, SheetRow.fiscal_year)
Index("ix_sheets_department_fiscal_year", SheetRow.department, SheetRow.fiscal_year)
Index(
    "ix_sheets_fiscal_year_department_program_name",
    SheetRow.fiscal_year,
    SheetRow.department,
    SheetRow.program_name,
)
Index("ix_indicators_sheet_id_role", IndicatorRow.sheet_id, IndicatorRow.role)
