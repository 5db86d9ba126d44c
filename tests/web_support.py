"""Shared helpers of the web tests: a store with given sheets and a client over it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hyoka.model import Indicator, IndicatorValue, Sheet, TargetSpec, ValueKind
from hyoka.settings import Settings
from hyoka.store import save_sheet, transaction
from hyoka.web.app import create_app


def store(engine: Engine, sheets: Iterable[Sheet]) -> list[int]:
    """Save the sheets; their ids in order."""
    ids = []
    with transaction(engine) as session:
        for sheet in sheets:
            ids.append(save_sheet(session=session, sheet=sheet, source="test").sheet_id)
    return ids


@contextmanager
def client_for(db_url: str) -> Iterator[TestClient]:
    """A client of the app over ``db_url``; its engine is disposed afterwards."""
    app = create_app(Settings(database_url=db_url))
    try:
        with TestClient(app) as client:
            yield client
    finally:
        app.state.engine.dispose()


def missed_indicator(year: int = 2023) -> Indicator:
    """An indicator whose actual (50) falls short of its target (100) in ``year``."""
    return Indicator(
        number="①",
        name="見学会参加者数",
        unit="人",
        target=TargetSpec(),
        values=[
            IndicatorValue(fiscal_year=year, kind=ValueKind.TARGET, value=Decimal(100)),
            IndicatorValue(fiscal_year=year, kind=ValueKind.ACTUAL, value=Decimal(50)),
        ],
    )
