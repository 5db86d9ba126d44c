"""Typed settings. Nothing reads the environment at import time: call ``Settings()``."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
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
    time_zone: str = Field(
        default="Asia/Tokyo",
        description=(
            "IANA time zone (zoneinfo) in which the web pages show times; stored times are UTC"
        ),
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
            "Failed logins allowed per login name from one client address within "
            "login_window_minutes; further attempts of that name from that address get 429 "
            "(with Retry-After) until the oldest failure has left the window"
        ),
    )
    login_window_minutes: int = Field(
        default=15,
        ge=1,
        description="The window of login_max_failures and login_address_max_failures, in minutes",
    )
    login_address_max_failures: int = Field(
        default=100,
        ge=1,
        description=(
            "Failed logins allowed per client address (any login names) within "
            "login_window_minutes: high, because a whole office may share one proxy address"
        ),
    )
    login_account_delay_after: int = Field(
        default=10,
        ge=1,
        description=(
            "Failed logins of one login name (from any address) within "
            "login_account_window_minutes after which each further attempt waits, doubling "
            "from 1 second up to login_account_max_delay_seconds after the last failure"
        ),
    )
    login_account_max_delay_seconds: int = Field(
        default=30,
        ge=1,
        description="The longest wait of the progressive delay per login name, in seconds",
    )
    login_account_max_failures: int = Field(
        default=100,
        ge=1,
        description=(
            "Failed logins allowed per login name (from any address) within "
            "login_account_window_minutes; then attempts from addresses the account has not "
            "logged in from within login_trusted_days wait until the oldest failure has left "
            "the window"
        ),
    )
    login_account_window_minutes: int = Field(
        default=60,
        ge=1,
        description="The window of login_account_delay_after and login_account_max_failures",
    )
    login_trusted_days: int = Field(
        default=30,
        ge=1,
        description=(
            "An address the account logged in from within this many days is exempt from the "
            "per-name delay and ceiling (still limited per name and address, and per address)"
        ),
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def zone(self) -> ZoneInfo:
        """:attr:`time_zone` as a :class:`~zoneinfo.ZoneInfo`."""
        return ZoneInfo(self.time_zone)

    def check_secret_for_host(self, host: str) -> None:
        """Refuse the default secret when serving on a non-local address (ValueError)."""
        if self.secret_key == DEFAULT_SECRET_KEY and host not in LOCAL_HOSTS:
            raise ValueError(
                f"{host} で公開するには HYOKA_SECRET_KEY に既定値以外の秘密の値を設定してください"
            )
