"""``hyoka render``: stored sheets (or a source file) as PDF or HTML in the official layout."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hyoka.cli._common import DatabaseOption, app, err, progress_bar, store_session
from hyoka.importers import ImportFailed, parse_file
from hyoka.model import Sheet, Stage


class RenderFormat(StrEnum):
    pdf = "pdf"
    html = "html"


def file_name(sheet: Sheet, fmt: RenderFormat) -> str:
    """``07-01-01_2023_点検.pdf``: the key of the sheet, safe as a file name."""
    number, year, stage = sheet.key
    safe = "".join(ch if ch.isalnum() else "-" for ch in number.replace(" ", "-"))
    return f"{safe}_{year}_{stage.value}.{fmt.value}"


def render_bytes(sheet: Sheet, fmt: RenderFormat) -> bytes:
    if fmt is RenderFormat.pdf:
        from hyoka.render.pdf import render_pdf

        return render_pdf(sheet)
    from hyoka.render.html import sheet_page

    return sheet_page(sheet).encode("utf-8")


# A pool's workers start in about a second each: worth it from a handful of PDFs on.
POOL_FROM = 4


def _rendered(sheets: list[Sheet], fmt: RenderFormat, jobs: int | None) -> Iterator[bytes]:
    if fmt is RenderFormat.pdf and (len(sheets) >= POOL_FROM or (jobs or 1) > 1):
        from hyoka.render.batch import render_pdfs

        return render_pdfs(sheets, processes=jobs)
    return (render_bytes(sheet, fmt) for sheet in sheets)


def _stored_sheets(
    db: str | None, program: str | None, year: int | None, stage: Stage | None
) -> list[Sheet]:
    from hyoka.store import list_sheets, load_sheet

    with store_session(db) as session:
        if program is None:
            return list_sheets(session=session)
        number = " ".join(program.replace("-", " ").split())
        if year is not None and stage is not None:
            found = load_sheet(
                session=session, program_number=number, fiscal_year=year, stage=stage
            )
            return [] if found is None else [found]
        return [
            sheet
            for sheet in list_sheets(session=session)
            if sheet.header.program_number == number
            and (year is None or sheet.header.fiscal_year == year)
            and (stage is None or sheet.header.stage is stage)
        ]


@app.command()
def render(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder (stored sheets) or file (a source file)")
    ],
    source: Annotated[
        Path | None,
        typer.Argument(help="Render this sheet file (e.g. SHEET.txt) instead of stored sheets"),
    ] = None,
    db: DatabaseOption = None,
    program: Annotated[
        str | None, typer.Option("--program", help="事業番号 (07 01 01 or 07-01-01)")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Fiscal year, e.g. 2023")] = None,
    stage: Annotated[Stage | None, typer.Option("--stage", help="段階, e.g. 点検")] = None,
    fmt: Annotated[RenderFormat, typer.Option("--format", help="pdf or html")] = RenderFormat.pdf,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="PDF rendering processes (default: one per CPU)"),
    ] = None,
) -> None:
    """Render sheets as PDF (A4 landscape, official layout) or standalone HTML.

    Without SOURCE: every stored sheet (or those chosen with --program/--year/--stage) into
    the folder -o, one file per sheet named after its key (07-01-01_2023_点検.pdf).
    With SOURCE: that file, parsed and rendered to -o (a file, or a folder).
    """
    if source is not None:
        try:
            sheet = parse_file(source).sheet
        except ImportFailed as error:
            err.print(f"[red]エラー[/red] {error.describe()}", highlight=False)
            raise typer.Exit(2) from error
        target = output / file_name(sheet, fmt) if output.is_dir() else output
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_bytes(sheet, fmt))
        err.print(f"書き出しました: {target}", highlight=False)
        return
    sheets = _stored_sheets(db, program, year, stage)
    if not sheets:
        err.print("[red]エラー[/red] 該当するシートが保存されていません", highlight=False)
        raise typer.Exit(1)
    output.mkdir(parents=True, exist_ok=True)
    with progress_bar() as progress:
        task = progress.add_task("書き出し", total=len(sheets))
        for sheet, data in zip(sheets, _rendered(sheets, fmt, jobs), strict=True):
            (output / file_name(sheet, fmt)).write_bytes(data)
            progress.advance(task)
    err.print(f"{len(sheets)}件を書き出しました: {output}", highlight=False)
