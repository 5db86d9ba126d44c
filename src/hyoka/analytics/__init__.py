"""Reports over many sheets: each one module declaring its specification.

One module per report, each with one entry function taking a store session (plain typed
rows, no CLI or web types) and its :class:`~hyoka.analytics.spec.Report` (``REPORT``: title,
filters, default limit, query, tables, notes and charts):

- :mod:`~hyoka.analytics.achievement` — outcome targets met per organisation and year;
- :mod:`~hyoka.analytics.execution` — 執行率 per organisation, program and year, largest gaps;
- :mod:`~hyoka.analytics.unit_cost` — cost per unit of output and its year-over-year move;
- :mod:`~hyoka.analytics.at_risk` — indicators behind the pace their final-year target needs;
- :mod:`~hyoka.analytics.changes` — budget and results per year of a program, organisation
  or policy area;
- :mod:`~hyoka.analytics.quality` — data-quality checks across sheets.

:data:`REPORTS` lists them; ``hyoka report <slug>``, the dashboards ``/analytics/<slug>``
(with their CSV and JSON) and ``/api/analytics/<slug>`` are generated from it. A new report
is one module here declaring ``REPORT`` (found by :data:`REPORTS`) and its section in
docs/analytics.md (a test checks). Every report reads both kinds of sheet (``Scope.kind`` filters).

Example::

    result = REPORTS["execution"].run(session=session, filters=Filters(year=2021))
    result.table("totals").records()
"""

import importlib
import pkgutil
from typing import Any

from hyoka.analytics.achievement import AchievementReport, AchievementRow, achievement_report
from hyoka.analytics.at_risk import AtRiskReport, AtRiskRow, at_risk_report
from hyoka.analytics.changes import ChangeRow, ChangesReport, IndicatorSeries, changes_report
from hyoka.analytics.execution import (
    ExecutionReport,
    ExecutionRow,
    ProgramExecution,
    execution_report,
)
from hyoka.analytics.facts import ALL
from hyoka.analytics.filters import FILTERS, Filter, Filters
from hyoka.analytics.quality import CHECKS, QualityIssue, QualityReport, quality_report
from hyoka.analytics.spec import Report, Result, Run, TableSpec
from hyoka.analytics.tables import Cell, Column, ColumnKind, Table
from hyoka.analytics.unit_cost import UnitCostReport, UnitCostRow, unit_cost_report
from hyoka.store.reports.scope import Scope, SheetInfo


def _reports() -> dict[str, Report[Any]]:
    # Every module of this package that declares a REPORT is a report: adding one is
    # adding its module (and its section in docs/analytics.md).
    found = []
    for module in pkgutil.iter_modules(__path__):
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "REPORT", None)
        if isinstance(declared, Report):
            found.append(declared)
    found.sort(key=lambda report: (report.order, report.slug))
    return {report.slug: report for report in found}


REPORTS: dict[str, Report[Any]] = _reports()
"""Every report by slug, in the order the CLI, the site and the API list them."""

__all__ = [
    "ALL",
    "CHECKS",
    "FILTERS",
    "REPORTS",
    "AchievementReport",
    "AchievementRow",
    "AtRiskReport",
    "AtRiskRow",
    "Cell",
    "ChangeRow",
    "ChangesReport",
    "Column",
    "ColumnKind",
    "ExecutionReport",
    "ExecutionRow",
    "Filter",
    "Filters",
    "IndicatorSeries",
    "ProgramExecution",
    "QualityIssue",
    "QualityReport",
    "Report",
    "Result",
    "Run",
    "Scope",
    "SheetInfo",
    "Table",
    "TableSpec",
    "UnitCostReport",
    "UnitCostRow",
    "achievement_report",
    "at_risk_report",
    "changes_report",
    "execution_report",
    "quality_report",
    "unit_cost_report",
]
