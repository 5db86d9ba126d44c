"""The rows of a municipality's parts of a sheet (tables of ``hyoka.store.schema.municipal``).

:mod:`hyoka.rows.sheet` appends :func:`municipal_tree` to its tree and
:func:`municipal_children` to a sheet's rows, so that these tables are written, replaced
and exported like the others. Columns follow the model's field names; the plan hierarchy
(政策 → 施策 → 基本事業) is spread over number/name columns of ``municipal_sheets``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hyoka.model import MunicipalCost, MunicipalDetails, PlanLevel, Sheet
from hyoka.rows.exact import Exact

Row = Any

_LEVELS = ("policy", "measure", "basic_project")
_TEXTS = tuple(
    name
    for name in MunicipalDetails.model_fields
    if name not in (*_LEVELS, "plan_costs", "costs", "municipality")
)
MUNICIPAL_COLUMNS = (
    "municipality",
    *(f"{level}_{part}" for level in _LEVELS for part in ("number", "name")),
    *_TEXTS,
)
COST_FIGURES = tuple(
    name for name in MunicipalCost.model_fields if name not in ("fiscal_year", "planned")
)
MUNICIPAL_COST_COLUMNS = ("position", "fiscal_year", "planned", "whole_plan", *COST_FIGURES)


def municipal_tree(spec: Callable[[str, str, tuple[str, ...]], Any]) -> tuple[Any, ...]:
    """The table specs (made by ``spec``: ``hyoka.rows.sheet.TableSpec``, passed in so that
    this module does not import its importer), in the order of :func:`municipal_children`."""
    return (
        spec("municipal_sheets", "sheet_id", MUNICIPAL_COLUMNS),
        spec("municipal_costs", "sheet_id", MUNICIPAL_COST_COLUMNS),
    )


def _level(level: PlanLevel | None) -> tuple[str, str]:
    return ("", "") if level is None else (level.number, level.name)


def _cost(position: int, cost: MunicipalCost, whole_plan: bool, exact: Exact) -> Row:
    return (
        position,
        cost.fiscal_year,
        cost.planned,
        whole_plan,
        *(exact(getattr(cost, name)) for name in COST_FIGURES),
    )


def municipal_children(sheet: Sheet, exact: Exact) -> tuple[list[Row], ...]:
    """The rows of :func:`municipal_tree`'s tables for one sheet (none unless 市町村)."""
    details = sheet.municipal
    if details is None:
        return ([], [])
    header = (
        details.municipality,
        *(part for level in _LEVELS for part in _level(getattr(details, level))),
        *(getattr(details, name) for name in _TEXTS),
    )
    costs = [_cost(position, cost, False, exact) for position, cost in enumerate(details.costs)]
    if details.plan_costs is not None:
        costs.append(_cost(len(costs), details.plan_costs, True, exact))
    return ([header], costs)
