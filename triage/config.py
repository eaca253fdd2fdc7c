"""Settings, read once from ``NAJDA_*`` environment variables and validated.

Why a dataclass and not ``app.config.from_prefixed_env``: the worker, the CLI and the web app all need the same
typed view, and production must refuse to start on a missing or demo secret, naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEMO_PREFIX = "demo-"
# Secrets that must be set to a real value when NAJDA_ENV=production.
SECRET_NAMES: tuple[str, ...] = (
    "NAJDA_SECRET_KEY",
    "NAJDA_GENERIC_SECRET",
    "NAJDA_TWILIO_ACCOUNT_SID",
    "NAJDA_TWILIO_AUTH_TOKEN",
    "NAJDA_META_APP_SECRET",
    "NAJDA_META_VERIFY_TOKEN",
    "NAJDA_X_CONSUMER_SECRET",
    "NAJDA_TELEGRAM_SECRET_TOKEN",
)
DEMO_VALUES: dict[str, str] = {
    "NAJDA_SECRET_KEY": "demo-secret-key",
    "NAJDA_GENERIC_SECRET": "demo-generic-secret",
    "NAJDA_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "NAJDA_TWILIO_AUTH_TOKEN": "demo-twilio-token",
    "NAJDA_META_APP_SECRET": "demo-meta-app-secret",
    "NAJDA_META_VERIFY_TOKEN": "demo-meta-verify-token",
    "NAJDA_X_CONSUMER_SECRET": "demo-x-consumer-secret",
    "NAJDA_TELEGRAM_SECRET_TOKEN": "demo-telegram-secret",
}


class ConfigError(RuntimeError):
    """Raised when the configuration cannot run safely; the message names the variable."""


def _default_database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'najda.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    redis_url: str
    secret_key: str
    public_url: str
    generic_secret: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_from: str
    twilio_api_base_url: str  # empty = the real Twilio API; set to the fake server's URL for demo/tests
    meta_app_secret: str
    meta_verify_token: str
    x_consumer_secret: str
    telegram_secret_token: str
    instance_path: str
    max_body_bytes: int = 64 * 1024
    sweep_interval_seconds: int = 30
    case_join_window_hours: int = 24

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, instance_path: str | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        instance = Path(instance_path or env.get("NAJDA_INSTANCE_PATH") or Path.cwd() / "instance")

        def get(name: str, default: str = "") -> str:
            return env.get(name) or DEMO_VALUES.get(name, default)

        settings = cls(
            env=env.get("NAJDA_ENV", "development"),
            database_url=env.get("NAJDA_DATABASE_URL") or _default_database_url(instance),
            redis_url=env.get("NAJDA_REDIS_URL", ""),
            secret_key=get("NAJDA_SECRET_KEY"),
            public_url=(env.get("NAJDA_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
            generic_secret=get("NAJDA_GENERIC_SECRET"),
            twilio_account_sid=get("NAJDA_TWILIO_ACCOUNT_SID"),
            twilio_auth_token=get("NAJDA_TWILIO_AUTH_TOKEN"),
            twilio_from=env.get("NAJDA_TWILIO_FROM") or "+15005550006",
            twilio_api_base_url=env.get("NAJDA_TWILIO_API_BASE_URL", ""),
            meta_app_secret=get("NAJDA_META_APP_SECRET"),
            meta_verify_token=get("NAJDA_META_VERIFY_TOKEN"),
            x_consumer_secret=get("NAJDA_X_CONSUMER_SECRET"),
            telegram_secret_token=get("NAJDA_TELEGRAM_SECRET_TOKEN"),
            instance_path=str(instance),
            max_body_bytes=int(env.get("NAJDA_MAX_BODY_BYTES", 64 * 1024)),
            sweep_interval_seconds=int(env.get("NAJDA_SWEEP_INTERVAL_SECONDS", 30)),
        )
        if settings.is_production:
            settings.check_production(env)
        return settings

    def check_production(self, env: Mapping[str, str]) -> None:
        for name in SECRET_NAMES:
            value = env.get(name, "")
            if not value:
                raise ConfigError(f"{name} must be set when NAJDA_ENV=production")
            if value == DEMO_VALUES.get(name) or value.startswith(DEMO_PREFIX):
                raise ConfigError(f"{name} still holds a demo value; set a real secret for production")
        for name in ("NAJDA_DATABASE_URL", "NAJDA_REDIS_URL", "NAJDA_PUBLIC_URL", "NAJDA_TWILIO_FROM"):
            if not env.get(name):
                raise ConfigError(f"{name} must be set when NAJDA_ENV=production")
        if self.twilio_api_base_url:
            raise ConfigError("NAJDA_TWILIO_API_BASE_URL points Twilio at a fake server; unset it in production")

    def replace(self, **changes: object) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)
