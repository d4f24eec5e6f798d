"""Shipping an order: the delivery companies a shop ships with (the platform's own list where its API has one
(Channels, mini-shop), read once a day; the V1.17 manual's table otherwise, API reference §2.6), what is left to
ship of each line, and the job params of a parcel (partial delivery)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from .engine.context import shop_config
from .engine.params import OrderSetDeliveryParams, ParcelItemParams, ParcelParams
from .forms import DELIVERY_COMPANIES
from .models import Order, Shop, SyncJob
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


def pieces_left(order: Order) -> dict[int, int]:
    """Per order line (its pk): the pieces neither shipped, refunded, nor in a parcel queued and not done yet.

    A parcel queued a moment ago has not reached the shop, so the order's counts do not show it: counting the
    active parcel jobs too keeps a second parcel from asking for the same pieces (the platform would refuse it). A
    whole-order delivery queued leaves nothing.
    """
    items = list(order.items.all())
    queued: dict[tuple[str, str], int] = {}
    jobs = SyncJob.objects.filter(
        target_type=ContentType.objects.get_for_model(Order),
        target_id=order.pk,
        kind=SyncJob.Kind.ORDER_SET_DELIVERY,
        state__in=SyncJob.ACTIVE_STATES,
    ).values_list("params", flat=True)
    for params in jobs:
        if not params.get("parcels"):
            # A whole-order delivery is queued: it ships every piece left.
            return {item.pk: 0 for item in items}
        for parcel in params["parcels"]:
            for item in parcel["items"]:
                key = (item["remote_product_id"], item["remote_sku_key"])
                queued[key] = queued.get(key, 0) + item["count"]
    left = {}
    for item in items:
        key = (item.remote_product_id, item.remote_sku_key)
        free = max(item.count - item.delivered_count - item.refunded_count, 0)
        taken = min(free, queued.get(key, 0))
        # Two lines of one SKU share the queued pieces: the first takes what it can, the rest go to the next.
        queued[key] = queued.get(key, 0) - taken
        left[item.pk] = free - taken
    return left


def parcel_params(*, order: Order, pieces: dict[int, int], company: str, track_no: str) -> OrderSetDeliveryParams:
    """The params of the ``order_set_delivery`` job of one parcel of ``pieces`` (order line pk → count above 0)
    with its company and tracking number. The form checked the counts against :func:`pieces_left`; the platform
    checks them again."""
    lines = {item.pk: item for item in order.items.all()}
    items = tuple(
        ParcelItemParams(
            remote_product_id=lines[pk].remote_product_id, remote_sku_key=lines[pk].remote_sku_key, count=count
        )
        for pk, count in pieces.items()
        if count > 0
    )
    parcel = ParcelParams(company=company, track_no=track_no, items=items)
    return OrderSetDeliveryParams(need_delivery=True, parcels=(parcel,))
