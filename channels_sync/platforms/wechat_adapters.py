"""The base of the adapters of the WeChat APIs (the V1.17 store, the Channels store, the mini-shop): a client that
carries the shop's access token, and the product-write quota of the platforms that count them.

Each of the three adapters says only which client it talks through and, where the platform counts product writes
per hour and day, the quota's name, settings and errcode. What the Channels store and the mini-shop share is here
too: an image uploaded as bytes whose answer is its link, and the hash of a body whose stock goes out as deltas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings

from ..quotas import product_write_quota
from .adapter import PlatformAdapter, ShopConfig
from .http import Timeouts
from .tokens import shop_token_provider
from .wechat import WECHAT_API_HOSTS

TIMEOUTS = Timeouts(connect=5.0, read=20.0)
# An image upload sends up to a few megabytes: its answer may take longer than a JSON call's.
UPLOAD_TIMEOUTS = Timeouts(connect=5.0, read=60.0)


@dataclass(frozen=True)
class ProductWriteQuota:
    """Where a platform counts product writes: the quota's cache name, the settings that hold its hourly and daily
    limits, and the errcode the platform answers when one is spent."""

    name: str
    per_hour_setting: str
    per_day_setting: str
    errcode: int


class WeChatAdapter(PlatformAdapter):
    api_hosts = WECHAT_API_HOSTS
    # The platform's client class (``WeChatApiClient`` subclass), built with the shop's token provider.
    client_class: ClassVar[type]
    product_write_quota: ClassVar[ProductWriteQuota | None] = None

    def __init__(self, shop: ShopConfig, *, on_call=None, cache=None):
        super().__init__(shop, on_call=on_call, cache=cache)
        cache = self.shared_cache()
        tokens = shop_token_provider(shop, cache=cache, timeouts=TIMEOUTS, host_policy=self.host_policy)
        self.client = self.client_class(
            shop.base_url, tokens=tokens, timeouts=TIMEOUTS, on_call=on_call, host_policy=self.host_policy
        )
        quota = self.product_write_quota
        if quota is not None:
            self.write_quota = product_write_quota(
                cache=cache,
                shop_id=shop.shop_id,
                name=quota.name,
                per_hour=getattr(settings, quota.per_hour_setting),
                per_day=getattr(settings, quota.per_day_setting),
                errcode=quota.errcode,
            )

    def upload_image(self, *, filename: str, data: bytes, width: int, height: int) -> str:
        """The picture's bytes uploaded, answered by a link that never expires (the Channels store: resp_type 1,
        ``mmecimage.cn/p/``; the mini-shop: multipart ``media`` with upload_type/resp_type in the query, §4,
        §7.6), so each image goes up once. V1.17 has an upload of its own."""
        return self.client.image_upload_bytes(data, width, height, filename=filename, timeouts=UPLOAD_TIMEOUTS)


def body_without_stock(body: dict) -> dict:
    """The body with SKU stock blanked (the Channels store, the mini-shop): stock goes out as deltas once listed, so
    it must not make a change."""
    return {**body, "skus": [{**sku, "stock_num": 0} for sku in body.get("skus", [])]}
