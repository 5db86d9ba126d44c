"""``hyoka report <slug>``: one command per report of :data:`hyoka.analytics.REPORTS`,
generated from its specification (its filters become options, its tables the output).

The output is that of the dashboards: the tables as the page shows them (Rich; years with
the era, money in 千円 — 百万円 with ``--kind national`` —), ``--format csv`` (every table
under its title, or ``--table KEY`` alone; money in yen, years Western; UTF-8, ``--bom``
for Excel) or ``--format json`` (the document of ``/api/analytics/<slug>``).
"""

from __future__ import annotations

import csv
import inspect
import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table as RichTable

from hyoka.analytics import FILTERS, REPORTS, Filters, Report, Result, Table
from hyoka.cli._common import DatabaseOption, app, err, out, store_session
from hyoka.model import SheetKind

report_app = typer.Typer(
    help="複数のシートにまたがる分析レポート（達成率・執行率・単位コスト・目標未達のおそれ・推移・品質）",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


class KindChoice(StrEnum):
    both = "both"
    prefecture = "prefecture"
    national = "national"
    municipal = "municipal"


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _options(report: Report[Any]) -> list[inspect.Parameter]:
    """The command's parameters: --db, the report's filters, then the output options."""

    def option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
        return inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
        )

    def help_of(name: str) -> str:
        return FILTERS[name].help

    found = [option("db", DatabaseOption, None)]
    for name in (name for name in FILTERS if name in report.filters):
        spelled = FILTERS[name].option
        if name == "kind":
            kind = typer.Option(spelled, help=help_of(name))
            found.append(option(name, Annotated[KindChoice, kind], KindChoice.both))
        elif name == "year":
            year = typer.Option(spelled, help=f"{help_of(name)}：{report.year_help}")
            found.append(option(name, Annotated[int | None, year], None))
        elif name == "limit":
            # None as on the web, so that the JSON's filters are the API's.
            limit = typer.Option(
                spelled, help=f"{help_of(name)}（既定 {report.default_limit}）", min=1
            )
            found.append(option(name, Annotated[int | None, limit], None))
        elif name == "by_bureau":
            flag = typer.Option(spelled, help=help_of(name))
            found.append(option(name, Annotated[bool, flag], False))
        else:
            text = typer.Option(spelled, help=help_of(name))
            found.append(option(name, Annotated[str | None, text], None))
    output = [
        ("fmt", OutputFormat, OutputFormat.table, ("--format",), "table (Rich), csv or json"),
        ("table", str | None, None, ("--table",), "Only this table (its key; CSV and table)"),
        ("output", Path | None, None, ("--output", "-o"), "Write to this file, not stdout"),
        ("bom", bool, False, ("--bom",), "CSV with a byte order mark (Excel)"),
    ]
    for name, kind, default, spelled_as, text in output:
        found.append(option(name, Annotated[kind, typer.Option(*spelled_as, help=text)], default))
    return found


def _filters(values: dict[str, Any]) -> Filters:
    kind = values.get("kind", KindChoice.both)
    return Filters(
        kind=None if kind is KindChoice.both else SheetKind(kind.value),
        organisation=values.get("organisation"),
        year=values.get("year"),
        limit=values.get("limit"),
        program=values.get("program"),
        policy=values.get("policy"),
        by_bureau=bool(values.get("by_bureau")),
    )


def _command(report: Report[Any]) -> None:
    def command(**values: Any) -> None:
        with store_session(values["db"]) as session:
            result = report.run(session=session, filters=_filters(values))
        _emit(result, values["fmt"], values["table"], values["output"], values["bom"])

    parameters = _options(report)
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {item.name: item.annotation for item in parameters}
    command.__doc__ = f"{report.title}: {report.summary}"
    report_app.command(report.slug)(command)


for _report in REPORTS.values():
    _command(_report)


# --- Output ------------------------------------------------------------------------------------


def _emit(
    result: Result, fmt: OutputFormat, key: str | None, output: Path | None, bom: bool
) -> None:
    if fmt is OutputFormat.json:
        _write(orjson.dumps(result.document(), option=orjson.OPT_INDENT_2) + b"\n", output)
        return
    tables = result.tables
    if key is not None:
        found = result.table(key)
        if found is None:
            keys = "、".join(item.key for item in result.tables)
            err.print(f"--table は {keys} のいずれかで指定してください", highlight=False)
            raise typer.Exit(2)
        tables = [found]
    if fmt is OutputFormat.csv:
        _write(_csv(tables, bom).encode(), output)
        return
    console = out
    handle = None
    if output is not None:
        handle = output.open("w", encoding="utf-8")
        console = Console(file=handle, width=200, soft_wrap=True)
    try:
        for table in tables:
            console.print(_rich(table))
        for note in result.notes:
            console.print(note, highlight=False)
    finally:
        if handle is not None:
            handle.close()


def _csv(tables: list[Table], bom: bool) -> str:
    """One table as its download; several under their titles, a blank line between."""
    if len(tables) == 1:
        return tables[0].csv_text(bom=bom, newline="\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerows(table.csv_rows())
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _rich(table: Table) -> RichTable:
    shown = RichTable(title=table.title, title_justify="left")
    for cell in table.head:
        shown.add_column(cell.text, justify="right" if cell.numeric else "left")
    for row in table.body:
        shown.add_row(*[cell.text for cell in row])
    if not table.rows:
        shown.caption = "該当する行はありません"
    return shown


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    err.print(f"書き出しました: {output}", highlight=False)
