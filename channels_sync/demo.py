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
            shops.append(shop)
    return shops
