"""The shop page shows the settings its platform's schema declares, stores them in ``Shop.platform_settings`` with
the shop in one write, and never shows a secret back."""

import pytest
from django.urls import reverse

from channels_sync.models import Shop
from channels_sync.platforms.registry import shop_settings
from channels_sync.platforms.settings_schema import FORM_PREFIX
from tests import factories

pytestmark = pytest.mark.django_db

REFRESH_TOKEN = "ads-refresh-token-value"
ADS = {
    "account_id": "10001234",
    "data_warehouse_id": "101",
    "external_store_id": "9L07",
    "store_type": "SHOP",
    "sale_channel_name": "WECHAT_MINIPROGRAM",
    "new_sku_days": "0",
    "miniprogram_appid": "wx_mini",
    "landing_page_template": "pages/p?id={out_product_id}",
    "refresh_token_expires_at_0": "",
    "refresh_token_expires_at_1": "",
}
# The change page: the session, the user and the shop; the settings come with the shop's row (the settings inline
# of a Tencent Ads or open-platform shop cost one more before they moved into it).
SHOP_PAGE_QUERIES = 3


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _ads_shop() -> Shop:
    return factories.shop(name="广告", platform="tencent_ads", app_id="ads", base_url="http://127.0.0.1:9")


def _post(shop: Shop, settings: dict, **shop_fields) -> dict:
    data = {
        "name": shop.name,
        "platform": shop.platform,
        "app_id": shop.app_id,
        "app_secret": "",
        "base_url": shop.base_url,
        "push_token": "",
        "is_enabled": "on",
        **shop_fields,
    }
    return {**data, **{FORM_PREFIX + name: value for name, value in settings.items()}}


def _url(shop: Shop) -> str:
    return reverse("admin:channels_sync_shop_change", args=[shop.pk])


@pytest.mark.parametrize("platform", ["tencent_ads", "open_platform", "wechat_store"])
def test_the_shop_page_costs_the_same_queries_for_every_platform(admin_client, django_assert_num_queries, platform):
    shop = factories.shop(name=platform, platform=platform, base_url="http://127.0.0.1:9")
    admin_client.get(_url(shop))

    with django_assert_num_queries(SHOP_PAGE_QUERIES):
        response = admin_client.get(_url(shop))

    assert response.status_code == 200


def test_the_tencent_ads_settings_are_saved_with_the_shop_and_the_token_is_never_shown(admin_client, english):
    shop = _ads_shop()

    response = admin_client.post(_url(shop), _post(shop, {**ADS, "refresh_token": REFRESH_TOKEN}))

    assert response.status_code == 302
    shop.refresh_from_db()
    options, secret = shop_settings("tencent_ads", shop.platform_settings)
    assert options == {
        "account_id": 10001234,
        "data_warehouse_id": 101,
        "external_store_id": "9L07",
        "store_type": "SHOP",
        "sale_channel_name": "WECHAT_MINIPROGRAM",
        "miniprogram_appid": "wx_mini",
        "landing_page_template": "pages/p?id={out_product_id}",
        "new_sku_days": 0,
    }
    assert secret == REFRESH_TOKEN
    page = admin_client.get(_url(shop)).content.decode()
    assert REFRESH_TOKEN not in page
    assert shop.platform_settings["refresh_token"] not in page
    assert 'placeholder="Saved; leave empty to keep it."' in page
    assert 'value="10001234"' in page


def test_a_stored_refresh_token_is_kept_when_the_field_is_left_empty(admin_client, english):
    shop = _ads_shop()
    admin_client.post(_url(shop), _post(shop, {**ADS, "refresh_token": REFRESH_TOKEN}))
    shop.refresh_from_db()
    stored_token = shop.platform_settings["refresh_token"]

    response = admin_client.post(_url(shop), _post(shop, {**ADS, "refresh_token": "", "new_sku_days": "5"}))

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.platform_settings["refresh_token"] == stored_token
    assert shop.platform_settings["new_sku_days"] == 5


def test_an_invalid_setting_is_a_field_error_and_nothing_is_written(admin_client, english):
    shop = _ads_shop()

    response = admin_client.post(
        _url(shop), _post(shop, {**ADS, "account_id": "abc", "refresh_token": ""}, name="改名")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {
        FORM_PREFIX + "account_id": ["Enter a whole number."],
        FORM_PREFIX + "refresh_token": ["Enter the refresh token of this account."],
    }
    shop.refresh_from_db()
    assert (shop.name, shop.platform_settings) == ("广告", {})


def test_an_invalid_setting_is_named_in_chinese(admin_client):
    shop = _ads_shop()

    response = admin_client.post(_url(shop), _post(shop, {**ADS, "account_id": "0", "refresh_token": "t"}))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[FORM_PREFIX + "account_id"]
    assert errors == ["请输入腾讯广告分配的 ID；0 不是有效的 ID。"]


def test_a_shop_moved_to_another_platform_drops_the_former_platforms_settings(admin_client, english):
    shop = _ads_shop()
    admin_client.post(_url(shop), _post(shop, {**ADS, "refresh_token": REFRESH_TOKEN}))

    response = admin_client.post(
        _url(shop),
        _post(shop, {}, platform="wechat_store", base_url="http://127.0.0.1:9", app_secret="new-secret"),
    )

    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.platform, shop.platform_settings) == ("wechat_store", {})


def test_a_shop_moved_to_a_platform_with_settings_goes_on_to_them(admin_client, english):
    shop = factories.shop(name="小店", platform="wechat_store", base_url="https://api.weixin.qq.com")

    response = admin_client.post(
        _url(shop), _post(shop, {}, platform="tencent_ads", base_url="http://127.0.0.1:9", app_secret="new-secret")
    )

    assert (response.status_code, response.url) == (302, _url(shop))
    page = admin_client.get(response.url).content.decode()
    assert "The shop is saved; now enter its Tencent Ads sales info settings." in page
    assert 'name="settings__account_id"' in page
