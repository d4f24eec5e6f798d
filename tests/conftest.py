"""Fixtures shared by every test.

- Uploaded files go to a per-test MEDIA_ROOT, never to var/.
- Shops may use the emulator on 127.0.0.1 at any port (``SANDBOX_ORIGINS``), whatever DEBUG says: the tests run
  it on free ports. Tests of the production policy set ``settings.SANDBOX_ORIGINS`` themselves.
- ``english`` switches the active language to English for tests that assert English messages
  (the default language is zh-Hans).
- ``requires_redis`` / ``requires_postgres`` give integration tests their services: without them a test skips,
  except with CI=true, where nothing may skip (design §8) and any skip is turned into a failure.
- ``admin_client`` (a client logged in as a superuser) comes from pytest-django.
- Logins go through django-axes, which needs the request: ``client.force_login(user)`` needs none, and
  ``client.login(request=HttpRequest(), username=…, password=…)`` passes one.
"""

import os
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import translation


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_unless_ci(reason: str) -> None:
    """Skip the running test, or fail it in CI, where every test must run."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: tests must not skip)", pytrace=False)
    pytest.skip(reason)


def redis_reachable(url: str, timeout: float = 1.0) -> bool:
    """Whether a Redis server answers PING at ``url``."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


# The emulator origins every test may use (the integration tests' worker process gets the same).
TEST_SANDBOX_ORIGINS = ["http://127.0.0.1:*"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test uploads into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _sandbox_origins(settings):
    settings.SANDBOX_ORIGINS = TEST_SANDBOX_ORIGINS


@pytest.fixture
def english():
    """Activate English for the test (the default language is zh-Hans)."""
    with translation.override("en"):
        yield


@pytest.fixture
def requires_redis(settings) -> str:
    """The REDIS_URL of a reachable Redis server; skips (fails with CI=true) when there is none."""
    url = settings.REDIS_URL
    if not url:
        skip_unless_ci("REDIS_URL is not set")
    if not redis_reachable(url):
        skip_unless_ci(f"Redis at {urlsplit(url).hostname}:{urlsplit(url).port or 6379} is unreachable")
    return url


@pytest.fixture
def requires_postgres() -> None:
    """Skips (fails with CI=true) unless the tests run on PostgreSQL."""
    if connection.vendor != "postgresql":
        skip_unless_ci(f"the database is {connection.vendor}, not PostgreSQL (set DATABASE_URL)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skip is a failure, whatever raised it (design §8: nothing skips in CI)."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which runs every test: {reason}"
