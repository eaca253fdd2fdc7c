"""Settings: demo values in development, a refusal naming the variable in production."""

from __future__ import annotations

import pytest

from triage import create_app
from triage.config import DEMO_VALUES, ConfigError, Settings

PRODUCTION = {
    "NAJDA_ENV": "production",
    "NAJDA_DATABASE_URL": "postgresql+psycopg://najda@db/najda",
    "NAJDA_REDIS_URL": "redis://redis:6379/0",
    "NAJDA_PUBLIC_URL": "https://najda.example.gov",
    "NAJDA_TWILIO_FROM": "+966500000000",
    **{name: f"real-{name.lower()}-value" for name in DEMO_VALUES},
}


def test_production_with_every_secret_starts() -> None:
    settings = Settings.from_env(PRODUCTION)
    assert settings.is_production and settings.public_url == "https://najda.example.gov"


@pytest.mark.parametrize("name", sorted(DEMO_VALUES))
def test_production_refuses_a_missing_secret_and_names_it(name: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(env)


@pytest.mark.parametrize("name", sorted(DEMO_VALUES))
def test_production_refuses_a_demo_secret_and_names_it(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({**PRODUCTION, name: DEMO_VALUES[name]})


def test_production_refuses_the_fake_twilio_server() -> None:
    with pytest.raises(ConfigError, match="NAJDA_TWILIO_API_BASE_URL"):
        Settings.from_env({**PRODUCTION, "NAJDA_TWILIO_API_BASE_URL": "http://127.0.0.1:5031"})


def test_create_app_refuses_to_start_in_production_with_a_demo_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {**PRODUCTION, "NAJDA_SECRET_KEY": "demo-secret-key"}.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match="NAJDA_SECRET_KEY"):
        create_app()


def test_development_fills_in_demo_values_and_environment_wins() -> None:
    settings = Settings.from_env({"NAJDA_GENERIC_SECRET": "mine"}, instance_path="/tmp/najda-x")
    assert settings.generic_secret == "mine"
    assert settings.secret_key == DEMO_VALUES["NAJDA_SECRET_KEY"]
    assert settings.database_url == "sqlite:////tmp/najda-x/najda.sqlite3"
