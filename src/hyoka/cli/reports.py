"""``hyoka report …``: the cross-sheet reports of :mod:`hyoka.analytics` as tables, CSV or JSON.

Each command builds a Scope from its options, calls one report function and formats the
result: Rich tables with Japanese headings (years with the era, money in 千円), CSV
(UTF-8, ``--bom`` for Excel; money in yen, years Western) or JSON (the report as it is).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from hyoka.analytics import (
    CHECKS,
    AchievementReport,
    AtRiskReport,
    ChangesReport,
    ExecutionReport,
    QualityReport,
    Scope,
    SheetInfo,
    UnitCostReport,
    achievement_report,
    at_risk_report,
    changes_report,
    execution_report,
    quality_report,
    unit_cost_report,
)
from hyoka.cli._common import DatabaseOption, app, err, out, store_session
from hyoka.eras import era_label
from hyoka.model import SheetKind

report_app = typer.Typer(
    help="複数のシートにまたがる分析レポート（達成率・執行率・単位コスト・要注意指標・推移・品質）",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


class KindChoice(StrEnum):
    both = "both"
    prefecture = "prefecture"
    national = "national"


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


KindOption = Annotated[
    KindChoice, typer.Option("--kind", help="prefecture (県), national (国) or both")
]
OrganisationOption = Annotated[
    str | None, typer.Option("--organisation", help="府省庁・部局 (or 担当部局庁)")
]
YearOption = Annotated[int | None, typer.Option("--year", help="Fiscal year (Western, e.g. 2021)")]
ProgramOption = Annotated[
    str | None, typer.Option("--program", help="事業番号, or part of the 事業名")
]
LimitOption = Annotated[int, typer.Option("--limit", help="Rows of ranked lists", min=1)]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table (Rich), csv or json")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout")
]
BomOption = Annotated[bool, typer.Option("--bom", help="CSV with a byte order mark (Excel)")]


@dataclass(frozen=True)
class Column:
    heading: str  # Japanese, for tables and CSV
    value: Callable[[Any], object]
    show: Callable[[Any], str] | None = None  # table form; default str()


@dataclass(frozen=True)
class Part:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]


# --- Formatting ------------------------------------------------------------------------------


def _kind(kind: KindChoice) -> SheetKind | None:
    return None if kind is KindChoice.both else SheetKind(kind.value)


def _kind_label(kind: SheetKind) -> str:
    return "国" if kind is SheetKind.NATIONAL else "県"


def _year(value: int | None) -> str:
    return "" if value is None else era_label(value)


def _thousand(value: Decimal | None) -> str:
    """Yen shown in 千円 with separators, rounded half up; △ for negatives."""
    if value is None:
        return ""
    thousands = (value / 1000).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    return f"△{abs(thousands):,}" if thousands < 0 else f"{thousands:,}"


def _yen(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"△{abs(value):,}" if value < 0 else f"{value:,}"


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _number(value: Decimal | int | None) -> str:
    return "" if value is None else f"{value:,}"


def _sheet_columns() -> list[Column]:
    def sheet(row: Any) -> SheetInfo:
        return row.sheet  # type: ignore[no-any-return]

    return [
        Column("種別", lambda row: sheet(row).kind.value, lambda row: _kind_label(sheet(row).kind)),
        Column("府省庁・部局", lambda row: sheet(row).organisation),
        Column("事業番号", lambda row: sheet(row).program_number),
        Column("事業名", lambda row: sheet(row).program_name),
        Column(
            "シート年度",
            lambda row: sheet(row).fiscal_year,
            lambda row: _year(sheet(row).fiscal_year),
        ),
    ]


def _money(heading: str, get: Callable[[Any], Decimal | None]) -> Column:
    return Column(f"{heading}（円）", get, lambda row: _thousand(get(row)))


def _table_heading(column: Column) -> str:
    return column.heading.replace("（円）", "（千円）")


def _emit(
    parts: list[Part], document: object, fmt: OutputFormat, output: Path | None, bom: bool
) -> None:
    if fmt is OutputFormat.json:
        data = (
            orjson.dumps(
                document,
                default=_json_default,
                option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
            )
            + b"\n"
        )
        _write(data, output)
        return
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for index, part in enumerate(parts):
            if len(parts) > 1:
                if index:
                    writer.writerow([])
                writer.writerow([part.title])
            writer.writerow([column.heading for column in part.columns])
            for row in part.rows:
                writer.writerow([_csv_cell(column.value(row)) for column in part.columns])
        _write(("\ufeff" if bom else "").encode() + buffer.getvalue().encode(), output)
        return
    console = out
    if output is not None:
        handle = output.open("w", encoding="utf-8")
        console = Console(file=handle, width=200, soft_wrap=True)
    for part in parts:
        table = Table(title=part.title, title_justify="left")
        for column in part.columns:
            table.add_column(_table_heading(column))
        for row in part.rows:
            table.add_row(
                *[
                    column.show(row) if column.show else _csv_cell(column.value(row))
                    for column in part.columns
                ]
            )
        if not part.rows:
            table.caption = "該当する行はありません"
        console.print(table)
    if output is not None:
        handle.close()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    err.print(f"書き出しました: {output}", highlight=False)


def _run(db: str | None, build: Callable[[Session], Any]) -> Any:
    with store_session(db) as session:
        return build(session)


def _scope(kind: KindChoice, organisation: str | None, program: str | None) -> Scope:
    return Scope(kind=_kind(kind), organisation=organisation, program=program)


# --- Commands ----------------------------------------------------------------------------------


def _achievement_parts(report: AchievementReport) -> list[Part]:
    columns = [
        Column("種別", lambda row: row.kind.value, lambda row: _kind_label(row.kind)),
        Column("府省庁・部局", lambda row: row.organisation),
        Column("年度", lambda row: row.fiscal_year, lambda row: _year(row.fiscal_year)),
        Column("判定数", lambda row: row.judged, lambda row: _number(row.judged)),
        Column("達成", lambda row: row.achieved, lambda row: _number(row.achieved)),
        Column("未達成", lambda row: row.not_achieved, lambda row: _number(row.not_achieved)),
        Column("達成率", lambda row: row.rate, lambda row: _percent(row.rate)),
    ]
    return [
        Part("成果目標の達成率（府省庁・部局別）", columns, report.rows),
        Part("成果目標の達成率（全体）", columns, report.totals),
    ]


@report_app.command("achievement")
def achievement(
    db: DatabaseOption = None,
    kind: KindOption = KindChoice.both,
    organisation: OrganisationOption = None,
    year: YearOption = None,
    program: ProgramOption = None,
    by_bureau: Annotated[
        bool, typer.Option("--by-bureau", help="Group by 担当部局庁 too (national)")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """成果目標の達成率: targets met / targets with an actual, per organisation and year."""
    report = _run(
        db,
        lambda session: achievement_report(
            session=session,
            scope=_scope(kind, organisation, program),
            fiscal_year=year,
            by_bureau=by_bureau,
        ),
    )
    _emit(_achievement_parts(report), report, fmt, output, bom)


def _execution_parts(report: ExecutionReport) -> list[Part]:
    summary = [
        Column("種別", lambda row: row.kind.value, lambda row: _kind_label(row.kind)),
        Column("府省庁・部局", lambda row: row.organisation),
        Column("年度", lambda row: row.fiscal_year, lambda row: _year(row.fiscal_year)),
        Column("事業数", lambda row: row.programs, lambda row: _number(row.programs)),
        _money("予算", lambda row: row.total_yen),
        _money("執行額", lambda row: row.executed_yen),
        _money("未執行額", lambda row: row.gap_yen),
        Column("執行率", lambda row: row.rate, lambda row: _percent(row.rate)),
    ]
    programs = [
        *_sheet_columns(),
        Column("年度", lambda row: row.fiscal_year, lambda row: _year(row.fiscal_year)),
        _money("予算", lambda row: row.total_yen),
        _money("執行額", lambda row: row.executed_yen),
        _money("未執行額", lambda row: row.gap_yen),
        Column("執行率", lambda row: row.rate, lambda row: _percent(row.rate)),
    ]
    return [
        Part("執行率（府省庁・部局別）", summary, report.rows),
        Part("執行率（全体）", summary, report.totals),
        Part("未執行額の大きい事業", programs, report.under_executions),
    ]


@report_app.command("execution")
def execution(
    db: DatabaseOption = None,
    kind: KindOption = KindChoice.both,
    organisation: OrganisationOption = None,
    year: YearOption = None,
    program: ProgramOption = None,
    limit: LimitOption = 20,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """執行率 (執行額/予算計; 県: 決算額/合計) per organisation and year, largest gaps."""
    report = _run(
        db,
        lambda session: execution_report(
            session=session,
            scope=_scope(kind, organisation, program),
            fiscal_year=year,
            limit=limit,
        ),
    )
    _emit(_execution_parts(report), report, fmt, output, bom)


def _unit_cost_parts(report: UnitCostReport) -> list[Part]:
    columns = [
        *_sheet_columns(),
        Column("年度", lambda row: row.fiscal_year, lambda row: _year(row.fiscal_year)),
        Column("アウトプット", lambda row: row.output),
        Column("単位", lambda row: row.unit),
        Column("実績", lambda row: row.quantity, lambda row: _number(row.quantity)),
        _money("執行額・決算額", lambda row: row.money_yen),
        Column(
            "単位当たりコスト（円）",
            lambda row: row.cost_per_unit_yen,
            lambda row: _yen(row.cost_per_unit_yen),
        ),
        Column(
            "前年度（円）",
            lambda row: row.previous_cost_per_unit_yen,
            lambda row: _yen(row.previous_cost_per_unit_yen),
        ),
        Column("増減率", lambda row: row.change, lambda row: _percent(row.change)),
        Column("按分なし", lambda row: row.shared, lambda row: "※" if row.shared else ""),
    ]
    return [Part("単位当たりコスト（前年度比の大きい順）", columns, report.rows)]


@report_app.command("unit-cost")
def unit_cost(
    db: DatabaseOption = None,
    kind: KindOption = KindChoice.both,
    organisation: OrganisationOption = None,
    year: YearOption = None,
    program: ProgramOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """単位当たりコスト: money per unit of output and its change from the year before."""
    report = _run(
        db,
        lambda session: unit_cost_report(
            session=session,
            scope=_scope(kind, organisation, program),
            fiscal_year=year,
            limit=limit,
        ),
    )
    _emit(_unit_cost_parts(report), report, fmt, output, bom)


def _at_risk_parts(report: AtRiskReport) -> list[Part]:
    columns = [
        *_sheet_columns(),
        Column("指標", lambda row: row.name),
        Column("単位", lambda row: row.unit),
        Column("実績年度", lambda row: row.as_of_year, lambda row: _year(row.as_of_year)),
        Column("目標年度", lambda row: row.end_year, lambda row: _year(row.end_year)),
        Column("目標値", lambda row: row.target, lambda row: _number(row.target)),
        Column("現在値", lambda row: row.so_far, lambda row: _number(row.so_far)),
        Column("年あたり実績", lambda row: row.current_rate, lambda row: _number(row.current_rate)),
        Column(
            "年あたり必要", lambda row: row.required_rate, lambda row: _number(row.required_rate)
        ),
        Column("見通し", lambda row: row.projected, lambda row: _number(row.projected)),
        Column("ペース比", lambda row: row.pace_ratio, lambda row: _percent(row.pace_ratio)),
    ]
    years = "、".join(
        f"{'国' if kind == SheetKind.NATIONAL.value else '県'} {_year(year)}"
        for kind, year in sorted(report.fiscal_years.items())
    )
    return [
        Part(f"目標年度の目標に届かないおそれのある指標（{years}のシート）", columns, report.rows)
    ]


@report_app.command("at-risk")
def at_risk(
    db: DatabaseOption = None,
    kind: KindOption = KindChoice.both,
    organisation: OrganisationOption = None,
    year: YearOption = None,
    program: ProgramOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """要注意指標: behind the pace their final-year target needs (default: newest sheets)."""
    report = _run(
        db,
        lambda session: at_risk_report(
            session=session,
            scope=_scope(kind, organisation, program),
            fiscal_year=year,
            limit=limit,
        ),
    )
    _emit(_at_risk_parts(report), report, fmt, output, bom)


def _changes_parts(report: ChangesReport) -> list[Part]:
    columns = [
        Column("年度", lambda row: row.fiscal_year, lambda row: _year(row.fiscal_year)),
        Column("事業数", lambda row: row.programs, lambda row: _number(row.programs)),
        _money("予算", lambda row: row.total_yen),
        _money("前年度比 予算", lambda row: row.total_change),
        Column(
            "予算増減率",
            lambda row: row.total_change_rate,
            lambda row: _percent(row.total_change_rate),
        ),
        _money("執行額", lambda row: row.executed_yen),
        _money("前年度比 執行額", lambda row: row.executed_change),
        Column("執行率", lambda row: row.rate, lambda row: _percent(row.rate)),
        Column("目標判定数", lambda row: row.judged, lambda row: _number(row.judged)),
        Column(
            "達成率", lambda row: row.achievement_rate, lambda row: _percent(row.achievement_rate)
        ),
    ]
    parts = [Part(f"年度ごとの推移: {report.subject}", columns, report.rows)]
    years = sorted({year for item in report.indicators for year in (*item.actuals, *item.targets)})
    if report.indicators:
        series = [
            Column("指標", lambda item: item.name),
            Column("単位", lambda item: item.unit),
            *[_actual_column(year) for year in years],
        ]
        parts.append(Part("成果指標の実績の推移", series, report.indicators))
    return parts


@report_app.command("changes")
def changes(
    db: DatabaseOption = None,
    kind: KindOption = KindChoice.both,
    organisation: OrganisationOption = None,
    program: Annotated[
        str | None, typer.Option("--program", help="事業番号 (国: its lineage across years)")
    ] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help="施策分野 (県: code or name) / 主要施策 (国)")
    ] = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """年度ごとの推移: budget, spending and achievement per year, with the changes."""
    report = _run(
        db,
        lambda session: changes_report(
            session=session,
            kind=_kind(kind),
            program=program,
            organisation=organisation,
            policy=policy,
        ),
    )
    if year is not None:
        report = ChangesReport(
            subject=report.subject,
            kind=report.kind,
            sheets=report.sheets,
            rows=[row for row in report.rows if row.fiscal_year == year],
            indicators=report.indicators,
        )
    _emit(_changes_parts(report), report, fmt, output, bom)


def _actual_column(year: int) -> Column:
    return Column(
        f"{era_label(year)} 実績",
        lambda item: item.actuals.get(year),
        lambda item: _number(item.actuals.get(year)),
    )


def _quality_parts(report: QualityReport) -> list[Part]:
    counts = [
        Column("検査", lambda item: item[0]),
        Column("内容", lambda item: CHECKS[item[0]]),
        Column("件数", lambda item: item[1], lambda item: _number(item[1])),
    ]
    issues = [
        Column("検査", lambda row: row.check),
        Column(
            "種別",
            lambda row: row.sheet.kind.value if row.sheet else "",
            lambda row: _kind_label(row.sheet.kind) if row.sheet else "",
        ),
        Column("府省庁・部局", lambda row: row.sheet.organisation if row.sheet else ""),
        Column("事業番号", lambda row: row.sheet.program_number if row.sheet else ""),
        Column(
            "シート年度",
            lambda row: row.sheet.fiscal_year if row.sheet else "",
            lambda row: _year(row.sheet.fiscal_year) if row.sheet else "",
        ),
        Column("内容", lambda row: row.message),
    ]
    return [
        Part("データ品質: 件数", counts, list(report.counts.items())),
        Part("データ品質: 明細", issues, report.issues),
    ]


@report_app.command("quality")
def quality(
    db: DatabaseOption = None,
    kind: KindOption = KindChoice.both,
    organisation: OrganisationOption = None,
    year: YearOption = None,
    program: ProgramOption = None,
    limit: LimitOption = 20,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """データ品質: missing targets/actuals, budgets that do not add up, duplicates, orphans, unit changes.

    ``--limit`` lists that many issues per check; the counts are of all.
    """
    report = _run(
        db,
        lambda session: quality_report(
            session=session,
            scope=_scope(kind, organisation, program),
            fiscal_year=year,
            limit=limit,
        ),
    )
    _emit(_quality_parts(report), report, fmt, output, bom)
