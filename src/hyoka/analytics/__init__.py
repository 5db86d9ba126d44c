"""Reports over many sheets, as plain typed rows (no CLI or web types).

One module per report family, each with one entry function taking a store session:

- :func:`achievement_report` — outcome targets met per organisation and year;
- :func:`execution_report` — 執行率 per organisation, program and year, largest gaps;
- :func:`unit_cost_report` — cost per unit of output and its year-over-year move;
- :func:`at_risk_report` — indicators behind the pace their final-year target needs;
- :func:`changes_report` — budget and results per year of a program, organisation or
  policy area;
- :func:`quality_report` — data-quality checks across sheets.

Every report reads both kinds of sheet (``Scope.kind`` filters); definitions and columns
are in docs/analytics.md.
"""

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
from hyoka.analytics.quality import CHECKS, QualityIssue, QualityReport, quality_report
from hyoka.analytics.unit_cost import UnitCostReport, UnitCostRow, unit_cost_report
from hyoka.store.analytics_queries import Scope, SheetInfo

__all__ = [
    "ALL",
    "CHECKS",
    "AchievementReport",
    "AchievementRow",
    "AtRiskReport",
    "AtRiskRow",
    "ChangeRow",
    "ChangesReport",
    "ExecutionReport",
    "ExecutionRow",
    "IndicatorSeries",
    "ProgramExecution",
    "QualityIssue",
    "QualityReport",
    "Scope",
    "SheetInfo",
    "UnitCostReport",
    "UnitCostRow",
    "achievement_report",
    "at_risk_report",
    "changes_report",
    "execution_report",
    "quality_report",
    "unit_cost_report",
]
