"""The database lifecycle: engines, migrations and the one transaction helper.

Example::

    engine = create_engine_for("sqlite:///var/hyoka.sqlite")
    migrate(engine)
    with transaction(engine, write=True) as session:
        save_sheet(session=session, sheet=sheet, source="sheet.txt")

Writers take turns (docs/security.md, "Concurrent writers"): a write transaction takes
the store's write lock when it begins (SQLite ``BEGIN IMMEDIATE``; PostgreSQL row locks
with a ``lock_timeout``) and waits at most :data:`WRITE_WAIT_SECONDS` for it, then
raises :class:`StoreBusy`. Reads never wait for writers. :func:`import_lock` lets one
bulk import at a time run on a store.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE_WAIT_SECONDS = 5
"""How long a writer waits for another one (SQLite busy timeout, PostgreSQL lock_timeout).
Saves take < 1 s on a loaded 2-core server and an import holds the lock one batch at a
time (~1–2 s), so a writer that waits longer waits for something stuck: better a quick
「しばらくしてから」 than 30 s of nothing, then an error."""
SQLITE_BUSY_SECONDS = WRITE_WAIT_SECONDS
# SQLITE_BUSY / SQLITE_LOCKED; PostgreSQL lock_not_available, deadlock_detected.
_BUSY_SQLITE = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_BUSY_POSTGRES = {"55P03", "40P01"}
# The key of the PostgreSQL advisory lock of imports (any fixed 64-bit number).
_IMPORT_LOCK_KEY = int.from_bytes(hashlib.sha256(b"hyoka import").digest()[:8], "big", signed=True)


class StoreBusy(RuntimeError):
    """Another writer kept the store longer than :data:`WRITE_WAIT_SECONDS`: nothing was
    written, and the same write can be tried again in a moment."""

    retry_after = WRITE_WAIT_SECONDS

    def __init__(self) -> None:
        super().__init__(
            "ほかの保存や取り込みが終わるのを待ちましたが、時間内に終わりませんでした。"
            "何も保存されていません。少し待ってから、もう一度お試しください。"
        )


class ImportInProgress(RuntimeError):
    """Another import is writing into this store (:func:`import_lock`)."""

    def __init__(self) -> None:
        super().__init__(
            "このデータベースには別の取り込みが実行中です。何も取り込んでいません。"
            "実行中の取り込みが終わってから、もう一度実行してください。"
        )


def create_engine_for(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL.

    SQLite: the file's folder is created; every connection enforces foreign keys, uses
    the write-ahead log (readers and the one writer do not block each other, which the
    web app's threads need) and waits up to :data:`SQLITE_BUSY_SECONDS` for a lock
    instead of failing at once. PostgreSQL goes through psycopg 3 (``postgresql://`` is read as
    ``postgresql+psycopg://``). On both, a :func:`transaction` with ``write=True`` takes
    the write lock as it begins.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_parent_folder(parsed)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _configure_sqlite_connection)
    else:
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed)
    event.listen(engine, "begin", _begin)
    return engine


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
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on any error.

    ``write=True`` for a transaction that reads and then writes (a save): on SQLite it
    begins with ``BEGIN IMMEDIATE``, so it holds the one write lock from its first
    statement and nothing can be saved between what it read and what it writes (a
    deferred transaction that read first could not get the lock later without an error);
    on PostgreSQL it waits for row locks at most :data:`WRITE_WAIT_SECONDS`. A reader
    leaves it ``False``: it takes no lock, so pages keep serving while an import writes.
    Waiting longer than that for another writer raises :class:`StoreBusy`.
    """
    bind = engine.execution_options(hyoka_write=True) if write else engine
    try:
        with Session(bind, expire_on_commit=False) as session, session.begin():
            yield session
    except OperationalError as error:
        if _is_busy(error):
            raise StoreBusy() from error
        raise


@contextmanager
def import_lock(engine: Engine) -> Iterator[None]:
    """Held while a bulk import writes: a second import into the same store is refused
    with :class:`ImportInProgress` before it writes anything.

    PostgreSQL: a session-level advisory lock on a connection of its own; SQLite: an
    exclusive ``flock`` of ``<database>.import-lock`` beside the file. Both are released
    by the server or the kernel when the importing process ends, even by ``kill -9``, so a
    crashed import never leaves the store locked. An in-memory SQLite store has one user.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            taken = connection.exec_driver_sql(
                "SELECT pg_try_advisory_lock(%s)", (_IMPORT_LOCK_KEY,)
            ).scalar_one()
            connection.commit()
            if not taken:
                raise ImportInProgress()
            try:
                yield
            finally:
                connection.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (_IMPORT_LOCK_KEY,))
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    descriptor = os.open(f"{database}.import-lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportInProgress() from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _begin(connection: Connection) -> None:
    if not connection.get_execution_options().get("hyoka_write"):
        return  # SQLite: pysqlite begins (deferred) before the first write, as always
    if connection.dialect.name == "sqlite":
        # pysqlite then sees a transaction open and adds no BEGIN of its own.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_WAIT_SECONDS}s'")


def _is_busy(error: OperationalError) -> bool:
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_SQLITE
    return getattr(original, "sqlstate", None) in _BUSY_POSTGRES


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
