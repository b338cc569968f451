from __future__ import annotations

import pytest
from pydantic import ValidationError

from summit.settings import Settings


def test_defaults_are_sqlite_and_the_in_process_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SUMMIT_DATABASE_URL", "SUMMIT_BROKER_URL", "SUMMIT_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings()

    assert (settings.database_url, settings.broker_url, settings.environment) == (
        "sqlite:///summit.db",
        "memory://",
        "development",
    )


def test_settings_come_from_summit_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMIT_DATABASE_URL", "postgresql+psycopg://db.example.org/summit")
    monkeypatch.setenv("SUMMIT_DEFAULT_LANGUAGE", "ar")
    monkeypatch.setenv("SUMMIT_DEFAULT_TIMEZONE", "Asia/Seoul")
    monkeypatch.setenv("SUMMIT_BASE_URL", "https://summit.example.org/")

    settings = Settings()

    assert (
        settings.database_url,
        settings.default_language,
        settings.default_timezone,
        settings.base_url,
    ) == (
        "postgresql+psycopg://db.example.org/summit",
        "ar",
        "Asia/Seoul",
        "https://summit.example.org",
    )


def test_production_refuses_a_generated_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMIT_SECRET_KEY", raising=False)

    with pytest.raises(ValidationError, match="SUMMIT_SECRET_KEY"):
        Settings(environment="production")


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="SUMMIT_SECRET_KEY"):
        Settings(environment="production", secret_key="too-short")


def test_production_accepts_a_chosen_secret() -> None:
    settings = Settings(environment="production", secret_key="x" * 40)

    assert settings.secret_key == "x" * 40


def test_each_process_generates_its_own_secret_outside_production() -> None:
    assert Settings().secret_key != Settings().secret_key


def test_settings_are_frozen() -> None:
    settings = Settings()

    with pytest.raises(ValidationError):
        settings.database_url = "sqlite:///other.db"  # type: ignore[misc]


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(default_timezone="Mars/Olympus_Mons")


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(databse_url="sqlite:///typo.db")  # type: ignore[call-arg]


def test_the_base_url_is_unset_by_default_and_when_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMIT_BASE_URL", raising=False)
    unset = Settings()
    monkeypatch.setenv("SUMMIT_BASE_URL", "")

    assert (unset.base_url, Settings().base_url) == (None, None)
    assert unset.origins == frozenset()
    assert unset.host_names == ["127.0.0.1", "localhost"]


def test_a_set_base_url_is_allowed_as_host_and_origin() -> None:
    settings = Settings(base_url="https://summit.example.org:8443/")

    assert settings.base_url == "https://summit.example.org:8443"
    assert settings.origins == frozenset({"https://summit.example.org:8443"})
    assert "summit.example.org" in settings.host_names
    assert settings.is_https


@pytest.mark.parametrize("value", ["summit.example.org", "ftp://summit.example.org", "https://"])
def test_a_base_url_that_is_not_an_http_address_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="base URL"):
        Settings(base_url=value)
