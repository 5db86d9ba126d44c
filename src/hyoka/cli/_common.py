"""What every ``hyoka`` command shares: the Typer app, consoles, the ``--db`` option."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from hyoka.cli._lazy import app as app  # the one app, on which command modules register

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# Nothing heavy is imported here or at the top of a command module that `hyoka --help`
# or `hyoka parse` loads: the store, the web and the renderers are imported inside the
# commands that use them (tests/test_cli_startup.py checks; bench/cli_startup.py times).
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL or SQLite file path (default: HYOKA_DATABASE_URL or var/hyoka.sqlite)",
    ),
]


def database_url(option: str | None) -> str:
    """``--db`` wins; a bare path means a SQLite file."""
    if option is None:
        from hyoka.settings import Settings

        return Settings().database_url
    return option if "://" in option else f"sqlite:///{option}"


def progress_bar() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


@contextmanager
def open_store(db: str | None) -> Iterator[Engine]:
    """A migrated store for one command; its connections are closed when the command ends."""
    from hyoka.store import create_engine_for, migrate

    engine = create_engine_for(database_url(db))
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def store_session(db: str | None) -> Iterator[Session]:
    """One transaction on a migrated store for one command (committed when the block ends)."""
    from hyoka.store import transaction

    with open_store(db) as engine, transaction(engine) as session:
        yield session
