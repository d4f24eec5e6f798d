"""Stock: deltas per SKU from the last synced stock, settled by reading when an answer was lost; reconcile reads."""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from products.models import Sku

from ...models import (
    RemoteSkuStock,
    SyncJob,
)
from ...platforms.adapter import Capability
from ..bindings import (
    binding_record_success,
    detects_missing_product,
    product_missing_in_shop,
    remote_status_word,
)
from ..context import JobContext, JobFailed
from ..registry import handles
from .products import handle_product_publish, job_product, require_bound_product

logger = logging.getLogger("channels_sync.jobs")


@handles(SyncJob.Kind.STOCK_PUSH)
@detects_missing_product
def handle_stock_push(ctx: JobContext) -> dict:
    """Bring each SKU's remote quantity in line with the local stock, one delta per SKU (design §4 "Stock").

    The delta is the local stock minus the stock last synced, so every movement since the last push is sent
    as one call; SKUs go one at a time. Before a delta is sent the remote quantity is read and the delta is
    recorded as in flight, so a lost answer is settled by reading again instead of sending twice.
    """
    product = job_product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = require_bound_product(ctx, product)
    if Capability.STOCK_IN_PAYLOAD in ctx.adapter.capabilities:
        # The product body carries the stock there (see Capability.STOCK_IN_PAYLOAD).
        return handle_product_publish(ctx)
    if Capability.DRAFT in ctx.adapter.capabilities and not binding.listed_once:
        # A drafted platform takes stock updates only once the product has been listed; listing queues this again.
        return {"remote_id": binding.remote_id, "skipped": "never listed"}
    sent = {}
    quantities = _RemoteQuantities(ctx, binding.remote_id)
    for sku in product.skus.order_by("position", "pk"):
        state, _ = RemoteSkuStock.objects.get_or_create(
            shop=ctx.shop, sku=sku, defaults={"remote_sku_key": sku.spec_key, "synced_stock": sku.stock}
        )
        key = state.remote_sku_key or sku.spec_key
        if state.in_flight_delta is not None:
            _settle_in_flight_delta(ctx, state, quantities.get(key))
        delta = Sku.objects.values_list("stock", flat=True).get(pk=sku.pk) - state.synced_stock
        if delta == 0:
            continue
        remote_before = quantities.get(key)
        if delta < 0 and remote_before + delta < 0:
            raise JobFailed(
                _(
                    "The shop holds %(remote)d of %(sku)s, fewer than the %(count)d to take off: reconcile the "
                    "stock first."
                )
                % {"remote": remote_before, "sku": sku.spec_label or key or _("the SKU"), "count": -delta}
            )
        RemoteSkuStock.objects.filter(pk=state.pk).update(
            in_flight_delta=delta, in_flight_remote_before=remote_before, remote_stock=remote_before
        )
        ctx.adapter.stock_change(remote_id=binding.remote_id, sku_key=key, delta=delta)
        RemoteSkuStock.objects.filter(pk=state.pk).update(
            synced_stock=F("synced_stock") + delta,
            remote_stock=remote_before + delta,
            remote_stock_read_at=timezone.now(),
            in_flight_delta=None,
            in_flight_remote_before=None,
        )
        sent[key or "-"] = delta
    return {"remote_id": binding.remote_id, "deltas": sent}


class _RemoteQuantities:
    """Each SKU's remote quantity, read once per job: in one call where the platform reads a whole product."""

    def __init__(self, ctx: JobContext, remote_id: str):
        self.ctx = ctx
        self.remote_id = remote_id
        self._all = None
        self._read_all = False

    def get(self, key: str) -> int:
        if not self._read_all:
            self._all = self.ctx.adapter.stock_read_all(remote_id=self.remote_id)
            self._read_all = True
        if self._all is not None and key in self._all:
            return self._all[key]
        return self.ctx.adapter.stock_read(remote_id=self.remote_id, sku_key=key)


def _settle_in_flight_delta(ctx: JobContext, state: RemoteSkuStock, remote_now: int) -> None:
    """A delta was sent but its answer never came: the remote quantity tells whether it was applied."""
    applied = remote_now - state.in_flight_remote_before == state.in_flight_delta
    fields = {
        "in_flight_delta": None,
        "in_flight_remote_before": None,
        "remote_stock": remote_now,
        "remote_stock_read_at": timezone.now(),
    }
    if applied:
        fields["synced_stock"] = F("synced_stock") + state.in_flight_delta
    RemoteSkuStock.objects.filter(pk=state.pk).update(**fields)
    logger.info(
        "sync.stock.in_flight_settled",
        extra={"shop_id": ctx.shop.pk, "sku_id": state.sku_id, "applied": applied, "delta": state.in_flight_delta},
    )
    state.refresh_from_db()


@handles(SyncJob.Kind.STOCK_RECONCILE)
@detects_missing_product
def handle_stock_reconcile(ctx: JobContext) -> dict:
    """Read the remote quantity of every SKU of a product and record the drift (nothing is changed)."""
    product = job_product(ctx)
    if product is None:
        return {"skipped": "product deleted"}
    binding = require_bound_product(ctx, product)
    remote = ctx.adapter.product_get(remote_id=binding.remote_id)
    if not remote.exists:
        raise product_missing_in_shop(binding, remote.missing_errcode, remote.missing_errmsg)
    drift = {}
    for sku in product.skus.all():
        state, _ = RemoteSkuStock.objects.get_or_create(
            shop=ctx.shop, sku=sku, defaults={"remote_sku_key": sku.spec_key, "synced_stock": sku.stock}
        )
        quantity = remote.stock_by_sku_key.get(state.remote_sku_key or sku.spec_key)
        RemoteSkuStock.objects.filter(pk=state.pk).update(remote_stock=quantity, remote_stock_read_at=timezone.now())
        drift[sku.spec_key or "-"] = None if quantity is None else sku.stock - quantity
    binding_record_success(binding, remote_status=remote_status_word(remote))
    return {"drift": drift}
