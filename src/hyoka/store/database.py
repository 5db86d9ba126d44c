"""The database lifecycle: engines, migrations and the one transaction helper.

Example::

    engine = create_engine_for("sqlite:///var/hyoka.sqlite")
    migrate(engine)
    with transaction(engine) as session:
        save_sheet(session=session, sheet=sheet, source="sheet.txt")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"
# A save waits this long for another writer; on a loaded 2-core server saves take < 1 s.
SQLITE_BUSY_SECONDS = 30


def create_engine_for(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL.

    SQLite: the file's folder is created; every connection enforces foreign keys, uses
    the write-ahead log (readers and the one writer do not block each other, which the
    web app's threads need) and waits up to :data:`SQLITE_BUSY_SECONDS` for a lock
    instead of failing at once. PostgreSQL goes through psycopg 3 (``postgresql://`` is read as
    ``postgresql+psycopg://``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_parent_folder(parsed)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migrations (Alembic ``upgrade heads``).

    ``heads``: areas add their own migrations on top of 0001 and may branch.
    """
    _run(engine, command.upgrade, "heads")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (Alembic ``downgrade``; ``"0009_compact_grams"``
    gives the heads before 0010), to test a migration on a store as it was before."""
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step: Any, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def _create_parent_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # SQLite ignores foreign keys, and so ON DELETE CASCADE, unless asked per connection.
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
        # Kept in the file once set; an in-memory database stays in memory mode.
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()
