"""``hyoka import`` of JUDGIT! files: progress by bytes read, problems, the summary."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from hyoka.cli._common import err, progress_bar
from hyoka.importers.errors import BadRecord
from hyoka.importers.judgit import is_judgit_file
from hyoka.importers.judgit_import import import_files
from hyoka.importers.pipeline import WorkerLost

__all__ = ["import_national", "is_judgit_file"]


def import_national(engine: Engine, files: list[Path], *, jobs: int | None = None) -> int:
    """Import the files, print what happened; return the number of skipped records."""
    with progress_bar() as progress:
        task = progress.add_task("取り込み(国)", total=sum(file.stat().st_size for file in files))

        def problem(bad: BadRecord) -> None:
            progress.console.print(f"[red]エラー[/red] {bad.describe()}", highlight=False)

        try:
            summary = import_files(
                engine=engine,
                paths=files,
                progress=lambda size: progress.advance(task, size),
                on_problem=problem,
                jobs=jobs,
                on_stage=lambda stage: progress.console.print(f"{stage}…", highlight=False),
                on_warning=lambda noted: progress.console.print(
                    f"[yellow]警告[/yellow] {noted.describe()}", highlight=False
                ),
            )
        except WorkerLost as error:
            progress.console.print(f"[red]エラー[/red] {error}", highlight=False)
            raise typer.Exit(1) from None
    err.print(
        f"読込 {summary.read}件: 新規 {summary.new}, 更新 {summary.updated}, "
        f"変更なし {summary.unchanged}, スキップ {summary.skipped}, 警告 {len(summary.warnings)}. "
        f"過去シートへのリンク: 解決 {summary.links_resolved}, 未解決 {summary.links_unresolved}; "
        f"事業名での対応 {summary.name_matches}; 事業(系列) {summary.programs}",
        highlight=False,
    )
    return summary.skipped
