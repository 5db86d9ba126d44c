"""Typed settings. Nothing reads the environment at import time: call ``Settings()``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_PATH = Path("var") / "hyoka.sqlite"


class Settings(BaseSettings):
    """Settings of hyoka, read from ``HYOKA_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="HYOKA_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATABASE_PATH}",
        description=(
            "SQLAlchemy URL of the store: sqlite:///path.sqlite (default var/hyoka.sqlite) "
            "or postgresql+psycopg://user:password@host/dbname"
        ),
    )
    personnel_cost_per_person: int = Field(
        default=9_000,
        ge=0,
        description=(
            "Cost of one staff member (職員数 1.0) per year in 千円, used for the full cost "
            "(フルコスト) of a program: 決算額 + 職員数 × this"
        ),
    )
