"""``hyoka import`` of a municipality's 事務事業評価 workbook: progress, problems, summary."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from hyoka.cli._common import err, progress_bar
from hyoka.importers.city_import import import_city_workbook
from hyoka.importers.city_workbook import is_city_workbook
from hyoka.importers.errors import BadRecord, ImportFailed

__all__ = ["import_city", "is_city_workbook"]


def import_city(engine: Engine, file: Path) -> int:
    """Import one workbook, print what happened; return the number of skipped rows."""
    with progress_bar() as progress:
        task = progress.add_task("取り込み(市町村)", total=None)

        def problem(bad: BadRecord) -> None:
            progress.console.print(f"[red]エラー[/red] {bad.describe()}", highlight=False)

        def warning(noted: BadRecord) -> None:
            progress.console.print(f"[yellow]警告[/yellow] {noted.describe()}", highlight=False)

        try:
            summary = import_city_workbook(
                engine=engine,
                path=file,
                on_problem=problem,
                on_warning=warning,
                progress=lambda rows: progress.advance(task, rows),
            )
        except ImportFailed as error:
            progress.console.print(f"[red]エラー[/red] {error.describe()}", highlight=False)
            raise typer.Exit(1) from None
    err.print(
        f"{file.name}: 読込 {summary.read}行: 新規 {summary.new}, 更新 {summary.updated}, "
        f"変更なし {summary.unchanged}, スキップ {summary.skipped}, 警告 {len(summary.warnings)}",
        highlight=False,
    )
    return summary.skipped
