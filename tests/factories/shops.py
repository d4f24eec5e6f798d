"""Builders of shops for the tests and the benchmarks."""

from channels_sync.models import Shop


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
