"""The WeChat Channels store (微信小店 / 视频号小店, ``/channels/ec/...``; API reference §1, §3, seed 000)."""

from channels_sync.platforms.channels.client import (
    CHANNELS_PREFIX,
    SHOP_PREFIX,
    ChannelsClient,
    ProductDataType,
    StockDiffType,
)
from channels_sync.platforms.wechat import ImageUploadType

__all__ = ["CHANNELS_PREFIX", "SHOP_PREFIX", "ChannelsClient", "ImageUploadType", "ProductDataType", "StockDiffType"]
