"""Demo shops for the embedded default: accounts of the local platform emulator (channels_sync/sandbox)."""

from decimal import Decimal

from django.db import transaction

from products.models import Platform

from .engine.outbox import sync_job_enqueue
from .models import Shop, SyncJob
from .platforms.registry import settings_schema

# The emulator accepts these (channels_sync/sandbox/README.md); they are not secrets of any real account.
DEMO_SHOPS = [
    {
        "name": "演示微信小店 (V1.17)",
        "platform": Platform.WECHAT_STORE,
        "app_id": "wx_demo_store",
        "secret": "demo-store-secret",
        "push_token": "sandbox-push-token",
    },
    {
        "name": "演示视频号小店 (Channels)",
        "platform": Platform.CHANNELS,
        "app_id": "wx_demo_channels",
        "secret": "demo-channels-secret",
        "push_token": "sandbox-push-token",
    },
    {
        "name": "演示小商店 (mini-shop)",
        "platform": Platform.MINISHOP,
        "app_id": "wx_demo_minishop",
        "secret": "demo-minishop-secret",
        "push_token": "",
    },
    {
        "name": "演示腾讯广告销售信息 (Tencent Ads)",
        "platform": Platform.TENCENT_ADS,
        "app_id": "ads_demo_client",
        "secret": "demo-ads-secret",
        "push_token": "",
    },
    {
        "name": "演示开放平台 (publishProduct)",
        "platform": Platform.OPEN_PLATFORM,
        "app_id": "open_demo_merchant",
        "secret": "demo-open-token",
        "push_token": "",
    },
]


def demo_shops_ensure(*, sandbox_base_url: str) -> list[Shop]:
    """Create the demo shops pointing at the emulator, once; later runs leave them as the merchant set them."""
    shops = []
    with transaction.atomic():
        for spec in DEMO_SHOPS:
            shop = Shop.objects.filter(name=spec["name"]).first()
            if shop is None:
                shop = Shop(
                    name=spec["name"],
                    platform=spec["platform"],
                    app_id=spec["app_id"],
                    base_url=sandbox_base_url,
                    push_token=spec["push_token"],
                )
                shop.set_app_secret(spec["secret"])
                shop.full_clean()
                shop.save()
                settings_builder = DEMO_SETTINGS_BUILDERS.get(shop.platform)
                if settings_builder is not None:
                    settings_builder(shop)
            shops.append(shop)
    return shops


def _tencent_ads_demo_settings(shop: Shop) -> None:
    """The emulator's demo advertiser account, data warehouse and store (channels_sync/sandbox/README.md,
    "Tencent Ads"): account 10001234 with warehouse 101, and the refresh token it issues to ads_demo_client."""
    _demo_settings_save(
        shop,
        {
            "account_id": 10001234,
            "data_warehouse_id": 101,
            "external_store_id": "DEMO-STORE-01",
            "store_type": "SHOP",
            "sale_channel_name": "WECHAT_MINIPROGRAM",
            "miniprogram_appid": "wx_demo_miniprogram",
            "landing_page_template": "pages/product/index?id={out_product_id}&sku={sku_code}",
            "new_sku_days": 7,
            "refresh_token": "demo-ads-refresh-token",
        },
    )


def _open_platform_demo_settings(shop: Shop) -> None:
    """Defaults for the publishProduct fields the catalog does not hold, so a demo product publishes as it is:
    category 1001 (T恤) is one the emulator knows (channels_sync/sandbox/README.md, "Open platform")."""
    _demo_settings_save(
        shop,
        {
            "is_joint_operation": False,
            "category_id": 1001,
            "brand_name": "演示品牌",
            "sales_way": "DIRECT_SELLING",
            "settlement_way": "PROPORTIONAL",
            "delivery_way": "FACTORY_DELIVERY",
            "delivery_timeliness": 2,
            "time_period_type": "DAY",
            "sales_channels": [
                {
                    "salesChannel": "DEFAULT",
                    "displayTimeStart": "2025-01-01 00:00:00",
                    "displayTimeEnd": "2035-12-31 23:59:59",
                    "sevenDaysForReturn": 1,
                    "salesRegionList": ["全国"],
                }
            ],
            "sale_unit": "件",
            "agreement_price_percent": Decimal("90.00"),
            "reference_price_percent": Decimal("100.00"),
            "min_delivery_quantity": 1,
            "main_media_type": "MAIN_PICTURE",
            "extra_media_type": "CAROUSEL_PICTURE",
        },
    )


def _demo_settings_save(shop: Shop, values: dict) -> None:
    """The demo shop's settings, through its platform's schema as the shop form stores them."""
    shop.platform_settings = settings_schema(shop.platform).store(values)
    shop.save(update_fields=["platform_settings", "updated_at"])


def _minishop_demo_freight_import(shop: Shop) -> None:
    """The mini-shop cannot create freight templates: its templates are imported, once, when the demo shop is
    created. The emulator's shops hold one named like the demo catalog's ("默认运费模板（演示）"), so the import binds
    it and a demo product publishes as it is (channels_sync/sandbox/README.md, "Mini-shop (小商店)")."""
    sync_job_enqueue(shop=shop, kind=SyncJob.Kind.FREIGHT_IMPORT)


DEMO_SETTINGS_BUILDERS = {
    Platform.MINISHOP: _minishop_demo_freight_import,
    Platform.TENCENT_ADS: _tencent_ads_demo_settings,
    Platform.OPEN_PLATFORM: _open_platform_demo_settings,
}


def demo_event_urls_configure(*, sandbox_url: str, admin_url: str) -> dict[str, str]:
    """Point the emulator's event pushes at the webhooks of the shops that use it (one shop per platform).

    The emulator sends V1.17 order-paid pushes to ``event_url`` and Channels product events to
    ``channels_event_url``; each shop's webhook is ``/channels_sync/push/<shop id>/``. Returns what was set.
    """
    import requests
    from django.urls import reverse

    keys = {Platform.WECHAT_STORE: "event_url", Platform.CHANNELS: "channels_event_url"}
    config: dict[str, str] = {}
    for shop in Shop.objects.filter(base_url__startswith=sandbox_url.rstrip("/"), is_enabled=True).order_by("pk"):
        key = keys.get(shop.platform)
        if key and key not in config:
            config[key] = admin_url.rstrip("/") + reverse("channels_sync:push", args=[shop.pk])
    if config:
        session = requests.Session()
        session.trust_env = False
        session.post(f"{sandbox_url.rstrip('/')}/__sandbox__/config", json=config, timeout=5).raise_for_status()
    return config
