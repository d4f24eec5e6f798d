"""The Tencent Ads settings form (reference §5 limits as field errors) and the demo shop's settings."""

import pytest

from channels_sync.demo import _tencent_ads_demo_settings
from channels_sync.engine.context import shop_config
from channels_sync.forms import TencentAdsSettingsForm
from channels_sync.models import Shop, TencentAdsSettings
from channels_sync.platforms.registry import get_adapter
from products.demo import demo_catalog_create
from products.models import Product
from products.selectors import product_snapshot

pytestmark = pytest.mark.django_db

VALID = {
    "account_id": "10001234",
    "data_warehouse_id": "101",
    "external_store_id": "9L07",
    "store_type": "SHOP",
    "sale_channel_name": "WECHAT_MINIPROGRAM",
    "new_sku_days": "0",
    "miniprogram_appid": "wx1234567890abcdef",
    "landing_page_template": "pages/product/index?id={out_product_id}&sku={sku_code}",
    "refresh_token": "a-refresh-token",
}


def _shop() -> Shop:
    shop = Shop(name="广告", platform="tencent_ads", app_id="ads_demo_client", base_url="http://127.0.0.1:9")
    shop.set_app_secret("demo-ads-secret")
    shop.save()
    return shop


def _errors(**changes):
    form = TencentAdsSettingsForm(data={**VALID, **changes}, instance=TencentAdsSettings(shop=_shop()))
    form.is_valid()
    return form.errors


def test_valid_settings_save_with_the_refresh_token_encrypted():
    form = TencentAdsSettingsForm(data=VALID, instance=TencentAdsSettings(shop=_shop()))

    assert form.is_valid(), form.errors
    saved = form.save()

    assert saved.get_refresh_token() == "a-refresh-token"
    assert "a-refresh-token" not in saved.refresh_token_encrypted


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"external_store_id": "门店" * 6}, "external_store_id", "At most 32 bytes"),
        ({"miniprogram_appid": "程" * 400}, "miniprogram_appid", "At most 1024 bytes"),
        ({"landing_page_template": "pages/index"}, "landing_page_template", "{out_product_id} or {sku_code}"),
        ({"landing_page_template": "pages/p?id={product_id}"}, "landing_page_template", "{product_id}"),
        ({"account_id": "0"}, "account_id", "0 is not an id"),
        ({"data_warehouse_id": "0"}, "data_warehouse_id", "0 is not an id"),
        ({"sale_channel_name": "wxapp"}, "sale_channel_name", "wxapp"),
        ({"refresh_token": ""}, "refresh_token", "refresh token"),
    ],
)
def test_settings_that_the_platform_would_refuse_are_field_errors(changes, field, text, english):
    errors = _errors(**changes)

    assert field in errors
    assert text in " ".join(errors[field])


def test_the_demo_settings_build_a_valid_body_for_the_demo_catalog():
    shop = _shop()
    _tencent_ads_demo_settings(shop)
    demo_catalog_create()

    config = shop_config(shop)
    adapter = get_adapter(config)

    assert config.extra_secret == "demo-ads-refresh-token"
    for product in Product.objects.all():
        payload = adapter.product_payload(
            snapshot=product_snapshot(product_id=product.pk),
            image_urls={},
            freight_template_remote_id=None,
            binding=None,
            remote=None,
        )
        assert payload.body["account_id"] == 10001234
        assert len(payload.body["sku_sales_infos"]) == product.skus.count()
