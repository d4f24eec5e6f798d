"""The legacy WeChat Store, merchant API manual V1.17 (API reference §2)."""

from channels_sync.platforms.wechat_store.client import (
    GroupAction,
    OrderStatus,
    ProductFilter,
    ProductListing,
    WeChatStoreClient,
)

__all__ = ["GroupAction", "OrderStatus", "ProductFilter", "ProductListing", "WeChatStoreClient"]
