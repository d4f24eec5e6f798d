"""Tencent Ads / 腾讯有数 sales information (reference §5, seed 003)."""

from sandbox.tencent_ads.platform import TencentAds

__all__ = ["TencentAds"]
