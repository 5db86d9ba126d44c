"""How a database driver takes an exact decimal, for rows made away from the database."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

Exact = Callable[[Decimal | None], Any]


def exact_for(dialect: str) -> Exact:
    """How a dialect's driver takes an exact decimal: text on SQLite (as ``ExactDecimal``
    stores it), the ``Decimal`` itself elsewhere. Bulk rows can be built with it away from
    the database (in worker processes)."""
    return _decimal_text if dialect == "sqlite" else _same


def _decimal_text(value: Decimal | None) -> Any:
    return None if value is None else str(value)


def _same(value: Decimal | None) -> Any:
    return value
