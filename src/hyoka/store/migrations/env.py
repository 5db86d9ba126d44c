"""Alembic environment of the store.

:func:`hyoka.store.database.migrate` passes an open connection in
``config.attributes["connection"]``; without one (the ``alembic`` command with a
``sqlalchemy.url`` option) an engine is made from the URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from hyoka.store.database import create_engine_for
from hyoka.store.schema.search import include_in_schema_comparison
from hyoka.store.schema.sheets import Base


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite can alter little in place: later migrations copy and rename tables.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_in_schema_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url given to the migrations")
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
