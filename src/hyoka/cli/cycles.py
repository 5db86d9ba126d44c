"""``hyoka cycle …``: the deadlines of the yearly cycle (当初要求 → … → 点検) per fiscal year.

The review dashboard marks a sheet overdue against these dates. Each command calls one
function of :mod:`hyoka.store.staff.review` in one transaction; a change goes to the audit log
with the actor ``cli:<operating-system user>``.
"""

from __future__ import annotations

import getpass
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from hyoka.cli._common import DatabaseOption, app, err, out, store_session
from hyoka.display import year_label
from hyoka.model import Stage
from hyoka.store.staff.review import list_cycles, set_deadline

cycles_app = typer.Typer(
    help="評価サイクルの期限（年度・段階ごと）の設定と一覧", no_args_is_help=True
)
app.add_typer(cycles_app, name="cycle")

STAGES = "・".join(stage.value for stage in Stage)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (containers)
        return "cli"


def _refuse(message: str) -> typer.Exit:
    err.print(f"[red]エラー[/red] {message}", highlight=False)
    return typer.Exit(2)


def parse_stage(text: str) -> Stage:
    """A stage by its Japanese name (点検) or its enum name (REVIEW)."""
    for stage in Stage:
        if text.strip() in (stage.value, stage.name, stage.name.lower()):
            return stage
    raise ValueError(f"--stage「{text}」は段階ではありません（{STAGES} のいずれか）")


def parse_date(text: str) -> date:
    """A date written 2024-08-31 (ISO 8601)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--date「{text}」は日付ではありません（例：2024-08-31）") from None


@cycles_app.command("set-deadline")
def set_deadline_command(
    year: Annotated[int, typer.Option("--year", help="Fiscal year (Western, e.g. 2024)")],
    stage: Annotated[str, typer.Option("--stage", help=f"Stage: {STAGES}")],
    due: Annotated[str, typer.Option("--date", help="Due date, e.g. 2024-08-31")],
    db: DatabaseOption = None,
) -> None:
    """Set (or move) the due date of one stage of one fiscal year's cycle."""
    if not 1900 <= year <= 2200:
        raise _refuse(f"--year {year} は年度ではありません（西暦で、例：2024）")
    try:
        chosen, due_date = parse_stage(stage), parse_date(due)
    except ValueError as error:
        raise _refuse(str(error)) from None
    with store_session(db) as session:
        cycle = set_deadline(
            session=session,
            fiscal_year=year,
            stage=chosen,
            due_date=due_date,
            actor=_actor(),
        )
    out.print(
        f"{year_label(cycle.fiscal_year)} {cycle.stage.value} の期限を "
        f"{cycle.due_date.isoformat()} にしました",
        highlight=False,
    )


@cycles_app.command("list")
def list_command(db: DatabaseOption = None) -> None:
    """Every deadline set, newest fiscal year first, stages in cycle order."""
    with store_session(db) as session:
        cycles = list_cycles(session=session)
    if not cycles:
        out.print("期限はまだ設定されていません（hyoka cycle set-deadline で設定）")
        return
    table = Table("年度", "段階", "期限")
    for cycle in cycles:
        table.add_row(
            f"{year_label(cycle.fiscal_year)}（{cycle.fiscal_year}）",
            cycle.stage.value,
            cycle.due_date.isoformat(),
        )
    out.print(table)
