"""Data quality across sheets: what a reader of the figures should distrust or ask about.

Checks (codes as in ``CHECKS``):

- ``outcome.no_target``: an outcome indicator (成果指標) with no numeric target in any year.
- ``outcome.target_without_actual``: a target of a closed year without an actual (the
  rule ``indicator.target_without_actual``, with the national closed year 公開年度−1).
- ``budget.total_mismatch``: the budget does not add up. Prefecture: 合計 = 前年度繰越 +
  当初予算 + 補正予算等 (the rule ``budget.total_mismatch``). National (identity found in
  the 2019–2022 data, 90 % of rows exact, the rest within float noise): 予算計 = 当初予算
  + 補正予算 + 前年度から繰越し + 予備費等 + 翌年度へ繰越し, where 翌年度へ繰越し is printed
  as a negative amount; differences under 1 yen (0.000001 百万円) are float noise of the
  source and not reported.
- ``program.duplicate_number`` / ``program.duplicate_name``: two sheets of one kind and
  year with the same 事業番号 (spaces and hyphens ignored), or the same 事業名 in one
  府省庁/部局.
- ``program.orphan_link``: a 関連する過去のレビューシート link that resolves to no stored sheet.
- ``indicator.unit_change``: an indicator of a program (same name, across years) whose
  unit changes between years.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics.facts import rule_context, rule_sheet, to_indicator
from hyoka.analytics.spec import COMMON_FILTERS, Report, Run, TableSpec
from hyoka.analytics.tables import data, number, sheet_columns, text
from hyoka.eras import era_label
from hyoka.model import CostRow, MoneyUnit, SheetKind, ValueKind
from hyoka.render.charts import Bar, Chart, bar_chart
from hyoka.rules.facts import national_total_gap, national_total_message
from hyoka.rules.findings import get_rule
from hyoka.store.reports.fact_reads import fill_facts, read_issue_facts
from hyoka.store.reports.figures import IndicatorFact, read_money
from hyoka.store.reports.quality import read_duplicates, read_orphan_links, read_unit_changes
from hyoka.store.reports.scope import Scope, SheetInfo

CHECKS: dict[str, str] = {
    "outcome.no_target": "成果指標に目標値がない",
    "outcome.target_without_actual": "目標値に対する実績がない",
    "budget.total_mismatch": "予算の合計が内訳の和と一致しない",
    "program.duplicate_number": "同じ年度に同じ事業番号の事業が複数ある",
    "program.duplicate_name": "同じ年度・同じ組織に同名の事業が複数ある",
    "program.orphan_link": "過去のレビューシートへのリンク先が見つからない",
    "indicator.unit_change": "指標の単位が年度によって異なる",
}
"""Every check's code and Japanese title, in report order."""


@dataclass(frozen=True)
class QualityIssue:
    check: str
    sheet: SheetInfo | None
    subject: str  # the indicator, year or key concerned
    message: str


@dataclass(frozen=True)
class QualityReport:
    counts: dict[str, int]  # per check, every check listed
    issues: list[QualityIssue]  # in CHECKS order, ``limit`` per check


def outcome_issues(facts: list[IndicatorFact]) -> list[QualityIssue]:
    issues = []
    missing_actual = get_rule("indicator.target_without_actual")
    for fact in facts:
        if not any(v.kind is ValueKind.TARGET and v.value is not None for v in fact.values):
            note = f"（目標値の記載: {fact.target_text}）" if fact.target_text else ""
            issues.append(
                QualityIssue(
                    "outcome.no_target",
                    fact.sheet,
                    fact.name,
                    f"成果指標「{fact.name}」に数値の目標値がありません{note}",
                )
            )
            continue
        sheet = rule_sheet(fact.sheet, [to_indicator(fact)])
        for finding in missing_actual.run(sheet, rule_context(fact.sheet)):
            issues.append(
                QualityIssue(
                    "outcome.target_without_actual", fact.sheet, fact.name, finding.message
                )
            )
    return issues


def budget_issues(*, session: Session, scope: Scope) -> list[QualityIssue]:
    issues = []
    total_mismatch = get_rule("budget.total_mismatch")
    for entry in read_money(session=session, scope=scope, parts=True):
        info = entry.sheet
        if info.kind is SheetKind.PREFECTURE:
            sheet = rule_sheet(info)
            sheet.__dict__["costs"] = [
                CostRow.model_construct(
                    fiscal_year=row.fiscal_year,
                    carried_over=_int(row.carried_over),
                    initial_budget=_int(row.initial_budget),
                    supplementary=_int(row.supplementary),
                    total=_int(row.total),
                )
                for row in entry.rows
            ]
            for finding in total_mismatch.run(sheet, rule_context(info)):
                issues.append(
                    QualityIssue(
                        "budget.total_mismatch", info, finding.location.label, finding.message
                    )
                )
            continue
        # The RS system (the one national source in 円) prints 歳出予算現額 (rules.facts).
        gross = info.money_unit is MoneyUnit.YEN
        for row in entry.rows:
            difference = national_total_gap(row, gross=gross)
            if difference is None:
                continue
            assert row.total is not None
            message = national_total_message(row, difference, info.money_unit, gross=gross)
            issues.append(
                QualityIssue("budget.total_mismatch", info, era_label(row.fiscal_year), message)
            )
    return issues


