"""One dashboard per report of :mod:`hyoka.analytics`: call the report function with the
filters, lay its rows out as tables (:mod:`hyoka.web.analytics_tables`) and draw the charts
that help (:mod:`hyoka.render.charts`; each chart's figures are also in a table).

The reports are listed in :mod:`hyoka.web.analytics_catalog`; the dashboards are built in
:mod:`hyoka.web.analytics_indicator_dashboards` and
:mod:`hyoka.web.analytics_money_dashboards`, that of data quality here.

Example::

    board = build_dashboard(session=session, slug="at-risk", filters=AnalyticsFilters(limit=10))
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy.orm import Session

from hyoka.analytics import (
    CHECKS,
    quality_report,
)
from hyoka.render.charts import Bar, bar_chart
from hyoka.web.analytics_catalog import (
    REPORTS,
    _Build,
)
from hyoka.web.analytics_indicator_dashboards import _achievement, _at_risk
from hyoka.web.analytics_money_dashboards import _changes, _execution, _unit_cost
from hyoka.web.analytics_tables import (
    AnalyticsFilters,
    Column,
    Dashboard,
    Table,
    number,
    sheet_columns,
    text,
)


def _quality(build: _Build) -> Dashboard:
    filters = build.filters
    report = quality_report(
        session=build.session, scope=filters.scope(), fiscal_year=filters.year, limit=build.limit
    )
    counts = [
        text("check", "検査", lambda item: item[0]),
        text("title", "内容", lambda item: CHECKS[item[0]]),
        number("count", "件数", lambda item: item[1]),
    ]
    sheet = sheet_columns(lambda row: row.sheet, filters)
    issues = [
        text("check", "検査", lambda row: row.check),
        *[_optional_sheet(column) for column in sheet],
        text("subject", "対象", lambda row: row.subject),
        text("message", "内容", lambda row: row.message),
    ]
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
    return Dashboard(
        REPORTS["quality"],
        filters,
        [
            Table("counts", "検査ごとの件数", counts, list(report.counts.items())),
            Table("issues", f"明細（検査ごとに最初の{build.limit}件）", issues, report.issues),
        ],
        [chart] if chart else [],
    )


def _optional_sheet(column: Column) -> Column:
    """A sheet column of an issue that may concern no single sheet."""

    def value(row: object) -> object:
        return None if row.sheet is None else column.value(row)  # type: ignore[attr-defined]

    def show(row: object) -> str:
        return "" if row.sheet is None or column.show is None else column.show(row)  # type: ignore[attr-defined]

    def link(row: object) -> str | None:
        return None if row.sheet is None or column.link is None else column.link(row)  # type: ignore[attr-defined]

    return Column(
        column.key,
        column.heading,
        value,
        show if column.show else None,
        link if column.link else None,
        column.numeric,
        column.data_heading,
    )


BUILDERS: dict[str, Callable[[_Build], Dashboard]] = {
    "achievement": _achievement,
    "execution": _execution,
    "unit-cost": _unit_cost,
    "at-risk": _at_risk,
    "changes": _changes,
    "quality": _quality,
}


def build_dashboard(*, session: Session, slug: str, filters: AnalyticsFilters) -> Dashboard:
    """The dashboard of report ``slug`` (a key of :data:`REPORTS`) under ``filters``."""
    report = REPORTS[slug]
    limit = filters.limit or report.default_limit or 20
    return BUILDERS[slug](_Build(session=session, filters=filters, limit=limit))
