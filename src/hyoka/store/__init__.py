"""The store: sheets in SQLite or PostgreSQL. SQL and sessions live only in this package.

``database`` owns engines, migrations and transactions; ``bulk`` saves sheets;
``reader`` reads them back; ``tables`` is the schema (``migrations/`` builds it).
"""

from hyoka.store import (
    account_tables,  # noqa: F401  (accounts and audit log on Base.metadata)
    facts_tables,  # noqa: F401  (report facts on Base.metadata)
    national_tables,  # noqa: F401  (national parts on Base.metadata)
    search_tables,  # noqa: F401  (listing summaries and 施策分野 codes on Base.metadata)
    workflow_tables,  # noqa: F401  (workflow tables on Base.metadata)
)
from hyoka.store.bulk import SaveResult, save_sheet
from hyoka.store.database import create_engine_for, migrate, transaction
from hyoka.store.queries import TableRows, read_current_tables
from hyoka.store.reader import StoredSheet, list_sheets, load_sheet, load_sheets, sheet_history
from hyoka.store.search import index_missing, index_sheets

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
