"""The mini-shop (小商店) spu API of API reference §4 (being written)."""

from __future__ import annotations

from channels_sync.sandbox.base import Platform, RouteTable


class MiniShop(Platform):
    name = "minishop"

    def __init__(self, ctx, tokens) -> None:
        self.ctx = ctx
        self.tokens = tokens

    def routes(self) -> RouteTable:
        return {}
