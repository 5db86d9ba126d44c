"""The reports' filters: what a reader may narrow a report by, for the CLI and the web alike.

:data:`FILTERS` declares each filter once (its CLI option, its query parameter and their
help); a report names those it takes (``Report.filters``). :class:`Filters` holds the values
asked for, whoever asked (``hyoka report`` options or the dashboards' query string).

Example::

    Filters(kind=SheetKind.NATIONAL, year=2021).url("/analytics/execution")
    # '/analytics/execution?kind=national&year=2021'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from hyoka.model import SheetKind


@dataclass(frozen=True)
class Filter:
    name: str  # Filters attribute and query parameter; the CLI option is --name (- for _)
    label: str  # the form's label
    help: str  # CLI help and API description

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


FILTERS: dict[str, Filter] = {
    item.name: item
    for item in (
        Filter(
            "kind",
            "種別（県・国・市町村）",
            "prefecture（県）、national（国）、municipal（市町村）、both（すべて・既定）",
        ),
        Filter("organisation", "府省庁・部局", "府省庁・部局（国は担当部局庁も可）、完全一致"),
        Filter("year", "年度", "年度（西暦、例 2021）。何の年度かはレポートごとに異なる"),
        Filter("program", "事業", "事業番号、または事業名の一部"),
        Filter(
            "policy",
            "施策分野",
            "施策分野（県：コードまたは名称）／主要施策（国）",
        ),
        Filter("limit", "表示する行数", "順位表・明細の行数"),
        Filter("by_bureau", "担当部局庁ごと", "国の府省庁を担当部局庁ごとに分ける"),
    )
}
"""Every filter a report may take, in the order forms and ``--help`` list them."""


@dataclass(frozen=True)
class Filters:
    """The values asked for; None (False) means no filter."""

    kind: SheetKind | None = None
    organisation: str | None = None
    year: int | None = None
    limit: int | None = None  # None: the report's default
    program: str | None = None
    policy: str | None = None
    by_bureau: bool = False

    def values(self) -> dict[str, Any]:
        """The filters as JSON-ready values, every filter named."""
        return {
            "kind": self.kind.value if self.kind else None,
            "organisation": self.organisation,
            "year": self.year,
            "limit": self.limit,
            "program": self.program,
            "policy": self.policy,
            "by_bureau": self.by_bureau,
        }

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), some changed."""
        current = self.values() | changes
        current["by_bureau"] = "1" if current["by_bureau"] else None
        return {key: str(value) for key, value in current.items() if value not in (None, "")}

    def url(self, path: str, **changes: Any) -> str:
        query = self.query(**changes)
        return f"{path}?{urlencode(query)}" if query else path

    @property
    def money_unit(self) -> tuple[str, Decimal]:
        """The unit money is shown in: 百万円 for national sheets alone, else 千円."""
        if self.kind is SheetKind.NATIONAL:
            return "百万円", Decimal(1_000_000)
        return "千円", Decimal(1000)
