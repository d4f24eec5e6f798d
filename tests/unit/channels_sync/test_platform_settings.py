"""Per-shop settings of the platforms that are not WeChat shops, and how the engine hands them to adapters.

Tencent Ads and the open platform need values no catalog object holds (an advertiser account, publishProduct's
sales and delivery terms); the engine reads them into plain values for the adapter, keeps the refresh token
encrypted and out of every repr, and sends stock for platforms that take no stock calls as a product publish.
"""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.engine import context, fanout
from channels_sync.models import RemoteBinding, RemoteSkuStock, Shop, SyncJob
from channels_sync.platforms.open_platform.models import OpenPlatformProductOptions
from channels_sync.selectors import product_options_for
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

ADS_SECRET = "ads-client-secret-value"
ADS_REFRESH_TOKEN = "ads-refresh-token-value"


def _shop(platform: str, name: str, secret: str = "shop-secret-value") -> Shop:
    return factories.shop(
        name=name, platform=platform, app_id=f"{platform}-app", base_url="http://127.0.0.1:9", secret=secret
    )


def _ads_shop() -> Shop:
    shop = _shop("tencent_ads", "广告", secret=ADS_SECRET)
    return factories.platform_settings_set(
        shop,
        account_id=10001,
        data_warehouse_id=101,
        external_store_id="9L07",
        store_type="SHOP",
        sale_channel_name="WECHAT_MINIPROGRAM",
        new_sku_days=0,
        miniprogram_appid="wx_mini_app",
        landing_page_template="pages/item?id={out_product_id}&sku={sku_code}",
        refresh_token=ADS_REFRESH_TOKEN,
    )


def _bind(product: Product, shop: Shop, remote_id: str = "R1") -> RemoteBinding:
    return RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id=remote_id
    )


def test_shop_config_of_a_tencent_ads_shop_carries_its_settings_and_the_decrypted_refresh_token():
    shop = _ads_shop()

    config = context.shop_config(shop)

    assert config.options == {
        "account_id": 10001,
        "data_warehouse_id": 101,
        "external_store_id": "9L07",
        "store_type": "SHOP",
        "sale_channel_name": "WECHAT_MINIPROGRAM",
        "miniprogram_appid": "wx_mini_app",
        "landing_page_template": "pages/item?id={out_product_id}&sku={sku_code}",
        "new_sku_days": 0,
    }
    assert config.extra_secret == ADS_REFRESH_TOKEN
    assert config.app_secret == ADS_SECRET
    assert ADS_REFRESH_TOKEN not in repr(config)
    assert ADS_SECRET not in repr(config)
    # At rest the refresh token is encrypted, like the app secret.
    stored = Shop.objects.get(pk=shop.pk).platform_settings
    assert stored["refresh_token"]
    assert ADS_REFRESH_TOKEN not in str(stored)


def test_shop_config_of_an_open_platform_shop_carries_only_the_defaults_that_are_set():
    shop = _shop("open_platform", "开放平台")
    factories.platform_settings_set(
        shop,
        category_id=1,
        sales_way="DIRECT_SELLING",
        sale_unit="件",
        agreement_price_percent=Decimal("90.00"),
        is_joint_operation=True,
    )

    config = context.shop_config(shop)

    assert config.options == {
        "category_id": 1,
        "sales_way": "DIRECT_SELLING",
        "sale_unit": "件",
        "agreement_price_percent": "90.00",
        "is_joint_operation": True,
    }
    assert config.extra_secret == ""


def test_shop_config_without_platform_settings_has_no_options():
    assert context.shop_config(_shop("tencent_ads", "未设置")).options == {}
    assert context.shop_config(_shop("wechat_store", "小店")).options == {}


def test_product_options_are_the_open_platform_overrides_of_the_product():
    product = factories.product()
    open_shop = _shop("open_platform", "开放平台")
    OpenPlatformProductOptions.objects.create(product=product, keyword="坚果 零食", min_delivery_quantity=2)

    assert product_options_for(open_shop, product) == {"keyword": "坚果 零食", "min_delivery_quantity": 2}
    assert product_options_for(_shop("channels", "视频号"), product) == {}
    assert product_options_for(open_shop, factories.product(out_product_id="OTHER-1")) == {}


