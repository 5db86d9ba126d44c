"""Typed settings. Nothing reads the environment at import time: call ``Settings()``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_PATH = Path("var") / "hyoka.sqlite"
# The shipped secret: fine on this machine, refused when serving on another address.
DEFAULT_SECRET_KEY = "hyoka-insecure-default-secret-change-me"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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
    site_name: str = Field(
        default="hyoka 事業評価シート公開",
        description="Name of the site shown in the header and page titles of the web portal",
    )
    page_size: int = Field(
        default=20,
        ge=1,
        le=200,
        description="Sheets per page in the web portal's lists and the API's default page",
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description=(
            "Secret that keys the CSRF tokens of the staff pages; set a long random value "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'). The default "
            "is refused when serving on an address other than 127.0.0.1/localhost"
        ),
    )
    session_idle_minutes: int = Field(
        default=60,
        ge=1,
        description="A staff login ends after this many minutes without a staff page request",
    )
    session_max_hours: int = Field(
        default=12,
        ge=1,
        description="A staff login ends this many hours after signing in, active or not",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description=(
            "Secure flag of the session cookies: true, false, or unset to set it exactly when "
            "the request came over https (behind a proxy, run uvicorn with --proxy-headers)"
        ),
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description=(
            "Failed logins allowed per login name and per client address within "
            "login_window_minutes; further attempts get 429 until the window has passed"
        ),
    )
    login_window_minutes: int = Field(
        default=15,
        ge=1,
        description="The window of login_max_failures, in minutes",
    )

    def check_secret_for_host(self, host: str) -> None:
        """Refuse the default secret when serving on a non-local address (ValueError)."""
        if self.secret_key == DEFAULT_SECRET_KEY and host not in LOCAL_HOSTS:
            raise ValueError(
                f"{host} で公開するには HYOKA_SECRET_KEY に既定値以外の秘密の値を設定してください"
            )
