"""Commands over sheets: parse, import, check, export and schema.

Each command parses its options, calls one library function and formats the result.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from hyoka.cli._common import DatabaseOption, app, err, open_store, out, progress_bar
from hyoka.importers import ImportFailed, ParsedSheet, parse_file
from hyoka.importers.errors import ImportNotes, Problem

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"  # per-sheet workbooks in the sheet's layout (what staff fill in)
    tables_xlsx = "tables-xlsx"  # the open-data tables, one worksheet each


def _report_notes(source: str, notes: ImportNotes) -> None:
    for problem in notes.missing:
        err.print(f"[yellow]欠落[/yellow] {problem.describe(source)}", highlight=False)
    if notes.inferred:
        err.print(
            f"[dim]推定 {source}: {len(notes.inferred)}か所は配置を推定しました(--verbose で表示)[/dim]",
            highlight=False,
        )


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="Sheet file (.txt: text extracted from the PDF)")],
    notes: Annotated[
        bool, typer.Option("--notes", help="Include the import notes in the JSON output")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show inferred placements")
    ] = False,
) -> None:
    """Parse one sheet and print it as JSON on stdout (no database needed).

    Figures the file does not contain are reported on stderr as 欠落 and are null in the JSON.
    """
    try:
        parsed = parse_file(file)
    except ImportFailed as error:
        err.print(f"[red]エラー[/red] {error.describe()}", highlight=False)
        raise typer.Exit(2) from error
    document: dict[str, object] = parsed.sheet.model_dump(mode="json")
    if notes:
        document = {"sheet": document, "notes": _notes_document(parsed)}
    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    _report_notes(str(file), parsed.notes)
    if verbose:
        for problem in parsed.notes.inferred:
            err.print(f"[dim]推定[/dim] {problem.describe(str(file))}", highlight=False)


def _notes_document(parsed: ParsedSheet) -> dict[str, list[dict[str, object]]]:
    def rows(problems: list) -> list[dict[str, object]]:  # type: ignore[type-arg]
        return [{"section": p.section, "message": p.message, "line": p.line} for p in problems]

    return {"missing": rows(parsed.notes.missing), "inferred": rows(parsed.notes.inferred)}


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Sheet files to import")],
    db: DatabaseOption = None,
    accept_incomplete: Annotated[
        bool,
        typer.Option(
            "--accept-incomplete",
            help="Store sheets whose source lacks some figures (reported as 欠落; stored as null)",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="Processes preparing JUDGIT! records while one writes "
            "(default: one per CPU; 1 for small files)",
        ),
    ] = None,
) -> None:
    """Import sheets into the store, each file in one transaction.

    JUDGIT! files of national sheets (.ndjson.gz, one sheet a line) are streamed instead,
    500 sheets per transaction, prepared by worker processes; a bad record is reported and
    skipped. The RS system's CSV tables (its ZIPs, their CSVs, or a folder of them) are
    streamed by 予算事業ID likewise; a bad row is reported and left out.

    Importing a sheet again (same 事業番号, fiscal year and stage) updates it and keeps
    the previous version as history. A file with errors stores nothing.
    """
    from hyoka.store.database import ImportInProgress, import_lock

    with open_store(db) as engine:
        try:
            with import_lock(engine):  # one import at a time per store; see docs/security.md
                _import_files(engine, files, accept_incomplete=accept_incomplete, jobs=jobs)
        except ImportInProgress as error:
            err.print(f"[red]エラー[/red] {error}", highlight=False)
            raise typer.Exit(1) from None


def _import_files(
    engine: Engine, files: list[Path], *, accept_incomplete: bool, jobs: int | None
) -> None:
    national_skipped = city_skipped = failed = 0
    # The RS system's CSV tables (ZIPs, CSVs or a folder of them, told by their header
    # row): streamed by 予算事業ID (importers.rs_import).
    from hyoka.cli.rs import import_rs_paths, is_rs_path

    tables = [file for file in files if is_rs_path(file)]
    if tables:
        national_skipped += import_rs_paths(engine, tables, jobs=jobs)
        files = [file for file in files if file not in tables]
    # National sheets (JUDGIT! gzip NDJSON): streamed in batches (importers.judgit_import).
    from hyoka.cli.judgit import import_national, is_judgit_file

    national = [file for file in files if is_judgit_file(file)]
    if national:
        national_skipped += import_national(engine, national, jobs=jobs)
        files = [file for file in files if file not in national]
    # A municipality's 事務事業評価 workbook (by its header row): one row per program.
    from hyoka.cli.city import import_city, is_city_workbook

    city = [file for file in files if is_city_workbook(file)]
    for file in city:
        city_skipped += import_city(engine, file)
    files = [file for file in files if file not in city]
    if files:
        failed = _import_sheet_files(files, engine, accept_incomplete=accept_incomplete)
    # National files and the city's workbook are imported record by record (row by row):
    # what they lost is records, not files.
    if national_skipped:
        err.print(f"[red]{national_skipped}件のレコード(国)を取り込めませんでした[/red]")
    if city_skipped:
        err.print(f"[red]{city_skipped}件の行(市町村)を取り込めませんでした[/red]")
    if failed:
        err.print(f"[red]{failed}件のファイルを取り込めませんでした[/red]")
    if national_skipped or city_skipped or failed:
        raise typer.Exit(1)


def _import_sheet_files(files: list[Path], engine: Engine, *, accept_incomplete: bool) -> int:
    """Import sheet files (text, PDF, xlsx), each in one transaction; the number that failed."""
    from hyoka.store import save_sheet, transaction

    failed = 0
    with progress_bar() as progress:
        task = progress.add_task("取り込み", total=len(files))
        for file in files:
            try:
                parsed = parse_file(file)
                if parsed.notes.missing and not accept_incomplete:
                    raise ImportFailed(
                        str(file),
                        [
                            *parsed.notes.missing,
                            Problem(
                                "取り込み", "欠落があるため保存しません(--accept-incomplete で保存)"
                            ),
                        ],
                    )
                with transaction(engine, write=True) as session:
                    result = save_sheet(session=session, sheet=parsed.sheet, source=str(file))
            except ImportFailed as error:
                failed += 1
                progress.console.print(f"[red]エラー[/red] {error.describe()}", highlight=False)
            else:
                state = "新規" if result.created else ("更新" if result.changed else "変更なし")
                key = parsed.sheet.header
                progress.console.print(
                    f"{state}: {key.program_number} {key.program_name} "
                    f"({key.fiscal_year}, {key.stage.value}) 版{result.revision}",
                    highlight=False,
                )
                _report_notes(str(file), parsed.notes)
            progress.advance(task)
    return failed


@app.command()
def check(
    db: DatabaseOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    personnel_cost: Annotated[
        int | None,
        typer.Option(help="Personnel cost per staff member per year in 千円 (full cost)"),
    ] = None,
) -> None:
    """Print the findings of the rules for every stored sheet."""
    from rich.table import Table

    from hyoka.rules import check_sheet
    from hyoka.settings import Settings
    from hyoka.store import list_sheets, transaction

    settings = Settings()
    cost = personnel_cost if personnel_cost is not None else settings.personnel_cost_per_person
    with open_store(db) as engine, transaction(engine) as session:
        sheets = list_sheets(session=session)
    results = []
    with progress_bar() as progress:
        task = progress.add_task("点検", total=len(sheets))
        for sheet in sheets:
            results.append((sheet, check_sheet(sheet, personnel_cost_per_person=cost)))
            progress.advance(task)
    if fmt == "json":
        document = [
            {
                "program_number": sheet.header.program_number,
                "fiscal_year": sheet.header.fiscal_year,
                "stage": sheet.header.stage.value,
                "findings": [finding.model_dump(mode="json") for finding in findings],
            }
            for sheet, findings in results
        ]
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        return
    for sheet, findings in results:
        table = Table(
            title=f"{sheet.header.program_number} {sheet.header.program_name} "
            f"({sheet.header.stage.value})",
            title_justify="left",
        )
        table.add_column("重要度")
        table.add_column("場所")
        table.add_column("内容")
        for finding in findings:
            table.add_row(finding.severity.value, finding.location.label, finding.message)
        if not findings:
            table.add_row("", "", "指摘はありません")
        out.print(table)


@app.command()
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="json, csv, xlsx (sheet layout) or tables-xlsx")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="File (json, tables-xlsx; xlsx for one sheet) or folder (csv, xlsx)",
        ),
    ],
    db: DatabaseOption = None,
    bom: Annotated[bool, typer.Option(help="CSV: write a UTF-8 BOM for Excel")] = False,
    program: Annotated[
        str | None, typer.Option("--program", help="xlsx: only this 事業番号 (07 01 01)")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="xlsx: only this fiscal year")] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="xlsx: only this stage (当初要求 … 点検)")
    ] = None,
) -> None:
    """Write what is stored as JSON, CSV, per-sheet workbooks or the open-data tables.

    JSON is one document, CSV one file per table; xlsx writes workbooks in the sheet's
    layout (07-01-01_2023_点検.xlsx in the folder, or one file when the selection is one
    sheet); tables-xlsx the open-data tables as one workbook.
    """
    from hyoka.render.opendata import export_csv, export_json, export_xlsx
    from hyoka.store import transaction

    with open_store(db) as engine, transaction(engine) as session:
        if fmt is ExportFormat.json:
            export_json(session=session, path=output)
        elif fmt is ExportFormat.csv:
            export_csv(session=session, directory=output, bom=bom)
        elif fmt is ExportFormat.tables_xlsx:
            export_xlsx(session=session, path=output)
        else:
            _export_workbooks(session, output, program=program, year=year, stage=stage)
            return
    err.print(f"書き出しました: {output}")


def _export_workbooks(
    session: Session, output: Path, *, program: str | None, year: int | None, stage: str | None
) -> None:
    from hyoka.model import Stage
    from hyoka.render.workbook import WorkbookError, select_sheets, write_workbooks
    from hyoka.store import list_sheets

    try:
        chosen = Stage(stage) if stage is not None else None
    except ValueError:
        err.print(f"[red]エラー[/red] 不明な段階です: {stage}", highlight=False)
        raise typer.Exit(2) from None
    sheets = select_sheets(list_sheets(session=session), program=program, year=year, stage=chosen)
    try:
        written = write_workbooks(sheets, output)
    except WorkbookError as error:
        err.print(f"[red]エラー[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    for path in written:
        err.print(f"書き出しました: {path}", highlight=False)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file")
    ] = None,
) -> None:
    """Print the JSON Schema of a sheet (docs/sheet.schema.json is generated with this)."""
    from hyoka.model import Sheet

    text = orjson.dumps(Sheet.model_json_schema(), option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        sys.stdout.buffer.write(text)
    else:
        output.write_bytes(text)
