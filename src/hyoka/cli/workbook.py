"""``hyoka template``: a blank workbook in the 事業改善シート layout for a new sheet.

Staff fill it in Excel and submit it with ``hyoka import FILE.xlsx``; ``hyoka export
--format xlsx`` (in ``cli/sheets.py``) writes stored sheets in the same layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hyoka.cli._common import app, err
from hyoka.model import Stage


@app.command()
def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write")],
    year: Annotated[
        int | None, typer.Option("--year", help="Fiscal year to fill in (e.g. 2024)")
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Stage to fill in (当初要求 … 点検)")
    ] = None,
) -> None:
    """Write a blank workbook for a new sheet (fill it in, then `hyoka import` it)."""
    from hyoka.render.workbook import blank_workbook

    try:
        chosen = Stage(stage) if stage is not None else None
    except ValueError:
        known = "・".join(item.value for item in Stage)
        err.print(f"[red]エラー[/red] 不明な段階です: {stage}({known})", highlight=False)
        raise typer.Exit(2) from None
    if output.suffix.lower() != ".xlsx":
        err.print("[red]エラー[/red] 出力先は .xlsx ファイルにしてください", highlight=False)
        raise typer.Exit(2)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(blank_workbook(fiscal_year=year, stage=chosen))
    err.print(f"書き出しました: {output}", highlight=False)
