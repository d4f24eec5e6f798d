"""The mini-shop (小商店, ``/product/...``; API reference §1, §4, seed 001)."""

from channels_sync.platforms.minishop.client import MiniShopClient, StockUpdateType
from channels_sync.platforms.wechat import ImageUploadType

__all__ = ["ImageUploadType", "MiniShopClient", "StockUpdateType"]
