"""All configuration, read from the environment (prefix ``ASC_``) and ``.env`` — nowhere else."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class SettingsError(Exception):
    """Settings are invalid; the message says which and how to fix them (never the values)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASC_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the embedded database and keys live.")
    database_url: str = Field(default="", description="SQLAlchemy async URL; empty = SQLite file in data_dir.")
    app_url: AnyHttpUrl | None = Field(
        default=None, description="Public base URL of the app; overrides the request's host."
    )
    secret_key: SecretStr | None = Field(
        default=None, description="Master key for encrypting tokens and PII; generated when unset."
    )
    previous_secret_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Earlier master keys (comma-separated), still accepted for reading until `rotate-keys` has run.",
    )
    allowed_saleor_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Saleor API URLs (or prefixes ending in *) allowed to install."
    )
    debug: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = False
    run_worker_in_process: bool = Field(default=True, description="`serve` also runs background jobs.")
    webhook_max_body_bytes: int = Field(default=1_048_576, gt=0)
    worker_concurrency: int = Field(default=4, gt=0, le=64)
    job_lease_seconds: int = Field(default=300, gt=0)
    metrics_token: SecretStr | None = Field(
        default=None, description="When set, GET /metrics requires `Authorization: Bearer <token>`."
    )

    # Amazon (SP-API); empty means demo mode against the built-in simulator.
    lwa_client_id: str = ""
    lwa_client_secret: SecretStr | None = None
    lwa_client_secret_expires_at: str = Field(default="", description="ISO date the LWA secret expires.")
    spapi_application_id: str = ""
    spapi_draft_app: bool = Field(default=True, description="Add version=beta to the consent URL.")
    authorization_lifetime_days: int = Field(default=365, gt=0)
    amazon_endpoint: str = Field(
        default="", description="SP-API base URL for every region instead of Amazon's (for the simulator and tests)."
    )
    lwa_token_url: str = Field(
        default="", description="LWA token URL instead of Amazon's (for the simulator and tests)."
    )
    cancel_order_api: bool = Field(
        default=False,
        description="Cancel through Orders v2026 cancelOrder (not in Amazon's published models) instead of the "
        "order acknowledgement feed; whole orders only.",
    )

    # Push: Amazon's Notifications API delivers to one SQS queue the operator owns (AWS credentials come the
    # usual AWS way: environment, shared config files, instance role). Empty queue URL: polling only.
    push_queue_url: str = Field(default="", description="SQS queue URL Amazon's notifications are delivered to.")
    push_queue_region: str = Field(default="", description="AWS region of the queue; empty: taken from its URL.")
    push_sqs_endpoint: str = Field(
        default="", description="SQS endpoint instead of AWS's (an SQS-compatible server, for tests)."
    )
    push_quiet_seconds: float = Field(
        default=900.0,
        gt=0,
        description="No notification for this long (or the queue unreachable) marks push degraded: full-speed polling.",
    )
    push_catch_up_seconds: float = Field(
        default=900.0,
        gt=0,
        description="While push is healthy, the order sync runs only this often, and feeds and reports are polled only "
        "this long after submission without their notification (the safety net).",
    )
    push_max_receives: int = Field(
        default=5, gt=0, description="A message received this often without being handled goes to the dead letters."
    )
    push_receipt_retention_days: int = Field(
        default=15,
        gt=14,
        description="Receipts of applied notifications are kept this long (more than SQS's 14-day maximum "
        "retention, so a redelivered message is still recognised).",
    )
    push_visibility_seconds: int = Field(
        default=60,
        gt=0,
        le=43200,
        description="A message a consumer received and did not delete (it died) is received again after this.",
    )

    # E-mail
    smtp_host: str = ""
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["starttls", "tls", "none"] = "starttls"
    smtp_sender: str = "saleor-asc-app@localhost"

    @field_validator("allowed_saleor_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(",", " ").split() if part.strip()]
        return value

    @field_validator("previous_secret_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.replace(",", " ").split() if part]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                "(e.g. postgresql+asyncpg://user:password@host/dbname)"
            )
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'saleor-asc-app.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def push_enabled(self) -> bool:
        return bool(self.push_queue_url)

    @property
    def demo_mode(self) -> bool:
        return not self.lwa_client_id

    @cached_property
    def master_key(self) -> bytes:
        """The master secret as bytes, generating and storing one (0600) when none is configured."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / SECRET_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            logging.getLogger(__name__).warning(
                "ASC_SECRET_KEY is not set: generated one in %s. Production must set ASC_SECRET_KEY.", path
            )
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SettingsError(f"{path} must not be readable by others (chmod 600 {path}).")
        return path.read_text().strip().encode()

    @property
    def previous_master_keys(self) -> tuple[bytes, ...]:
        return tuple(key.get_secret_value().encode() for key in self.previous_secret_keys)

    def check(self) -> None:
        """Fail fast on settings that parse but cannot work."""
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"ASC_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long.")
        if self.lwa_client_id and self.lwa_client_secret is None:
            raise SettingsError("ASC_LWA_CLIENT_SECRET is required when ASC_LWA_CLIENT_ID is set.")


def load_settings(**overrides: object) -> Settings:
    """Read and check the settings; raise SettingsError with a readable message when they are invalid."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except SourceError as exc:
        raise SettingsError(f"Invalid settings: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"ASC_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"Invalid settings: {problems}") from None
    settings.check()
    return settings
