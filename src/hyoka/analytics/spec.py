"""A report as a specification: what it is called, what it takes, what it reads and shows.

Each report module of :mod:`hyoka.analytics` declares one :class:`Report`: its title and
summary, the filters it takes (:data:`hyoka.analytics.filters.FILTERS`), its default limit,
its query (a function of the session and the :class:`Run`) and its tables
(:class:`TableSpec`: key, title, columns, which rows), with its notes and charts as hooks.
``hyoka report <slug>``, the dashboard ``/analytics/<slug>``, its CSV/JSON downloads and
``/api/analytics/<slug>`` are all generated from it (:data:`hyoka.analytics.REPORTS`), so
they show the same rows under the same columns.

Example::

    result = REPORTS["execution"].run(session=session, filters=Filters(limit=5))
    result.document()["tables"][0]["rows"]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from hyoka.analytics.filters import Filters
from hyoka.analytics.tables import Column, Table
from hyoka.render.charts import Chart
from hyoka.store.reports.scope import Scope

R = TypeVar("R")

DEFAULT_LIMIT = 20
COMMON_FILTERS = ("kind", "organisation", "year", "program")


@dataclass(frozen=True)
class Run:
    """One request of a report: the filters, the limit in force and who reads."""

    filters: Filters
    limit: int
    public: bool  # only what the public portal shows (published versions)

    def scope(self) -> Scope:
        f = self.filters
        return Scope(
            kind=f.kind, organisation=f.organisation, program=f.program, public=self.public
        )


@dataclass(frozen=True)
class TableSpec(Generic[R]):
    """One table of a report: its ``rows`` of the query's result under ``columns``.

    ``title`` may depend on the result and the run; ``more_columns`` adds columns that
    depend on the result (documented as ``more_doc``); ``when`` leaves the table out.
    """

    key: str
    title: str | Callable[[R, Run], str]
    columns: Sequence[Column]
    rows: Callable[[R], Sequence[Any]]
    more_columns: Callable[[R], Sequence[Column]] | None = None
    more_doc: str = ""
    when: Callable[[R, Run], bool] | None = None

    def table(self, result: R, run: Run) -> Table:
        title = self.title if isinstance(self.title, str) else self.title(result, run)
        columns = [*self.columns, *(self.more_columns(result) if self.more_columns else ())]
        return Table(self.key, title, columns, self.rows(result), run.filters)


def _nothing(result: Any, run: Run) -> list[Any]:
    return []


@dataclass(frozen=True)
class Report(Generic[R]):
    slug: str  # the CLI command, the dashboard's path
    title: str
    summary: str
    year_help: str  # what the year filter selects in this report
    filters: tuple[str, ...]  # names in FILTERS
    query: Callable[[Session, Run], R]
    tables: tuple[TableSpec[R], ...]
    default_limit: int | None = None
    order: int = 1000  # where the CLI, the site and the API list it (then by slug)
    notes: Callable[[R, Run], list[str]] = _nothing
    charts: Callable[[R, Run], list[Chart]] = _nothing  # the dashboard's; each has a data table

    def run(self, *, session: Session, filters: Filters, public: bool = False) -> Result:
        """The report under ``filters`` (``public``: published versions only)."""
        limit = filters.limit or self.default_limit or DEFAULT_LIMIT
        run = Run(filters=filters, limit=limit, public=public)
        data = self.query(session, run)
        tables = [
            spec.table(data, run)
            for spec in self.tables
            if spec.when is None or spec.when(data, run)
        ]
        return Result(self, run, data, tables, self.notes(data, run))


@dataclass(frozen=True)
class Result:
    """A report's tables and notes under one run; :meth:`document` is its JSON."""

    report: Report[Any]
    run: Run
    data: Any  # what the query returned
    tables: list[Table]
    notes: list[str] = field(default_factory=list)

    @property
    def filters(self) -> Filters:
        return self.run.filters

    def table(self, key: str | None) -> Table | None:
        """The table ``key`` (the first when None)."""
        if key is None:
            return self.tables[0]
        return next((table for table in self.tables if table.key == key), None)

    def charts(self) -> list[Chart]:
        return self.report.charts(self.data, self.run)

    def document(self) -> dict[str, Any]:
        """The JSON of the CLI, the .json download and the API: raw values, money in yen."""
        return {
            "report": self.report.slug,
            "title": self.report.title,
            "filters": self.filters.values(),
            "notes": self.notes,
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "columns": table.data_columns(),
                    "rows": table.records(),
                }
                for table in self.tables
            ],
        }
