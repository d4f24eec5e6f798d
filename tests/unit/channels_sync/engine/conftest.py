"""Fixtures of the engine tests: a shop of the fake platform, its remote side, and a product; and for the tests
on the emulator, the emulator served in-process (the platform clients' fixtures)."""

import pytest

from channels_sync.models import Shop
from tests import factories
from tests.unit.channels_sync.fake_platform import install_fake_platform
from tests.unit.platforms.conftest import sandbox, server  # noqa: F401  (fixtures shared with the clients' tests)


@pytest.fixture
def remote(monkeypatch):
    # Tasks are queued on commit; these tests run jobs by hand instead.
    return install_fake_platform(monkeypatch)


@pytest.fixture
def shop(db):
    shop = Shop(name="测试店", platform="fake", app_id="wx_test", base_url="http://127.0.0.1:1")
    shop.set_app_secret("s3cret-value")
    shop.save()
    return shop


@pytest.fixture
def product(db):
    return factories.product()
