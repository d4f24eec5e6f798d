"""The mini-shop (小商店) spu API (reference §4, seed 001)."""

from sandbox.minishop.platform import MiniShop

__all__ = ["MiniShop"]
