"""Builders of shops for the tests and the benchmarks."""

from channels_sync.models import Shop
from channels_sync.platforms.registry import settings_schema


def shop(
    *,
    name: str = "测试店",
    platform: str = "wechat_store",
    app_id: str = "wx_test",
    base_url: str = "http://127.0.0.1:1",
    secret: str = "s3cret-value",
    **fields,
) -> Shop:
    """A saved shop with its app secret set (encrypted, as the shop form stores it)."""
    item = Shop(name=name, platform=platform, app_id=app_id, base_url=base_url, **fields)
    item.set_app_secret(secret)
    item.save()
    return item


def platform_settings_set(shop: Shop, **values) -> Shop:
    """Set or change settings of the shop's platform through its settings schema, as the shop form stores them
    (secrets in plain text here, encrypted when stored); the settings not named keep their value."""
    schema = settings_schema(shop.platform)
    shop.platform_settings = schema.store(
        {**schema.load(shop.platform_settings), **values}, previous=shop.platform_settings
    )
    shop.save(update_fields=["platform_settings"])
    return shop
