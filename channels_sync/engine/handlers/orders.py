"""Orders: pulled in windows (the cursor ``Shop.orders_pulled_until`` survives restarts) or one by one when an
event names them; stored with their after-sales; each store brings the local stock in line with what the order's
lines hold (``order_stock``); shipped, closed, and their after-sales accepted or rejected."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from products.models import Sku

from ...models import (
    AfterSale,
    Order,
    OrderItem,
    RemoteSkuStock,
    StockMovement,
    SyncJob,
    awaiting_shipment,
)
from ...platforms.adapter import Capability
from ...platforms.errors import RejectedError
from ...platforms.order_types import ParcelItem, RemoteAfterSale, RemoteOrder, RemoteOrderItem, RemoteParcel
from ...platforms.registry import has_capability
from ..bindings import remote_product_map
from ..context import JobContext
from ..fanout import stock_push_enqueue
from ..order_stock import line_changes
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
    created = sum(order_store(shop=ctx.shop, remote=order, aftersales=_aftersales_read(ctx, order)) for order in orders)
    type(ctx.shop).objects.filter(pk=ctx.shop.pk).update(orders_pulled_until=until)
    return {"orders": len(orders), "new": created, "since": since.isoformat(), "until": until.isoformat()}


@handles(SyncJob.Kind.ORDER_PULL_ONE)
def handle_order_pull_one(ctx: JobContext) -> dict:
    remote = ctx.adapter.order_get(remote_order_id=ctx.params.remote_order_id)
    aftersales = _aftersales_read(ctx, remote)
    created = order_store(shop=ctx.shop, remote=remote, aftersales=aftersales)
    return {"order": remote.remote_order_id, "new": created, "aftersales": len(aftersales)}


def _aftersales_read(ctx: JobContext, remote: RemoteOrder) -> list[RemoteAfterSale]:
    """The order's after-sales, read one by one (the order names them; Channels)."""
    if not has_capability(ctx.shop.platform, Capability.AFTERSALES):
        return []
    return [
        ctx.adapter.aftersale_get(remote_aftersale_id=after_sale_id) for after_sale_id in remote.remote_aftersale_ids
    ]


def aftersales_store(order: Order, aftersales: list[RemoteAfterSale]) -> None:
    for after_sale in aftersales:
        AfterSale.objects.update_or_create(
            order=order,
            remote_aftersale_id=after_sale.remote_aftersale_id,
            defaults={
                "kind": after_sale.kind,
                "status": after_sale.status,
                "awaiting_merchant": after_sale.awaiting_merchant,
                "refunded": after_sale.refunded,
                "remote_product_id": after_sale.remote_product_id,
                "remote_sku_key": after_sale.remote_sku_key,
                "count": after_sale.count,
                "amount": after_sale.amount,
                "remote_updated_at": after_sale.updated_at,
                "raw": dict(after_sale.raw),
            },
        )


def order_store(*, shop, remote: RemoteOrder, aftersales: list[RemoteAfterSale] = ()) -> bool:
    """Insert or refresh one order, and bring the local stock in line with what its lines hold now
    (``order_stock``): a paid order takes its pieces once, however often it is seen; a cancellation or a refund
    gives them back once."""
    fields = {
        "status": remote.status,
        "stage": remote.stage,
        "total_price": remote.total_price,
        "express_price": remote.express_price,
        "remote_created_at": remote.created_at,
        "remote_updated_at": remote.updated_at,
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
                    delivered_count=item.delivered_count,
                    refunded_count=item.refunded_count,
                    image_url=item.image_url,
                    sku=_local_sku(shop, product_ids.get(item.remote_product_id), item),
                )
        else:
            for item in remote.items:
                order.items.filter(remote_product_id=item.remote_product_id, remote_sku_key=item.remote_sku_key).update(
                    delivered_count=item.delivered_count, refunded_count=item.refunded_count
                )
        aftersales_store(order, aftersales)
        _apply_order_stock(shop, order, remote)
    return created


def _local_sku(shop, product_id: int | None, item: RemoteOrderItem) -> Sku | None:
    """The local SKU of an order line: by the remote SKU id the shop's stock is kept under (Channels, mini-shop),
    by the V1.17 spec key, or by the out_sku_id the line carries."""
    if product_id is None:
        return None
    skus = Sku.objects.filter(product_id=product_id)
    held = RemoteSkuStock.objects.filter(shop=shop, remote_sku_key=item.remote_sku_key, sku__product_id=product_id)
    match = held.values_list("sku_id", flat=True).first()
    if match is not None:
        return skus.get(pk=match)
    by_key = skus.filter(spec_key=item.remote_sku_key).first()
    if by_key is not None or not item.out_sku_id:
        return by_key
    return skus.filter(out_sku_id=item.out_sku_id).first()


