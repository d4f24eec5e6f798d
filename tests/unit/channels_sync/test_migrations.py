"""Migration 0009 moves the settings of Tencent Ads and open-platform shops from their own tables into
``Shop.platform_settings``, and back: a database holding both keeps every value both ways, the refresh token still
encrypted."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from channels_sync.crypto import decrypt_secret, encrypt_secret
from channels_sync.platforms.open_platform.settings import SETTINGS as OPEN_PLATFORM_SETTINGS
from channels_sync.platforms.registry import shop_settings
from channels_sync.platforms.tencent_ads.settings import SETTINGS as TENCENT_ADS_SETTINGS

BEFORE = [("channels_sync", "0008_sync_job_kinds_orders_and_imports")]
AFTER = [("channels_sync", "0009_platform_settings_json")]
EXPIRES = datetime(2027, 3, 1, 8, 30, tzinfo=UTC)
CHANNEL = {
    "salesChannel": "DEFAULT",
    "displayTimeStart": "2025-01-01 00:00:00",
    "displayTimeEnd": "2035-12-31 23:59:59",
    "sevenDaysForReturn": 1,
    "salesRegionList": ["全国"],
}
ADS_VALUES = {
    "account_id": 10001234,
    "data_warehouse_id": 101,
    "external_store_id": "门店-01",
    "store_type": "WAREHOUSE",
    "sale_channel_name": "WECHAT_H5",
    "miniprogram_appid": "wx_mini",
    "landing_page_template": "pages/p?id={out_product_id}",
    "new_sku_days": 7,
}
OPEN_VALUES = {
    "category_id": 1001,
    "brand_name": "演示品牌",
    "keyword": "T恤 夏季",
    "sales_way": "CONSIGNMENT",
    "settlement_way": "SETTLEMENT_PRICE",
    "delivery_way": "JD_DELIVERY",
    "delivery_timeliness": 48,
    "time_period_type": "HOUR",
    "sales_channels": [CHANNEL],
    "sale_unit": "件",
    "agreement_price_percent": Decimal("90.50"),
    "reference_price_percent": Decimal("100.00"),
    "min_delivery_quantity": 2,
    "main_media_type": "MAIN_PICTURE",
    "extra_media_type": "CAROUSEL_PICTURE",
    "check_price_url": "https://price.example.com/check",
    "check_price_attachment": "核价单.pdf",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def _shops(apps):
    Shop = apps.get_model("channels_sync", "Shop")
    return {
        platform: Shop.objects.create(name=platform, platform=platform, app_id=f"{platform}-app")
        for platform in ("tencent_ads", "open_platform", "wechat_store")
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_tencent_ads_and_open_platform_settings_move_into_the_shop_and_back():
    # Given, at 0008, a Tencent Ads shop and an open-platform shop with every setting, and a shop with none
    apps = _migrate(BEFORE)
    shops = _shops(apps)
    refresh_token_encrypted = encrypt_secret("a-refresh-token")
    apps.get_model("channels_sync", "TencentAdsSettings").objects.create(
        shop_id=shops["tencent_ads"].pk,
        **ADS_VALUES,
        refresh_token_encrypted=refresh_token_encrypted,
        refresh_token_expires_at=EXPIRES,
    )
    apps.get_model("channels_sync", "OpenPlatformSettings").objects.create(
        shop_id=shops["open_platform"].pk, is_joint_operation=True, **OPEN_VALUES
    )

    # When migrated forward
    apps = _migrate(AFTER)
    stored = dict(apps.get_model("channels_sync", "Shop").objects.values_list("platform", "platform_settings"))

    # Then each shop holds its settings as its schema reads them, the token as it was stored (encrypted)
    assert stored["wechat_store"] == {}
    assert stored["tencent_ads"] == {
        **ADS_VALUES,
        "refresh_token": refresh_token_encrypted,
        "refresh_token_expires_at": "2027-03-01T08:30:00+00:00",
    }
    assert TENCENT_ADS_SETTINGS.load(stored["tencent_ads"]) == {**ADS_VALUES, "refresh_token_expires_at": EXPIRES}
    assert shop_settings("tencent_ads", stored["tencent_ads"]) == (ADS_VALUES, "a-refresh-token")
    assert stored["open_platform"] == {
        **OPEN_VALUES,
        "agreement_price_percent": "90.50",
        "reference_price_percent": "100.00",
        "is_joint_operation": True,
    }
    assert OPEN_PLATFORM_SETTINGS.load(stored["open_platform"]) == {**OPEN_VALUES, "is_joint_operation": True}

    # When migrated back
    apps = _migrate(BEFORE)

    # Then the rows are back with every value
    ads = apps.get_model("channels_sync", "TencentAdsSettings").objects.get()
    assert ads.shop_id == shops["tencent_ads"].pk
    assert {name: getattr(ads, name) for name in ADS_VALUES} == ADS_VALUES
    assert decrypt_secret(ads.refresh_token_encrypted) == "a-refresh-token"
    assert ads.refresh_token_expires_at == EXPIRES
    defaults = apps.get_model("channels_sync", "OpenPlatformSettings").objects.get()
    assert defaults.shop_id == shops["open_platform"].pk
    assert {name: getattr(defaults, name) for name in OPEN_VALUES} == OPEN_VALUES
    assert defaults.is_joint_operation is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_blank_open_platform_defaults_are_left_out_and_come_back_blank():
    apps = _migrate(BEFORE)
    shops = _shops(apps)
    apps.get_model("channels_sync", "OpenPlatformSettings").objects.create(
        shop_id=shops["open_platform"].pk, category_id=7, sale_unit="箱"
    )

    apps = _migrate(AFTER)
    shop = apps.get_model("channels_sync", "Shop").objects.get(pk=shops["open_platform"].pk)
    assert shop.platform_settings == {"category_id": 7, "sale_unit": "箱", "is_joint_operation": False}

    apps = _migrate(BEFORE)
    defaults = apps.get_model("channels_sync", "OpenPlatformSettings").objects.get()
    assert (defaults.category_id, defaults.sale_unit, defaults.brand_name, defaults.sales_channels) == (
        7,
        "箱",
        "",
        None,
    )
    assert defaults.agreement_price_percent is None
    assert not apps.get_model("channels_sync", "TencentAdsSettings").objects.exists()
