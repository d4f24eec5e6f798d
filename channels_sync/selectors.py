"""Reads that the admin, the previews and the handlers share (no writes, no calls to a shop)."""

from __future__ import annotations

from django.apps import apps

from products.models import Product

from .models import Shop
from .platforms.registry import platform_entry


def product_options_for(shop: Shop, product: Product) -> dict:
    """The product's own settings for the shop's platform (the open platform's overrides), as plain values; empty
    where the platform declares no such settings (``product_options_model`` in ``platforms/registry.py``)."""
    model_label = platform_entry(shop.platform).product_options_model
    if not model_label:
        return {}
    options = apps.get_model(model_label).objects.filter(product=product).first()
    return options.as_options() if options is not None else {}
