"""The settings module, read in a fresh interpreter: the embedded default, and production from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_DIR = Path(settings.BASE_DIR)
CONFIG_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "FIELD_ENCRYPTION_KEY",
    "CSRF_TRUSTED_ORIGINS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "CELERY_TASK_ALWAYS_EAGER",
)

PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from shopadmin.celery import app
app.loader.import_default_modules()
print(json.dumps({
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "broker_url": app.conf.broker_url,
    "broker_options": app.conf.broker_transport_options,
    "acks_late": app.conf.task_acks_late,
    "prefetch": app.conf.worker_prefetch_multiplier,
    "serializer": app.conf.task_serializer,
    "beat_schedule_filename": app.conf.beat_schedule_filename,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "secret_key_is_dev": settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "language_code": settings.LANGUAGE_CODE,
}))
"""


def settings_in_subprocess(var_dir: Path, **environment: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="shopadmin.settings", SHOPADMIN_VAR_DIR=str(var_dir), **environment)
    completed = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("var")


def test_embedded_default_needs_no_server(var_dir):
    values = settings_in_subprocess(var_dir)

    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(var_dir / "db.sqlite3")
    assert values["cache_backend"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["cache_location"] == "shopadmin_cache"
    assert values["broker_url"] == "filesystem://localhost//"
    assert values["broker_options"]["data_folder_in"] == str(var_dir / "broker" / "out")
    assert values["beat_schedule_filename"] == str(var_dir / "celerybeat-schedule")
    assert values["debug"] is True
    assert values["secret_key_is_dev"] is True
    assert values["language_code"] == "zh-hans"


def test_celery_creates_the_filesystem_broker_folders(tmp_path):
    # Given a var/ without a broker folder
    assert not (tmp_path / "broker").exists()

    # When the Celery app is configured
    settings_in_subprocess(tmp_path)

    # Then kombu's filesystem transport has its folders
    assert (tmp_path / "broker" / "out").is_dir()
    assert (tmp_path / "broker" / "processed").is_dir()


def test_production_environment_uses_postgresql_and_redis(var_dir):
    values = settings_in_subprocess(
        var_dir,
        DATABASE_URL="postgres://shopadmin:secret@db.internal:5432/shopadmin",
        REDIS_URL="redis://cache.internal:6379/2",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="admin.example.com,shop.example.com",
        DEBUG="false",
    )

    assert values["db_engine"] == "django.db.backends.postgresql"
    assert values["db_host"] == "db.internal"
    assert values["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/2"
    assert values["broker_url"] == "redis://cache.internal:6379/2"
    assert values["broker_options"] == {"visibility_timeout": 3600}
    assert values["debug"] is False
    assert values["allowed_hosts"] == ["admin.example.com", "shop.example.com"]
    assert values["secret_key_is_dev"] is False
    assert values["session_cookie_secure"] is True


def test_tasks_are_acknowledged_late_and_prefetched_one_at_a_time(var_dir):
    values = settings_in_subprocess(var_dir)

    # A worker that dies mid-task leaves the message to be redelivered, and a busy worker holds no backlog.
    assert values["acks_late"] is True
    assert values["prefetch"] == 1
    assert values["serializer"] == "json"
