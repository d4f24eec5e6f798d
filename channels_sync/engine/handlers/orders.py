"""Orders: pulled in windows, stored once (a new paid order takes its items off the local stock), shipped, closed."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from products.models import Sku

from ...models import (
    Order,
    OrderItem,
    RemoteSkuStock,
    StockMovement,
    SyncJob,
)
from ...platforms.adapter import RemoteOrder
from ...platforms.errors import RejectedError
from ..bindings import remote_product_map
from ..context import JobContext
from ..fanout import stock_push_enqueue
from ..registry import handles

logger = logging.getLogger("channels_sync.jobs")

# How far back the first order pull of a shop reaches, and how much each pull overlaps the previous one
# (orders created during a pull must not fall between two windows).
ORDERS_FIRST_PULL_DAYS = 30
ORDERS_PULL_OVERLAP = timedelta(minutes=10)


@handles(SyncJob.Kind.ORDERS_PULL)
def handle_orders_pull(ctx: JobContext) -> dict:
    until = timezone.now()
    since = ctx.shop.orders_pulled_until
    since = (since - ORDERS_PULL_OVERLAP) if since else until - timedelta(days=ORDERS_FIRST_PULL_DAYS)
    orders = ctx.adapter.orders_pull(since=since, until=until)
    created = sum(order_store(shop=ctx.shop, remote=order) for order in orders)
    type(ctx.shop).objects.filter(pk=ctx.shop.pk).update(orders_pulled_until=until)
    return {"orders": len(orders), "new": created, "since": since.isoformat(), "until": until.isoformat()}


@handles(SyncJob.Kind.ORDER_PULL_ONE)
def handle_order_pull_one(ctx: JobContext) -> dict:
    remote = ctx.adapter.order_get(remote_order_id=ctx.job.params["remote_order_id"])
    created = order_store(shop=ctx.shop, remote=remote)
    return {"order": remote.remote_order_id, "new": created}


def order_store(*, shop, remote: RemoteOrder) -> bool:
    """Insert or refresh one order; a new paid order takes its items off the local stock once."""
    fields = {
        "status": remote.status,
        "total_price": remote.total_price,
        "express_price": remote.express_price,
        "remote_created_at": remote.created_at,
        "buyer_openid": remote.buyer_openid,
        "buyer_nick": remote.buyer_nick,
        "receiver_name": remote.receiver_name,
        "receiver_province": remote.receiver_province,
        "receiver_city": remote.receiver_city,
        "receiver_zone": remote.receiver_zone,
        "receiver_address": remote.receiver_address,
        "receiver_mobile": remote.receiver_mobile,
        "receiver_phone": remote.receiver_phone,
        "delivery_company": remote.delivery_company,
        "delivery_track_no": remote.delivery_track_no,
        "trans_id": remote.trans_id,
        "raw": dict(remote.raw),
        "pulled_at": timezone.now(),
    }
    with transaction.atomic():
        order, created = Order.objects.select_for_update().update_or_create(
            shop=shop, remote_order_id=remote.remote_order_id, defaults=fields
        )
        if created:
            product_ids = remote_product_map(shop, {i.remote_product_id for i in remote.items})
            for item in remote.items:
                OrderItem.objects.create(
                    order=order,
                    remote_product_id=item.remote_product_id,
                    remote_sku_key=item.remote_sku_key,
                    product_name=item.product_name,
                    price=item.price,
                    count=item.count,
                    image_url=item.image_url,
                    sku=_local_sku(product_ids.get(item.remote_product_id), item.remote_sku_key),
                )
        if not order.stock_applied:
            _apply_order_stock(shop, order)
    return created


def _local_sku(product_id: int | None, sku_key: str) -> Sku | None:
    if product_id is None:
        return None
    return Sku.objects.filter(product_id=product_id, spec_key=sku_key).first()


def _apply_order_stock(shop, order: Order) -> None:
    """The platform took the sold quantity off its stock already: do the same locally, without pushing it back.

    Both the local stock and the shop's synced baseline drop by the same amount, so the next stock push for
    this shop sends nothing for the sale; other shops get the lower stock as a delta.
    """
    for item in order.items.filter(sku__isnull=False).select_related("sku__product"):
        sku = item.sku
        Sku.objects.filter(pk=sku.pk).update(stock=Greatest(F("stock") - item.count, Value(0)))
        sku.refresh_from_db(fields=["stock"])
        StockMovement.objects.create(
            sku=sku,
            delta=-item.count,
            stock_after=sku.stock,
            reason=StockMovement.Reason.ORDER,
            note=order.remote_order_id,
        )
        RemoteSkuStock.objects.filter(shop=shop, sku=sku).update(synced_stock=F("synced_stock") - item.count)
        stock_push_enqueue(product=sku.product, exclude_shop=shop)
    Order.objects.filter(pk=order.pk).update(stock_applied=True)


@handles(SyncJob.Kind.ORDER_SET_DELIVERY)
def handle_order_set_delivery(ctx: JobContext) -> dict:
    params = ctx.job.params
    order = Order.objects.get(pk=ctx.job.target_id)
    if ctx.job.outcome_unknown:
        current = ctx.adapter.order_get(remote_order_id=order.remote_order_id)
        if current.status != Order.Status.AWAITING_SHIPMENT:
            order_store(shop=ctx.shop, remote=current)
            return {"order": order.remote_order_id, "already_applied": True}
    ctx.adapter.order_set_delivery(
        remote_order_id=order.remote_order_id,
        need_delivery=params["need_delivery"],
        company=params.get("company", ""),
        track_no=params.get("track_no", ""),
        is_others=params.get("is_others", False),
    )
    order_store(shop=ctx.shop, remote=ctx.adapter.order_get(remote_order_id=order.remote_order_id))
    return {"order": order.remote_order_id}


@handles(SyncJob.Kind.ORDER_CLOSE)
def handle_order_close(ctx: JobContext) -> dict:
    order = Order.objects.get(pk=ctx.job.target_id)
    try:
        ctx.adapter.order_close(remote_order_id=order.remote_order_id)
    except RejectedError:
        if not ctx.job.outcome_unknown:
            raise
    order_store(shop=ctx.shop, remote=ctx.adapter.order_get(remote_order_id=order.remote_order_id))
    return {"order": order.remote_order_id}
