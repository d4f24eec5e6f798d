"""The open platform's publishProduct of API reference §6 (being written)."""

from __future__ import annotations

from channels_sync.sandbox.base import Platform, RouteTable


class OpenPlatform(Platform):
    name = "open_platform"

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def routes(self) -> RouteTable:
        return {}
