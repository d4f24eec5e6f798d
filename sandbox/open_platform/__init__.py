"""The open platform's publishProduct (reference §6, seed 004)."""

from sandbox.open_platform.platform import OpenPlatform

__all__ = ["OpenPlatform"]
