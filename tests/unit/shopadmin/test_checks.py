"""The production system check: with DEBUG off, each missing setting is reported on its own."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from shopadmin.checks import check_platform_host_settings, check_production_settings

PRODUCTION = {
    "SECRET_KEY": "k" * 50,
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": ["admin.example.com"],
    "FIELD_ENCRYPTION_KEY": "bXlfdGVzdF9rZXlfdGhhdF9pc18zMl9ieXRlc19sb25nIT0=",
    # Production enables no emulator: DEBUG off gives an empty default.
    "SANDBOX_ORIGINS": [],
}
PRODUCTION_DATABASE_URL = "postgres://shopadmin@db.internal:5432/shopadmin"

# What each error id stands for, and how to take that setting away again.
MISSING = {
    "shopadmin.E001": ("SECRET_KEY", "django-insecure-shopadmin-embedded-default-do-not-use-in-production"),
    "shopadmin.E002": ("DATABASE_URL", None),
    "shopadmin.E003": ("REDIS_URL", ""),
    "shopadmin.E004": ("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"]),
    "shopadmin.E005": ("FIELD_ENCRYPTION_KEY", ""),
}


@pytest.fixture
def production(settings, monkeypatch):
    """Settings as production sets them, with DEBUG off."""
    settings.DEBUG = False
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DATABASE_URL)
    return settings


def error_ids() -> list[str]:
    return [error.id for error in check_production_settings(None)]


def test_complete_production_settings_pass(production):
    assert error_ids() == []


@pytest.mark.parametrize("error_id", sorted(MISSING))
def test_each_missing_setting_is_reported_alone(production, monkeypatch, error_id):
    # Given production settings with one of them missing
    name, value = MISSING[error_id]
    if name == "DATABASE_URL":
        monkeypatch.delenv("DATABASE_URL")
    else:
        setattr(production, name, value)

    # Then exactly its error is reported, naming the environment variable to set
    errors = check_production_settings(None)
    assert [error.id for error in errors] == [error_id]
    assert name in errors[0].msg + errors[0].hint


def test_short_secret_key_is_refused(production):
    production.SECRET_KEY = "short"

    assert error_ids() == ["shopadmin.E001"]


def test_embedded_default_with_debug_off_reports_everything(settings, monkeypatch):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.INSECURE_DEV_SECRET_KEY
    settings.REDIS_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.SANDBOX_ORIGINS = []
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert error_ids() == sorted(MISSING)


def test_nothing_is_reported_with_debug_on(settings, monkeypatch):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.INSECURE_DEV_SECRET_KEY
    settings.REDIS_URL = ""
    settings.FIELD_ENCRYPTION_KEY = ""
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert error_ids() == []


def test_the_check_is_registered(production):
    production.FIELD_ENCRYPTION_KEY = ""

    assert "shopadmin.E005" in [message.id for message in run_checks()]


def test_manage_check_fails_on_missing_production_settings(production, monkeypatch):
    monkeypatch.delenv("DATABASE_URL")

    with pytest.raises(SystemCheckError, match="shopadmin.E002"):
        call_command("check")


def test_emulator_origins_in_production_are_reported(production):
    production.SANDBOX_ORIGINS = ["http://127.0.0.1:*"]

    errors = check_production_settings(None)

    assert [error.id for error in errors] == ["shopadmin.E006"]
    assert errors[0].msg == (
        "SANDBOX_ORIGINS is set with DEBUG off: shops could send their app secrets to http://127.0.0.1:*, which is "
        "meant for the local emulator only."
    )


def test_emulator_origins_are_allowed_with_debug_on(settings):
    settings.DEBUG = True
    settings.SANDBOX_ORIGINS = ["http://127.0.0.1:*"]

    assert error_ids() == []


def test_host_settings_that_do_not_parse_are_reported_in_any_mode(settings):
    settings.SANDBOX_ORIGINS = ["http://127.0.0.1:*", "127.0.0.1:8765", "ftp://localhost:21"]
    settings.OPEN_PLATFORM_ALLOWED_HOSTS = ["open.example.com", "https://open.example.com/api", "*.example.com"]

    errors = check_platform_host_settings(None)

    assert [(error.id, error.msg) for error in errors] == [
        ("shopadmin.E007", "SANDBOX_ORIGINS has entries that are not origins: 127.0.0.1:8765, ftp://localhost:21."),
        (
            "shopadmin.E008",
            "OPEN_PLATFORM_ALLOWED_HOSTS has entries that are not host names: https://open.example.com/api, "
            "*.example.com.",
        ),
    ]


def test_well_formed_host_settings_pass(settings):
    settings.SANDBOX_ORIGINS = ["http://127.0.0.1:*", "http://localhost:8765", "http://[::1]:*", "http://sandbox"]
    settings.OPEN_PLATFORM_ALLOWED_HOSTS = ["open.example.com", "api.example.com:8443", "124.220.215.169"]

    assert check_platform_host_settings(None) == []
