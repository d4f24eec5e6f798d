"""The Tencent Ads settings on the shop form (reference §5 limits as field errors) and the demo shop's settings."""

import pytest

from channels_sync.demo import _tencent_ads_demo_settings
from channels_sync.engine.context import shop_config
from channels_sync.forms import shop_settings_form
from channels_sync.models import Shop
from channels_sync.platforms.registry import get_adapter
from channels_sync.platforms.settings_schema import FORM_PREFIX
from channels_sync.platforms.tencent_ads.settings import SETTINGS
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


def _form(shop: Shop, settings: dict):
    data = {
        "name": shop.name,
        "platform": shop.platform,
        "app_id": shop.app_id,
        "app_secret": "",
        "base_url": shop.base_url,
        "is_enabled": "on",
        **{FORM_PREFIX + name: value for name, value in settings.items()},
    }
    return shop_settings_form(SETTINGS, shop.platform_settings)(data=data, instance=shop)


def _errors(**changes):
    form = _form(_shop(), {**VALID, **changes})
    form.is_valid()
    return {name.removeprefix(FORM_PREFIX): errors for name, errors in form.errors.items()}


def test_valid_settings_save_with_the_refresh_token_encrypted():
    form = _form(_shop(), VALID)

    assert form.is_valid(), form.errors
    saved = Shop.objects.get(pk=form.save().pk)

    assert SETTINGS.secret(saved.platform_settings, "refresh_token") == "a-refresh-token"
    assert "a-refresh-token" not in str(saved.platform_settings)
    assert shop_config(saved).extra_secret == "a-refresh-token"


def test_a_stored_refresh_token_is_kept_when_left_empty_and_never_shown():
    shop = _shop()
    _form(shop, VALID).save()
    shop = Shop.objects.get(pk=shop.pk)

    form = _form(shop, {**VALID, "refresh_token": "", "new_sku_days": "3"})

    assert form.is_valid(), form.errors
    assert "a-refresh-token" not in str(form[FORM_PREFIX + "refresh_token"])
    saved = Shop.objects.get(pk=form.save().pk)
    assert shop_config(saved).extra_secret == "a-refresh-token"
    assert shop_config(saved).options["new_sku_days"] == 3


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
