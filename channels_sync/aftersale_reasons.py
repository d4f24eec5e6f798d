"""The reasons a merchant may reject an after-sale with: the platform's own list (Channels
``aftersale/rejectreason/get``), read once a day for the reject form."""

from __future__ import annotations

from django.core.cache import cache

from .engine.context import shop_config
from .models import Shop
from .platforms.order_types import RejectReason
from .platforms.registry import get_adapter

# The list changes when the platform adds a reason: a day old is fresh enough, and saves a call per form.
CACHE_SECONDS = 24 * 3600


def reject_reasons(shop: Shop, kinds: set[str]) -> list[RejectReason]:
    """The shop's reasons that apply to every kind in ``kinds`` (a refund, a return). Raises the platform's errors
    (the caller shows them)."""
    key = f"aftersale-reject-reasons:{shop.pk}"
    reasons = cache.get(key)
    if reasons is None:
        reasons = get_adapter(shop_config(shop)).aftersale_reject_reasons()
        cache.set(key, reasons, CACHE_SECONDS)
    return [reason for reason in reasons if kinds <= set(reason.kinds)]
