"""Tencent Ads sales info of API reference §5 (being written)."""

from __future__ import annotations

from channels_sync.sandbox.base import Platform, RouteTable


class TencentAds(Platform):
    name = "tencent_ads"

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def routes(self) -> RouteTable:
        return {}