def _int(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def program_issues(*, session: Session, scope: Scope) -> list[QualityIssue]:
    issues = []
    for group in read_duplicates(session=session, scope=scope):
        first = group.sheets[0]
        numbers = "、".join(info.program_number for info in group.sheets)
        what = "事業番号" if group.reason == "number" else "事業名"
        issues.append(
            QualityIssue(
                f"program.duplicate_{group.reason}",
                first,
                group.key,
                f"{era_label(first.fiscal_year)}に{what}「{group.key}」の事業が "
                f"{len(group.sheets)} 件あります（{first.organisation}: {numbers}）",
            )
        )
    for orphan in read_orphan_links(session=session, scope=scope):
        year = "" if orphan.fiscal_year is None else era_label(orphan.fiscal_year)
        issues.append(
            QualityIssue(
                "program.orphan_link",
                orphan.sheet,
                orphan.program_number,
                f"過去のレビューシート（{year} {orphan.ministry} {orphan.program_number}）が"
                "見つかりません",
            )
        )
    for change in read_unit_changes(session=session, scope=scope):
        units = "、".join(
            f"{era_label(year)} {unit or '（なし）'}" for year, unit in sorted(change.units.items())
        )
        role = "活動指標" if change.role == "output" else "成果指標"
        issues.append(
            QualityIssue(
                "indicator.unit_change",
                change.latest,
                change.name,
                f"{role}「{change.name}」の単位が年度によって異なります: {units}",
            )
        )
    return issues


def quality_report(
    *,
    session: Session,
    scope: Scope | None = None,
    fiscal_year: int | None = None,
    limit: int | None = None,
) -> QualityReport:
    """Every check over the scope's sheets; ``fiscal_year`` keeps the sheets of that year,
    ``limit`` the first issues of each check (the counts are of all)."""
    fill_facts(session=session)
    scope = scope or Scope()
    # Per-sheet checks were run when each sheet was saved (hyoka.rules.facts).
    found = [
        QualityIssue(item.check, item.sheet, item.subject, item.message)
        for item in read_issue_facts(session=session, scope=scope)
    ] + program_issues(session=session, scope=scope)
    if fiscal_year is not None:
        found = [
            issue
            for issue in found
            if issue.sheet is None or issue.sheet.fiscal_year == fiscal_year
        ]
    order = {code: index for index, code in enumerate(CHECKS)}
    found.sort(key=lambda issue: order[issue.check])
    counts = Counter(issue.check for issue in found)
    kept: list[QualityIssue] = []
    seen: Counter[str] = Counter()
    for issue in found:
        seen[issue.check] += 1
        if limit is None or seen[issue.check] <= limit:
            kept.append(issue)
    return QualityReport(counts={code: counts[code] for code in CHECKS}, issues=kept)


# --- The report ----------------------------------------------------------------------------


def _query(session: Session, run: Run) -> QualityReport:
    return quality_report(
        session=session, scope=run.scope(), fiscal_year=run.filters.year, limit=run.limit
    )


def _charts(report: QualityReport, run: Run) -> list[Chart]:
    chart = bar_chart(
        chart_id="chart-quality",
        title="データ品質の検査ごとの件数",
        bars=[
            Bar(CHECKS[code], Decimal(count), f"{count:,}件")
            for code, count in report.counts.items()
        ],
        heading="検査",
        value_heading="件数",
    )
    return [chart] if chart else []


def check_name(code: str) -> str:
    """A check as the page shows it: its Japanese name, then its code (the CSV's value),
    e.g. 成果指標に目標値がない（outcome.no_target）."""
    return f"{CHECKS[code]}（{code}）"


COUNTS = (
    text("check", "検査", lambda item: item[0], words=lambda item: check_name(item[0])),
    data("title", "内容", lambda item: CHECKS[item[0]]),
    number("count", "件数", lambda item: item[1]),
)
ISSUES = (
    text("check", "検査", lambda row: row.check, words=lambda row: check_name(row.check)),
    *sheet_columns(lambda row: row.sheet),  # blank when the issue concerns no single sheet
    text("subject", "対象", lambda row: row.subject),
    text("message", "内容", lambda row: row.message),
)

REPORT: Report[QualityReport] = Report(
    slug="quality",
    title="データ品質",
    summary="目標値のない成果指標、実績のない目標、合計の合わない予算、重複・リンク切れの事業、年度で変わる単位を数えます。",
    year_help="シートの年度",
    filters=(*COMMON_FILTERS, "limit"),
    default_limit=20,
    query=_query,
    order=6,
    tables=(
        TableSpec("counts", "検査ごとの件数", COUNTS, lambda report: list(report.counts.items())),
        TableSpec(
            "issues",
            lambda report, run: f"明細（検査ごとに最初の{run.limit}件）",
            ISSUES,
            lambda report: report.issues,
        ),
    ),
    charts=_charts,
)
