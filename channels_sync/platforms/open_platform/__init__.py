"""The open platform's publishProduct (API reference §6, seed 004): form-encoded, token in the body."""

from channels_sync.platforms.open_platform.client import PUBLISH_PRODUCT_PATH, OpenPlatformClient

__all__ = ["PUBLISH_PRODUCT_PATH", "OpenPlatformClient"]
