"""The delivery companies a shop ships with: the platform's own list where its API has one (Channels,
mini-shop), read once a day; the V1.17 manual's table otherwise (API reference §2.6)."""

from __future__ import annotations

from django.core.cache import cache

from .engine.context import shop_config
from .forms import DELIVERY_COMPANIES
from .models import Shop
from .platforms.adapter import NotSupported
from .platforms.registry import get_adapter

# The lists change when a platform adds a company: a day old is fresh enough, and saves a call per form.
CACHE_SECONDS = 24 * 3600


def delivery_company_choices(shop: Shop) -> list[tuple[str, str]]:
    """``(company id, name)`` pairs for the shipping form. Raises the platform's errors (the caller shows them)."""
    key = f"delivery-companies:{shop.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        companies = get_adapter(shop_config(shop)).delivery_companies()
    except NotSupported:
        return list(DELIVERY_COMPANIES)
    choices = [(company.company_id, company.name or company.company_id) for company in companies]
    cache.set(key, choices, CACHE_SECONDS)
    return choices
