"""The store: sheets in SQLite or PostgreSQL. SQL and sessions live only in this package.

By concern: ``database`` owns engines, migrations and transactions, ``driver`` the bulk
inserts; ``schema/`` is every table (``migrations/`` builds it); ``sheets/`` writes and
reads sheets; ``search/`` indexes and lists them for the public; ``reports/`` holds the
report facts the analytics read; ``staff/`` accounts, audit log, workflow and review.
What callers need most is here.
"""

from hyoka.store import schema  # noqa: F401  (every table on Base.metadata)
from hyoka.store.database import create_engine_for, migrate, transaction
from hyoka.store.search.index import index_missing, index_sheets
from hyoka.store.sheets.reader import (
    StoredSheet,
    list_sheets,
    load_sheet,
    load_sheets,
    sheet_history,
)
from hyoka.store.sheets.tables import TableRows, read_current_tables
from hyoka.store.sheets.writer import SaveResult, save_sheet

__all__ = [
    "SaveResult",
    "StoredSheet",
    "TableRows",
    "create_engine_for",
    "index_missing",
    "index_sheets",
    "list_sheets",
    "load_sheet",
    "load_sheets",
    "migrate",
    "read_current_tables",
    "save_sheet",
    "sheet_history",
    "transaction",
]
