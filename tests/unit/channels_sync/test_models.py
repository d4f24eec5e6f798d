"""The sync models' own rules."""

import pytest

from channels_sync.models import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    shop = Shop(name="测试店", platform="fake", app_id="wx_test", base_url="http://127.0.0.1:1")
    shop.set_app_secret("s3cret-value")
    shop.save()
    return shop


def test_app_secret_is_encrypted_at_rest(shop):
    stored = Shop.objects.values_list("app_secret_encrypted", flat=True).get(pk=shop.pk)

    assert "s3cret-value" not in stored
    assert Shop.objects.get(pk=shop.pk).get_app_secret() == "s3cret-value"