def test_a_stock_change_republishes_where_the_platform_takes_no_stock_calls():
    product = factories.product()
    open_shop = _shop("open_platform", "开放平台")
    _bind(product, open_shop)
    sku = product.skus.first()
    before = {s.pk: s.stock for s in product.skus.all()}
    sku.stock += 3
    sku.save()

    fanout.stock_movements_record(product=product, stock_before=before)
    fanout.stock_push_enqueue(product=product)

    jobs = list(SyncJob.objects.filter(shop=open_shop).values_list("kind", flat=True))
    assert jobs == [SyncJob.Kind.PRODUCT_PUBLISH]


def test_a_stock_change_is_a_stock_push_where_the_platform_takes_deltas():
    product = factories.product()
    store = _shop("wechat_store", "小店")
    _bind(product, store)
    sku = product.skus.first()
    RemoteSkuStock.objects.create(shop=store, sku=sku, remote_sku_key="", synced_stock=sku.stock)
    sku.stock += 3
    sku.save()

    fanout.stock_push_enqueue(product=product)

    assert list(SyncJob.objects.filter(shop=store).values_list("kind", flat=True)) == [SyncJob.Kind.STOCK_PUSH]


def test_the_shop_page_shows_the_settings_of_its_platform_only(admin_client):
    ads_shop = _ads_shop()
    store = _shop("wechat_store", "小店")

    ads_page = admin_client.get(reverse("admin:channels_sync_shop_change", args=[ads_shop.pk])).content.decode()
    store_page = admin_client.get(reverse("admin:channels_sync_shop_change", args=[store.pk])).content.decode()

    assert 'name="settings__account_id"' in ads_page
    assert 'name="settings__sales_way"' not in ads_page
    assert 'name="settings__account_id"' not in store_page
    # The refresh token and the app secret are write-only.
    assert ADS_REFRESH_TOKEN not in ads_page
    assert ADS_SECRET not in ads_page


def test_the_product_page_links_drafted_shops_to_their_layers_and_the_others_to_the_payload(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    product = factories.product()
    _bind(product, _shop("channels", "视频号"), remote_id="C1")
    _bind(product, _shop("open_platform", "开放平台"), remote_id="O1")

    page = admin_client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()

    assert page.count(">local, draft and online</a>") == 1
    assert page.count(">payload as sent</a>") == 1


@pytest.mark.parametrize(
    ("platform", "base_url", "error"),
    [
        pytest.param(
            "tencent_ads",
            "https://api.weixin.qq.com",
            "This platform's API is at https://api.e.qq.com, not api.weixin.qq.com.",
            id="ads-on-wechat-host",
        ),
        pytest.param(
            "minishop",
            "https://api.e.qq.com",
            "This platform's API is at https://api.weixin.qq.com, not api.e.qq.com.",
            id="minishop-on-ads-host",
        ),
        pytest.param(
            "open_platform",
            "https://api.weixin.qq.com",
            "api.weixin.qq.com is not allowed for this platform: use https://open.example.com, or ask the operator "
            "to add the host to OPEN_PLATFORM_ALLOWED_HOSTS.",
            id="open-platform-on-wechat-host",
        ),
    ],
)
def test_a_shop_on_another_platforms_host_is_refused_with_a_field_error(
    admin_client, settings, platform, base_url, error
):
    settings.OPEN_PLATFORM_ALLOWED_HOSTS = ["open.example.com"]
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = {"name": "新店", "platform": platform, "app_id": "app", "app_secret": "s", "base_url": base_url}

    response = admin_client.post(reverse("admin:channels_sync_shop_add"), data)

    assert response.context["adminform"].form.errors == {"base_url": [error]}
    assert not Shop.objects.filter(name="新店").exists()


def test_a_tencent_ads_shop_on_its_own_host_or_the_emulator_is_saved(admin_client):
    for name, base_url in (("广告", "https://api.e.qq.com"), ("广告模拟器", "http://127.0.0.1:8765")):
        data = {"name": name, "platform": "tencent_ads", "app_id": name, "app_secret": "s", "base_url": base_url}

        response = admin_client.post(reverse("admin:channels_sync_shop_add"), data)

        # Saved, and on to the shop's page, where its Tencent Ads settings are asked for.
        shop = Shop.objects.get(name=name)
        assert response.status_code == 302
        assert response.url == reverse("admin:channels_sync_shop_change", args=[shop.pk])
    assert sorted(Shop.objects.values_list("base_url", flat=True)) == ["http://127.0.0.1:8765", "https://api.e.qq.com"]
