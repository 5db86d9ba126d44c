"""``hyoka import`` of the RS system's CSV tables: progress by bytes, problems, the counts."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from hyoka.cli._common import err, progress_bar
from hyoka.importers.errors import BadRecord
from hyoka.importers.pipeline import WorkerLost
from hyoka.importers.rs_import import describe_tables, import_rs, total_size
from hyoka.importers.rs_tables import is_rs_path

__all__ = ["import_rs_paths", "is_rs_path"]


def import_rs_paths(engine: Engine, paths: list[Path], *, jobs: int | None = None) -> int:
    """Import the tables, print what happened; return the rows and files left out."""
    with progress_bar() as progress:
        task = progress.add_task("取り込み(国・RS)", total=total_size(paths))

        def problem(bad: BadRecord) -> None:
            progress.console.print(f"[red]エラー[/red] {bad.describe()}", highlight=False)

        try:
            summary = import_rs(
                engine=engine,
                paths=paths,
                progress=lambda size: progress.advance(task, size),
                on_problem=problem,
                jobs=jobs,
                on_stage=lambda stage: progress.console.print(f"{stage}…", highlight=False),
            )
        except WorkerLost as error:
            progress.console.print(f"[red]エラー[/red] {error}", highlight=False)
            raise typer.Exit(1) from None
    store = summary.store
    lineage = store.lineage
    err.print(
        f"事業(予算事業ID) {store.read}件: 新規 {store.new}, 更新 {store.updated}, "
        f"変更なし {store.unchanged}, シートにできず {summary.sheets_skipped}",
        highlight=False,
    )
    for line in describe_tables(summary):
        err.print(f"  {line}", highlight=False)
    if lineage is not None:
        err.print(
            "過去シートとのつながり: "
            + "、".join(f"{rule} {count}" for rule, count in lineage.by_rule().items()),
            highlight=False,
        )
    rows = sum(count.skipped for count in summary.tables.values())
    return rows + len(summary.refused) + summary.sheets_skipped
