"""Demo shops for the embedded default: accounts of the local platform emulator (channels_sync/sandbox)."""

from django.db import transaction

from products.models import Platform

from .models import Shop

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
    """The emulator's demo advertiser account, data warehouse and store (channels_sync/sandbox/README.md)."""
    raise NotImplementedError  # being written


def _open_platform_demo_settings(shop: Shop) -> None:
    """Defaults for the publishProduct fields the catalog does not hold."""
    raise NotImplementedError  # being written


DEMO_SETTINGS_BUILDERS = {
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