def _apply_order_stock(shop, order: Order, remote: RemoteOrder) -> None:
    """Move each line's hold on the local stock to what it should be now.

    A sale: the platform took the pieces off its stock already, so the local stock and the shop's synced baseline
    drop together and nothing is sent back to it; other shops get the lower stock as a delta. A give-back (a
    cancellation, a refund): the platform keeps its stock (Channels, reference §3.4), so only the local stock
    rises and every shop, this one included, gets the pieces back as a delta.
    """
    items = list(order.items.filter(sku__isnull=False).select_related("sku__product"))
    held: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.remote_product_id, item.remote_sku_key)
        held[key] = held.get(key, 0) + item.stock_held
    first_item = {}
    for item in items:
        first_item.setdefault((item.remote_product_id, item.remote_sku_key), item)
    for change in line_changes(remote, held):
        item = first_item.get((change.remote_product_id, change.remote_sku_key))
        if item is None:
            # A line of a product not bound here: the local stock knows nothing of it.
            continue
        sku = item.sku
        Sku.objects.filter(pk=sku.pk).update(stock=Greatest(F("stock") + change.delta, Value(0)))
        sku.refresh_from_db(fields=["stock"])
        StockMovement.objects.create(
            sku=sku,
            delta=change.delta,
            stock_after=sku.stock,
            reason=StockMovement.Reason.ORDER,
            note=order.remote_order_id,
        )
        OrderItem.objects.filter(pk=item.pk).update(stock_held=F("stock_held") - change.delta)
        if change.origin_moved_already:
            # The shop took the order off its own quantity: the baseline the next push starts from moves with it.
            RemoteSkuStock.objects.filter(shop=shop, sku=sku).update(
                synced_stock=F("synced_stock") + change.delta, remote_stock=F("remote_stock") + change.delta
            )
            stock_push_enqueue(product=sku.product, exclude_shop=shop)
        else:
            stock_push_enqueue(product=sku.product)


@handles(SyncJob.Kind.ORDER_SET_DELIVERY)
def handle_order_set_delivery(ctx: JobContext) -> dict:
    """Ship the whole order (V1.17-shaped params), or the parcels the merchant made up (``params.parcels``:
    company, tracking number and pieces each: a partial delivery)."""
    params = ctx.params
    order = Order.objects.get(pk=ctx.job.target_id)
    parcels = tuple(
        RemoteParcel(
            company=parcel.company,
            track_no=parcel.track_no,
            items=tuple(ParcelItem(item.remote_product_id, item.remote_sku_key, item.count) for item in parcel.items),
        )
        for parcel in params.parcels
    )
    if ctx.job.outcome_unknown:
        current = ctx.adapter.order_get(remote_order_id=order.remote_order_id)
        if _already_shipped(current, parcels):
            order_store(shop=ctx.shop, remote=current)
            return {"order": order.remote_order_id, "already_applied": True}
    if parcels:
        ctx.adapter.order_ship(remote_order_id=order.remote_order_id, parcels=parcels)
    else:
        ctx.adapter.order_set_delivery(
            remote_order_id=order.remote_order_id,
            need_delivery=params.need_delivery,
            company=params.company,
            track_no=params.track_no,
            is_others=params.is_others,
        )
    order_store(shop=ctx.shop, remote=ctx.adapter.order_get(remote_order_id=order.remote_order_id))
    return {"order": order.remote_order_id, "parcels": len(parcels)}


def _already_shipped(current: RemoteOrder, parcels: tuple[RemoteParcel, ...]) -> bool:
    """After a lost answer: the whole order went if it no longer awaits shipment; parcels went if the shop shows
    each of their tracking numbers already (a tracking number is one parcel)."""
    if not parcels:
        return not awaiting_shipment(current.stage, current.status)
    shipped = {parcel.track_no for parcel in current.parcels if parcel.track_no}
    return all(parcel.track_no in shipped for parcel in parcels)


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


@handles(SyncJob.Kind.AFTERSALE_ACCEPT)
def handle_aftersale_accept(ctx: JobContext) -> dict:
    return _aftersale_decide(ctx, accept=True)


@handles(SyncJob.Kind.AFTERSALE_REJECT)
def handle_aftersale_reject(ctx: JobContext) -> dict:
    return _aftersale_decide(ctx, accept=False)


def _aftersale_decide(ctx: JobContext, *, accept: bool) -> dict:
    """Accept or reject, then read the order again: an accepted refund gives its pieces back through the order's
    refunded counts (``order_store``). A repeat after a lost answer reads first and does nothing twice."""
    after_sale = AfterSale.objects.select_related("order").get(pk=ctx.job.target_id)
    remote_id = after_sale.remote_aftersale_id
    current = ctx.adapter.aftersale_get(remote_aftersale_id=remote_id)
    if current.awaiting_merchant:
        if accept:
            ctx.adapter.aftersale_accept(remote_aftersale_id=remote_id)
        else:
            ctx.adapter.aftersale_reject(
                remote_aftersale_id=remote_id, reason_type=ctx.params.reason_type, reason=ctx.params.reason
            )
    # Kept once the platform took it: just now, or by the attempt whose answer was lost (closed, not refunded).
    rejected = current.awaiting_merchant or (ctx.job.outcome_unknown and current.closed and not current.refunded)
    if not accept and rejected:
        AfterSale.objects.filter(pk=after_sale.pk).update(
            reject_reason_type=ctx.params.reason_type,
            reject_reason_label=ctx.params.reason_label,
            reject_reason=ctx.params.reason,
        )
    remote = ctx.adapter.order_get(remote_order_id=after_sale.order.remote_order_id)
    order_store(shop=ctx.shop, remote=remote, aftersales=_aftersales_read(ctx, remote))
    return {"aftersale": remote_id, "already_decided": not current.awaiting_merchant}
